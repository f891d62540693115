"""Azure Functions entry point (Python v2 model): registers the blueprints in functions/ and nothing else."""

import azure.functions as func

from functions.health import bp_health

app = func.FunctionApp(http_auth_level=func.AuthLevel.FUNCTION)
for blueprint in (bp_health,):
    app.register_functions(blueprint)
