"""Every benchmark module imports: `python -m bench` must not fail at start-up for a name removed elsewhere."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import bench


@pytest.mark.parametrize("name", sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if m.name != "__main__"))
def test_bench_module_imports(name: str) -> None:
    importlib.import_module(f"bench.{name}")


def test_bench_entry_point_imports() -> None:
    importlib.import_module("bench.__main__")  # the guarded main() does not run on import
