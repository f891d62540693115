"""Delta query state for ``mailFolders/{id}/messages/delta``.

A round starts either fresh (every message in the folder) or from a ``$deltatoken`` (changes since the
mailbox sequence number the token remembers). The round's items are fixed when it starts and paged
out with ``$skiptoken``s; the last page carries a ``$deltatoken`` for the next round. Query options
given on the first request live in the tokens, as the docs describe.

Expired or unknown tokens answer ``410 Gone`` with a ``Location`` header pointing at a fresh initial
sync: "Delta query can return a response code of 410 (gone) and a Location header containing a request
URL with an empty $deltaToken ... the application must restart with a full synchronization"; expired
tokens carry the error code ``syncStateNotFound`` ("The sync state generation is not found. The delta
token is expired and data must be synchronized again.") - concepts/delta-query-overview.md
(#synchronization-reset, #token-duration) and concepts/errors.md (#code-property). Unrecognisable
tokens answer the same status with ``syncStateInvalid``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from emulators.graph import ids
from emulators.graph.errors import GraphError, bad_request
from emulators.graph.model import Mailbox, Message
from emulators.graph.odata import parse_filter, parse_orderby

CHANGE_TYPES = ("created", "updated", "deleted")


@dataclass(frozen=True, slots=True)
class DeltaQuery:
    mailbox_id: str
    folder_id: str
    select: list[str] | None = None
    expand: str | None = None
    filter: str | None = None
    orderby: str | None = None
    change_type: str | None = None


@dataclass(slots=True)
class DeltaToken:
    query: DeltaQuery
    since_seq: int
    generation: int


@dataclass(slots=True)
class Round:
    query: DeltaQuery
    items: list[tuple[str, bool]]  # (immutable message id, removed?)
    round_seq: int
    generation: int
    page_size: int
    left: dict[str, str] = field(default_factory=dict)  # removed: immutable id -> default id when it left


@dataclass(slots=True)
class Page:
    round: Round
    start: int


@dataclass(slots=True)
class DeltaRegistry:
    tokens: dict[str, DeltaToken] = field(default_factory=dict)
    pages: dict[str, Page] = field(default_factory=dict)

    def issue_delta(self, rnd: Round) -> str:
        token = ids.token()
        self.tokens[token] = DeltaToken(rnd.query, rnd.round_seq, rnd.generation)
        return token

    def issue_page(self, rnd: Round, start: int) -> str:
        token = ids.token()
        self.pages[token] = Page(rnd, start)
        return token


def gone(code: str, message: str, location: str) -> GraphError:
    return GraphError(410, code, message, headers={"Location": location})


def check_generation(mailbox: Mailbox, generation: int, location: str) -> None:
    if generation != mailbox.delta_generation:
        raise gone("syncStateNotFound", "The sync state generation is not found. The delta token is expired "
                   "and data must be synchronized again.", location)


def start_round(mailbox: Mailbox, query: DeltaQuery, since_seq: int | None, page_size: int) -> Round:
    if query.change_type is not None and query.change_type not in CHANGE_TYPES:
        raise bad_request(f"Invalid changeType '{query.change_type}'; use created, updated or deleted.")
    matches = parse_filter(query.filter) or (lambda m: True)
    key, descending = parse_orderby(query.orderby)
    in_folder = [m for m in mailbox.in_folder(query.folder_id) if matches(m)]
    in_folder.sort(key=key, reverse=descending)
    items: list[tuple[str, bool]]
    if since_seq is None:
        items = [(m.id, False) for m in in_folder]
    else:
        items = [(m.id, False) for m in in_folder if m.changed_seq > since_seq and _wanted(m, since_seq, query)]
        if query.change_type in (None, "deleted"):
            present = {m.id for m in mailbox.in_folder(query.folder_id)}
            left = {t.message_id: t.id_for(False) for t in mailbox.tombstones
                    if t.folder_id == query.folder_id and t.seq > since_seq and t.message_id not in present}
            items += [(mid, True) for mid in sorted(left)]
            return Round(query, items, mailbox.seq, mailbox.delta_generation, page_size, left)
    return Round(query, items, mailbox.seq, mailbox.delta_generation, page_size)


def _wanted(m: Message, since_seq: int, query: DeltaQuery) -> bool:
    if query.change_type == "deleted":
        return False
    created = m.entered_seq > since_seq
    return query.change_type is None or (query.change_type == "created") == created
