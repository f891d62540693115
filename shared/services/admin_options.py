"""Options use cases: read, replace, patch (ETag-guarded, with history) and preview."""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from shared.domain.errors import (
    InvalidOptions,
    MessageNotFound,
    OptionsConflict,
    PreconditionRequired,
    TransientError,
)
from shared.domain.options import Options, options_to_doc, parse_options
from shared.ports import StoredOptions
from shared.services.deps import Services
from shared.services.full_preview import Fetches, field_changes, full_decision
from shared.services.mailboxes import queue_folder_refreshes

# Emails previewed side by side: Graph allows 4 concurrent requests per app per mailbox, and the Graph adapter's
# pacer (shared/adapters/pacing.py) holds every mailbox to that whoever calls; the adapters already serve
# concurrent host invocations from threads, and the preview only reads.
PREVIEW_CONCURRENCY = 4


def get_options(deps: Services) -> StoredOptions:
    return deps.options.get()


def options_etag(stored: StoredOptions) -> str:
    """The HTTP ETag of the options document: its version (the table's own ETag guards the write)."""
    return f'"v{stored.version}"'


_ENTITY_TAG = re.compile(r'\s*(W/)?"([\x21\x23-\x7e\x80-\xff]*)"\s*(?:,|$)')
_ANY_TRIES = 5  # "If-Match: *" retries a write that lost a race: it matches whatever is current


def if_match_allows(if_match: str, stored: StoredOptions) -> bool:
    """RFC 9110 §13.1.1: "*" matches the existing document; otherwise a comma-separated list of entity tags,
    compared strongly (a weak tag never matches). A bare v3 without quotes is taken as "v3" (lenient)."""
    value = if_match.strip()
    if value == "*":
        return True
    current = options_etag(stored)
    tags = _ENTITY_TAG.findall(value)
    if not tags:
        return value == current.strip('"')
    return any(not weak and f'"{opaque}"' == current for weak, opaque in tags)


def _scalars(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str | int | float | bool) for v in value)


def diff(before: Any, after: Any, path: str = "") -> list[dict[str, Any]]:
    """Field-level changes between two option documents, for the history. A list of plain values (domains,
    addresses, roles) records what was added and removed, not both lists: one new domain in a block list of
    5,000 is one entry, and the history row stays small."""
    if isinstance(before, dict) and isinstance(after, dict):
        changes = []
        for key in sorted(set(before) | set(after)):
            changes += diff(before.get(key), after.get(key), f"{path}.{key}" if path else key)
        return changes
    if before == after:
        return []
    if _scalars(before) and _scalars(after):
        return [{"path": path, "added": [v for v in after if v not in set(before)],
                 "removed": [v for v in before if v not in set(after)]}]
    return [{"path": path, "from": before, "to": after}]


def replace_options(doc: Any, if_match: str | None, who: str, deps: Services,
                    caller_roles: frozenset[str] | None = None) -> StoredOptions:
    return _write(lambda current: doc, if_match, who, deps, caller_roles)


def _keeps_writer(options: Options, caller_roles: frozenset[str] | None) -> None:
    """A signed-in admin cannot take the write right away from every role they hold (nobody may hold the new
    ones yet): the change is refused, and the stored options stay as they were."""
    if caller_roles is not None and not set(options.change_options_roles) & caller_roles:
        raise InvalidOptions([("change_options_roles", "none of your roles would be allowed to change the options "
                                                       "afterwards; keep one of them in the list")])


def _write(build: Callable[[StoredOptions], Any], if_match: str | None, who: str, deps: Services,
           caller_roles: frozenset[str] | None = None) -> StoredOptions:
    """Validate and store ``build(current)``. With "If-Match: *" a write that loses a race is built again on
    what is now current (the header matches any existing document); with entity tags it is a 412."""
    if not if_match:
        raise PreconditionRequired("If-Match is required: GET the options and send back their ETag")
    for attempt in range(_ANY_TRIES):
        current = deps.options.get()
        if not if_match_allows(if_match, current):
            raise OptionsConflict("the options changed since they were read; reload and retry")
        options = parse_options(build(current))  # InvalidOptions: the stored document is untouched
        _keeps_writer(options, caller_roles)
        changes = diff(options_to_doc(current.options), options_to_doc(options))
        try:
            saved = deps.options.save(options, current.etag, who, changes)
        except OptionsConflict:
            if if_match.strip() != "*" or attempt == _ANY_TRIES - 1:
                raise
            continue
        deps.forget_options()
        queue_folder_refreshes(changes, deps)  # a new capture folder or folder scope reaches every mailbox
        return saved
    raise AssertionError("unreachable")


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396 JSON merge patch."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def patch_options(patch: Any, if_match: str | None, who: str, deps: Services,
                  caller_roles: frozenset[str] | None = None) -> StoredOptions:
    if not isinstance(patch, dict):
        raise InvalidOptions([("", "a merge patch must be a JSON object")])
    return _write(lambda current: merge_patch(options_to_doc(current.options), patch), if_match, who, deps,
                  caller_roles)


def preview_options(doc: Any, limit: int, deps: Services,
                    concurrency: int = PREVIEW_CONCURRENCY) -> list[dict[str, Any]]:
    """The whole decision (filters, contacts, mapping, contact creation) for the last ``limit`` logged emails,
    under the current and the proposed options, with the record fields each would write, in the log's order.
    Reads only: Graph, the CRM's read API, the log and the ledger (shared.services.full_preview). Up to
    ``concurrency`` emails at a time: each costs Graph and CRM round trips (100-300 ms each against the real ones)."""
    proposed: Options = parse_options(doc)
    current = deps.options.get().options
    entries = [e for e in deps.decisions.search(contact_id="", limit=max(1, min(limit, 100)))
               if e.get("message_id")]  # not an email (e.g. the erasure log)
    if concurrency <= 1 or len(entries) <= 1:
        return [_preview_one(e, current, proposed, deps) for e in entries]
    with ThreadPoolExecutor(min(concurrency, len(entries)), thread_name_prefix="preview") as pool:
        return list(pool.map(lambda e: _preview_one(e, current, proposed, deps), entries))  # map keeps the order


def _preview_one(entry: dict[str, Any], current: Options, proposed: Options, deps: Services) -> dict[str, Any]:
    fetched: Fetches = {}  # one email's Graph reads, shared by its two decisions
    try:
        before = full_decision(entry, current, deps, fetched)
        after = full_decision(entry, proposed, deps, fetched)
    except (MessageNotFound, TransientError) as exc:
        return {"entry_id": entry["entry_id"], "subject": entry.get("subject", ""), "error": str(exc)}
    return {"entry_id": entry["entry_id"], "mailbox": entry["mailbox"], "subject": entry.get("subject", ""),
            "logged": {"outcome": entry["outcome"], "reason": entry.get("reason") or None},
            "current": before, "proposed": after, "changed": before != after,
            "field_changes": field_changes(before, after)}
