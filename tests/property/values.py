"""Arbitrary JSON values, and hostile bodies: what a broken or malicious client may send where a document is
expected. The hostile ones reach far past the product's limits (functions/_http.py: 1 MiB, 32 levels), so a test
sees both sides of each limit: nesting from 1 to 100,000 levels and bodies up to a few megabytes."""

from __future__ import annotations

import json

from hypothesis import strategies as st

SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                                        max_size=4), max_leaves=15)


def _nested(depth: int, style: str) -> bytes:
    if style == "list":
        return b"[" * depth + b"]" * depth
    if style == "object":
        return b'{"value":' * depth + b"1" + b"}" * depth
    return b'{"value":[' * depth + b"{}" + b"]}" * depth  # the webhook's own envelope, nested


DEEP = st.builds(_nested, st.integers(1, 100_000) | st.integers(25, 40), st.sampled_from(["list", "object", "mixed"]))


def _large(count: int, size: int, item: object) -> bytes:
    """``count`` copies of ``item`` in a ``value`` array, one field padded to ``size`` characters."""
    padded = item if not isinstance(item, dict) else {**item, "padding": "x" * size}
    return json.dumps({"value": [padded] * count}).encode()


LARGE = st.builds(_large, st.integers(1, 3000), st.integers(0, 2000), JSON | st.dictionaries(st.text(max_size=5), JSON))
HOSTILE = DEEP | LARGE
