"""A local Microsoft Graph v1.0 emulator for the mail subset (see README.md).

``create_app(state)`` builds the ASGI app; ``python -m emulators.graph --port N`` serves it.
"""

from __future__ import annotations

from emulators.graph.app import create_app
from emulators.graph.state import GraphState

__all__ = ["GraphState", "create_app"]
