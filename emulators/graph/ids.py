"""Identifier and timestamp formats that look like Exchange's.

Item ids are URL-safe base64 with ``=`` padding, so clients that forget to URL-encode ids in paths fail here
as they would against Graph. A message has two ids, as in Exchange (concepts/outlook-immutable-id.md in
microsoftgraph/microsoft-graph-docs-contrib): the default REST id, which "changes when the item is moved"
(prefix ``AAMkAG`` like the docs' regular-id examples), and the immutable id (prefix ``AAkALgAA`` like the
docs' ``translateExchangeIds`` output), which stays while the item stays in the mailbox.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import secrets
import uuid
from datetime import UTC, datetime


def new_guid() -> str:
    return str(uuid.uuid4())


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii")


def message_id() -> str:
    """The immutable id (``restImmutableEntryId``)."""
    return "AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0A" + _b64(os.urandom(31))


def rest_message_id() -> str:
    """The default (mutable) REST id (``restId``): a new one after every move."""
    return "AAMkAGI2THVSAAA-AAAAAAAEMAACbdp4kEMMpSJD5FGdpAA" + _b64(os.urandom(31))


def folder_id() -> str:
    return "AQMkADAwATM0MDAAMS1iNTcwLWI2NTEtMDACLTAwCgAuAAAD" + _b64(os.urandom(16))


def attachment_id() -> str:
    return "AAMkADA1M2MyZGNiLTk3ZDctNDk2ZS04ZGQ0LTQ0MjQ2ZjI2ZWRlZABGAAAAAAC" + _b64(os.urandom(22))


def change_key() -> str:
    return "CQAAABYAAAC" + _b64(os.urandom(12))


def token() -> str:
    return secrets.token_urlsafe(24)


def stable_id(prefix: str, seed: str) -> str:
    """Deterministic id, e.g. a conversationId derived from the thread's root Message-ID."""
    return prefix + _b64(hashlib.sha256(seed.encode("utf-8")).digest()[:30])


def app_guid(bearer: str, kind: str) -> str:
    """A stable GUID per access token: the emulator's notion of "the app" (applicationId, creatorId)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"graph-emulator:{kind}:{bearer}"))


def iso_z(value: datetime) -> str:
    """Message timestamps: whole seconds, UTC, ``Z`` suffix (as Graph returns them)."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_7(value: datetime) -> str:
    """Subscription timestamps: seven fractional digits, as in Graph's subscription examples."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"


_FRACTION = re.compile(r"(\.\d{6})\d+")


def parse_iso(value: str) -> datetime:
    """Parse an ISO 8601 timestamp (``Z`` or offset, up to 7 fractional digits); naive means UTC."""
    text = _FRACTION.sub(r"\1", value.strip())
    parsed = datetime.fromisoformat(text)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
