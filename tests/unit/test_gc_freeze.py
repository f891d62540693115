"""The composition root moves what it loaded out of the garbage collector's way, once (shared/bootstrap.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

PROBE = """
import gc
from shared import bootstrap
assert gc.get_freeze_count() == 0
bootstrap.get_services()
frozen = gc.get_freeze_count()
bootstrap.get_services()  # built once: a second call freezes nothing new
print(frozen, gc.get_freeze_count())
"""


def test_building_the_services_freezes_what_is_loaded() -> None:
    settings = json.loads((REPO / "local.settings.example.json").read_text())["Values"]
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=REPO, env={**settings, "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=120, check=True)
    first, second = (int(n) for n in done.stdout.split())
    assert first > 10_000  # the SDKs and their clients, not a handful of objects
    assert second == first
