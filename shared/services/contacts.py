"""Contact matching with a TTL cache in Table storage (purged from the admin API)."""

from __future__ import annotations

import hashlib
import time
from datetime import timedelta

from shared.domain.addresses import domain_matches
from shared.domain.errors import CrmRejected
from shared.domain.filters import MailboxContext, lookup_participants
from shared.domain.mailbox import Mailbox
from shared.domain.matching import ContactRef, MatchResult, ParticipantMatch, resolve_targets
from shared.domain.model import MailMessage
from shared.domain.options import Options
from shared.domain.seed_roles import may_create_contacts
from shared.ports import ClaimState
from shared.services.claims import claim_once
from shared.services.deps import Services

LOCAL_TTL_S = 15.0  # a worker keeps hot addresses in memory this long (purges reach every worker within it)


def forget_local_contacts(deps: Services) -> None:
    deps.caches.contacts.clear()


def cached_contacts(email: str, options: Options, deps: Services) -> tuple[ContactRef, ...]:
    ttl = timedelta(minutes=options.contact_cache_ttl_minutes)
    now = deps.clock.now()
    if ttl:
        local = deps.caches.contacts.get(email)
        if local and time.monotonic() - local[0] < min(LOCAL_TTL_S, ttl.total_seconds()):
            return local[1]
        hit = deps.contact_cache.get(email, ttl, now)
        if hit is not None:
            deps.caches.contacts[email] = (time.monotonic(), hit)
            return hit
    contacts = deps.crm.find_contacts(email)
    if ttl:
        deps.contact_cache.put(email, contacts, now)
        deps.caches.contacts[email] = (time.monotonic(), contacts)
    return contacts


def match_contacts(msg: MailMessage, options: Options, context: MailboxContext, mailbox: Mailbox, deps: Services,
                   thread_keys: list[str], owner: str, preview: bool = False) -> MatchResult:
    """``preview``: the same decisions through the CRM's read API only (no cache written, no contact created:
    a contact that would be created is a placeholder, ``would_create``)."""
    create = may_create_contacts(mailbox, options)  # the mailbox's setting and the seed's Add New Contact Roles
    matches = []
    for address in lookup_participants(msg, options, context):
        contacts = deps.crm.find_contacts(address.email) if preview else cached_contacts(address.email, options, deps)
        excluded = domain_matches(address.domain, options.auto_link_excluded_domains)
        note = f"{address.domain} is excluded from organisation linking and contact creation." \
            if excluded and not contacts and (create or options.link_organisation_by_domain) else ""
        if not contacts and options.link_organisation_by_domain and not excluded:
            contacts = _organisation(address.domain, deps)
        if not contacts and create and not excluded:
            contacts = (would_create(address.email, address.name),) if preview else \
                _create(address.email, address.name, deps, owner)
        matches.append(ParticipantMatch(address.email, contacts, note))
    # The thread is consulted only when someone is unmatched: then a reply (say, from a member's other address)
    # still reaches the contacts of the thread's earlier captured email. Fully matched mail needs no look-up.
    unmatched = any(len(m.contacts) != 1 for m in matches)
    thread = deps.threads.contacts_for(thread_keys) if options.link_replies_to_thread and unmatched else ()
    return resolve_targets(matches, thread)


def would_create(email: str, name: str) -> ContactRef:
    return ContactRef(f"{NEW_CONTACT}{email}", name or email)


NEW_CONTACT = "(new contact) "  # the id prefix of a contact the preview would create


def _organisation(domain: str, deps: Services) -> tuple[ContactRef, ...]:
    found = deps.crm.find_organisations_by_domain(domain) if domain else ()
    return found if len(found) == 1 else ()  # several organisations on one domain: do not guess


def _create(email: str, name: str, deps: Services, owner: str) -> tuple[ContactRef, ...]:
    """Create the contact once, however many workers meet the address at the same moment: the creation is
    claimed in the ledger like a record write, and the others use the contact the winner created."""
    key = "contact-" + hashlib.sha256(email.encode()).hexdigest()[:32]
    claim = claim_once(key, "contact", owner, deps)
    if claim.state == ClaimState.DONE:
        return (ContactRef(claim.record_id, name),)
    if claim.state == ClaimState.RECOVER:  # a creation was interrupted: it may have happened
        found = deps.crm.find_contacts(email)
        if found:
            deps.ledger.complete(key, "contact", found[0].id, "contact", deps.clock.now())
            return found
    try:
        contact = deps.crm.create_contact(email, name)
    except CrmRejected:
        deps.ledger.release(key, "contact")
        return ()
    deps.ledger.complete(key, "contact", contact.id, "contact", deps.clock.now())
    deps.contact_cache.put(email, (contact,), deps.clock.now())
    return (contact,)
