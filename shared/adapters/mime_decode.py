"""Defensive decoding for MIME parts and header fields: each helper returns something usable for any input
and never raises (unknown charsets, 8-bit headers, hostile encoded-words, pathological address groups).

Shared by the MIME adapter and by test helpers that must decode headers exactly as it does.
"""

from __future__ import annotations

import codecs
import email
import email.utils
import re
from datetime import UTC, datetime
from email.header import decode_header, make_header
from email.message import Message

from shared.domain.model import Address

MAX_HEADER_CHARS = 100_000


def raw_str(value: object) -> str:
    """A header value as str; 8-bit bytes (kept as surrogates by the parser) read as UTF-8, else cp1252."""
    value = str(value)[:MAX_HEADER_CHARS]
    if not any("\udc80" <= ch <= "\udcff" for ch in value):
        return value
    data = value.encode("utf-8", "surrogateescape")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def decode_bytes(data: bytes, charset: str | None) -> str:
    for candidate in (charset, "utf-8"):
        if not candidate:
            continue
        try:
            codecs.lookup(candidate)
            return data.decode(candidate)
        except (LookupError, UnicodeDecodeError, ValueError):
            continue
    return data.decode("cp1252", "replace")


def header_text(value: object) -> str:
    """RFC 2047 encoded-words decoded; unknown charsets and broken encodings degrade, never raise."""
    raw = raw_str(value)
    if "=?" not in raw:
        return " ".join(raw.split())
    try:
        return " ".join(str(make_header(decode_header(raw))).split())
    except Exception:  # LookupError, binascii.Error, UnicodeDecodeError… from hostile encoded-words
        try:
            return " ".join("".join(
                decode_bytes(chunk, cs) if isinstance(chunk, bytes) else chunk for chunk, cs in decode_header(raw)
            ).split())
        except Exception:
            return " ".join(raw.split())


_ADDR_RE = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w.-]+")


def addresses(values: list[str]) -> tuple[Address, ...]:
    try:
        pairs = email.utils.getaddresses(values)
    except Exception:  # RecursionError on pathological groups: fall back to bare addresses
        pairs = [("", found) for value in values for found in _ADDR_RE.findall(value)]
    out: list[Address] = []
    for name, addr in pairs:
        addr = addr.strip().strip("<>").strip().lower()
        if " " in addr:  # "domain.tld postmaster@domain.tld": keep the token that is an address
            addr = next((t for t in reversed(addr.split()) if "@" in t), addr)
        name = header_text(name).strip().strip('"').strip()
        if "@" not in addr:
            if not addr and not name:
                continue
            name, addr = name or addr, ""
        out.append(Address(email=addr, name=name))
    return tuple(out)


def parse_date(value: str) -> datetime | None:
    try:
        parsed = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed is None:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def received_date(received: str) -> datetime | None:
    """The date stamped by the last relay (the top Received field, after its semicolon)."""
    return parse_date(received.rpartition(";")[2]) if ";" in received else None


def part_param(part: Message, name: str) -> str:
    try:
        value = part.get_param(name)
    except Exception:
        return ""
    if value is None:
        return ""
    return raw_str(email.utils.collapse_rfc2231_value(value)).strip()


def part_filename(part: Message) -> str:
    try:
        name = part.get_filename()
    except Exception:
        return ""
    return header_text(name) if name else ""


def payload_bytes(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:
        return b""
    return data if isinstance(data, bytes) else b""


def payload_size(part: Message) -> int:
    return len(payload_bytes(part))


def body_text(part: Message, limit: int) -> str:
    return decode_bytes(payload_bytes(part)[:limit], part_param(part, "charset") or None)
