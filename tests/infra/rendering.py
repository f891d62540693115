"""What the Bicep sets as app settings, rendered with example deploy-time values, plus the named exceptions
the drift tests allow. The only source is the delimited block in infra/modules/appsettings.bicep."""

from __future__ import annotations

import re

from shared.config import SETTINGS
from tests.infra.bicep import APP_SETTINGS, IDENT, MAIN, block, module_params, params, parse_object, render

CODE_SETTINGS = {s.name for s in SETTINGS}

# Read by the code but deliberately NOT set in Azure: each is an alternative to a form the Bicep does set.
NOT_SET_IN_AZURE = {
    "AzureWebJobsStorage": "connection-string form; Azure uses the identity form AzureWebJobsStorage__*",
    "GRAPH_CLIENT_CERTIFICATE_PATH": "certificate auth; Azure uses the federated credential (or the secret fallback)",
    "GRAPH_CLIENT_SECRET": "secret fallback: set (a Key Vault reference) only when graphAuthMode=client_secret",
    "GRAPH_STATIC_TOKEN": "fixed token for the local Graph emulator only",
}
# Set in Azure to something other than the code default, on purpose.
AZURE_OVERRIDES = {
    "ADMIN_REQUIRE_PRINCIPAL": "true",  # the code defaults to key-only admin for local use; Azure needs Entra ID
    "GRAPH_AUTH_MODE": "managed_identity_federation",  # no Graph secret in Azure; the code default is the fallback
}
# Set by the Bicep for the platform (Functions host, App Insights), not read through shared.config.
PLATFORM_SETTINGS = {
    "AzureWebJobsStorage__credential",
    "APPLICATIONINSIGHTS_CONNECTION_STRING",
    "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
}
# Set only in the client_secret fallback (the graph-secret-settings block of appsettings.bicep).
SECRET_FALLBACK_SETTINGS = {"GRAPH_CLIENT_SECRET"}
# What Azure computes at deploy time, or the deployer supplies, for appsettings.bicep parameters. Parameters
# main.bicep passes straight through from a parameter with a literal default take that default instead.
VAULT = "https://kv-abc123.vault.azure.net/"
EXAMPLES = {
    "identityClientId": "11111111-2222-3333-4444-555555555555",
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
}
KEY_VAULT_REFERENCE = re.compile(r"^@Microsoft\.KeyVault\(SecretUri=(https://[^)]+)\)$")
PLACEHOLDER_SECRET = "placeholder-secret-value-0123456789"  # long enough for GRAPH_CLIENT_STATE's 16-char minimum


def parameter_values(graph_auth_mode: str | None = None) -> dict[str, str]:
    wiring = module_params(MAIN.read_text("utf-8"), "settings")
    main_params = params(MAIN.read_text("utf-8"))
    values = {}
    for name in params(APP_SETTINGS.read_text("utf-8")):
        source = wiring[name]
        passed_through = re.fullmatch(IDENT, source) and source in main_params
        default = main_params[source].literal_default if passed_through else None
        values[name] = default if default is not None else EXAMPLES[name]
    return values | ({"graphAuthMode": graph_auth_mode} if graph_auth_mode else {})


def rendered(block_name: str = "app-settings", graph_auth_mode: str | None = None) -> dict[str, str]:
    entries = parse_object(block(APP_SETTINGS.read_text("utf-8"), block_name))
    values = parameter_values(graph_auth_mode)
    return {key: render(value, values) for key, value in entries.items()}


def resolved(settings: dict[str, str]) -> dict[str, str]:
    """What the app sees once App Service resolves the Key Vault references."""
    return {k: PLACEHOLDER_SECRET if KEY_VAULT_REFERENCE.match(v) else v for k, v in settings.items()}
