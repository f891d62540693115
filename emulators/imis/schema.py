"""Per-site schema switches, so tests can stand in for an iMIS whose tables differ from ours.

Real sites differ: the Activity column spellings beyond PartyId/ACTIVITY_TYPE/DESCRIPTION/TRANSACTION_DATE/UNITS
are UNCONFIRMED (crm-apis.md §3.2), the Interaction and Attachment endpoints are UNCONFIRMED (§3.5, §4), and
how iMIS treats a query parameter naming an unknown or unindexed property is not documented (§5 option 2:
"Whether /api/Activity accepts filters on these columns is UNCONFIRMED"). This emulator refuses unknown names
by default (400, the strict choice); ``ignored_filters`` makes it silently ignore a filter instead, the other
behaviour a real site may have, so the product is tested against both.

``POST /_emulator/schema`` ``{"entity": "Activity", "drop_columns": ["NOTE_2"], "ignored_filters": ["UF_1"],
"metadata": false}``: a dropped column is refused on write and missing from ``/api/metadata``; ``metadata``
false makes ``/api/metadata/{entity}`` answer 501 as one site in a developer.imis.com discussion did.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import Request

from emulators.imis.entities import Column
from emulators.imis.query import Filter


@dataclass
class Schema:
    dropped: dict[str, set[str]] = field(default_factory=dict)  # entity (lower) -> column names (lower)
    ignored_filters: dict[str, set[str]] = field(default_factory=dict)
    metadata: bool = True

    def live(self, entity: str, columns: dict[str, Column]) -> dict[str, Column]:
        gone = self.dropped.get(entity.lower(), set())
        return {k: c for k, c in columns.items() if k not in gone}

    def applied(self, entity: str, wanted: list[Filter]) -> list[Filter]:
        ignored = self.ignored_filters.get(entity.lower(), set())
        return [f for f in wanted if f.name not in ignored]


def schema_of(request: Request) -> Schema:
    schema: Schema = request.app.state.schema
    return schema


def live_columns(request: Request, entity: str, columns: dict[str, Column]) -> dict[str, Column]:
    return schema_of(request).live(entity, columns)
