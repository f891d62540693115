"""Size and role limits of the options document, checked before anything is stored.

The document and each history entry live in Table storage rows (one entity at most 1 MiB, one string property
at most 64 KiB: learn.microsoft.com/rest/api/storageservices/understanding-the-table-service-data-model).
The store splits long text over several properties; these limits keep a document, and a history entry holding
what changed between two documents, inside one entity with room to spare, and say which field to shorten.
"""

from __future__ import annotations

import json
import re
from typing import Any

# As stored: ASCII JSON (non-ASCII escaped), 2 bytes a character. A history entry holds at most the fields of
# both documents (a replaced list as added + removed): 2 × 240,000 characters = 960 KB, inside one entity.
MAX_DOCUMENT_CHARS = 240_000
MAX_LIST_ITEMS = {"internal_domains": 1_000, "blocked_domains": 5_000, "blocked_addresses": 5_000,
                  "auto_link_excluded_domains": 5_000, "activity_types": 50}
MAX_FIELDS_PER_TYPE = 30
MAX_ROLES = 50
# An Entra ID app role value: at most 120 characters of 0-9 A-Z a-z and ! # $ % & ' ( ) * + , - . / : ; < = > ? @
# [ ] ^ _ ` { | } ~, no space, not starting with "." (learn.microsoft.com/graph/api/resources/approle, "value").
_ROLE_RE = re.compile(r"^(?!\.)[0-9A-Za-z!#$%&'()*+,\-./:;<=>?@\[\]^_`{|}~]{1,120}$")


def app_roles(values: tuple[str, ...]) -> tuple[str, ...]:
    """Field validator: every value is a well-formed app role value."""
    bad = [v for v in values if not _ROLE_RE.match(v)]
    if bad:
        shown = ", ".join(repr(v[:40] + ("…" if len(v) > 40 else "")) for v in bad[:5])
        raise ValueError(f"not an Entra ID app role value (1-120 characters, no spaces): {shown}")
    if len(values) > MAX_ROLES:
        raise ValueError(f"at most {MAX_ROLES} roles")
    return values


def stored_size(value: Any) -> int:
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=True, default=str))


def size_problems(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """Too many items in a list, or a document too large to store: each with the field to shorten."""
    problems = [(name, f"{len(doc[name])} entries; at most {limit}") for name, limit in MAX_LIST_ITEMS.items()
                if isinstance(doc.get(name), list | tuple) and len(doc[name]) > limit]
    types = doc.get("activity_types")
    for i, activity_type in enumerate(types if isinstance(types, list | tuple) else ()):
        fields = activity_type.get("fields") if isinstance(activity_type, dict) else None
        if isinstance(fields, list | tuple) and len(fields) > MAX_FIELDS_PER_TYPE:
            problems.append((f"activity_types.{i}.fields", f"{len(fields)} mappings; at most {MAX_FIELDS_PER_TYPE}"))
    total = stored_size(doc)
    if total > MAX_DOCUMENT_CHARS and not problems:
        largest = str(max(doc, key=lambda name: stored_size(doc[name])))
        problems.append((largest, f"the options document is {total:,} characters, at most {MAX_DOCUMENT_CHARS:,}; "
                                  f"this field takes {stored_size(doc[largest]):,}"))
    return problems


DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def domain_names(values: tuple[str, ...]) -> tuple[str, ...]:
    cleaned = tuple(v.strip().lower().lstrip("@") for v in values)
    bad = [v for v in cleaned if not DOMAIN_RE.match(v)]
    if bad:
        raise ValueError(f"not a domain name: {', '.join(bad)}")
    return cleaned
