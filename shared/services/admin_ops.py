"""Operations for admins: decision-log search, replay, poison replay, cache purge, explain (status: status.py)."""

from __future__ import annotations

from typing import Any

from shared.domain.errors import BadRequest
from shared.domain.lanes import Lane
from shared.domain.model import Folder
from shared.domain.options import parse_options
from shared.domain.work import WorkItem, to_payload
from shared.services.deps import Services
from shared.services.explain import explain_message
from shared.services.status import status as status  # the route and older callers import it from here


def search_decisions(deps: Services, **filters: Any) -> list[dict[str, Any]]:
    return deps.decisions.search(**filters)


def replay(items: list[dict[str, Any]], deps: Services) -> int:
    """Queue emails again after options or CRM data changed; the ledger keeps captured ones single."""
    work = []
    for item in items:
        if not all(isinstance(item.get(k), str) and item[k] for k in ("mailbox", "message_id")):
            raise BadRequest(f"each email needs a mailbox and a message_id (strings): {str(item)[:200]}")
        folder = str(item.get("folder") or Folder.INBOX.value)
        work.append(to_payload(WorkItem(str(item["mailbox"]).lower(), str(item["message_id"]), folder, "replay")))
    deps.queue.send(work)  # the live lane: an admin is waiting for these few (shared/domain/lanes.py)
    return len(work)


def replay_poison(deps: Services, limit: int = 32) -> dict[str, int]:
    """Up to ``limit`` messages of each lane's poison queue, each back on its own lane's queue."""
    counts = {"requeued": 0, "kept": 0}
    for lane in Lane:
        poison = deps.poison_of(lane)
        moved = poison.drain(limit)
        good = [m for m in moved if "raw" not in m]
        deps.queue_of(lane).send(good)
        if len(good) != len(moved):  # keep what cannot be re-queued where an admin can see it
            poison.send([m for m in moved if "raw" in m])
        counts["requeued"] += len(good)
        counts["kept"] += len(moved) - len(good)
    return counts


def purge_contact_cache(deps: Services) -> dict[str, int]:
    from shared.services.contacts import forget_local_contacts

    forget_local_contacts(deps)  # this worker at once; the others within contacts.LOCAL_TTL_S
    return {"generation": deps.contact_cache.purge()}


def explain(raw: bytes, deps: Services, *, mailbox: str | None, folder: str | None,
            options_doc: Any = None) -> dict[str, Any]:
    options = parse_options(options_doc) if options_doc is not None else deps.options.get().options
    where = Folder.parse(folder)
    address = (mailbox or "mailbox@organisation.invalid").lower()
    return explain_message(raw, options, address, where, "message.eml", deps.parse_mime)


def require_write(caller: Any, deps: Services) -> None:
    from shared.services.access import Access, authorise

    authorise(caller, Access.WRITE, deps.current_options().options,
              deps.settings.admin_require_principal.lower() == "true")
