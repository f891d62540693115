from __future__ import annotations

from shared.domain.errors import GraphUnavailable, TransientError


def test_a_transient_error_keeps_its_message_and_retry_after() -> None:
    error = GraphUnavailable("Graph answered 503", retry_after=7.5)
    assert isinstance(error, TransientError)
    assert (str(error), error.retry_after) == ("Graph answered 503", 7.5)
    assert TransientError("later").retry_after is None
