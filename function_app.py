"""Azure Functions entry point (Python v2 model): registers the blueprints in functions/ and nothing else."""

import azure.functions as func

from functions.admin_erasure import bp_admin_erasure
from functions.admin_insights import bp_admin_insights
from functions.admin_ops import bp_admin_ops
from functions.admin_options import bp_admin_options
from functions.admin_page import bp_admin_page
from functions.graph_webhook import bp_graph_webhook
from functions.health import bp_health
from functions.mail_worker import bp_mail_worker
from functions.timers import bp_timers

app = func.FunctionApp(http_auth_level=func.AuthLevel.FUNCTION)
for blueprint in (bp_health, bp_graph_webhook, bp_mail_worker, bp_timers, bp_admin_options, bp_admin_ops,
                  bp_admin_insights, bp_admin_page, bp_admin_erasure):
    app.register_functions(blueprint)
