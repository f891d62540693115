"""Domains that never stand for one organisation: free-mail and consumer ISP mailboxes.

Anyone can have an address there, so the domain says nothing about who the sender works for: such a domain
must never be linked to an organisation, and a stranger writing from it must not become a new CRM contact
automatically (``auto_link_excluded_domains``). This is the default list; admins add their own (shared
mailbox providers, a partner's public helpdesk domain). It is separate from ``blocked_domains``: mail from
these domains is still captured for contacts who already exist.
"""

from __future__ import annotations

# The largest consumer mail services by region (the providers' own domains). Subdomains match too.
DEFAULT_AUTO_LINK_EXCLUDED = (
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "hotmail.co.uk", "hotmail.fr", "live.com",
    "live.co.uk", "msn.com", "yahoo.com", "yahoo.co.uk", "yahoo.fr", "ymail.com", "rocketmail.com", "aol.com",
    "icloud.com", "me.com", "mac.com", "proton.me", "protonmail.com", "pm.me", "gmx.com", "gmx.net", "gmx.de",
    "web.de", "t-online.de", "mail.com", "zoho.com", "yandex.com", "yandex.ru", "mail.ru", "qq.com", "163.com",
    "126.com", "fastmail.com", "tutanota.com", "hey.com", "orange.fr", "free.fr", "laposte.net", "libero.it",
    "btinternet.com", "comcast.net", "verizon.net", "att.net", "sbcglobal.net", "bigpond.com", "shaw.ca",
)
