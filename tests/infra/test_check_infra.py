"""The pure parts of scripts/check_infra.py: reading suppressions, demanding reasons, spotting stale ones,
and reading checkov's report. (The checkov run itself needs .venv-infra and is done by the script.)"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from tests.infra.bicep import INFRA, ROOT


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_infra", ROOT / "scripts" / "check_infra.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


check_infra = load_script()
REASON = "No VNet here, so storage must stay reachable over its public endpoint."


def report(*skipped: tuple[str, str]) -> dict:
    return {"results": {"skipped_checks": [{"file_path": f, "check_id": c} for f, c in skipped]}}


class TestFindSkips:
    def test_reads_the_check_id_reason_and_line(self) -> None:
        source = f"resource x 'T@1' = {{\n  // checkov:skip=CKV_AZURE_35: {REASON}\n}}\n"
        assert check_infra.find_skips("/m.bicep", source) == [check_infra.Skip("/m.bicep", 2, "CKV_AZURE_35", REASON)]

    def test_splits_a_comma_separated_list(self) -> None:
        skips = check_infra.find_skips("/m.bicep", f"// checkov:skip=CKV_AZURE_1,CKV2_AZURE_9: {REASON}")
        assert [s.check_id for s in skips] == ["CKV_AZURE_1", "CKV2_AZURE_9"]

    def test_ignores_lines_without_a_suppression(self) -> None:
        assert check_infra.find_skips("/m.bicep", "// a comment\nparam x string\n") == []


class TestUnjustified:
    def test_flags_a_missing_or_token_reason(self) -> None:
        skips = check_infra.find_skips("/m.bicep", "// checkov:skip=CKV_AZURE_1\n// checkov:skip=CKV_AZURE_2: ok\n")
        assert [s.check_id for s in check_infra.unjustified(skips)] == ["CKV_AZURE_1", "CKV_AZURE_2"]

    def test_accepts_a_written_reason(self) -> None:
        assert check_infra.unjustified(check_infra.find_skips("/m.bicep", f"// checkov:skip=CKV_A: {REASON}")) == []

    def test_every_suppression_in_infra_has_a_reason(self) -> None:
        skips = [s for p in INFRA.rglob("*.bicep") for s in check_infra.find_skips(p.name, p.read_text("utf-8"))]
        assert skips and check_infra.unjustified(skips) == []


class TestStale:
    def test_flags_a_suppression_checkov_did_not_use(self) -> None:
        skips = check_infra.find_skips("/m.bicep", f"// checkov:skip=CKV_A: {REASON}\n// checkov:skip=CKV_B: {REASON}")
        assert [s.check_id for s in check_infra.stale(skips, report(("/m.bicep", "CKV_A")))] == ["CKV_B"]

    def test_matches_on_the_file_too(self) -> None:
        skips = check_infra.find_skips("/m.bicep", f"// checkov:skip=CKV_A: {REASON}")
        assert check_infra.stale(skips, report(("/other.bicep", "CKV_A"))) == skips


class TestAsReport:
    def test_picks_the_bicep_report_from_a_list(self) -> None:
        raw = '[{"check_type": "arm", "results": {}}, {"check_type": "bicep", "summary": {"failed": 2}}]'
        assert check_infra.as_report(raw)["summary"] == {"failed": 2}

    def test_a_bare_summary_has_empty_results(self) -> None:
        assert check_infra.as_report('{"passed": 0, "failed": 0}')["results"] == {}
