"""Check the Bicep in infra/: every file parses, checkov (framework bicep) finds no failed check, and every
suppression carries a written reason and still suppresses something.

checkov pins many dependencies, so it lives in its own virtualenv (.venv-infra/, created here from
requirements-infra.txt and re-created when that file changes), never in the app's .venv. There is no Bicep
CLI offline: parsing uses pycep, the Bicep parser checkov itself runs on. Stdlib only, so any Python 3.9+
can run it:  python scripts/check_infra.py [--uv PATH-TO-UV]
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import venv
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INFRA = ROOT / "infra"
VENV = ROOT / ".venv-infra"
REQUIREMENTS = ROOT / "requirements-infra.txt"
STAMP = VENV / ".requirements.sha256"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
# checkov's own suppression syntax (checkov.common.comment.enum.COMMENT_REGEX), for `// checkov:skip=ID: reason`.
SKIP_COMMENT = re.compile(r"checkov:skip=\s*([A-Za-z_\d-]+(?:,[A-Za-z_\d-]+)*)?(:[^\n]*)?")
MIN_REASON_WORDS = 5
PARSE_PROGRAM = """
import json, sys
from pycep import BicepParser
errors = {}
for path in sys.argv[1:]:
    try:
        BicepParser().parse(text=open(path, encoding="utf-8").read())
    except Exception as exc:
        errors[path] = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
print(json.dumps(errors))
"""


@dataclass(frozen=True)
class Skip:
    file: str  # relative to infra/, with a leading slash, as checkov reports it
    line: int
    check_id: str
    reason: str


def find_skips(file: str, text: str) -> list[Skip]:
    skips = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = SKIP_COMMENT.search(line)
        if match:
            reason = (match.group(2) or ":")[1:].strip()
            for check_id in (match.group(1) or "").split(","):
                skips.append(Skip(file, number, check_id, reason))
    return skips


def unjustified(skips: list[Skip]) -> list[Skip]:
    return [s for s in skips if not s.check_id or len(s.reason.split()) < MIN_REASON_WORDS]


def stale(skips: list[Skip], report: dict) -> list[Skip]:
    """Suppressions that no longer suppress a result: the check now passes (or vanished), so delete them."""
    used = {(r["file_path"], r["check_id"]) for r in report["results"].get("skipped_checks", [])}
    return [s for s in skips if (s.file, s.check_id) not in used]


def as_report(raw: str) -> dict:
    """checkov prints one object per framework (a list when several ran) or a bare summary when nothing ran."""
    data = json.loads(raw)
    if isinstance(data, list):
        data = next(d for d in data if d.get("check_type") == "bicep")
    data.setdefault("results", {})
    return data


def ensure_venv(uv: str | None = None) -> Path:
    """The checkov virtualenv, (re)installed when requirements-infra.txt changed: by ``uv`` if given (seconds),
    else by pip."""
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    python = BIN / "python"
    if python.exists() and STAMP.exists() and STAMP.read_text().strip() == wanted:
        return python
    print(f"check_infra: installing {REQUIREMENTS.name} into {VENV.name}/ ...", flush=True)
    venv.EnvBuilder(with_pip=uv is None, clear=True).create(VENV)
    (VENV / ".gitignore").write_text("*\n")  # self-ignoring, like Python 3.13's venv
    if uv:
        install = [uv, "pip", "install", "--quiet", "--python", str(python), "-r", str(REQUIREMENTS)]
    else:
        install = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", "-r", str(REQUIREMENTS)]
    subprocess.run(install, check=True)
    STAMP.write_text(wanted + "\n")
    return python


def parse_errors(python: Path, files: list[Path]) -> dict[str, str]:
    out = subprocess.run(
        [str(python), "-c", PARSE_PROGRAM, *map(str, files)], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout)


def run_checkov(python: Path) -> dict:
    checkov = python.parent / "checkov"
    cmd = [str(checkov), "-d", str(INFRA), "--framework", "bicep", "-o", "json", "--skip-download"]
    out = subprocess.run(cmd, capture_output=True, text=True)  # exit code 1 just means "failed checks"
    if not out.stdout.strip():
        raise SystemExit(f"check_infra: checkov produced no report:\n{out.stderr}")
    return as_report(out.stdout)


def main(argv: list[str]) -> int:
    files = sorted(INFRA.rglob("*.bicep"))
    if not files:
        print("check_infra: no .bicep files under infra/")
        return 1
    python = ensure_venv(argv[argv.index("--uv") + 1] if "--uv" in argv else None)
    problems: list[str] = []
    unparsed = parse_errors(python, files)
    for path, error in unparsed.items():
        problems.append(f"{Path(path).relative_to(ROOT)} does not parse: {error}")
    skips = [s for f in files for s in find_skips("/" + f.relative_to(INFRA).as_posix(), f.read_text("utf-8"))]
    for s in unjustified(skips):
        problems.append(f"infra{s.file}:{s.line}: suppression of {s.check_id or '?'} needs a written reason")
    report = run_checkov(python)
    summary = report.get("summary", {})
    for r in report["results"].get("failed_checks", []):
        problems.append(f"infra{r['file_path']}: {r['check_id']} {r['check_name']} ({r['resource']})")
    for s in stale(skips, report):
        problems.append(f"infra{s.file}:{s.line}: {s.check_id} is suppressed but no longer fails; remove it")
    if summary.get("parsing_errors"):
        problems.append(f"checkov could not parse {summary['parsing_errors']} file(s)")
    print(f"check_infra: {len(files) - len(unparsed)} of {len(files)} .bicep files parse")
    print(
        f"check_infra: checkov {summary.get('checkov_version', '?')} (bicep): {summary.get('passed', 0)} passed, "
        f"{summary.get('failed', 0)} failed, {summary.get('skipped', 0)} skipped by a justified suppression"
    )
    for problem in problems:
        print(f"  FAIL {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
