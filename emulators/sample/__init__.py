"""The sample data set: a fictional cycling association, its iMIS contacts, watched mailboxes, options and mail.

Files (all in this folder):
    crm.json        seed for the iMIS emulator (service user, activity types, persons, organisations)
    mailboxes.json  the watched mailboxes (``shared.domain.mailbox.Mailbox`` documents) and internal domains
    options.json    an admin options document (passes ``shared.domain.options.parse_options``)
    mail/NN-*.eml   hand-written RFC 5322 messages; ``mail/40-jordan-draft.json`` is a Graph message (a draft)
    expected.json   for every file: its mailbox(es), folder and expected outcome per mailbox

Deliveries are listed in expected.json in processing order (duplicates and thread replies depend on it).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

SAMPLE_DIR = Path(__file__).resolve().parent
MAIL_DIR = SAMPLE_DIR / "mail"


def _load(name: str) -> dict[str, Any]:
    return dict(json.loads((SAMPLE_DIR / name).read_text(encoding="utf-8")))


def load_crm_seed() -> dict[str, Any]:
    """crm.json: pass to ``emulators.imis.app.create_app(db, seed=...)`` or use ``--seed``."""
    return _load("crm.json")


def load_mailboxes() -> list[dict[str, Any]]:
    """The watched mailboxes, each a ``Mailbox`` document (address, display_name, record_types, …)."""
    return list(_load("mailboxes.json")["mailboxes"])


def load_organisation() -> dict[str, Any]:
    """Name, tenant domain and internal domains of the sample organisation, plus its colleagues."""
    doc = _load("mailboxes.json")
    return dict(doc["organisation"]) | {"colleagues": doc.get("colleagues", [])}


def load_options() -> dict[str, Any]:
    """options.json as a plain document (what the admin API takes)."""
    return _load("options.json")


def load_expected() -> dict[str, Any]:
    """expected.json: ``{"conventions": {...}, "messages": [{"file", "internet_message_id", "deliveries": [...]}]}``."""
    return _load("expected.json")


def iter_sample_mail() -> Iterator[tuple[Path, str, str]]:
    """(path, mailbox, folder) for every delivery, in processing order; a file delivered to two mailboxes
    comes twice. ``.eml`` files are MIME (POST as message/rfc822); ``.json`` files are Graph message JSON."""
    for message in load_expected()["messages"]:
        for delivery in message["deliveries"]:
            yield SAMPLE_DIR / message["file"], delivery["mailbox"], delivery["folder"]
