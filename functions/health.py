"""Liveness probe: answers without touching storage, Graph or the CRM."""

import azure.functions as func

bp_health = func.Blueprint()


@bp_health.function_name("Health")
@bp_health.route(route="health", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def health(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse('{"status":"ok"}', mimetype="application/json")
