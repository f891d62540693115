"""Deploy-time settings: the only place that reads the environment.

Each setting is one row of ``SETTINGS`` (name, required?, default, description). ``Settings.from_env``
validates them all at once and raises ``SettingsError`` naming every missing or bad one, so a
misconfigured app fails at start-up with a readable message rather than on the first email.
Not pydantic-settings: its cross-field checks (model validators) run only once every field is valid, so a bad
URL would hide a missing GRAPH_CLIENT_SECRET, and they name no setting; this one pass reports them all
(tests/unit/test_config.py: test_reports_every_problem_at_once).
Admin-changeable policy (filters, mapping, mailboxes) is *not* here: see ``shared.domain.options``.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

# Queue names are fixed: trigger decorators need literals, and Bicep declares the same four queues. Two lanes
# (shared/domain/lanes.py): live mail on mail-messages (the name deployed apps already use), the import's and the
# backstop's bulk work on mail-bulk; the host moves a message that keeps failing to "<queue>-poison".
QUEUE_NAME, POISON_QUEUE_NAME = "mail-messages", "mail-messages-poison"
BULK_QUEUE_NAME, BULK_POISON_QUEUE_NAME = "mail-bulk", "mail-bulk-poison"
GRAPH_AUTH_MODES = ("managed_identity_federation", "client_secret", "certificate", "managed_identity",
                    "workload_identity", "static_token")
# Audience of the managed identity's token that a federated credential accepts (Entra: "configure an application
# to trust a managed identity", which recommends api://AzureADTokenExchange and caps the value at 600 characters).
TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange"


class SettingsError(ValueError):
    """One or more settings are missing or invalid; ``problems`` maps setting name to what is wrong."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = problems
        lines = "; ".join(f"{name}: {why}" for name, why in sorted(problems.items()))
        super().__init__(f"invalid settings: {lines}")


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    description: str
    default: str | None = None  # None = required (unless ``when`` says otherwise)
    secret: bool = False


