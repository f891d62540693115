"""Read-only checks of a live iMIS for the preflight (``shared.services.crm_check``): what the site declares for
each entity the adapter writes, and whether it honours the capture-key filter crash recovery relies on."""

from __future__ import annotations

import secrets
from typing import Any

from shared.adapters.imis_wire import listed
from shared.domain.errors import CrmRejected

ENTITIES = {"activity": "Activity", "interaction": "CommunicationLogRecipient", "attachment": "Attachment"}
PARENT_COLUMN = {"activity": "PartyId", "interaction": "RecipientId"}
KEY_COLUMN = {"activity": "UF_1", "interaction": "CaptureKey"}  # UNCONFIRMED spellings (crm-apis.md §3.2, §4)
_FIXED = {"activity": ("PartyId", "ACTIVITY_TYPE", "UF_1"),
          "interaction": ("RecipientId", "Subject", "Html", "MessageType", "EmailTo", "CaptureKey"),
          "attachment": ("FileName", "ContentType", "Data")}


class ImisProbe:
    """Mixed into ``ImisCrmClient``; ``_get`` is its authenticated GET."""

    def _get(self, path: str) -> dict[str, Any]:
        raise NotImplementedError

    def _bearer(self, renew: bool = False) -> str:
        raise NotImplementedError

    def check_token(self) -> None:
        self._bearer(renew=True)

    def fields_written(self, kind: str, mapped: tuple[str, ...]) -> tuple[str, ...]:
        """The columns a write of this kind sends: the adapter's own plus the admin's mapping."""
        extra = ("AttachmentNames",) if kind == "interaction" else ()
        return tuple(dict.fromkeys((*_FIXED[kind], *mapped, *extra)))

    def entity_fields(self, kind: str) -> tuple[frozenset[str], str] | None:
        """Property names the site declares (``GET /api/metadata/{entity}``), else those of one stored record;
        None when neither answers. Names compare case-insensitively (iMIS paths and names are)."""
        entity = ENTITIES[kind]
        try:
            definition = self._get(f"/api/metadata/{entity}")
            names = {str(p.get("Name")) for p in listed(definition.get("Properties")) if isinstance(p, dict)}
            if names:
                return frozenset(n.lower() for n in names), f"GET /api/metadata/{entity}"
        except CrmRejected:
            pass  # 404/501 on sites without the metadata operation: read a record instead
        if kind == "attachment":
            return None
        page = self._get(f"/api/{entity}?limit=1")
        records = listed(page.get("Items"))
        if not records:
            return None
        names = {str(p.get("Name")) for p in listed(records[0].get("Properties")) if isinstance(p, dict)}
        return frozenset(n.lower() for n in names), f"one stored {entity} record"

    def key_filter_honoured(self, kind: str) -> bool | None:
        """Ask for records carrying a key nobody wrote: a site that honours the filter answers none; one that
        ignores it answers other records (then crash recovery must not trust the filter). None: no records
        exist to tell the difference."""
        entity, column = ENTITIES[kind], KEY_COLUMN[kind]
        nonce = "preflight-" + secrets.token_hex(8)
        try:
            filtered = listed(self._get(f"/api/{entity}?{column}=eq:{nonce}&limit=1").get("Items"))
        except CrmRejected:
            return False  # the site refuses to filter on the column: recovery cannot look records up by key
        if filtered:
            return False
        return True if listed(self._get(f"/api/{entity}?limit=1").get("Items")) else None
