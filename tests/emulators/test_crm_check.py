"""The CRM preflight (issue 13 item 6) against the iMIS emulator through the product's own iMIS adapter: a
report per capture step and field; a missing column fails it naming the column; a site that ignores the
capture-key filter fails it; capture waits while it fails; ``python -m shared.crm_check`` prints it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from shared.adapters.imis import ImisCrmClient
from shared.domain.errors import CrmUnavailable
from shared.domain.options import Options
from shared.ports import StoredOptions
from shared.services import crm_check
from shared.services.deps import WorkerCaches
from tests.emulators.imis_fixtures import (  # noqa: F401
    Imis,
    activity_body,
    imis_clients_fixture,
    imis_crm_fixture,
    imis_fixture,
    imis_server_fixture,
    load_seed,
)

pytestmark = pytest.mark.integration
WITH_FILES = Options.model_validate({"save_as_eml": True})


def failing(report: crm_check.Report) -> set[tuple[str, str]]:
    return {(c.step, c.field) for c in report.failures()}


class TestReport:
    def test_the_sample_site_supports_every_step_and_field(self, crm: ImisCrmClient) -> None:
        report = crm_check.run_preflight(crm, WITH_FILES, {"activity", "interaction"})
        assert report.ok, crm_check.render_text(report)
        steps = {c.step for c in report.checks}
        assert steps == {"token", "contact_lookup", "activity", "interaction", "attachment"}
        fields = {c.field for c in report.checks if c.step == "activity"}
        assert {"PartyId", "ACTIVITY_TYPE", "UF_1", "DESCRIPTION", "NOTE", "capture key filter"} <= fields
        print(crm_check.render_text(report))

    def test_a_missing_column_fails_naming_the_column(self, imis: Imis, crm: ImisCrmClient) -> None:
        imis.http.post("/_emulator/schema", json={"entity": "Activity", "drop_columns": ["NOTE"]}).raise_for_status()
        report = crm_check.run_preflight(crm, Options(), {"activity"})
        assert not report.ok and failing(report) == {("activity", "NOTE")}
        assert "activity.NOTE: missing" in report.why()
        assert "[FAIL] activity NOTE: missing" in crm_check.render_text(report)

    def test_a_site_ignoring_the_capture_key_filter_fails(self, imis: Imis, crm: ImisCrmClient) -> None:
        imis.api.post("/api/Activity", json=activity_body(DESCRIPTION="someone else's")).raise_for_status()
        imis.http.post("/_emulator/schema", json={"entity": "Activity", "ignored_filters": ["UF_1"]})
        report = crm_check.run_preflight(crm, Options(), {"activity"})
        assert failing(report) == {("activity", "capture key filter")}

    def test_without_metadata_the_names_of_a_stored_record_are_used(self, imis: Imis, crm: ImisCrmClient) -> None:
        imis.http.post("/_emulator/schema", json={"metadata": False}).raise_for_status()
        assert crm_check.run_preflight(crm, Options(), {"activity"}).failures()  # nothing to read: unverifiable
        imis.api.post("/api/Activity", json=activity_body(DESCRIPTION="d", NOTE="n", UF_1="k")).raise_for_status()
        report = crm_check.run_preflight(crm, Options(), {"activity"})
        assert report.ok, crm_check.render_text(report)

    def test_a_known_contact_tests_case_insensitive_matching(self, crm: ImisCrmClient) -> None:
        by_default = crm_check.run_preflight(crm, Options(), {"activity"})
        known = crm_check.run_preflight(crm, Options(), {"activity"}, "Alice.Moreau@Example.org")
        [untested] = [c for c in by_default.checks if c.field == "case-insensitive"]
        [tested] = [c for c in known.checks if c.field == "case-insensitive"]
        assert untested.ok and "not testable" in untested.detail
        assert tested.ok and "same contacts" in tested.detail

    def test_a_wrong_password_stops_at_the_token(self, imis: Imis) -> None:
        with httpx.Client(base_url=imis.url, timeout=10) as http:
            report = crm_check.run_preflight(ImisCrmClient(http, "nobody", "wrong"), Options(), {"activity"})
        assert [(c.step, c.ok) for c in report.checks] == [("token", False)]


class Counters:
    def __init__(self) -> None:
        self.rows: dict[str, dict[str, dict[str, Any]]] = {}

    def touch(self, name: str, scope: str, **fields: Any) -> None:
        self.rows.setdefault(name, {}).setdefault(scope, {}).update(fields)

    def scope(self, name: str) -> dict[str, dict[str, Any]]:
        return self.rows.get(name, {})


class Deps:
    def __init__(self, crm: ImisCrmClient) -> None:
        self.crm, self.counters, self.caches = crm, Counters(), WorkerCaches()
        self.mailboxes = type("Boxes", (), {"all": staticmethod(list)})()

    def current_options(self) -> StoredOptions:
        return StoredOptions(Options(), "etag", 1)


class TestGate:
    def test_capture_waits_while_the_preflight_fails_and_resumes_after_a_fix(self, imis: Imis,
                                                                              crm: ImisCrmClient) -> None:
        deps = Deps(crm)
        imis.http.post("/_emulator/schema", json={"entity": "Activity", "drop_columns": ["UF_1"]})
        with pytest.raises(CrmUnavailable, match="activity.UF_1: missing") as refused:
            crm_check.require_ready(deps)
        assert refused.value.retry_after == crm_check.RETRY_FAILED_S  # deferred, not lost
        assert crm_check.latest(deps) is not None and not crm_check.latest(deps).ok  # type: ignore[union-attr]
        imis.http.post("/_emulator/schema", json={"entity": "Activity", "drop_columns": []})
        assert crm_check.check_and_store(deps).ok  # the admin action after the fix
        crm_check.require_ready(deps)

    def test_the_command_prints_the_report_and_fails_with_the_field(self, imis: Imis, crm: ImisCrmClient,
                                                                    monkeypatch: pytest.MonkeyPatch,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
        from shared import bootstrap, config
        from shared import crm_check as command

        monkeypatch.setattr(config.Settings, "from_env", classmethod(lambda cls, env: None))
        monkeypatch.setattr(bootstrap, "build_services", lambda settings: Deps(crm))
        assert command.main([]) == 0
        assert "CRM preflight: PASSED" in capsys.readouterr().out
        imis.http.post("/_emulator/schema", json={"entity": "Activity", "drop_columns": ["DESCRIPTION"]})
        assert command.main([]) == 1
        out = capsys.readouterr().out
        assert "CRM preflight: FAILED" in out and "[FAIL] activity DESCRIPTION: missing" in out

    def test_an_outage_is_not_a_verdict(self, imis: Imis, crm: ImisCrmClient) -> None:
        deps = Deps(crm)
        imis.http.post("/_emulator/faults", json={"count": 2, "status": 503, "path_prefix": "/token"})
        with pytest.raises(CrmUnavailable) as down:
            crm_check.require_ready(deps)
        assert down.value.retry_after is None and crm_check.latest(deps) is None  # a normal retry, nothing kept
        report = crm_check.check_and_store(deps)  # the admin action says so
        assert (report.ok, report.unavailable) == (False, True) and "did not answer" in report.why()
        crm_check.require_ready(deps)  # iMIS is back: the stored outage is not trusted, the check runs again
        assert crm_check.latest(deps).ok  # type: ignore[union-attr]
