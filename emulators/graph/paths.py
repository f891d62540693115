"""Canonical form of Graph paths and subscription resources.

Graph accepts OData key syntax (``mailFolders('Inbox')``), any letter case in segment names
(``/me/mailfolders``), the SDK's ``delta()`` and fully qualified ``microsoft.graph.delta``; routing
and resource matching see ``/users/x/mailFolders/Inbox/messages/delta`` for all of them.
"""

from __future__ import annotations

import re

_KEYWORDS = {k.lower(): k for k in (
    "users", "mailFolders", "childFolders", "messages", "attachments", "subscriptions", "delta", "move",
    "reauthorize", "$value", "$batch",
)}
_KEY_SYNTAX = re.compile(r"\('([^']*)'\)")
_QUALIFIED = re.compile(r"^microsoft\.graph\.", re.IGNORECASE)


def _segment(raw: str) -> str:
    bare = _QUALIFIED.sub("", raw)
    bare = bare[:-2] if bare.endswith("()") else bare
    return _KEYWORDS.get(bare.lower(), raw)


def normalize(path: str) -> str:
    """``/Users('a@b')/MailFolders('Inbox')/messages/delta()`` -> ``/users/a@b/mailFolders/Inbox/messages/delta``."""
    expanded = _KEY_SYNTAX.sub(lambda m: "/" + m.group(1), path)
    segments = [_segment(s) for s in expanded.split("/") if s]
    return "/" + "/".join(segments)


_RESOURCE = re.compile(r"^/users/([^/]+)(?:/mailFolders/([^/]+))?/messages$")


def parse_resource(resource: str) -> tuple[str, str | None] | None:
    """(user ref, folder ref or None) for a message subscription resource, or None if unsupported."""
    match = _RESOURCE.match(normalize(resource.split("?", 1)[0]))
    return (match.group(1), match.group(2)) if match else None
