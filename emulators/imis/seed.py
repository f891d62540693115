"""The seed: service user, activity types, interaction message types and the contacts to start with.

The format is compact (see ``emulators/sample/crm.json``); ``seed_parties`` turns it into iMIS PersonData /
OrganizationData documents. A person's first email is the primary one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from emulators.imis.party_docs import organization_doc, person_doc

DEFAULT_TOKEN_TTL = 1800  # UNCONFIRMED: iMIS documents no REST token lifetime; clients must read expires_in
DEFAULT_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024  # iMIS lets the administrator set this limit [IMIS-ATTACH]


@dataclass(frozen=True)
class Seed:
    raw: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def empty(cls) -> Seed:
        return cls({"service_user": {"username": "MANAGER", "password": "manager"},
                    "activity_types": [{"code": "EMAIL", "description": "Email"}]})

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Seed:
        if not isinstance(raw, dict):
            raise ValueError("the seed must be a JSON object")
        user = raw.get("service_user") or {}
        if not user.get("username") or not user.get("password"):
            raise ValueError("the seed needs service_user.username and service_user.password")
        ids = [str(p["id"]) for p in raw.get("persons", []) + raw.get("organizations", [])]
        if len(ids) != len(set(ids)):
            raise ValueError("party ids in the seed must be unique")
        return cls(raw)

    @classmethod
    def load(cls, path: str | Path) -> Seed:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

    def as_dict(self) -> dict[str, Any]:
        return self.raw

    @property
    def username(self) -> str:
        return str(self.raw["service_user"]["username"])

    @property
    def password(self) -> str:
        return str(self.raw["service_user"]["password"])

    @property
    def token_ttl(self) -> int:
        return int(self.raw.get("token_expires_in", DEFAULT_TOKEN_TTL))

    @property
    def activity_types(self) -> frozenset[str]:
        return frozenset(str(t["code"]).upper() for t in self.raw.get("activity_types", []))

    @property
    def message_types(self) -> tuple[str, ...]:
        return tuple(self.raw.get("interaction_message_types", ["Email"]))

    @property
    def attachment_max_bytes(self) -> int:
        return int(self.raw.get("attachment_max_bytes", DEFAULT_ATTACHMENT_MAX_BYTES))

    @property
    def first_seqn(self) -> int:
        return int(self.raw.get("first_seqn", 1000))

    @property
    def next_party_id(self) -> int:
        numeric = [int(i) for i in self._party_ids() if i.isdigit()]
        return max(numeric, default=int(self.raw.get("first_party_id", 100)) - 1) + 1

    def _party_ids(self) -> list[str]:
        return [str(p["id"]) for p in self.raw.get("persons", []) + self.raw.get("organizations", [])]


def seed_parties(seed: Seed) -> list[dict[str, Any]]:
    orgs = {str(o["id"]): o for o in seed.raw.get("organizations", [])}
    docs = [organization_doc(str(o["id"]), o["name"], _emails(o), status=o.get("status", "A"),
                             website=o.get("website", "")) for o in orgs.values()]
    for p in seed.raw.get("persons", []):
        org = orgs.get(str(p.get("organization_id", "")))
        docs.append(person_doc(
            str(p["id"]), p.get("first_name", ""), p.get("last_name", ""), _emails(p),
            organization=(str(org["id"]), org["name"]) if org else None,
            title=p.get("title", ""), status=p.get("status", "A"),
        ))
    return docs


def _emails(party: dict[str, Any]) -> list[tuple[str, str]]:
    """(address, EmailType) pairs; the first is the primary address."""
    out = []
    for i, email in enumerate(party.get("emails", [])):
        if isinstance(email, str):
            email = {"address": email}
        out.append((email["address"], email.get("type") or ("_Primary" if i == 0 else "_Other")))
    return out