SETTINGS: tuple[Setting, ...] = (
    Setting("AzureWebJobsStorage", "Storage connection string (queues, tables, blobs). In Azure use the "
            "identity-based form AzureWebJobsStorage__accountName / __*ServiceUri instead.", ""),
    Setting("AzureWebJobsStorage__accountName", "Storage account name for identity-based connections.", ""),
    Setting("AzureWebJobsStorage__blobServiceUri", "Blob endpoint for identity-based connections.", ""),
    Setting("AzureWebJobsStorage__queueServiceUri", "Queue endpoint for identity-based connections.", ""),
    Setting("AzureWebJobsStorage__tableServiceUri", "Table endpoint for identity-based connections.", ""),
    Setting("AzureWebJobsStorage__clientId", "Client id of the user-assigned identity used for storage.", ""),
    Setting("GRAPH_BASE_URL", "Microsoft Graph base URL (a Graph-compatible server).",
            "https://graph.microsoft.com/v1.0"),
    Setting("GRAPH_AUTH_MODE", "How to get Graph tokens: " + ", ".join(GRAPH_AUTH_MODES) + ".",
            "client_secret"),
    Setting("GRAPH_TENANT_ID", "Entra ID tenant id of the Graph app registration.", ""),
    Setting("GRAPH_CLIENT_ID", "Application (client) id of the Graph app registration.", ""),
    Setting("GRAPH_CLIENT_SECRET", "Client secret (GRAPH_AUTH_MODE=client_secret); a Key Vault reference.",
            "", secret=True),
    Setting("GRAPH_CLIENT_CERTIFICATE_PATH", "PEM/PFX certificate path (GRAPH_AUTH_MODE=certificate).", ""),
    Setting("GRAPH_STATIC_TOKEN", "Fixed bearer token (GRAPH_AUTH_MODE=static_token; local emulator only).",
            "", secret=True),
    Setting("GRAPH_MAILBOX_BUDGET", "Graph request budget per mailbox, shared by every worker instance, as "
            "requests/seconds (Graph allows 10,000 per 600).", "9500/600"),
    Setting("MANAGED_IDENTITY_CLIENT_ID", "Client id of the user-assigned managed identity (Azure).", ""),
    Setting("GRAPH_FEDERATION_AUDIENCE", "Audience of the managed identity token that the Graph app's federated "
            "credential trusts (GRAPH_AUTH_MODE=managed_identity_federation).", TOKEN_EXCHANGE_AUDIENCE),
    Setting("GRAPH_CLIENT_STATE", "Secret sent with every subscription and checked on every notification "
            "(at least 16 characters); a Key Vault reference.", None, secret=True),
    Setting("WEBHOOK_BASE_URL", "Public https base URL of this function app, e.g. "
            "https://<app>.azurewebsites.net/api; Graph posts notifications there.", None),
    Setting("IMIS_BASE_URL", "iMIS site URL (the folder holding /token and /api).", None),
    Setting("IMIS_USERNAME", "iMIS service user for the password grant.", None),
    Setting("IMIS_PASSWORD", "Password of the iMIS service user; a Key Vault reference.", None, secret=True),
    Setting("IMIS_TIMEZONE", "Time zone iMIS stores dates in (dates are sent as local time).", "UTC"),
    Setting("IMIS_MAX_CONCURRENCY", "Most CRM requests in flight at once per iMIS site, across every worker "
            "instance (iMIS Cloud tenants are shared: keep it at 4 or less).", "4"),
    Setting("MAIL_TABLE_PREFIX", "Prefix for the Table storage tables this app creates.", "MailCapture"),
    Setting("MAIL_BLOB_CONTAINER", "Blob container for .eml copies and large payloads.", "mail-capture"),
    Setting("ADMIN_REQUIRE_PRINCIPAL", "true: admin calls must carry an App Service Authentication (Entra ID) "
            "principal with an allowed app role; false: the function key alone grants admin (local use).", "false"),
    Setting("ADMIN_ROLES_CLAIM", "Claim carrying Entra ID app roles in the App Service auth principal.",
            "roles"),
    Setting("IMIS_ALLOW_DELETE", "true: erasure may delete the records this service wrote (DELETE /api/<entity>/"
            "<id>, UNCONFIRMED on a live iMIS: try it on a test site first); false: erasure only lists them.",
            "false"),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def _url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("must be an absolute http(s) URL")
    return value.rstrip("/")


@dataclass(frozen=True, slots=True)
class Settings:
    storage_connection: str
    storage_account_name: str
    blob_service_uri: str
    queue_service_uri: str
    table_service_uri: str
    storage_client_id: str
    graph_base_url: str
    graph_auth_mode: str
    graph_tenant_id: str
    graph_client_id: str
    graph_client_secret: str
    graph_certificate_path: str
    graph_static_token: str
    graph_mailbox_budget: str
    managed_identity_client_id: str
    graph_federation_audience: str
    client_state: str
    webhook_base_url: str
    imis_base_url: str
    imis_username: str
    imis_password: str
    imis_timezone: str
    imis_max_concurrency: str
    table_prefix: str
    blob_container: str
    admin_require_principal: str
    admin_roles_claim: str
    imis_allow_delete: str

    @property
    def crm_concurrency(self) -> int:
        return int(self.imis_max_concurrency)

    @property
    def mailbox_budget(self) -> tuple[int, float]:
        requests, seconds = self.graph_mailbox_budget.split("/")
        return int(requests), float(seconds)

    queue_name, poison_queue_name = QUEUE_NAME, POISON_QUEUE_NAME
    bulk_queue_name, bulk_poison_queue_name = BULK_QUEUE_NAME, BULK_POISON_QUEUE_NAME

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        problems: dict[str, str] = {}
        raw = {s.name: (environ.get(s.name) or s.default or "") for s in SETTINGS}
        for s in SETTINGS:
            if s.default is None and not raw[s.name]:
                problems[s.name] = "is required"

        def check(name: str, fn: Callable[[str], str]) -> str:
            if not raw[name]:
                return ""
            try:
                return fn(raw[name])
            except ValueError as exc:
                problems[name] = str(exc)
                return raw[name]

        for s in SETTINGS:  # an unresolved Key Vault reference arrives as its literal text
            if raw[s.name].startswith("@Microsoft.KeyVault("):
                problems[s.name] = "is an unresolved Key Vault reference: check the app's access to the vault"
        for name in ("GRAPH_BASE_URL", "WEBHOOK_BASE_URL", "IMIS_BASE_URL"):
            raw[name] = check(name, _url)
        _check_storage(raw, problems)
        _check_graph_auth(raw, problems)
        if raw["GRAPH_CLIENT_STATE"] and len(raw["GRAPH_CLIENT_STATE"]) < 16:
            problems["GRAPH_CLIENT_STATE"] = "must be at least 16 characters"
        if len(raw["GRAPH_CLIENT_STATE"]) > 128:
            problems["GRAPH_CLIENT_STATE"] = "must be at most 128 characters (Graph's limit)"
        _check_timezone(raw, problems)
        if not re.fullmatch(r"[1-9][0-9]*/[1-9][0-9]*", raw["GRAPH_MAILBOX_BUDGET"]):
            problems["GRAPH_MAILBOX_BUDGET"] = "must be <requests>/<seconds>, e.g. 9500/600"
        if not re.fullmatch(r"[1-9][0-9]?", raw["IMIS_MAX_CONCURRENCY"]):
            problems["IMIS_MAX_CONCURRENCY"] = "must be a whole number from 1 to 99"
        for name in ("ADMIN_REQUIRE_PRINCIPAL", "IMIS_ALLOW_DELETE"):
            if raw[name].lower() not in ("true", "false"):
                problems[name] = "must be true or false"
        if problems:
            raise SettingsError(problems)
        return cls(*(raw[s.name] for s in SETTINGS))


def _check_storage(raw: dict[str, str], problems: dict[str, str]) -> None:
    identity = raw["AzureWebJobsStorage__accountName"] or raw["AzureWebJobsStorage__queueServiceUri"]
    if not raw["AzureWebJobsStorage"] and not identity:
        problems["AzureWebJobsStorage"] = (
            "is required (a connection string, or AzureWebJobsStorage__accountName for managed identity)")
    if raw["AzureWebJobsStorage__queueServiceUri"] and not (
        raw["AzureWebJobsStorage__tableServiceUri"] and raw["AzureWebJobsStorage__blobServiceUri"]
    ):
        problems["AzureWebJobsStorage__tableServiceUri"] = (
            "identity-based storage needs the blob, queue and table service URIs together")


def _check_graph_auth(raw: dict[str, str], problems: dict[str, str]) -> None:
    mode = raw["GRAPH_AUTH_MODE"]
    needs = {
        "managed_identity_federation": ("GRAPH_TENANT_ID", "GRAPH_CLIENT_ID", "MANAGED_IDENTITY_CLIENT_ID"),
        "client_secret": ("GRAPH_TENANT_ID", "GRAPH_CLIENT_ID", "GRAPH_CLIENT_SECRET"),
        "certificate": ("GRAPH_TENANT_ID", "GRAPH_CLIENT_ID", "GRAPH_CLIENT_CERTIFICATE_PATH"),
        "managed_identity": (),
        "workload_identity": ("GRAPH_TENANT_ID", "GRAPH_CLIENT_ID"),
        "static_token": ("GRAPH_STATIC_TOKEN",),
    }
    if mode not in needs:
        problems["GRAPH_AUTH_MODE"] = f"must be one of {', '.join(GRAPH_AUTH_MODES)}"
        return
    for name in needs[mode]:
        if not raw[name]:
            problems[name] = f"is required when GRAPH_AUTH_MODE={mode}"
    audience = raw["GRAPH_FEDERATION_AUDIENCE"]
    if not re.fullmatch(r"api://\S{1,594}", audience):
        problems["GRAPH_FEDERATION_AUDIENCE"] = (
            f"must be an api:// audience of at most 600 characters, e.g. {TOKEN_EXCHANGE_AUDIENCE}")


def _check_timezone(raw: dict[str, str], problems: dict[str, str]) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(raw["IMIS_TIMEZONE"])
    except (ZoneInfoNotFoundError, ValueError):
        problems["IMIS_TIMEZONE"] = "must be an IANA time zone such as Europe/London"


def describe(name: str) -> Setting:
    return _BY_NAME[name]


def requests_environment(env: Mapping[str, str] = os.environ, home: Path | None = None) -> tuple[bool, str]:
    """What ``requests`` (the storage SDKs' transport) takes from the environment per request: whether a proxy (any
    ``*_proxy`` variable, as urllib reads them; off Linux, the system's settings too) or netrc credentials, and the
    CA bundle it verifies TLS with ("": its own). Session.merge_environment_settings, prepare_request."""
    home = Path.home() if home is None else home
    reads = (sys.platform != "linux" or bool(env.get("NETRC")) or (home / ".netrc").exists()
             or (home / "_netrc").exists() or any(v and k.lower().endswith("_proxy") for k, v in env.items()))
    return reads, env.get("REQUESTS_CA_BUNDLE") or env.get("CURL_CA_BUNDLE") or ""


def host_override(environ: Mapping[str, str], path: str) -> str:
    """A host.json value overridden by an app setting (AzureFunctionsJobHost__<path>), as the Functions host
    allows; "" when not overridden."""
    return environ.get(f"AzureFunctionsJobHost__{path}", "")
