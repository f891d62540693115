"""A watched mailbox and its per-mailbox settings (the server-side counterpart of the add-ins' roles)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.domain.errors import BadRequest
from shared.domain.model import Folder
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
    skip_private_mail: bool | None = Field(default=None, description="None: the options' skip_private_mail")
    import_days: int | None = Field(default=None, ge=0, le=3650, description="Historical import look-back")
    roles: tuple[str, ...] = Field(default=(), description="Entra app roles of the mailbox's owner (seed roles)")
    enabled: bool = True

    def watched_folders(self, scope: tuple[Folder, ...]) -> tuple[Folder, ...]:
        """The folders captured: the mailbox's own list, else the options' folder scope."""
        return self.folders or scope

    _address = field_validator("address")(mailbox_address)
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
