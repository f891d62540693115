"""Credentials of the iMIS emulator's service user, read from its sample seed (emulators/sample/crm.json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SEED = Path(__file__).resolve().parents[1] / "emulators" / "sample" / "crm.json"


def _find_credentials(node: Any) -> tuple[str, str] | None:
    if isinstance(node, dict):
        text = {k.lower(): v for k, v in node.items() if isinstance(v, str)}
        for user_key in ("username", "user_name", "userid", "user", "login"):
            if user_key in text and "password" in text:
                return text[user_key], text["password"]
        node = list(node.values())
    if isinstance(node, list):
        for item in node:
            if (found := _find_credentials(item)) is not None:
                return found
    return None


def seed_credentials(path: Path = SEED) -> tuple[str, str]:
    """(username, password) of the iMIS seed's ``service_user`` (else its first user-like object);
    ("manager", "manager") when the seed is missing or has none."""
    try:
        seed = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ("manager", "manager")
    preferred = seed.get("service_user") if isinstance(seed, dict) else None
    return _find_credentials(preferred) or _find_credentials(seed) or ("manager", "manager")
