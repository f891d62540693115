"""The admin page (static HTML, scripts and styles from shared/web/) and the admin API's OpenAPI document.

All three routes are anonymous: they hold no data. The page's scripts call the admin API with the function key
the admin pastes (sent as x-functions-key) or, in Azure, the App Service Authentication cookie. Where a principal is
required (Azure), a browser without a session is first sent to sign in (shared/services/sign_in.py).
"""

from __future__ import annotations

import html
from pathlib import Path
from urllib.parse import urlsplit

import azure.functions as func

from functions._http import json_response, problem
from shared.bootstrap import get_services
from shared.services.sign_in import sign_in_location
from shared.web.openapi import openapi_document

bp_admin_page = func.Blueprint()
WEB = Path(__file__).resolve().parents[1] / "shared" / "web"
TYPES = {".js": "text/javascript", ".css": "text/css"}
# No inline script or style, nothing from elsewhere: the page only talks to this app.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
       "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
           "Cache-Control": "no-cache"}


def _assets() -> dict[str, tuple[bytes, str]]:
    files = [*WEB.iterdir(), *(WEB / "vendor").iterdir()]  # vendor/: chart.js, served from here (no CDN)
    return {p.name: (p.read_bytes(), TYPES[p.suffix]) for p in files if p.suffix in TYPES}


def _page(path: str) -> str:
    # Relative asset and API URLs resolve against the page's own path, whatever the host's route prefix.
    base = html.escape(path.rstrip("/") + "/", quote=True)
    page = html.escape(path, quote=True)  # in-page links: "#x" alone would resolve against <base>, another URL
    return (WEB / "admin.html").read_text(encoding="utf-8").replace("{{base}}", base).replace("{{page}}", page)


@bp_admin_page.function_name("AdminPage")
@bp_admin_page.route(route="manage/ui", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def admin_page(req: func.HttpRequest) -> func.HttpResponse:
    location = sign_in_location(req.headers.get("x-ms-client-principal"),
                                get_services().settings.admin_require_principal.lower() == "true",
                                urlsplit(req.url).path)
    if location:
        return func.HttpResponse(status_code=302, headers={"Location": location, "Cache-Control": "no-store"})
    return func.HttpResponse(_page(urlsplit(req.url).path), mimetype="text/html", charset="utf-8",
                             headers=HEADERS)


@bp_admin_page.function_name("AdminPageAsset")
@bp_admin_page.route(route="manage/ui/{name}", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def admin_page_asset(req: func.HttpRequest) -> func.HttpResponse:
    found = _assets().get(req.route_params.get("name", ""))
    if found is None:
        return problem(404, "No such asset", "the admin page has no file by that name")
    body, mimetype = found
    return func.HttpResponse(body, mimetype=mimetype, charset="utf-8", headers=HEADERS)


@bp_admin_page.function_name("AdminOpenApi")
@bp_admin_page.route(route="manage/openapi.json", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def admin_openapi(req: func.HttpRequest) -> func.HttpResponse:
    return json_response(openapi_document(), headers={"Cache-Control": "no-cache"})
