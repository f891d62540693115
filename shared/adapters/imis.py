"""iMIS REST adapter (``CrmClient``). Every iMIS field name and envelope stays in this module.

Wire format per the iMIS REST docs (see ../shared/reference/crm-apis.md): ``POST {site}/token`` password
grant; ``GET /api/Party?Email=eq:…`` PagedResult envelopes with ``$type``/``$values``; ``POST /api/Activity``
GenericEntityData. The capture key goes into the Activity's ``UF_1`` so a retry can find a record written
just before a crash (iMIS has no idempotency keys).
"""

from __future__ import annotations

import threading
import time
from contextlib import AbstractContextManager, nullcontext
from typing import Any
from urllib.parse import quote

import httpx

from shared.adapters.http_costs import lean_cookies
from shared.adapters.imis_probe import ENTITIES, KEY_COLUMN, PARENT_COLUMN, ImisProbe
from shared.adapters.imis_wire import (
    activity_body,
    attachment_body,
    carries,
    contact_from_party,
    interaction_body,
    listed,
    person_body,
    record_id,
    validation_message,
)
from shared.adapters.imis_wire import record_id as record_id_of
from shared.adapters.shared_limits import SharedSemaphore
from shared.domain.errors import CrmRejected, CrmUnavailable
from shared.domain.mapping import CrmRecord
from shared.domain.matching import ContactRef
from shared.ports import CrmFile

TRANSIENT = {408, 429, 500, 502, 503, 504}
PAGE = 100
SCAN_LIMIT = 2000  # records of one contact paged through when the site ignores the capture-key filter


def http_client(base_url: str) -> httpx.Client:
    """The connection pool for one iMIS site (cookies extracted only from responses that set some)."""
    client = httpx.Client(base_url=base_url, timeout=httpx.Timeout(30.0, connect=10.0))
    lean_cookies(client)
    return client


