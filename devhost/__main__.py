"""``python -m devhost``: run the local Functions host (see devhost/host.py)."""

from __future__ import annotations

from devhost.host import main

raise SystemExit(main())
