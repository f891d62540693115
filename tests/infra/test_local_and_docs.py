"""local.settings.example.json and the README's settings table list the same settings as shared/config.py
and the Bicep, with the same descriptions and defaults, and the local example passes the app's validation."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

from shared.config import SETTINGS, Settings
from tests.infra.bicep import ROOT
from tests.infra.rendering import CODE_SETTINGS, PLATFORM_SETTINGS, rendered

LOCAL_EXAMPLE = ROOT / "local.settings.example.json"
SETTINGS_DOC = ROOT / "README.md"  # the settings and host.json tables live in the README
HOST_JSON = ROOT / "host.json"
LOCAL_HOST_SETTINGS = {"FUNCTIONS_WORKER_RUNTIME"}  # read by Core Tools, not by the app


def local_example() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(LOCAL_EXAMPLE.read_text("utf-8"))
    return data


def table(heading: str) -> dict[str, list[str]]:
    """Rows of the table under a '## <heading>' of the README: first-column name -> the other cells."""
    section = SETTINGS_DOC.read_text("utf-8").split(f"## {heading}", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        match = re.match(r"^\| `([^`]+)` \|(.*)\|$", line)
        if match:
            assert match[1] not in rows, f"{match[1]} is listed twice"
            rows[match[1]] = [cell.strip() for cell in match[2].split("|")]
    return rows


class TestLocalSettingsExample:
    def test_lists_every_code_setting_plus_the_worker_runtime(self) -> None:
        assert set(local_example()["Values"]) == CODE_SETTINGS | LOCAL_HOST_SETTINGS

    def test_describes_every_value_with_the_code_description(self) -> None:
        descriptions = local_example()["Descriptions"]
        assert set(descriptions) == set(local_example()["Values"])
        assert {s.name: descriptions[s.name] for s in SETTINGS} == {s.name: s.description for s in SETTINGS}
        assert all(descriptions[name].strip() for name in LOCAL_HOST_SETTINGS)

    def test_runs_python_on_the_storage_emulator(self) -> None:
        values = local_example()["Values"]
        assert values["FUNCTIONS_WORKER_RUNTIME"] == "python"
        assert values["AzureWebJobsStorage"] == "UseDevelopmentStorage=true"

    def test_passes_the_app_start_up_validation(self) -> None:
        settings = Settings.from_env(local_example()["Values"])
        assert settings.graph_auth_mode == "static_token"

    def test_every_url_points_at_loopback(self) -> None:
        urls = [v for v in local_example()["Values"].values() if v.startswith(("http://", "https://"))]
        assert urls and {urlsplit(u).hostname for u in urls} == {"127.0.0.1"}

    def test_holds_no_azure_secret_references(self) -> None:
        assert not [v for v in local_example()["Values"].values() if "@Microsoft.KeyVault" in v]


class TestDeployGuideSettingsTable:
    def test_lists_every_setting_anywhere(self) -> None:
        everything = CODE_SETTINGS | set(rendered()) | PLATFORM_SETTINGS | LOCAL_HOST_SETTINGS
        assert set(table("Settings reference")) == everything

    def test_default_column_matches_the_code(self) -> None:
        rows = table("Settings reference")
        for s in SETTINGS:
            expected = "required" if s.default is None else "(empty)" if s.default == "" else f"`{s.default}`"
            assert rows[s.name][0] == expected, s.name

    def test_every_row_fills_all_five_columns(self) -> None:
        assert {len(cells) for cells in table("Settings reference").values()} == {4}


def host_json_value(path: str) -> Any:
    """host.json value at a dotted path whose keys may themselves hold dots (``logging.logLevel.Host.Results``)."""
    node: Any = json.loads(HOST_JSON.read_text("utf-8"))
    parts = path.split(".")
    while parts:
        for size in range(len(parts), 0, -1):
            key = ".".join(parts[:size])
            if isinstance(node, dict) and key in node:
                node, parts = node[key], parts[size:]
                break
        else:
            raise KeyError(path)
    return node


class TestDeployGuideHostJsonTable:
    def test_documents_every_queue_setting(self) -> None:
        queues = json.loads(HOST_JSON.read_text("utf-8"))["extensions"]["queues"]
        documented = table("`host.json` explained")
        assert {f"extensions.queues.{key}" for key in queues} <= set(documented)

    def test_documented_values_match_host_json(self) -> None:
        for key, cells in table("`host.json` explained").items():
            value = re.fullmatch(r"`([^`]*)`", cells[0])
            if value and not isinstance(host_json_value(key), dict):
                assert str(host_json_value(key)) == value[1], key


DEPLOY_GUIDE = ROOT / "docs" / "deploy.md"


class TestDeployGuide:
    def test_documents_every_azd_environment_value_the_parameters_file_reads(self) -> None:
        mapped = json.loads((ROOT / "infra" / "main.parameters.json").read_text("utf-8"))["parameters"]
        names = {re.match(r"\$\{(\w+)", entry["value"])[1] for entry in mapped.values()}  # type: ignore[index]
        section = DEPLOY_GUIDE.read_text("utf-8").split("`azd env set …`", 1)[1].split("\n\n", 1)[0]
        first_cells = re.findall(r"^\| ([^|]+) \|", section, re.M)
        documented = {name for cell in first_cells for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", cell)}
        assert names - {"AZURE_ENV_NAME"} == documented

    def test_uses_the_manage_routes_and_asks_for_no_tenant_wide_user_read(self) -> None:
        guide = DEPLOY_GUIDE.read_text("utf-8")
        assert "/api/admin/" not in guide and "/api/manage/ui" in guide
        assert "do not add\n   `User.Read.All`" in guide or "do not add `User.Read.All`" in guide
        assert "/.auth/login/aad/callback" in guide
