"""Graph request URLs with the query part expanded once per distinct query, not once per request.

kiota expands a request's whole URL template (RFC 6570, the pure-Python std-uritemplate) every time a request is
sent; for the message fetch, whose ``$select`` names ~25 fields, that was ~1 ms of host CPU per email (py-spy,
docs/benchmarks.md "Third round"). The query part is the same for every fetch under the same options, so it is
expanded once and kept; the path (mailbox and message id) is expanded per request. Both by kiota's own
``RequestInformation.url``: an RFC 6570 template expands to the concatenation of its parts' expansions, so the URL
is the one kiota would build, character for character (tests/unit/test_graph_urls.py compares them).
"""

from __future__ import annotations

from typing import Any

from kiota_abstractions.request_information import RequestInformation

_QUERIES: dict[tuple[str, str], str] = {}
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
    url = _expand(path, {}, {"baseurl": base_url, **info.path_parameters}) + expanded
    # kiota's url setter clears path_parameters, and that dict is the request builder's own (shared by reference):
    # cleared, the builder's next request (the fetch's fallback without a second $expand) had no mailbox or id.
    info.path_parameters = dict(info.path_parameters)
    info.query_parameters = dict(info.query_parameters)
    info.url = url


def _expand(template: str, query: dict[str, Any], path: dict[str, Any]) -> str:
    part = RequestInformation(url_template=template, path_parameters=dict(path))
    part.query_parameters = dict(query)
    return str(part.url)
