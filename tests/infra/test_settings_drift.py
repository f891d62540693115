"""The Bicep sets every app setting the code reads (shared.config.SETTINGS), and what it sets passes the app's
own start-up validation. Reads the settings from the one delimited block in infra/modules/appsettings.bicep."""

from __future__ import annotations

import re

import pytest

from shared import config
from shared.config import SETTINGS, Settings, SettingsError
from tests.infra.bicep import APP_SETTINGS, IDENT, MAIN, Ref, block, module_params, params, parse_object, render

CODE_SETTINGS = {s.name for s in SETTINGS}

# Read by the code but deliberately NOT set in Azure: each is an alternative to a form the Bicep does set.
NOT_SET_IN_AZURE = {
    "AzureWebJobsStorage": "connection-string form; Azure uses the identity form AzureWebJobsStorage__*",
    "GRAPH_CLIENT_CERTIFICATE_PATH": "certificate auth; Azure uses GRAPH_AUTH_MODE=client_secret",
    "GRAPH_STATIC_TOKEN": "fixed token for the local Graph emulator only",
}
# Set by the Bicep for the platform (Functions host, App Insights), not read through shared.config.
PLATFORM_SETTINGS = {
    "AzureWebJobsStorage__credential",
    "APPLICATIONINSIGHTS_CONNECTION_STRING",
    "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
}
# Elastic Premium only: Flex Consumption rejects these (its runtime and package live in functionAppConfig).
PREMIUM_SETTINGS = {
    "FUNCTIONS_EXTENSION_VERSION",
    "FUNCTIONS_WORKER_RUNTIME",
    "WEBSITE_RUN_FROM_PACKAGE",
    "WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID",
}
# What Azure computes at deploy time, or the deployer supplies, for appsettings.bicep parameters. Parameters
# main.bicep passes straight through from a parameter with a literal default take that default instead.
VAULT = "https://kv-abc123.vault.azure.net/"
EXAMPLES = {
    "identityClientId": "11111111-2222-3333-4444-555555555555",
    "identityResourceId": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/"
    "userAssignedIdentities/id-abc123",
    "storageAccountName": "stabc123",
    "blobEndpoint": "https://stabc123.blob.core.windows.net/",
    "queueEndpoint": "https://stabc123.queue.core.windows.net/",
    "tableEndpoint": "https://stabc123.table.core.windows.net/",
    "appInsightsConnectionString": "InstrumentationKey=00000000-0000-0000-0000-000000000000;"
    "IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/",
    "graphTenantId": "99999999-8888-7777-6666-555555555555",
    "graphClientId": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
    "graphClientSecretUri": VAULT + "secrets/graph-client-secret",
    "graphClientStateUri": VAULT + "secrets/graph-client-state",
    "imisPasswordUri": VAULT + "secrets/imis-password",
    "webhookBaseUrl": "https://func-abc123.azurewebsites.net/api",
    "imisBaseUrl": "https://imis.example.org/imis",
    "imisUsername": "MAILCAPTURE",
    "packageUrl": "https://stabc123.blob.core.windows.net/app-package/mail-capture.zip",
}
KEY_VAULT_REFERENCE = re.compile(r"^@Microsoft\.KeyVault\(SecretUri=(https://[^)]+)\)$")
PLACEHOLDER_SECRET = "placeholder-secret-value-0123456789"  # long enough for GRAPH_CLIENT_STATE's 16-char minimum


def parameter_values(plan_sku: str = "FC1") -> dict[str, str]:
    wiring = module_params(MAIN.read_text("utf-8"), "settings")
    main_params = params(MAIN.read_text("utf-8"))
    values = {}
    for name in params(APP_SETTINGS.read_text("utf-8")):
        source = wiring[name]
        passed_through = re.fullmatch(IDENT, source) and source in main_params
        default = main_params[source].literal_default if passed_through else None
        values[name] = default if default is not None else EXAMPLES[name]
    return values | {"planSku": plan_sku}


def rendered(block_name: str = "app-settings", plan_sku: str = "FC1") -> dict[str, str]:
    entries = parse_object(block(APP_SETTINGS.read_text("utf-8"), block_name))
    values = parameter_values(plan_sku)
    return {key: render(value, values) for key, value in entries.items()}


def resolved(settings: dict[str, str]) -> dict[str, str]:
    """What the app sees once App Service resolves the Key Vault references."""
    return {k: PLACEHOLDER_SECRET if KEY_VAULT_REFERENCE.match(v) else v for k, v in settings.items()}


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

    def test_premium_block_holds_only_the_premium_host_settings(self) -> None:
        premium = rendered("premium-settings", plan_sku="EP1")
        assert set(premium) == PREMIUM_SETTINGS
        assert not PREMIUM_SETTINGS & CODE_SETTINGS
        assert premium["FUNCTIONS_WORKER_RUNTIME"] == "python"


class TestRenderedSettingsValidate:
    def test_app_start_up_validation_accepts_them(self) -> None:
        settings = Settings.from_env(resolved(rendered()))
        assert settings.graph_auth_mode == "client_secret"
        assert settings.client_state == PLACEHOLDER_SECRET

    def test_validation_would_catch_a_missing_key_vault_secret_setting(self) -> None:
        env = resolved(rendered())
        del env["IMIS_PASSWORD"]
        with pytest.raises(SettingsError) as err:
            Settings.from_env(env)
        assert "IMIS_PASSWORD" in err.value.problems

    def test_every_secret_is_a_key_vault_reference_to_the_vault(self) -> None:
        settings = rendered()
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
        assert settings["AzureWebJobsStorage__clientId"] == EXAMPLES["identityClientId"]
        assert settings["MANAGED_IDENTITY_CLIENT_ID"] == EXAMPLES["identityClientId"]
        assert "ClientId=" + EXAMPLES["identityClientId"] in settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]

    def test_bicep_defaults_equal_the_code_defaults(self) -> None:
        settings = rendered()
        defaults = {s.name: s.default for s in SETTINGS if s.default and s.name in settings}
        assert defaults and {name: settings[name] for name in defaults} == defaults

    def test_every_value_comes_from_a_parameter_or_a_literal(self) -> None:
        entries = parse_object(block(APP_SETTINGS.read_text("utf-8"), "app-settings"))
        used = {p.name for value in entries.values() for p in value if isinstance(p, Ref)}
        assert used <= set(params(APP_SETTINGS.read_text("utf-8")))


class TestQueues:
    def test_bicep_declares_the_queues_the_code_uses(self) -> None:
        main = MAIN.read_text("utf-8")
        assert f"var queueName = '{config.QUEUE_NAME}'" in main
        assert f"var poisonQueueName = '{config.POISON_QUEUE_NAME}'" in main
