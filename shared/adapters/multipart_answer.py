"""The parts of an entity-group transaction's answer, split and read as bytes instead of through ``email`` and
``http.client`` (shared/adapters/multipart_wire.py says why).

azure-core 1.41.0 parses the multipart/mixed answer with ``email.message_from_bytes`` (``_get_raw_parts_helper``),
walks its parts matching each to the request at the same index, a changeset's parts to the changeset's requests
(``_decode_parts_helper``, azure/core/utils/_pipeline_transport_rest_shared.py), and reads each ``application/http``
part with ``http.client.HTTPResponse.begin()`` into a ``RestHttpClientTransportResponse``
(azure/core/rest/_http_response_impl.py). ``raw_parts`` does the same for a well-formed answer (CRLF lines, every
boundary a whole line, ASCII heads without folded headers, no transfer coding: the format of
https://learn.microsoft.com/en-us/rest/api/storageservices/performing-entity-group-transactions) and returns None
for anything else, so that the library's own parser runs (and raises its errors).
"""

from __future__ import annotations

import re
from typing import Any

CONTENT_TYPE = re.compile(r"multipart/mixed;[ \t]*boundary=(\"?)([0-9A-Za-z'()+_,\-./:=?]{1,70})\1", re.IGNORECASE)
STATUS_LINE = re.compile(rb"HTTP/1\.[0-9] ([2-9][0-9][0-9])(?: ([^\r\n]*))?\r\n")  # 1xx: http.client skips them
HEADER_LINE = re.compile(rb"([!-9;-~]+):[ \t]*([^\r\n]*)\r\n")  # email.feedparser headerRE, unfolded
RAW_CODINGS = ("", "binary", "7bit", "8bit")  # Message.get_payload(decode=True) returns these parts as they are
MAX_HEADERS = 100  # http.client._MAXHEADERS: more is an error the library raises


class PartResponse:
    """What ``RestHttpClientTransportResponse`` reads of an ``http.client.HTTPResponse``."""

    def __init__(self, status: int, reason: str, headers: list[tuple[str, str]], data: bytes) -> None:
        self.status, self.reason, self._headers, self._data = status, reason, headers, data

    def getheaders(self) -> list[tuple[str, str]]:
        return list(self._headers)

    def read(self, amt: int | None = None) -> bytes:
        data = self._data if amt is None else self._data[:amt]
        self._data = self._data[len(data):]
        return data

    def close(self) -> None:
        self._data = b""


def head_lines(data: bytes, start: int) -> tuple[list[tuple[str, str]], int] | None:
    """Header lines from ``start`` up to a blank line or the end: (name, value) as compat32 keeps them."""
    headers: list[tuple[str, str]] = []
    position = start
    while position < len(data) and not data.startswith(b"\r\n", position):
        line = HEADER_LINE.match(data, position)
        if line is None or len(headers) == MAX_HEADERS or not line[0].isascii():
            return None
        headers.append((line[1].decode("ascii"), line[2].decode("ascii")))
        position = line.end()
    return headers, position + 2  # past the blank line (or the end: the body is empty)


def first(headers: list[tuple[str, str]], name: str) -> str | None:
    return next((value for key, value in headers if key.lower() == name), None)


def part_response(data: bytes, method: str) -> PartResponse | None:
    """``HTTPResponse.begin()`` and ``read()`` over one part: status, reason, headers and the body's bytes."""
    status_line = STATUS_LINE.match(data)
    if status_line is None or not status_line[0].isascii():
        return None
    read = head_lines(data, status_line.end())
    if read is None:
        return None
    headers, start = read
    length = first(headers, "content-length")
    if first(headers, "transfer-encoding") is not None or (length and not length.isdigit()):
        return None
    status, body = int(status_line[1]), data[start:]
    if status in (204, 304) or method == "HEAD":
        body = b""
    elif length:
        if int(length) > len(body):
            return None  # http.client raises IncompleteRead on reading: the library's parser will
        body = body[:int(length)]
    return PartResponse(status, (status_line[2] or b"").decode("ascii").strip(), headers, body)


def split(content_type: str, body: bytes) -> list[bytes] | None:
    """The parts of a multipart body whose every boundary delimiter starts a CRLF line (preamble- and
    epilogue-free parts: what ``email.feedparser`` yields for them, the CRLF before each delimiter dropped)."""
    match = CONTENT_TYPE.fullmatch(content_type.strip())
    if match is None:
        return None
    delimiter = b"--" + match[2].encode("ascii")
    if not body.startswith(delimiter + b"\r\n") or body.count(delimiter) != body.count(b"\r\n" + delimiter) + 1:
        return None
    pieces = body[len(delimiter):].split(b"\r\n" + delimiter)
    *parts, close = pieces
    if not all(part.startswith(b"\r\n") for part in parts) or not (close == b"--" or close.startswith(b"--\r\n")):
        return None
    return [part[2:] for part in parts]


def decode(content_type: str, body: bytes, requests: Any, parent: Any, response_type: Any) -> list[Any] | None:
    """``_decode_parts_helper`` over the split parts: the i-th part answers the i-th request (the parent request
    when there are more parts than requests), a changeset's parts its own requests."""
    parts = split(content_type, body)
    if parts is None:
        return None
    responses: list[Any] = []
    for index, part in enumerate(parts):
        read = head_lines(part, 0)
        if read is None or (first(read[0], "content-transfer-encoding") or "").strip().lower() not in RAW_CODINGS:
            return None
        headers, start = read
        part_type = first(headers, "content-type")
        kind = (part_type or "").partition(";")[0].strip().lower()
        if kind == "application/http":
            request = requests[index] if index < len(requests) else parent
            answer = part_response(part[start:], request.method)
            if answer is None:
                return None
            responses.append(response_type(request=request, internal_response=answer))
        elif kind == "multipart/mixed" and index < len(requests) and requests[index].multipart_mixed_info:
            nested = decode(part_type or "", part[start:], requests[index].multipart_mixed_info[0], parent,
                            response_type)
            if nested is None:
                return None
            responses.extend(nested)
        else:
            return None
    return responses
