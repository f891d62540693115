"""The admin API's response documents (and the request bodies without a domain model), as typed dicts.

shared/web/openapi_schemas.py generates the OpenAPI component schemas from these, so the document cannot drift
from them; tests/integration/test_openapi.py holds real answers to that document. A class's docstring becomes
its schema's description. ``Closed`` documents refuse properties not listed; ``Open`` ones may grow.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, NotRequired

from pydantic import ConfigDict, Field, with_config
from typing_extensions import TypedDict  # pydantic reads typing.TypedDict only from Python 3.12 on

from shared.domain.options import Options
from shared.domain.reasons import Outcome, Reason

CLOSED, OPEN = ConfigDict(extra="forbid"), ConfigDict(extra="allow")
Time = Annotated[str, Field(description="ISO 8601 date and time with its UTC offset")]
Counts = dict[str, int]
Verdict = Literal["capture", "skip"]


@with_config(CLOSED)
class Decision(TypedDict):
    decision: Verdict
    reason: Reason | None
    detail: str


@with_config(CLOSED)
class PreviewRecord(TypedDict, total=False):
    kind: str
    contact_id: str
    contact_name: str
    new_contact: bool
    already_written: str
    activity_type: str
    fields: dict[str, Any]
    truncated: list[str]
    files: list[str]


@with_config(CLOSED)
class PreviewDecision(Decision):
    records: list[PreviewRecord]


@with_config(CLOSED)
class ExplainResult(TypedDict):
    file: str
    decision: Verdict
    reason: Reason | None
    detail: str
    participants: list[str]


@with_config(CLOSED)
class ExplainRequest(TypedDict):
    eml: Annotated[str, Field(description="The whole message as text")]
    options: NotRequired[Options]


@with_config(OPEN)
class DecisionEntry(TypedDict):
    entry_id: str
    at: Time
    expires_at: NotRequired[Time]
    mailbox: str
    message_id: str
    folder: NotRequired[str]
    source: NotRequired[str]
    key: NotRequired[str]
    outcome: Annotated[Outcome | Literal["erased"], Field(description="erased: the deletion log's entries")]
    reason: Reason | Literal["", "erasure"]
    detail: str
    options_version: NotRequired[int]
    internet_message_id: NotRequired[str]
    subject: NotRequired[str]
    from_address: NotRequired[str]
    conversation_id: NotRequired[str]
    sent_at: NotRequired[str]
    contact_id: NotRequired[Annotated[str, Field(description="Empty on the message-level entry")]]
    contact_name: NotRequired[str]
    participant: NotRequired[str]
    record_kind: NotRequired[str]
    record_ids: NotRequired[list[str]]
    truncated: NotRequired[str]
    profile_url: NotRequired[str]
    timings_ms: NotRequired[Counts]


@with_config(CLOSED)
class LoggedDecision(TypedDict):
    outcome: Outcome
    reason: Reason | None


@with_config(CLOSED)
class PreviewedEmail(TypedDict):
    entry_id: str
    mailbox: str
    subject: str
    changed: bool
    logged: LoggedDecision
    current: PreviewDecision
    proposed: PreviewDecision
    field_changes: NotRequired[list[dict[str, Any]]]


@with_config(CLOSED)
class UnpreviewableEmail(TypedDict):
    """A logged email that could not be decided again (e.g. Graph no longer has it)."""

    entry_id: str
    subject: str
    error: str


@with_config(OPEN)
class FolderStatus(TypedDict):
    folder: str
    subscription_id: str | None
    subscription_expires_at: str | None
    subscription_expired: bool
    last_notification_at: NotRequired[str | None]
    delta_updated_at: NotRequired[str | None]
    delta_lag_seconds: NotRequired[int | None]
    delta_note: NotRequired[str]
    watches: Annotated[Literal["folder", "capture_folder", "whole_mailbox"], Field(
        description="One folder, the capture folder, or the whole mailbox (one subscription for every folder)")]
    resource: Annotated[str, Field(description="The Graph resource subscribed (or to be), e.g. users/{id}/messages")]
    excluded_folders: NotRequired[Annotated[list[str], Field(
        description="Whole mailbox: folders whose mail is never captured (well-known names, never-capture paths)")]]


@with_config(OPEN)
class ImportProgress(TypedDict, total=False):
    """Historical import; empty before the first one"""

    state: Literal["running", "done"]
    days: int
    since: Time
    pending: list[str]
    cursor: str | None
    queued: int
    estimated_total: int | None
    started_at: Time
    finished_at: Time
    total: Annotated[int | None, Field(description="Messages to import, from Graph's $count; null if unknown")]
    processed: Annotated[int, Field(description="Imported emails decided so far")]
    eta_seconds: Annotated[int | None, Field(description="From the rate so far")]
    percent: float | None
    complete: bool


@with_config(CLOSED)
class MailboxStatus(TypedDict):
    address: str
    enabled: bool
    folder_problem: Annotated[str, Field(description="What went wrong with the capture folder (gone); empty: none")]
    folders: list[FolderStatus]
    import_: NotRequired[Annotated[ImportProgress, Field(alias="import")]]


@with_config(OPEN)
class PoisonReason(TypedDict, total=False):
    at: Time
    mailbox: str
    message_id: str
    detail: str


@with_config(CLOSED)
class LaneStatus(TypedDict):
    """One lane's queue and poison queue (live: webhook mail; bulk: the import and the backstop)"""

    queue: str
    depth: int
    poison_queue: str
    poison_depth: int


@with_config(CLOSED)
class QueueLanes(TypedDict):
    live: LaneStatus
    bulk: LaneStatus


@with_config(CLOSED)
class QueueStatus(TypedDict):
    """depth and poison_depth add up both lanes"""

    depth: int
    poison_depth: int
    last_poison_reasons: NotRequired[list[PoisonReason]]
    lanes: NotRequired[QueueLanes]


@with_config(CLOSED)
class Last24h(TypedDict):
    """Emails decided in the current hour and the 23 before it, each counted once"""

    messages: int
    since: NotRequired[Time]
    by_outcome: Counts
    by_reason: Counts


@with_config(CLOSED)
class CrmCheck(TypedDict):
    step: str
    field: str
    ok: bool
    detail: str


@with_config(CLOSED)
class CrmPreflight(TypedDict):
    ok: Annotated[bool | None, Field(description="null: not run yet")]
    at: str | None
    why: Annotated[str, Field(description="Each failing step and field")]
    checks: list[CrmCheck]


@with_config(OPEN)
class Status(TypedDict):
    now: Time
    mailboxes: list[MailboxStatus]
    queue: QueueStatus
    last_24h: Last24h
    webhook_rejected: NotRequired[int]
    crm_preflight: NotRequired[CrmPreflight]
