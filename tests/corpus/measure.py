"""Corpus figures: how the rules do on every labelled development sample.

    python -m tests.corpus.measure [--misses] [--by-source]

Prints per-label counts and recall, precision per reason, and the three figures the rules are held to:
person-to-person mail kept, machine mail skipped, machine mail skipped with the right reason.
``--by-source`` adds the leave-one-source-out table: each source in turn is the held-out set. The rules
have no fitted parameter (no threshold, no model), so "trained on the others" changes nothing and each
row is simply the fixed rules on that source; the bars are checked per row and on the average.
"""

from __future__ import annotations

import argparse
from collections import Counter
from dataclasses import dataclass

from shared.domain.model import Folder
from shared.domain.options import DEFAULT_OPTIONS
from shared.explain import explain_message
from tests.corpus.samples import MACHINE_LABELS, Sample, all_samples

MAILBOX = "mailbox@organisation.invalid"


@dataclass(frozen=True, slots=True)
class Outcome:
    sample: Sample
    got: str  # "capture" or the reason code

    @property
    def right(self) -> bool:
        return self.sample.label == "any" or self.got == self.sample.label


def judge(sample: Sample) -> Outcome:
    answer = explain_message(sample.path.read_bytes(), DEFAULT_OPTIONS, MAILBOX, Folder.INBOX, sample.name)
    return Outcome(sample, answer["reason"] or "capture")


@dataclass(frozen=True, slots=True)
class Figures:
    person: int
    person_kept: int
    machine: int
    machine_skipped: int
    machine_right: int

    def ratio(self, part: int, whole: int) -> float:
        return 100.0 * part / whole if whole else 100.0

    def lines(self) -> list[str]:
        return [
            f"person mail kept:        {self.person_kept}/{self.person} = "
            f"{self.ratio(self.person_kept, self.person):.2f}%",
            f"machine mail skipped:    {self.machine_skipped}/{self.machine} = "
            f"{self.ratio(self.machine_skipped, self.machine):.2f}%",
            f"  with the right reason: {self.machine_right}/{self.machine} = "
            f"{self.ratio(self.machine_right, self.machine):.2f}%",
        ]


def figures(outcomes: list[Outcome]) -> Figures:
    person = [o for o in outcomes if o.sample.label == "capture"]
    machine = [o for o in outcomes if o.sample.label in MACHINE_LABELS]
    return Figures(
        person=len(person),
        person_kept=sum(o.got == "capture" for o in person),
        machine=len(machine),
        machine_skipped=sum(o.got != "capture" for o in machine),
        machine_right=sum(o.got == o.sample.label for o in machine),
    )


PERSON_BAR = 99.5  # person mail kept, in every held-out source
MACHINE_BAR = 97.0  # machine mail skipped, averaged over the held-out sources


def by_source(outcomes: list[Outcome]) -> dict[str, Figures]:
    origins = sorted({o.sample.origin for o in outcomes})
    return {origin: figures([o for o in outcomes if o.sample.origin == origin]) for origin in origins}


def machine_average(table: dict[str, Figures]) -> float:
    rows = [f.ratio(f.machine_skipped, f.machine) for f in table.values() if f.machine]
    return sum(rows) / len(rows) if rows else 100.0


def source_table(outcomes: list[Outcome]) -> list[str]:
    table = by_source(outcomes)
    lines = [f"{'held-out source':<16}{'person':>8}{'kept':>9}{'machine':>9}{'skipped':>9}{'right':>8}"]
    for origin, f in table.items():
        kept = f"{f.ratio(f.person_kept, f.person):.1f}%" if f.person else "-"
        skipped = f"{f.ratio(f.machine_skipped, f.machine):.1f}%" if f.machine else "-"
        right = f"{f.ratio(f.machine_right, f.machine):.1f}%" if f.machine else "-"
        lines.append(f"{origin:<16}{f.person:>8}{kept:>9}{f.machine:>9}{skipped:>9}{right:>8}")
    rights = [f.ratio(f.machine_right, f.machine) for f in table.values() if f.machine]
    lowest = min((f.ratio(f.person_kept, f.person) for f in table.values() if f.person), default=100.0)
    lines += ["", f"person mail kept, lowest source: {lowest:.2f}% (bar {PERSON_BAR}%)",
              f"machine mail skipped, average over sources: {machine_average(table):.2f}% (bar {MACHINE_BAR}%)",
              f"right reason, average over sources: {sum(rights) / max(len(rights), 1):.2f}%"]
    return lines


def report(outcomes: list[Outcome], misses: bool = False) -> list[str]:
    labels = Counter(o.sample.label for o in outcomes)
    got = Counter(o.got for o in outcomes if o.sample.label != "any")
    lines = [f"{len(outcomes)} samples from {len({o.sample.origin for o in outcomes})} sources", "",
             f"{'label':<18}{'n':>6}{'right':>7}{'recall':>9}{'precision':>11}"]
    for label in sorted(labels):
        n = labels[label]
        right = sum(o.right for o in outcomes if o.sample.label == label)
        hits = sum(o.got == label == o.sample.label for o in outcomes)
        precision = f"{100.0 * hits / got[label]:.1f}%" if got[label] and label != "any" else "-"
        lines.append(f"{label:<18}{n:>6}{right:>7}{100.0 * right / n:>8.1f}%{precision:>11}")
    lines += ["", *figures(outcomes).lines()]
    if misses:
        lines += ["", "misses:"] + [f"  {o.sample.origin}:{o.sample.name}: labelled {o.sample.label}, got {o.got}"
                                    for o in outcomes if not o.right]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.corpus.measure", description=__doc__.split("\n")[0])
    parser.add_argument("--misses", action="store_true", help="list every sample the rules get wrong")
    parser.add_argument("--by-source", action="store_true", help="the leave-one-source-out table")
    args = parser.parse_args()
    outcomes = [judge(s) for s in all_samples()]
    print("\n".join(report(outcomes, misses=args.misses)))
    if args.by_source:
        print("\n" + "\n".join(source_table(outcomes)))


if __name__ == "__main__":
    main()
