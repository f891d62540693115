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
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def caller_from_headers(principal_header: str | None, roles_claim: str) -> Caller:
    if not principal_header:
        return Caller("function-key", frozenset(), False)
    try:
        data = json.loads(base64.b64decode(principal_header))
    except (ValueError, TypeError) as exc:
        raise AccessDenied(401, "X-MS-CLIENT-PRINCIPAL is not valid base64 JSON") from exc
    claims = data.get("claims") or []
    role_types = {roles_claim, data.get("role_typ") or "roles"}
    roles = frozenset(str(c.get("val")) for c in claims if c.get("typ") in role_types)
    name_type = data.get("name_typ") or "name"
    name = next((str(c.get("val")) for c in claims if c.get("typ") == name_type), "unknown")
    return Caller(name, roles, True)


def authorise(caller: Caller, needed: Access, options: Options, require_principal: bool) -> None:
    if not caller.has_principal:
        if require_principal:
            raise AccessDenied(401, "sign in: this deployment requires an Entra ID principal")
        return
    writers = set(options.change_options_roles)
    allowed = writers if needed == Access.WRITE else writers | set(options.read_roles)
    if not caller.roles & allowed:
        raise AccessDenied(403, f"{caller.name} lacks a role allowed to {needed.value} ({', '.join(sorted(allowed))})")
