"""Address helpers shared by the filters: domain matching on label boundaries, no-reply local parts.

Domain matching is plain suffix matching on whole labels (``mail.acme.org`` is under ``acme.org``,
``notacme.org`` is not), which needs no public-suffix list and so no network.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from shared.domain.model import Address

# no-reply, noreply, no_reply, do-not-reply, donotreply, dont-reply, "noreply+tag", "no.reply-billing"…
_NO_REPLY_RE = re.compile(r"^(?:.*[._+-])?(?:no|do[._-]?not|dont|do[._-]?no)[._-]?reply(?:[._+-].*|\d*)$")


def domain_matches(domain: str, suffixes: Iterable[str]) -> bool:
    """True when ``domain`` equals one of ``suffixes`` or is a subdomain of one."""
    domain = domain.lower().rstrip(".")
    if not domain:
        return False
    return any(domain == s or domain.endswith("." + s) for s in suffixes if s)


def is_blocked(address: Address, blocked_addresses: Iterable[str], blocked_domains: Iterable[str]) -> bool:
    return address.email in set(blocked_addresses) or domain_matches(address.domain, blocked_domains)


def is_no_reply(address: Address | None) -> bool:
    """A sender address that says it takes no replies (no-reply@, donotreply@, noreply-billing@…)."""
    if address is None or "@" not in address.email:
        return False
    return bool(_NO_REPLY_RE.match(address.local_part.lower()))


_DAEMON_RE = re.compile(r"^(mailer[-_.]?daemon|mail[-_.]?daemon|mail[-_.]?delivery[-_.]?(subsystem|system)?|mdaemon)$")
_DAEMON_NAME_RE = re.compile(r"^mail delivery (subsystem|system|service)$|^mailer[- ]daemon$", re.I)
# Exchange's system mailbox that sends NDRs (MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@…).
_EXCHANGE_SYSTEM_RE = re.compile(r"^microsoftexchange[0-9a-f]{32}$")


def is_mailer_daemon(address: Address | None) -> bool:
    """The mail system's own sender (RFC 5321 names MAILER-DAEMON for notifications)."""
    if address is None:
        return False
    local = address.local_part.lower()
    return bool(_DAEMON_RE.match(local) or _EXCHANGE_SYSTEM_RE.match(local) or _DAEMON_NAME_RE.match(address.name))


def is_postmaster(address: Address | None) -> bool:
    """postmaster@ (RFC 5321 4.5.1, RFC 2142): also read by people, so only supporting evidence."""
    return address is not None and address.local_part.lower() in ("postmaster", "post_master", "post-master")


# Unix service accounts, and "wordpress", the sender WordPress's wp_mail() uses when a site sets none
# (wp-includes/pluggable.php: 'wordpress@' . $sitename), so contact-form and plugin mail.
_SYSTEM_LOCAL = frozenset({"www-data", "apache", "nobody", "daemon", "cron", "httpd", "nginx", "wwwrun", "www",
                           "wordpress"})


def is_system_account(address: Address | None) -> bool:
    """A Unix service account (cron jobs, web applications) rather than a person."""
    if address is None:
        return False
    return address.local_part.lower() in _SYSTEM_LOCAL or address.name.lower() in ("cron daemon", "anacron")
