"""Print the mutation score per area from mutmut's results (mutants/**/*.py.meta) and fail under the target.

`make mutate` runs it after `mutmut run`. A mutant counts as killed when a test failed or timed out on it;
"survived" and "no tests" count against the score; mutants not run yet are reported, not counted. The target
(issue 19): at least 90 % killed on shared/domain. The survivors and why they live: docs/mutation.md.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

KILLED = {1, 3, 24, -24, 36, 152, 255}  # mutmut's exit codes for a failing test run, a crash, a timeout
NOT_RUN = {None, 2}
TARGETS = {"shared.domain": 90.0}


def statuses(root: Path) -> dict[str, int | None]:
    found: dict[str, int | None] = {}
    for meta in sorted(root.glob("**/*.py.meta")):
        found.update(json.loads(meta.read_text(encoding="utf-8")).get("exit_code_by_key", {}))
    return found


def area(name: str) -> str:
    return "shared.domain" if name.startswith("shared.domain.") else name.rsplit(".x", 1)[0]


def main(root: Path = Path("mutants")) -> int:
    tally: dict[str, Counter[str]] = {}
    survivors: list[str] = []
    for name, code in statuses(root).items():
        kind = "not run" if code in NOT_RUN else "killed" if code in KILLED else "survived"
        tally.setdefault(area(name), Counter())[kind] += 1
        if kind == "survived":
            survivors.append(name)
    failed = False
    for name, counts in sorted(tally.items()):
        judged = counts["killed"] + counts["survived"]
        score = 100.0 * counts["killed"] / judged if judged else 0.0
        target = TARGETS.get(name)
        failed |= target is not None and score < target
        print(f"{name:<40} killed {counts['killed']:>5}/{judged:<5} = {score:5.1f} %"
              + (f"  (target {target:.0f} %)" if target else "") + (f"  not run {counts['not run']}"
                                                                    if counts["not run"] else ""))
    print(f"{len(survivors)} survivor(s): `.venv/bin/mutmut show NAME` shows one; listed in docs/mutation.md")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
