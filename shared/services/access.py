"""Who may do what on the admin API.

Every admin route needs the function key (the host checks it). In Azure, App Service Authentication adds
the signed-in principal as ``X-MS-CLIENT-PRINCIPAL`` (base64 JSON; the platform strips any client-sent
copy): its app roles decide. Writers hold one of the options' ``change_options_roles``; readers one of
those or ``read_roles``. With ADMIN_REQUIRE_PRINCIPAL=false (local development) a key holder is an admin.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from enum import StrEnum

from shared.domain.options import Options


class Access(StrEnum):
    READ = "read"
    WRITE = "write"


@dataclass(frozen=True, slots=True)
class Caller:
    name: str
    roles: frozenset[str]
    has_principal: bool


class AccessDenied(Exception):
    """``sign_in``: the caller has no sign-in session (never signed in, or its session expired), so signing in
    again is the remedy; the page then offers the platform's login link instead of asking for a key."""

    def __init__(self, status: int, message: str, *, sign_in: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.sign_in = sign_in


MAX_PRINCIPAL_CHARS = 16 * 1024  # App Service's header holds the token's claims: a few KB in practice


def _claims(data: object) -> tuple[list[dict[str, str]], str, str]:
    """The claims and the name/role claim types, or AccessDenied for anything not shaped like App Service's
    principal: {"auth_typ", "claims": [{"typ", "val"}], "name_typ", "role_typ"} (learn.microsoft.com/azure/
    app-service/configure-authentication-user-identities#access-user-claims-in-app-code)."""
    if not isinstance(data, dict):
        raise AccessDenied(401, "X-MS-CLIENT-PRINCIPAL is not a JSON object")
    claims, name_typ, role_typ = data.get("claims"), data.get("name_typ", ""), data.get("role_typ", "")
    if not isinstance(claims, list) or not isinstance(name_typ, str) or not isinstance(role_typ, str):
        raise AccessDenied(401, "X-MS-CLIENT-PRINCIPAL has malformed claims")
    for claim in claims:
        if not (isinstance(claim, dict) and isinstance(claim.get("typ"), str) and isinstance(claim.get("val"), str)):
            raise AccessDenied(401, "X-MS-CLIENT-PRINCIPAL has a claim that is not {typ, val} strings")
    return claims, name_typ or "name", role_typ or "roles"


def caller_from_headers(principal_header: str | None, roles_claim: str) -> Caller:
    """Anything malformed is refused with 401; only a well-formed principal is read."""
    if not principal_header:
        return Caller("function-key", frozenset(), False)
    if len(principal_header) > MAX_PRINCIPAL_CHARS:
        raise AccessDenied(401, "X-MS-CLIENT-PRINCIPAL is too long")
    try:
        data = json.loads(base64.b64decode(principal_header, validate=True))
    except (ValueError, TypeError, RecursionError) as exc:
        raise AccessDenied(401, "X-MS-CLIENT-PRINCIPAL is not valid base64 JSON") from exc
    claims, name_typ, role_typ = _claims(data)
    roles = frozenset(c["val"] for c in claims if c["typ"] in {roles_claim, role_typ})
    name = next((c["val"] for c in claims if c["typ"] == name_typ), "unknown")
    return Caller(name, roles, True)


def authorise(caller: Caller, needed: Access, options: Options, require_principal: bool) -> None:
    if not caller.has_principal:
        if require_principal:
            raise AccessDenied(401, "sign in: this deployment requires an Entra ID principal (no sign-in session, "
                               "or it expired)", sign_in=True)
        return
    writers = set(options.change_options_roles)
    allowed = writers if needed == Access.WRITE else writers | set(options.read_roles)
    if not caller.roles & allowed:
        raise AccessDenied(403, f"{caller.name} lacks a role allowed to {needed.value} ({', '.join(sorted(allowed))})")
