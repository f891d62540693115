"""An entity-group transaction's multipart/mixed body and answer as plain bytes, without the ``email`` package.

azure-core 1.41.0 builds a ``$batch`` body with ``email.message.Message`` and ``as_bytes(policy=HTTP)`` and each
part's request line and headers with ``http.client.HTTPConnection`` (``_prepare_multipart_body_helper``,
``_serialize_request``), and parses the answer with ``email.message_from_bytes`` and each part with
``http.client.HTTPResponse`` (``_get_raw_parts_helper``, ``_decode_parts_helper``, ``_deserialize_response``), all in
azure/core/utils/_pipeline_transport_rest_shared.py and azure/core/rest/_http_response_impl.py. For Table storage
that was ~15 % of the worker's GIL time (docs/benchmarks.md). These functions produce the same bytes and the same
parts for what those steps are given by azure-data-tables (ASCII JSON bodies, given boundaries, well-formed CRLF
answers: the format of https://learn.microsoft.com/en-us/rest/api/storageservices/performing-entity-group-transactions)
and return None for anything else, so that the caller runs the library's own code (and raises its errors).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

NEWLINES = re.compile(rb"\r\n|\r|\n")  # email.generator NLCRE: the generator writes each part's lines with CRLF
BOUNDARY = re.compile(r"[0-9A-Za-z'()+_,\-./:=?]{1,70}")  # RFC 2046 bchars, no space: never quoted or refolded
HEADER_NAME = re.compile(r"[!-9;-~]+")  # printable ASCII without ':' (http.client's legal header names, narrowed)
BODY_METHODS = frozenset({"PATCH", "POST", "PUT"})  # http.client._METHODS_EXPECTING_BODY: Content-Length 0
SPECIAL = frozenset({"host", "accept-encoding", "transfer-encoding"})  # http.client drops, adds or chunks for these


def request_bytes(request: Any) -> bytes | None:
    """One operation as ``application/http``: what ``_serialize_request`` writes through http.client (request line,
    Content-Length first when the request has none, the headers in order, a blank line, the body)."""
    method, url, body = request.method, request.url, request.body
    if not (method.isascii() and method.isalpha() and url.isascii() and url.isprintable() and " " not in url):
        return None
    if url.startswith("http"):
        urlsplit(url)  # http.client's putrequest splits it for its Host header: a malformed URL fails there too
    if body is None:
        data = b""
        length = "0" if method.upper() in BODY_METHODS else None
    elif isinstance(body, str | bytes) and body.isascii():
        data = body.encode("ascii") if isinstance(body, str) else body
        length = str(len(data))
    else:
        return None
    lines = [f"{method} {url or '/'} HTTP/1.1"]
    headers = request.headers
    if length is not None and "content-length" not in {name.lower() for name in headers}:
        lines.append(f"Content-Length: {length}")
    for name, value in headers.items():
        if (not isinstance(name, str) or not isinstance(value, str) or name.lower() in SPECIAL
                or not HEADER_NAME.fullmatch(name) or not (value.isascii() and value.isprintable())):
            return None
        lines.append(f"{name}: {value}")
    return "\r\n".join(lines).encode("ascii") + b"\r\n\r\n" + data


def multipart_body(request: Any, content_index: int, library: Any) -> tuple[bytes, str, int] | None:
    """``_prepare_multipart_body_helper``'s body for ``request`` (its parts, a changeset's parts nested), its
    boundary and the next Content-ID, or None where the library's own code must run."""
    parts, boundary = request.multipart_mixed_info[0], request.multipart_mixed_info[2]
    if not boundary or not BOUNDARY.fullmatch(boundary):
        return None
    delimiter = b"--" + boundary.encode("ascii")
    chunks: list[bytes] = []
    for part in parts:
        if part.multipart_mixed_info:
            content_index = part.prepare_multipart_body(content_index=content_index)
            payload = part.serialize()  # one per changeset: the library's own http.client serialisation
            content_type = part.headers["Content-Type"]
            if not (content_type.isascii() and content_type.isprintable()):
                return None
            head = f"Content-Type: {content_type}\r\n\r\n".encode("ascii")
            chunks.append(head + payload[payload.index(b"--"):])  # the generator writes a nested body verbatim
            continue
        payload = request_bytes(part)
        if payload is None:
            payload = library(part)
        head = (b"Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\nContent-ID: "
                + str(content_index).encode("ascii") + b"\r\n\r\n")
        chunks.append(head + NEWLINES.sub(b"\r\n", payload))
        content_index += 1
    body = delimiter + b"\r\n" + (b"\r\n" + delimiter + b"\r\n").join(chunks) + b"\r\n" + delimiter + b"--\r\n"
    if not body.isascii():  # the library fails on these (the generator's ASCII output): let it, in its own words
        return None
    return body, boundary, content_index
