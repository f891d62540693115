"""The admin API's remaining documents: the page's charts and mapping editor, the options and mailbox envelopes,
erasure, the small operation answers and the problem document (see shared/web/api_documents.py)."""

from __future__ import annotations

from typing import Annotated, Any, Literal, NotRequired

from pydantic import Field, with_config
from typing_extensions import TypedDict  # pydantic reads typing.TypedDict only from Python 3.12 on

from shared.domain.mailbox import Mailbox
from shared.domain.options import Options
from shared.web.api_documents import (
    CLOSED,
    OPEN,
    Counts,
    DecisionEntry,
    ImportProgress,
    PreviewedEmail,
    Time,
    UnpreviewableEmail,
)

RecordType = Literal["activity", "interaction"]


@with_config(CLOSED)
class Stats(TypedDict):
    """Per day (UTC), each email counted once per mailbox; series align with days"""

    days: list[str]
    by_outcome: dict[str, list[int]]
    by_reason: dict[str, list[int]]
    by_mailbox: dict[str, Counts]


@with_config(OPEN)
class FieldResult(TypedDict):
    field: str
    label: NotRequired[str]
    help: NotRequired[str]
    limit: NotRequired[int | None]
    reserved: NotRequired[bool]
    template: NotRequired[str]
    value: NotRequired[str]
    length: NotRequired[int]
    truncated: NotRequired[bool]


@with_config(CLOSED)
class Token(TypedDict):
    token: str
    help: str


@with_config(CLOSED)
class RecordTypes(TypedDict):
    source: Literal["documented", "crm"]
    activity: list[FieldResult]
    interaction: list[FieldResult]
    tokens: list[Token]


@with_config(OPEN)
class LoggedEmail(TypedDict):
    """An email of the decision log (its mailbox, message_id and folder): read from Graph"""

    mailbox: str
    message_id: str
    folder: NotRequired[str | None]


@with_config(CLOSED)
class MappingPreviewRequest(TypedDict):
    """Give the email as ``eml`` or as ``email``"""

    options: Options
    record_type: NotRequired[Annotated[RecordType, Field(description="Default: the options' record type")]]
    activity_type: NotRequired[Annotated[str, Field(description="Default: the options' activity type")]]
    eml: NotRequired[Annotated[str, Field(description="A message as text")]]
    email: NotRequired[LoggedEmail]


@with_config(CLOSED)
class MappingPreview(TypedDict):
    record_type: str
    activity_type: NotRequired[str]
    subject: NotRequired[str]
    fields: list[FieldResult]
    attachment_names: NotRequired[list[str]]


@with_config(CLOSED)
class FieldProblem(TypedDict):
    field: Annotated[str, Field(description="Dotted path, e.g. activity_types.0.fields.1.template; empty: the "
                                            "document")]
    message: str


@with_config(OPEN)
class Problem(TypedDict):
    """RFC 9457 problem details"""

    type: NotRequired[str]
    title: str
    status: int
    detail: NotRequired[str]
    errors: NotRequired[list[FieldProblem]]


@with_config(CLOSED)
class ErasureHint(TypedDict):
    address: NotRequired[str]
    domain: NotRequired[str]
    list: Annotated[str, Field(description="The erasure listing's path under /api")]
    note: str


@with_config(CLOSED)
class StoredOptions(TypedDict):
    version: int
    updated_by: str
    updated_at: str
    options: Options
    erasure: NotRequired[Annotated[list[ErasureHint], Field(description="After a save that blocks addresses or "
                                                            "domains: where to list what was captured for them")]]


@with_config(CLOSED)
class OptionsChange(TypedDict):
    path: str
    from_: NotRequired[Annotated[Any, Field(alias="from")]]
    to: NotRequired[Any]
    added: NotRequired[list[Any]]
    removed: NotRequired[list[Any]]


@with_config(CLOSED)
class OptionsVersion(TypedDict):
    version: int
    updated_by: NotRequired[str]
    updated_at: NotRequired[str]
    changes: list[OptionsChange]


@with_config(CLOSED)
class OptionsHistory(TypedDict):
    history: list[OptionsVersion]


@with_config(CLOSED)
class OptionsPreview(TypedDict):
    emails: list[PreviewedEmail | UnpreviewableEmail]


OptionsPatch = Annotated[dict[str, Any], Field(description="RFC 7396 merge patch: null removes a key")]


@with_config(CLOSED)
class MailboxList(TypedDict):
    mailboxes: list[Mailbox]


@with_config(CLOSED)
class Onboarded(TypedDict):
    mailbox: Mailbox
    subscriptions: list[str]
    import_: Annotated[ImportProgress, Field(alias="import")]


@with_config(CLOSED)
class Removed(TypedDict):
    mailbox: str
    subscriptions_deleted: int


@with_config(CLOSED)
class DecisionList(TypedDict):
    entries: list[DecisionEntry]


@with_config(CLOSED)
class ReplayQueued(TypedDict):
    queued: int


@with_config(CLOSED)
class PoisonReplayed(TypedDict):
    requeued: int
    kept: int


@with_config(CLOSED)
class CachePurged(TypedDict):
    generation: int


@with_config(OPEN)
class ErasureRecord(TypedDict, total=False):
    record_id: str
    kind: str
    contact_id: str
    contact_name: str
    ledger_key: str
    status: str
    attachments: Annotated[list[str], Field(description="CRM ids of the files attached to the record, deleted "
                                                        "with it")]


@with_config(OPEN)
class ErasureListing(TypedDict):
    """The records and the confirm token; nothing is deleted"""

    address: NotRequired[str]
    domain: NotRequired[str]
    records: list[ErasureRecord]
    count: int
    already_erased: NotRequired[int]
    confirm: str
    delete_enabled: bool
    contacts: NotRequired[list[dict[str, Any]]]


@with_config(OPEN)
class ErasureRequest(TypedDict):
    address: NotRequired[str]
    domain: NotRequired[str]
    confirm: Annotated[str, Field(description="The listing's confirm token")]


@with_config(OPEN)
class ErasureReport(TypedDict, total=False):
    deleted: int
    already_gone: int
    refused: int
    not_attempted: int
    attachments_deleted: int
    eml_copies_deleted: Annotated[int, Field(description="Copies of the erased emails deleted from Blob storage")]
    thread_links_deleted: Annotated[int, Field(description="Thread-index rows naming the erased contacts")]
    by: str
    at: Time
    records: dict[str, Any]
