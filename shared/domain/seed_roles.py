"""The seed's roles, server-side. The iMIS Outlook add-in lets admins say which roles may create Interactions
("Interaction Roles"), Activities ("Default Activities Roles") and new contacts ("Add New Contact Roles"). Here
the roles are Entra ID app roles held by a mailbox's owner (``Mailbox.roles``, set by the admin): a mailbox
whose owner holds none of an option's roles never causes that (an empty option restricts nobody)."""

from __future__ import annotations

from shared.domain.mailbox import Mailbox, RecordType
from shared.domain.options import Options

SEED_NAMES = {"interaction_roles": "Interaction Roles", "activity_roles": "Default Activities Roles",
              "add_new_contact_roles": "Add New Contact Roles"}


def _holds(mailbox: Mailbox, allowed: tuple[str, ...]) -> bool:
    return not allowed or bool(set(mailbox.roles) & set(allowed))


def permitted_record_types(mailbox: Mailbox, options: Options) -> tuple[RecordType, ...]:
    """The mailbox's record types (or the default) that its owner's roles allow."""
    wanted = mailbox.record_types or (options.default_record_type,)
    return tuple(k for k in wanted
                 if _holds(mailbox, options.interaction_roles if k == "interaction" else options.activity_roles))


def may_create_contacts(mailbox: Mailbox, options: Options) -> bool:
    wanted = mailbox.create_contacts if mailbox.create_contacts is not None else options.create_contact_if_not_found
    return wanted and _holds(mailbox, options.add_new_contact_roles)


def role_problems(mailbox: Mailbox, options: Options) -> list[tuple[str, str]]:
    """What the mailbox asks for explicitly but its owner's roles do not allow (a 400 when it is saved)."""
    problems = []
    for kind in mailbox.record_types or ():
        field = "interaction_roles" if kind == "interaction" else "activity_roles"
        if not _holds(mailbox, getattr(options, field)):
            problems.append(("record_types", f"{kind} needs one of the {SEED_NAMES[field]} "
                             f"({', '.join(getattr(options, field))}) in roles"))
    if mailbox.create_contacts and not _holds(mailbox, options.add_new_contact_roles):
        problems.append(("create_contacts", f"needs one of the Add New Contact Roles "
                         f"({', '.join(options.add_new_contact_roles)}) in roles"))
    return problems