class ImisCrmClient(ImisProbe):
    def __init__(self, http: httpx.Client, username: str, password: str, max_concurrency: int = 4,
                 site_slots: SharedSemaphore | None = None) -> None:
        self._http, self._username, self._password = http, username, password
        self._token: tuple[str, float] | None = None
        self._lock = threading.Lock()
        # iMIS documents no rate limit; its Cloud tenants are shared, so few requests at once (crm-apis.md §5):
        # at most max_concurrency in this process, and with site_slots at most that many across all instances.
        self._slots = threading.BoundedSemaphore(max_concurrency)
        self._site_slots = site_slots
        self._site = str(http.base_url.host) or "imis"

    def _site_slot(self) -> AbstractContextManager[None]:
        return self._site_slots.hold(self._site) if self._site_slots is not None else nullcontext()

    # --- authentication -------------------------------------------------------------------------------
    def _bearer(self, renew: bool = False) -> str:
        with self._lock:
            if renew or self._token is None or self._token[1] < time.monotonic():
                answer = self._send("POST", "/token", auth=False, data={
                    "grant_type": "password", "username": self._username, "password": self._password})
                body = answer.json()
                self._token = (body["access_token"], time.monotonic() + int(body.get("expires_in", 1200)) - 60)
            return self._token[0]

    def _send(self, method: str, path: str, *, auth: bool = True, **kwargs: Any) -> httpx.Response:
        for attempt in (1, 2):
            headers = {"Authorization": f"Bearer {self._bearer(renew=attempt == 2)}"} if auth else {}
            try:
                with self._slots, self._site_slot():
                    answer = self._http.request(method, path, headers=headers, **kwargs)
            except httpx.TransportError as exc:  # timeouts, refused connections
                raise CrmUnavailable(f"iMIS did not answer: {type(exc).__name__}") from exc
            if answer.status_code == 401 and auth and attempt == 1:
                continue  # token expired or revoked: get a new one once
            break
        if answer.status_code in TRANSIENT:
            retry = answer.headers.get("Retry-After", "")
            raise CrmUnavailable(f"iMIS answered {answer.status_code}",
                                 retry_after=float(retry) if retry.isdigit() else None)
        if answer.status_code >= 400:
            raise CrmRejected(f"iMIS refused {method} {path.split('?')[0]}: {answer.status_code} "
                              f"{validation_message(answer)}", answer.status_code)
        return answer

    def _get(self, path: str) -> dict[str, Any]:
        body = self._send("GET", path).json()
        return body if isinstance(body, dict) else {}

    # --- contacts ---------------------------------------------------------------------------------------
    def _parties(self, query: str) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        offset = 0
        while True:
            page = self._get(f"/api/Party?{query}&limit={PAGE}&offset={offset}")
            out.extend(p for p in listed(page.get("Items")) if isinstance(p, dict))
            if not page.get("HasNext"):
                return out
            offset = int(page.get("NextOffset") or offset + PAGE)

    def find_contacts(self, email: str) -> tuple[ContactRef, ...]:
        parties = self._parties(f"Email=eq:{quote(email, safe='@')}")
        return tuple(contact_from_party(p) for p in parties)

    def find_organisations_by_domain(self, domain: str) -> tuple[ContactRef, ...]:
        # UNCONFIRMED on a live iMIS: an EndsWith filter on Email over Party, keeping organisations only.
        parties = self._parties(f"Email=endsWith:{quote('@' + domain, safe='@')}")
        return tuple(c for c in (contact_from_party(p) for p in parties) if c.is_organisation)

    def find_parties_by_domain(self, domain: str) -> tuple[ContactRef, ...]:
        # The same UNCONFIRMED EndsWith filter, persons and organisations (erasure of a domain).
        return tuple(contact_from_party(p) for p in self._parties(f"Email=endsWith:{quote('@' + domain, safe='@')}"))

    def create_contact(self, email: str, name: str) -> ContactRef:
        return contact_from_party(self._send("POST", "/api/Party", json=person_body(email, name)).json())

    # --- records ----------------------------------------------------------------------------------------
    def find_record(self, record: CrmRecord) -> str | None:
        """The record a crashed attempt wrote, found by its capture key. Whether iMIS honours a filter on that
        column is UNCONFIRMED (crm-apis.md §5), so a record is adopted only when it carries our key and contact
        itself; a site that ignores the filter is paged through (up to SCAN_LIMIT records), never trusted."""
        kind = record.kind
        base = (f"/api/{ENTITIES[kind]}?{PARENT_COLUMN[kind]}=eq:{quote(record.contact_id)}"
                f"&{KEY_COLUMN[kind]}=eq:{quote(record.capture_key)}")
        for offset in range(0, SCAN_LIMIT, PAGE):
            page = self._get(f"{base}&limit={PAGE}&offset={offset}")
            wanted = {KEY_COLUMN[kind]: record.capture_key, PARENT_COLUMN[kind]: record.contact_id}
            for entity in listed(page.get("Items")):
                if isinstance(entity, dict) and carries(entity, wanted):
                    return record_id(entity)
            if not page.get("HasNext"):
                return None
        raise CrmUnavailable(f"iMIS ignores the {KEY_COLUMN[kind]} filter and holds over {SCAN_LIMIT} records "
                             "for this contact: cannot tell whether this email was already written")

    def write_record(self, record: CrmRecord, files: list[CrmFile]) -> str:
        """The record itself; ``files`` are attached one by one (the service passes none and attaches each
        file as its own step, so a failed file never causes a second record)."""
        body = activity_body(record) if record.kind == "activity" else interaction_body(record)
        new_id = record_id(self._send("POST", f"/api/{ENTITIES[record.kind]}", json=body).json())
        for file in files:
            self.attach_file(record, new_id, file)
        return new_id

    def attach_file(self, record: CrmRecord, record_id: str, file: CrmFile) -> str:
        """The Attachment's id (kept in the ledger so erasure can delete it: no cascade is documented), "" when
        the answer names none. UNCONFIRMED endpoint (crm-apis.md §3.5): the preflight checks the site declares it."""
        body = attachment_body(ENTITIES[record.kind], record_id, file)
        return record_id_of(self._send("POST", "/api/Attachment", json=body).json())

    def delete_record(self, kind: str, record_id: str) -> bool:
        """UNCONFIRMED on a live iMIS (docs/wire-fidelity.md I14): DELETE on the resource a GET reads; used only
        with IMIS_ALLOW_DELETE=true. False: the record was already gone (404)."""
        try:
            self._send("DELETE", f"/api/{ENTITIES[kind]}/{quote(record_id, safe='')}")
        except CrmRejected as exc:
            if exc.status == 404:
                return False
            raise
        return True

    def profile_url(self, contact_id: str, template: str) -> str:
        return template.replace("{contact_id}", quote(contact_id)) if template else ""
