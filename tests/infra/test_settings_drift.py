"""The Bicep sets every app setting the code reads (shared.config.SETTINGS), and what it sets passes the app's
own start-up validation. Reads the settings from the one delimited block in infra/modules/appsettings.bicep."""

from __future__ import annotations

import pytest

from shared import config
from shared.config import SETTINGS, Settings, SettingsError
from tests.infra.bicep import APP_SETTINGS, MAIN, Ref, block, module_params, params, parse_object
from tests.infra.rendering import (
    AZURE_OVERRIDES,
    CODE_SETTINGS,
    EXAMPLES,
    KEY_VAULT_REFERENCE,
    NOT_SET_IN_AZURE,
    PLACEHOLDER_SECRET,
    PLATFORM_SETTINGS,
    SECRET_FALLBACK_SETTINGS,
    VAULT,
    rendered,
    resolved,
)


class TestBicepWiring:
    def test_main_passes_every_appsettings_parameter(self) -> None:
        wiring = module_params(MAIN.read_text("utf-8"), "settings")
        assert set(wiring) == set(params(APP_SETTINGS.read_text("utf-8")))

    def test_examples_cover_exactly_the_parameters_without_a_literal_default(self) -> None:
        main_params = params(MAIN.read_text("utf-8"))
        wiring = module_params(MAIN.read_text("utf-8"), "settings")
        with_default = {
            name
            for name, source in wiring.items()
            if source in main_params and main_params[source].literal_default is not None
        }
        assert set(EXAMPLES) == set(wiring) - with_default


class TestEverySettingIsSet:
    def test_bicep_sets_every_code_setting_except_the_named_alternatives(self) -> None:
        assert CODE_SETTINGS - set(rendered()) == set(NOT_SET_IN_AZURE)

    def test_alternatives_are_code_settings_left_unset(self) -> None:
        assert set(NOT_SET_IN_AZURE) <= CODE_SETTINGS
        assert not set(NOT_SET_IN_AZURE) & set(rendered())

    def test_bicep_sets_nothing_else_but_platform_settings(self) -> None:
        assert set(rendered()) - CODE_SETTINGS == PLATFORM_SETTINGS

    def test_secret_fallback_block_holds_only_the_graph_client_secret(self) -> None:
        assert set(rendered("graph-secret-settings")) == SECRET_FALLBACK_SETTINGS

    def test_the_secret_fallback_is_merged_only_in_client_secret_mode(self) -> None:
        output = APP_SETTINGS.read_text("utf-8").split("output values object = ", 1)[1].splitlines()[0]
        assert output == "graphAuthMode == 'client_secret' ? union(appSettings, graphSecretSettings) : appSettings"


class TestRenderedSettingsValidate:
    def test_app_start_up_validation_accepts_them(self) -> None:
        settings = Settings.from_env(resolved(rendered()))
        assert settings.graph_auth_mode == "managed_identity_federation"
        assert settings.graph_client_secret == ""
        assert settings.client_state == PLACEHOLDER_SECRET

    def test_the_client_secret_fallback_validates_too(self) -> None:
        fallback = rendered(graph_auth_mode="client_secret") | rendered("graph-secret-settings")
        settings = Settings.from_env(resolved(fallback))
        assert (settings.graph_auth_mode, settings.graph_client_secret) == ("client_secret", PLACEHOLDER_SECRET)

    def test_validation_would_catch_the_fallback_without_its_secret(self) -> None:
        with pytest.raises(SettingsError) as err:
            Settings.from_env(resolved(rendered(graph_auth_mode="client_secret")))
        assert set(err.value.problems) == {"GRAPH_CLIENT_SECRET"}

    def test_validation_would_catch_a_missing_key_vault_secret_setting(self) -> None:
        env = resolved(rendered())
        del env["IMIS_PASSWORD"]
        with pytest.raises(SettingsError) as err:
            Settings.from_env(env)
        assert "IMIS_PASSWORD" in err.value.problems

    def test_every_secret_is_a_key_vault_reference_to_the_vault(self) -> None:
        settings = rendered() | rendered("graph-secret-settings")
        secrets = {s.name for s in SETTINGS if s.secret} & set(settings)
        assert secrets == {"GRAPH_CLIENT_SECRET", "GRAPH_CLIENT_STATE", "IMIS_PASSWORD"}
        for name in secrets:
            match = KEY_VAULT_REFERENCE.match(settings[name])
            assert match and match[1].startswith(VAULT + "secrets/"), name

    def test_no_other_setting_is_a_key_vault_reference(self) -> None:
        secrets = {s.name for s in SETTINGS if s.secret}
        assert not [k for k, v in rendered().items() if KEY_VAULT_REFERENCE.match(v) and k not in secrets]

    def test_storage_uses_the_user_assigned_identity(self) -> None:
        settings = rendered()
        assert settings["AzureWebJobsStorage__credential"] == "managedidentity"
        assert settings["GRAPH_FEDERATION_AUDIENCE"] == "api://AzureADTokenExchange"
        assert settings["AzureWebJobsStorage__clientId"] == EXAMPLES["identityClientId"]
        assert settings["MANAGED_IDENTITY_CLIENT_ID"] == EXAMPLES["identityClientId"]
        assert "ClientId=" + EXAMPLES["identityClientId"] in settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]

    def test_bicep_defaults_equal_the_code_defaults_except_the_named_overrides(self) -> None:
        settings = rendered()
        expected = {s.name: s.default for s in SETTINGS if s.default and s.name in settings} | AZURE_OVERRIDES
        assert {name: settings[name] for name in expected} == expected

    def test_overrides_name_settings_that_really_differ_from_the_code_default(self) -> None:
        code_defaults = {s.name: s.default for s in SETTINGS}
        assert {n: v for n, v in AZURE_OVERRIDES.items() if code_defaults.get(n, v) != v} == AZURE_OVERRIDES

    def test_every_value_comes_from_a_parameter_or_a_literal(self) -> None:
        entries = parse_object(block(APP_SETTINGS.read_text("utf-8"), "app-settings"))
        used = {p.name for value in entries.values() for p in value if isinstance(p, Ref)}
        assert used <= set(params(APP_SETTINGS.read_text("utf-8")))


class TestQueues:
    def test_bicep_declares_the_queues_the_code_uses(self) -> None:
        main = MAIN.read_text("utf-8")
        assert f"var queueName = '{config.QUEUE_NAME}'" in main
        assert f"var poisonQueueName = '{config.POISON_QUEUE_NAME}'" in main
        assert f"var bulkQueueName = '{config.BULK_QUEUE_NAME}'" in main
        assert f"var bulkPoisonQueueName = '{config.BULK_POISON_QUEUE_NAME}'" in main
        storage = (MAIN.parent / "modules" / "storage.bicep").read_text("utf-8")
        for param in ("queueName", "poisonQueueName", "bulkQueueName", "bulkPoisonQueueName"):
            assert f"  name: {param}\n" in storage, f"storage.bicep declares no queue named by {param}"
