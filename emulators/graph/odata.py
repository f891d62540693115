"""The slice of OData query options and Prefer headers that Outlook mail endpoints honour.

``$filter`` supports comparisons (eq, ne, gt, ge, lt, le) on the message timestamps, booleans and a few
string properties, joined with ``and``; ``$orderby`` one timestamp, asc or desc. Anything else answers
400 as Graph does for filters it cannot evaluate.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from starlette.datastructures import Headers

from emulators.graph import ids
from emulators.graph.errors import GraphError, bad_request
from emulators.graph.model import Message

_TIMES: dict[str, Callable[[Message], datetime | None]] = {
    "receiveddatetime": lambda m: m.received,
    "sentdatetime": lambda m: m.sent,
    "createddatetime": lambda m: m.created,
    "lastmodifieddatetime": lambda m: m.modified,
}
_BOOLS: dict[str, Callable[[Message], bool]] = {
    "isread": lambda m: m.is_read,
    "isdraft": lambda m: m.is_draft,
    "hasattachments": lambda m: m.has_attachments,
}
_STRINGS: dict[str, Callable[[Message], str]] = {
    "subject": lambda m: m.subject,
    "internetmessageid": lambda m: m.internet_message_id,
    "conversationid": lambda m: m.conversation_id,
    "from/emailaddress/address": lambda m: (m.from_.address if m.from_ else "").lower(),
}
_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq, "ne": operator.ne, "gt": operator.gt, "ge": operator.ge, "lt": operator.lt, "le": operator.le,
}
_CLAUSE = re.compile(r"^\s*([\w/]+)\s+(eq|ne|gt|ge|lt|le)\s+(.+?)\s*$", re.IGNORECASE)
Predicate = Callable[[Message], bool]


def _filter_error(expr: str) -> GraphError:
    return bad_request(f"Invalid filter clause: '{expr}'.", code="ErrorInvalidUrlQueryFilter")


def _clause(text: str) -> Predicate:
    match = _CLAUSE.match(text)
    if not match:
        raise _filter_error(text)
    prop, op_name, literal = match.group(1).lower(), _OPS[match.group(2).lower()], match.group(3)
    if prop in _TIMES:
        try:
            bound = ids.parse_iso(literal.strip("'"))
        except ValueError as exc:
            raise _filter_error(text) from exc
        get_time = _TIMES[prop]
        return lambda m: (value := get_time(m)) is not None and op_name(value, bound)
    if prop in _BOOLS and literal.lower() in ("true", "false"):
        get_bool, want = _BOOLS[prop], literal.lower() == "true"
        return lambda m: op_name(get_bool(m), want)
    if prop in _STRINGS and len(literal) >= 2 and literal[0] == literal[-1] == "'":
        get_text, value = _STRINGS[prop], literal[1:-1].replace("''", "'")
        value = value.lower() if prop.startswith("from/") else value
        return lambda m: op_name(get_text(m), value)
    raise _filter_error(text)


def parse_filter(expr: str | None) -> Predicate | None:
    if not expr:
        return None
    clauses = [_clause(part) for part in re.split(r"\s+and\s+", expr.strip(), flags=re.IGNORECASE)]
    return lambda m: all(c(m) for c in clauses)


def parse_orderby(expr: str | None) -> tuple[Callable[[Message], datetime], bool]:
    """Sort key and descending flag; Graph lists messages newest received first by default."""
    if not expr:
        return (lambda m: m.received), True
    parts = expr.strip().split()
    prop = parts[0].lower()
    if prop not in _TIMES or len(parts) > 2 or (len(parts) == 2 and parts[1].lower() not in ("asc", "desc")):
        raise bad_request(f"Invalid $orderby: '{expr}'.", code="ErrorInvalidUrlQuery")
    get_time = _TIMES[prop]
    return (lambda m: get_time(m) or m.received), len(parts) == 2 and parts[1].lower() == "desc"


def parse_list(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [item.strip() for item in value.split(",") if item.strip()]


def parse_int(value: str | None, name: str, default: int, maximum: int) -> int:
    if value is None:
        return default
    if not value.strip().isdigit():
        raise bad_request(f"Invalid value for {name}: '{value}'.")
    return min(int(value), maximum)


_EXT_TAG = re.compile(r"0x([0-9a-f]+)", re.IGNORECASE)


def split_top(value: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for ch in value:
        depth += (ch == "(") - (ch == ")")
        if ch == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += ch
    return [p for p in [*parts, current.strip()] if p]


@dataclass(frozen=True, slots=True)
class Expand:
    ext_tags: tuple[int, ...] = ()
    attachments: bool = False
    attachment_select: tuple[str, ...] | None = None  # from attachments($select=...)


_NESTED_SELECT = re.compile(r"\$select=([^;)]*)", re.IGNORECASE)


def parse_expand(value: str | None) -> Expand:
    """What ``$expand`` asks for.

    Understands ``singleValueExtendedProperties($filter=id eq 'String 0x001A')`` (several ids may be
    joined with ``or``) and ``attachments`` with an optional nested ``($select=name,size)``.
    """
    tags: list[int] = []
    attachments, attachment_select = False, None
    for item in split_top(value or ""):
        name = item.split("(", 1)[0].strip().lower()
        if name == "attachments":
            attachments = True
            nested = _NESTED_SELECT.search(item)
            attachment_select = tuple(s.strip() for s in nested.group(1).split(",") if s.strip()) if nested else None
        elif name == "singlevalueextendedproperties":
            tags += [int(h, 16) for h in _EXT_TAG.findall(item)]
        else:
            raise bad_request(f"Could not find a property named '{name}' on type 'microsoft.graph.message'.",
                              code="RequestBroker--ParseUri")
    return Expand(tuple(tags), attachments, attachment_select)


def page_size(top: str | None, prefer_max: int | None, default: int, maximum: int) -> int:
    """Items per page: ``$top`` and ``Prefer: odata.maxpagesize`` both cap it; neither means the default."""
    if top is None:
        return min(prefer_max or default, maximum)
    return min(parse_int(top, "$top", default, maximum), prefer_max or maximum)


@dataclass(frozen=True, slots=True)
class Prefer:
    text_body: bool = False
    html_body: bool = False
    immutable_id: bool = False
    max_page_size: int | None = None

    def applied(self, paged: bool = False) -> str | None:
        """The ``Preference-Applied`` header for the preferences this emulator honoured."""
        parts = []
        if self.text_body or self.html_body:
            parts.append(f'outlook.body-content-type="{"text" if self.text_body else "html"}"')
        if self.immutable_id:
            parts.append('IdType="ImmutableId"')
        if paged and self.max_page_size is not None:
            parts.append(f"odata.maxpagesize={self.max_page_size}")
        return ", ".join(parts) or None


def parse_prefer(headers: Headers) -> Prefer:
    text = html = immutable = False
    page: int | None = None
    for raw in headers.getlist("prefer"):
        for item in raw.split(","):
            name, _, value = item.strip().partition("=")
            name, value = name.strip().lower(), value.strip().strip('"').lower()
            if name == "outlook.body-content-type":
                text, html = value == "text", value == "html"
            elif name == "idtype":
                immutable = value == "immutableid"
            elif name == "odata.maxpagesize" and value.isdigit() and int(value) > 0:
                page = int(value)
    return Prefer(text, html, immutable, page)
