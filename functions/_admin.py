"""Shared wrapper for admin routes: authorise the caller, map domain errors to HTTP answers."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import azure.functions as func
from pydantic import ValidationError

from functions._http import BodyTooLarge, problem
from shared.bootstrap import get_services
from shared.domain.errors import (
    BadRequest,
    InvalidOptions,
    OptionsConflict,
    PermanentError,
    PreconditionRequired,
    Refused,
    ResourceNotFound,
    TransientError,
    UnparseableMessage,
)
from shared.services.access import Access, AccessDenied, Caller, authorise, caller_from_headers
from shared.services.deps import Services
from shared.services.sign_in import admin_page_path, sign_in_location

Handler = Callable[[func.HttpRequest, Services, Caller], func.HttpResponse]


def admin(needed: Access) -> Callable[[Handler], Callable[[func.HttpRequest], func.HttpResponse]]:
    def wrap(handler: Handler) -> Callable[[func.HttpRequest], func.HttpResponse]:
        def run(req: func.HttpRequest) -> func.HttpResponse:
            try:
                deps = get_services()
                caller = caller_from_headers(req.headers.get("x-ms-client-principal"),
                                             deps.settings.admin_roles_claim)
                authorise(caller, needed, deps.current_options().options,
                          deps.settings.admin_require_principal.lower() == "true")
                return handler(req, deps, caller)
            except AccessDenied as exc:
                if exc.sign_in:  # the page offers this link: "Sign in again" (shared/web/session.js)
                    return problem(exc.status, "Sign-in required", str(exc), sign_in=sign_in_location(
                        None, True, admin_page_path(urlsplit(req.url).path)))
                return problem(exc.status, "Not allowed", str(exc))
            except InvalidOptions as exc:
                return problem(400, "Invalid options", "Every problem is listed with its field path; "
                               "the stored options are unchanged.",
                               errors=[{"field": path, "message": msg} for path, msg in exc.problems])
            except ValidationError as exc:
                return problem(400, "Invalid request", "See errors.", errors=[
                    {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()])
            except PreconditionRequired as exc:
                return problem(428, "Precondition required", str(exc))
            except OptionsConflict as exc:
                return problem(412, "Precondition failed", str(exc))
            except BodyTooLarge as exc:
                return problem(413, "Request body too large", str(exc))
            except Refused as exc:
                return problem(409, "Not done", str(exc))
            except BadRequest as exc:  # the caller's mistake, typed
                return problem(400, "Bad request", str(exc))
            except UnparseableMessage as exc:  # the .eml the caller sent
                return problem(400, "Unparseable message", str(exc))
            except ResourceNotFound as exc:  # what the request names does not exist at Graph (a mailbox…)
                return problem(404, "Not found", str(exc))
            except TransientError as exc:
                return problem(503, "Dependency unavailable", str(exc))
            except PermanentError as exc:
                return problem(502, "Dependency refused", str(exc))
        # Name and docstring only: no __wrapped__. The Python worker loads a function by inspect.signature(),
        # which follows __wrapped__; it would see (req, deps, caller) against the one binding 'req' and refuse
        # the function (azure-functions-python-worker, functions.py: Registry.validate_function_params).
        for attr in ("__module__", "__name__", "__qualname__", "__doc__"):
            setattr(run, attr, getattr(handler, attr))
        return run
    return wrap


def query_int(req: func.HttpRequest, name: str, default: int, high: int) -> int:
    raw = req.params.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()) or len(raw) > len(str(high)) or not 1 <= int(raw) <= high:
        raise BadRequest(f"{name} must be an integer from 1 to {high}")
    return int(raw)
