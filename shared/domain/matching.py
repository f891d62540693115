"""Decide which CRM contacts get a record, from what the CRM said about each participant.

A participant with no contact is skipped (``no_contact``); one whose address two or more contacts share
is skipped (``ambiguous_contact``, naming them: merging them in the CRM is the fix, as iMIS tools advise).
Replies go to the contacts of the thread's earlier captured email even when a participant is unmatched.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.domain.reasons import Reason


@dataclass(frozen=True, slots=True)
class ContactRef:
    id: str
    name: str = ""
    is_organisation: bool = False


@dataclass(frozen=True, slots=True)
class ParticipantMatch:
    address: str
    contacts: tuple[ContactRef, ...]
    note: str = ""  # why no organisation or new contact was tried, when that is the reason for no contact


@dataclass(frozen=True, slots=True)
class Unmatched:
    address: str
    reason: Reason
    detail: str


@dataclass(frozen=True, slots=True)
class MatchResult:
    targets: tuple[ContactRef, ...]
    unmatched: tuple[Unmatched, ...]


def resolve_targets(matches: list[ParticipantMatch], thread_contacts: tuple[ContactRef, ...] = ()) -> MatchResult:
    targets: dict[str, ContactRef] = {}
    unmatched: list[Unmatched] = []
    for match in matches:
        if len(match.contacts) == 1:
            targets.setdefault(match.contacts[0].id, match.contacts[0])
        elif not match.contacts:
            note = f" {match.note}" if match.note else ""
            unmatched.append(Unmatched(match.address, Reason.NO_CONTACT, f"No CRM contact has {match.address}.{note}"))
        else:
            ids = ", ".join(c.id for c in match.contacts)
            unmatched.append(Unmatched(match.address, Reason.AMBIGUOUS_CONTACT,
                                       f"{match.address} is shared by contacts {ids}; merge them in the CRM."))
    for contact in thread_contacts:
        targets.setdefault(contact.id, contact)
    return MatchResult(tuple(targets.values()), tuple(unmatched))
