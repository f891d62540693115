"""Runs the rules on every labelled development sample (see samples.py and SOURCES.md).

Assertions are grouped per source and label so one run stays fast; a failure lists every sample at fault.
Known misses are marked in manifest.tsv (note "miss: why") and must keep missing until a rule fixes them,
at which point the note goes.
"""

from __future__ import annotations

from functools import cache
from itertools import groupby

import pytest

from shared.adapters.graph_message import message_from_graph
from shared.adapters.mime import UnparseableMessage, message_from_mime
from shared.domain.filters import MailboxContext, decide
from shared.domain.model import Folder
from shared.domain.options import DEFAULT_OPTIONS
from tests.corpus.collect import DEFAULT_MIRRORS, collect
from tests.corpus.graph_json import graph_json_from_eml
from tests.corpus.measure import MAILBOX, Outcome, figures
from tests.corpus.measure import judge as _judge
from tests.corpus.samples import Sample, all_samples, manifest, public_samples

# The Graph copy's body is the HTML alternative; in these fixtures it says something else than the text part.
BODY_ALTERNATIVES_DIFFER = {"mikel-error_emails-bad_subject.eml"}


def _samples() -> list[Sample]:
    if not public_samples() and DEFAULT_MIRRORS.is_dir():
        collect()  # local snapshots are there: copy the public corpus out of them (seconds, no network)
    return all_samples()


SAMPLES = _samples()
KNOWN_MISSES = {e.local_name.split("/", 1)[1] for e in manifest() if e.note.startswith("miss:")}


def _groups(labelled_only: bool = False) -> list[object]:
    def key(s: Sample) -> tuple[str, str]:
        return s.origin, s.label

    chosen = [s for s in SAMPLES if not labelled_only or s.label not in ("any", "unparseable")]
    return [pytest.param(list(group), id=f"{origin}-{label}")
            for (origin, label), group in groupby(sorted(chosen, key=key), key=key)]


@cache
def judge(sample: Sample) -> Outcome:
    return _judge(sample)


def _known_miss(sample: Sample) -> bool:
    return sample.origin != "own" and sample.path.name in KNOWN_MISSES


class TestCorpus:
    @pytest.mark.parametrize("group", _groups())
    def test_decides_as_labelled(self, group: list[Sample]) -> None:
        outcomes = [judge(s) for s in group]
        wrong = [f"{o.sample.name}: got {o.got}" for o in outcomes if not o.right and not _known_miss(o.sample)]
        fixed = [o.sample.name for o in outcomes if o.right and _known_miss(o.sample)]
        assert wrong == []
        assert fixed == [], "now decided right: drop the 'miss:' note in manifest.tsv"

    def test_meets_the_bar(self) -> None:
        if not public_samples():
            pytest.skip("public corpus not collected (python -m tests.corpus.collect)")
        result = figures([judge(s) for s in SAMPLES])
        assert result.person_kept == result.person
        assert result.machine_skipped >= 0.98 * result.machine
        assert result.machine_right >= 0.98 * result.machine


class TestGraphAndMimeAgree:
    @pytest.mark.parametrize("group", _groups(labelled_only=True))
    def test_same_decision_both_ways(self, group: list[Sample]) -> None:
        context = MailboxContext(address=MAILBOX)
        differ = []
        for sample in group:
            raw = sample.path.read_bytes()
            try:
                mime = decide(message_from_mime(raw), DEFAULT_OPTIONS, context)
            except UnparseableMessage:
                continue
            graph = decide(message_from_graph(graph_json_from_eml(raw), Folder.INBOX), DEFAULT_OPTIONS, context)
            if (graph.capture, graph.reason) != (mime.capture, mime.reason) \
                    and sample.path.name not in BODY_ALTERNATIVES_DIFFER:
                differ.append(f"{sample.name}: MIME {mime.reason}, Graph {graph.reason}")
        assert differ == []
