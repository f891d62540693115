"""The dependency locks: what deploys is pinned to one version with hashes, tests run on the same versions, the
generated entry files are in step with their inputs, and every runtime dependency is imported by the product."""

from __future__ import annotations

import ast
import gc
import importlib.util
import shutil
from importlib import metadata
from pathlib import Path
from types import ModuleType

import pytest

from tests.infra.bicep import ROOT

PRODUCT = [ROOT / "function_app.py", *(ROOT / "shared").rglob("*.py"), *(ROOT / "functions").rglob("*.py")]
LOCK_FILES = ("requirements.in", "requirements-lock.txt", "requirements.txt",
              "requirements-dev.in", "requirements-dev-lock.txt", "requirements-dev.txt")


def lock_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("lock_script", ROOT / "scripts" / "lock.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


LOCK = lock_script()


def parsed(path: Path) -> ast.Module:
    """``ast.parse`` with the garbage collector paused. A finalizer that runs inside the parser (e.g. the
    ResourceWarning of a socket an earlier test on this xdist worker leaked, an error under filterwarnings=error)
    fails the AST construction, and CPython 3.11 reports that as "SystemError: AST constructor recursion depth
    mismatch" (https://github.com/python/cpython/issues/106905); collecting first lets it fire here, harmlessly."""
    gc.collect()
    gc.disable()
    try:
        return ast.parse(path.read_text("utf-8"))
    finally:
        gc.enable()


def imported_modules(files: list[Path]) -> set[str]:
    found = set()
    for path in files:
        for node in ast.walk(parsed(path)):
            if isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module)
    return found


def packages_of(distribution: str) -> set[str]:
    """Dotted names of the regular packages and top-level modules a distribution installs."""
    found = set()
    for file in metadata.files(distribution) or []:
        parts = file.parts
        if parts[-1] == "__init__.py":
            found.add(".".join(parts[:-1]))
        elif len(parts) == 1 and file.suffix == ".py":
            found.add(file.stem)
    return found


def unused(distributions: list[str], imports: set[str]) -> list[str]:
    def used(distribution: str) -> bool:
        packages = packages_of(distribution)
        return any(m == p or m.startswith(p + ".") for m in imports for p in packages)

    return [d for d in distributions if not used(d)]


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    for name in LOCK_FILES:
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


class TestLocks:
    def test_generated_files_are_in_step_with_inputs_and_locks(self) -> None:
        assert LOCK.problems() == []

    def test_deployed_entry_file_pins_every_line_and_includes_the_hashed_lock(self) -> None:
        lines = [ln for ln in (ROOT / "requirements.txt").read_text().splitlines() if ln and not ln.startswith("#")]
        assert lines[-1].strip() == "-r requirements-lock.txt"
        requirements = [line for line in lines if line[0].isalnum()]
        assert requirements and all("==" in line for line in requirements)
        assert {ln.strip() for ln in lines[:-1]} - set(requirements) <= {
            f"--hash={h}{tail}" for _, hashes in LOCK.locked(ROOT / "requirements-lock.txt").values()
            for h in hashes for tail in ("", " \\")}
        locked = LOCK.locked(ROOT / "requirements-lock.txt")
        assert locked and all(hashes for _, hashes in locked.values())

    def test_runtime_lock_holds_only_what_the_runtime_inputs_pull_in(self) -> None:
        locked = LOCK.locked(ROOT / "requirements-lock.txt")
        assert set(LOCK.input_names(ROOT / "requirements.in")) <= set(locked)
        assert not {"pytest", "ruff", "mypy", "playwright", "uvicorn"} & set(locked)

    def test_a_hand_added_unlocked_package_is_caught(self, copy: Path) -> None:
        with (copy / "requirements.in").open("a") as f:
            f.write("tldextract>=5.1\n")
        assert any("lacks tldextract" in p for p in LOCK.problems(copy))

    def test_a_dev_lock_that_moves_a_deployed_version_is_caught(self, copy: Path) -> None:
        dev = copy / "requirements-dev-lock.txt"
        version = LOCK.locked(copy / "requirements-lock.txt")["httpx"][0]
        dev.write_text(dev.read_text().replace(f"httpx=={version}", "httpx==0.0.1"))
        assert any("pins httpx unlike" in p for p in LOCK.problems(copy))

    def test_an_edited_entry_file_is_caught(self, copy: Path) -> None:
        entry = copy / "requirements.txt"
        entry.write_text(entry.read_text() + "tldextract==5.4.0\n")
        assert any("requirements.txt is not what" in p for p in LOCK.problems(copy))


class TestNothingUnused:
    def test_the_product_imports_every_runtime_dependency(self) -> None:
        assert unused(LOCK.input_names(ROOT / "requirements.in"), imported_modules(PRODUCT)) == []

    def test_a_dependency_nothing_imports_would_be_reported(self) -> None:
        assert unused(["httpx", "pydantic"], {"pydantic.fields"}) == ["httpx"]
