"""A watched mailbox and its per-mailbox settings (the server-side counterpart of the add-ins' roles)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.domain.errors import BadRequest
from shared.domain.folders import folder_path
from shared.domain.model import EXCLUDED_FOLDERS, Folder
from shared.domain.options import Options
from shared.domain.options_limits import app_roles

RecordType = Literal["activity", "interaction"]
# No spaces or control characters anywhere: they cannot be a mailbox and Table storage refuses some of them.
_ADDRESS = re.compile(r"^[^\s@\x00-\x1f\x7f]+@[^\s@\x00-\x1f\x7f]+\.[^\s@\x00-\x1f\x7f]+$")
# Graph message ids are opaque base64-like strings (~150 characters): printable ASCII, bounded.
_GRAPH_ID = re.compile(r"^[\x21-\x7e]{1,1024}$")


def mailbox_address(value: str) -> str:
    value = value.strip().lower()
    if len(value) > 254 or not _ADDRESS.match(value):
        raise BadRequest("not an email address")
    return value


class Mailbox(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    address: str = Field(min_length=3, max_length=254)
    display_name: str = Field(default="", max_length=200)
    record_types: tuple[RecordType, ...] | None = Field(default=None, description="None: the options' default")
    activity_type: str | None = Field(default=None, max_length=10)
    create_contacts: bool | None = Field(default=None, description="None: the options' default")
    folders: tuple[Folder, ...] | None = Field(default=None, description="None: the options' folder scope")
    capture_folder: str | None = Field(default=None, max_length=255, description="None: the options' value")
    capture_whole_mailbox: bool | None = Field(default=None, description="None: the options' value")
    # Kept by the service, not the admin: the capture folder's Graph id (resolved when saved), and what went
    # wrong with it since (the folder was deleted or renamed): shown in status, capture from it stops.
    capture_folder_id: str = Field(default="", max_length=1024)
    folder_problem: str = Field(default="", max_length=500)
    skip_private_mail: bool | None = Field(default=None, description="None: the options' skip_private_mail")
    import_days: int | None = Field(default=None, ge=0, le=3650, description="Historical import look-back")
    roles: tuple[str, ...] = Field(default=(), description="Entra app roles of the mailbox's owner (seed roles)")
    enabled: bool = True

    def watched_folders(self, options: Options) -> tuple[Folder, ...]:
        """The folders subscribed and walked: the whole mailbox, or the mailbox's own list (else the options'
        folder scope); plus the capture folder once its id is known."""
        if self.whole_mailbox(options):
            return (Folder.MAILBOX,)
        scope = self.folders or options.folder_scope
        return scope + ((Folder.CAPTURE,) if self.capture_folder_id else ())

    def capture_folder_name(self, options: Options) -> str:
        return options.capture_folder if self.capture_folder is None else self.capture_folder

    def whole_mailbox(self, options: Options) -> bool:
        return options.capture_whole_mailbox if self.capture_whole_mailbox is None else self.capture_whole_mailbox

    _address = field_validator("address")(mailbox_address)
    _capture_folder = field_validator("capture_folder")(lambda v: v if v is None else folder_path(v))

    @field_validator("folders")
    @classmethod
    def _folders(cls, value: tuple[Folder, ...] | None) -> tuple[Folder, ...] | None:
        bad = set(value or ()) & (EXCLUDED_FOLDERS | {Folder.CAPTURE, Folder.MAILBOX})
        if bad:
            raise ValueError(f"{', '.join(sorted(bad))} cannot be listed (see capture_folder, capture_whole_mailbox)")
        return value
    _roles = field_validator("roles")(app_roles)

    @field_validator("record_types")
    @classmethod
    def _record_types(cls, value: tuple[RecordType, ...] | None) -> tuple[RecordType, ...] | None:
        if value is not None and not value:
            raise ValueError("at least one record type, or null for the default")
        return value


class ReplayItem(BaseModel):
    """One email to queue again (admin replay): the same checks as the webhook applies to Graph's ids."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    mailbox: str = Field(max_length=254)
    message_id: str
    folder: str = Folder.INBOX.value

    _address = field_validator("mailbox")(mailbox_address)

    @field_validator("message_id", "folder")
    @classmethod
    def _graph_id(cls, value: str) -> str:
        if not _GRAPH_ID.match(value):
            raise ValueError("must be 1-1024 printable ASCII characters, as Graph's ids are")
        return value


class ReplayRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    emails: tuple[ReplayItem, ...] = Field(min_length=1, max_length=1000)
