from __future__ import annotations

import pytest

from shared.config import SETTINGS, Settings, SettingsError

GOOD = {
    "AzureWebJobsStorage": "UseDevelopmentStorage=true",
    "GRAPH_AUTH_MODE": "client_secret",
    "GRAPH_TENANT_ID": "t",
    "GRAPH_CLIENT_ID": "c",
    "GRAPH_CLIENT_SECRET": "s",
    "GRAPH_CLIENT_STATE": "x" * 32,
    "WEBHOOK_BASE_URL": "https://app.example.org/api/",
    "IMIS_BASE_URL": "https://imis.example.org",
    "IMIS_USERNAME": "svc",
    "IMIS_PASSWORD": "pw",
}


class TestSettingsFromEnv:
    def test_reads_every_setting_with_defaults(self) -> None:
        s = Settings.from_env(GOOD)
        assert s.graph_base_url == "https://graph.microsoft.com/v1.0"
        assert s.webhook_base_url == "https://app.example.org/api"
        assert s.poison_queue_name == "mail-messages-poison"

    @pytest.mark.parametrize("missing", ["GRAPH_CLIENT_STATE", "WEBHOOK_BASE_URL", "IMIS_BASE_URL", "IMIS_PASSWORD"])
    def test_names_a_missing_required_setting(self, missing: str) -> None:
        env = {k: v for k, v in GOOD.items() if k != missing}
        with pytest.raises(SettingsError) as err:
            Settings.from_env(env)
        assert missing in err.value.problems
        assert missing in str(err.value)

    def test_reports_every_problem_at_once(self) -> None:
        env = GOOD | {"GRAPH_BASE_URL": "graph", "GRAPH_AUTH_MODE": "certificate", "IMIS_TIMEZONE": "Mars/Base"}
        with pytest.raises(SettingsError) as err:
            Settings.from_env(env)
        assert set(err.value.problems) == {"GRAPH_BASE_URL", "GRAPH_CLIENT_CERTIFICATE_PATH", "IMIS_TIMEZONE"}

    def test_identity_based_storage_needs_no_connection_string(self) -> None:
        env = {k: v for k, v in GOOD.items() if k != "AzureWebJobsStorage"} | {
            "AzureWebJobsStorage__accountName": "acct",
            "GRAPH_AUTH_MODE": "managed_identity",
        }
        assert Settings.from_env(env).storage_account_name == "acct"

    def test_refuses_a_short_client_state(self) -> None:
        with pytest.raises(SettingsError) as err:
            Settings.from_env(GOOD | {"GRAPH_CLIENT_STATE": "short"})
        assert "GRAPH_CLIENT_STATE" in err.value.problems

    def test_every_setting_has_a_description(self) -> None:
        assert all(s.description for s in SETTINGS)


def test_refuses_an_unresolved_key_vault_reference() -> None:
    ref = "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/graph-client-state/)"
    with pytest.raises(SettingsError) as err:
        Settings.from_env(GOOD | {"GRAPH_CLIENT_STATE": ref})
    assert "Key Vault" in err.value.problems["GRAPH_CLIENT_STATE"]
