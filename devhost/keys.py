"""Function keys, checked like the Functions host does for HTTP auth levels and the admin API.

ANONYMOUS is open. FUNCTION accepts the function key or the master key; ADMIN (and the admin API), SYSTEM and
USER only the master key (the admin key meets every level: ``AuthUtility.PrincipalHasAuthLevelClaim`` in
azure-functions-host ``src/WebJobs.Script.WebHost/Security/Authorization/AuthUtility.cs``; there are no
system keys or signed-in users locally). The key comes from the ``x-functions-key`` header or the ``code``
query parameter. When neither ``DEVHOST_FUNCTION_KEY`` nor ``DEVHOST_MASTER_KEY`` is set, keys are not
checked at all, like ``func start``.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Mapping
from dataclasses import dataclass

ANONYMOUS, FUNCTION, ADMIN = "anonymous", "function", "admin"


@dataclass(frozen=True, slots=True)
class Keys:
    function_key: str = ""
    master_key: str = ""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Keys:
        return cls(environ.get("DEVHOST_FUNCTION_KEY", ""), environ.get("DEVHOST_MASTER_KEY", ""))

    @property
    def enforced(self) -> bool:
        return bool(self.function_key or self.master_key)

    def allows(self, level: str, headers: Mapping[str, str], query: Mapping[str, str]) -> bool:
        """Whether a request carrying ``headers``/``query`` may call something at auth ``level``."""
        if level == ANONYMOUS or not self.enforced:
            return True
        given = headers.get("x-functions-key") or query.get("code") or ""
        accepted = [self.function_key, self.master_key] if level == FUNCTION else [self.master_key]
        # compare_digest on every candidate: no early exit that leaks which key matched
        matches = [bool(key) and hmac.compare_digest(given.encode(), key.encode()) for key in accepted]
        return any(matches)
