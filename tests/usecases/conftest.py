from __future__ import annotations

import pytest

from tests.usecases.world import World


@pytest.fixture
def world() -> World:
    """Fakes, options with the organisation's domain, Alice in the CRM and the mailbox watched."""
    w = World()
    w.watch()
    return w
