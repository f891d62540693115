"""A watched mailbox and its per-mailbox settings (the server-side counterpart of the add-ins' roles)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.domain.model import Folder

RecordType = Literal["activity", "interaction"]


class Mailbox(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    address: str = Field(min_length=3, max_length=254)
    display_name: str = Field(default="", max_length=200)
    record_types: tuple[RecordType, ...] | None = Field(default=None, description="None: the options' default")
    activity_type: str | None = Field(default=None, max_length=10)
    create_contacts: bool | None = Field(default=None, description="None: the options' default")
    folders: tuple[Folder, ...] | None = Field(default=None, description="None: the options' folder scope")
    import_days: int | None = Field(default=None, ge=0, le=3650, description="Historical import look-back")
    enabled: bool = True

    def watched_folders(self, scope: tuple[Folder, ...]) -> tuple[Folder, ...]:
        """The folders captured: the mailbox's own list, else the options' folder scope."""
        return self.folders or scope

    @field_validator("address")
    @classmethod
    def _address(cls, value: str) -> str:
        value = value.strip().lower()
        if value.count("@") != 1 or "." not in value.split("@")[1]:
            raise ValueError("not an email address")
        return value

    @field_validator("record_types")
    @classmethod
    def _record_types(cls, value: tuple[RecordType, ...] | None) -> tuple[RecordType, ...] | None:
        if value is not None and not value:
            raise ValueError("at least one record type, or null for the default")
        return value
