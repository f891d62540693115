"""Graph request URLs with the query part expanded once per distinct query, not once per request.

kiota expands a request's whole URL template (RFC 6570, the pure-Python std-uritemplate) every time a request is
sent; for the message fetch, whose ``$select`` names ~25 fields, that was ~1 ms of host CPU per email (py-spy,
docs/benchmarks.md "Third round"). The query part is the same for every fetch under the same options, so it is
expanded once and kept; so is the path's text around its variables, and the variables (mailbox and message id)
are percent-encoded per request as RFC 6570 encodes a simple string (another ~0.17 ms for a real 152-character
message id: "Sixth round"). Expanded by kiota's own ``RequestInformation.url``: an RFC 6570 template expands to the
concatenation of its parts' expansions, so the URL is the one kiota would build, character for character
(tests/unit/test_graph_urls.py compares them, for any mailbox and message id too).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from kiota_abstractions.request_information import RequestInformation

_QUERIES: dict[tuple[str, str], str] = {}
_PATHS: dict[tuple[str, str], list[str]] = {}
_EXPRESSION = re.compile(r"\{([^{}]*)\}")
_SIMPLE = re.compile(r"[A-Za-z0-9_.]+(?:%[0-9A-Fa-f]{2}[A-Za-z0-9_.]*)*")  # one variable: no operator, no modifier
_KEEP = 256  # distinct queries: a handful per option set; more only if something goes wrong, then not kept


def expand_once(info: RequestInformation, base_url: str) -> None:
    """Set ``info.url`` from its template and parameters, the query part from memory when seen before."""
    path, brace, query = (info.url_template or "").partition("{?")
    if not brace or info.path_parameters.get(RequestInformation.RAW_URL_KEY):
        return  # no query part, or a raw URL (a next link): kiota's own way
    query = brace + query
    key = (query, repr(sorted(info.query_parameters.items())))
    expanded = _QUERIES.get(key)
    if expanded is None:
        expanded = _expand(query, info.query_parameters, {})
        if len(_QUERIES) < _KEEP:
            _QUERIES[key] = expanded
    url = _path(path, {"baseurl": base_url, **info.path_parameters}) + expanded
    # kiota's url setter clears path_parameters, and that dict is the request builder's own (shared by reference):
    # cleared, the builder's next request (the fetch's fallback without a second $expand) had no mailbox or id.
    info.path_parameters = dict(info.path_parameters)
    info.query_parameters = dict(info.query_parameters)
    info.url = url


def _path(template: str, params: dict[str, Any]) -> str:
    """The path part: its literal text and ``{+baseurl}`` expanded once per template and base URL, each simple
    ``{name}`` per request as RFC 6570 expands a string (every character but the unreserved ones percent-encoded
    as UTF-8: what std-uritemplate does one character at a time, ~1 µs per character of a 150-character message
    id). Anything else (another operator, a modifier, a value that is not a non-empty string): kiota's own way."""
    key = (template, str(params.get("baseurl")))
    parts = _PATHS.get(key)
    if parts is None:
        parts = _parts(template, params)
        if len(_PATHS) < _KEEP:
            _PATHS[key] = parts
    values = [params.get(name) for name in parts[1::2]]
    if not parts or not all(type(v) is str and v for v in values):
        return _expand(template, {}, params)
    out = [parts[0]]
    for value, literal in zip(values, parts[2::2], strict=True):
        out += [quote(str(value), safe=""), literal]
    return "".join(out)


def _parts(template: str, params: dict[str, Any]) -> list[str]:
    """[text, name, text, name, …, text]: the expanded text between the simple variables; [] when the template
    has an expression other than a simple variable and ``{+baseurl}``."""
    pieces = _EXPRESSION.split(template)  # text, expression, text, …
    if any(not _SIMPLE.fullmatch(e) and e != "+baseurl" for e in pieces[1::2]):
        return []
    parts, text = [], ""
    for i, piece in enumerate(pieces):
        if i % 2 == 0 or piece == "+baseurl":
            text += piece if i % 2 == 0 else "{+baseurl}"
            continue
        parts += [_expand(text, {}, {"baseurl": params.get("baseurl")}) if text else "", piece]
        text = ""
    return [*parts, _expand(text, {}, {"baseurl": params.get("baseurl")}) if text else ""]


def _expand(template: str, query: dict[str, Any], path: dict[str, Any]) -> str:
    part = RequestInformation(url_template=template, path_parameters=dict(path))
    part.query_parameters = dict(query)
    return str(part.url)
