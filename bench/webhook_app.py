"""The product's webhook and health functions alone: a host that accepts notifications with no queue worker.

The webhook benchmark runs it to measure acknowledgement latency without the worker competing for the same
process (``python -m devhost --app bench.webhook_app``); the full ``function_app`` is measured too.
"""

import azure.functions as func

from functions.graph_webhook import bp_graph_webhook
from functions.health import bp_health

app = func.FunctionApp(http_auth_level=func.AuthLevel.FUNCTION)
for blueprint in (bp_health, bp_graph_webhook):
    app.register_functions(blueprint)
