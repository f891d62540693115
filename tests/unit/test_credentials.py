"""The Graph credential without a secret: the managed identity's token for the token-exchange audience becomes the
client assertion of the Graph app registration (workload identity federation). A fake token source stands in for
the managed identity and a fake azure-core transport for the Entra token endpoint, so nothing leaves the process."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from azure.core.credentials import AccessToken
from azure.core.pipeline.transport import HttpTransport
from azure.identity import ClientAssertionCredential, ClientSecretCredential

from shared.adapters.credentials import ManagedIdentityAssertion, federated_graph_credential, graph_credential
from shared.config import Settings, SettingsError

FEDERATED = {
    "AzureWebJobsStorage": "UseDevelopmentStorage=true",
    "GRAPH_AUTH_MODE": "managed_identity_federation",
    "GRAPH_TENANT_ID": "m365-tenant",
    "GRAPH_CLIENT_ID": "graph-app-id",
    "MANAGED_IDENTITY_CLIENT_ID": "identity-client-id",
    "GRAPH_CLIENT_STATE": "x" * 32,
    "WEBHOOK_BASE_URL": "https://app.example.org/api",
    "IMIS_BASE_URL": "https://imis.example.org",
    "IMIS_USERNAME": "svc",
    "IMIS_PASSWORD": "pw",
}
GRAPH_SCOPE = "https://graph.microsoft.com/.default"


class FakeIdentity:
    """Stands in for ManagedIdentityCredential: records the scopes asked for and hands out a known token."""

    def __init__(self, token: str = "managed-identity-token") -> None:
        self.token = token
        self.scopes: list[tuple[str, ...]] = []

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        self.scopes.append(scopes)
        return AccessToken(self.token, int(time.time()) + 3600)


class _Reply:
    def __init__(self, request: Any, status: int, body: dict[str, Any]) -> None:
        self.request, self.status_code, self.reason = request, status, "OK" if status == 200 else "Bad Request"
        self.headers = {"Content-Type": "application/json"}
        self.content_type = "application/json"
        self._body = json.dumps(body).encode()

    def body(self) -> bytes:
        return self._body

    def text(self, encoding: str | None = None) -> str:
        return self._body.decode()


class FakeTokenEndpoint(HttpTransport):
    """The Entra token endpoint: records each request and answers with a Graph token (or an error)."""

    def __init__(self, status: int = 200) -> None:
        self.requests: list[Any] = []
        self.status = status

    def __enter__(self) -> FakeTokenEndpoint:
        return self

    def __exit__(self, *args: Any) -> None:
        return None

    def open(self) -> None:
        return None

    def close(self) -> None:
        return None

    def send(self, request: Any, **kwargs: Any) -> Any:
        self.requests.append(request)
        if self.status != 200:
            return _Reply(request, self.status, {"error": "invalid_client", "error_description":
                                                 "AADSTS70021: No matching federated identity record found"})
        return _Reply(request, 200, {"access_token": "graph-token", "expires_in": 3600, "token_type": "Bearer"})


def settings(**changes: str) -> Settings:
    return Settings.from_env(FEDERATED | changes)


class TestAssertion:
    def test_asks_the_identity_for_the_token_exchange_audience(self) -> None:
        identity = FakeIdentity()
        assert ManagedIdentityAssertion(identity, "api://AzureADTokenExchange")() == "managed-identity-token"
        assert identity.scopes == [("api://AzureADTokenExchange/.default",)]

    def test_a_sovereign_cloud_audience_is_passed_through(self) -> None:
        identity = FakeIdentity()
        ManagedIdentityAssertion(identity, "api://AzureADTokenExchangeUSGov/")()
        assert identity.scopes == [("api://AzureADTokenExchangeUSGov/.default",)]


class TestFederatedGraphCredential:
    def test_exchanges_the_identity_token_for_a_graph_token_in_the_graph_tenant(self) -> None:
        identity, endpoint = FakeIdentity(), FakeTokenEndpoint()
        credential = federated_graph_credential(settings(), identity, transport=endpoint)
        assert credential.get_token(GRAPH_SCOPE).token == "graph-token"
        (request,) = endpoint.requests
        assert (request.method, request.url) == ("POST", "https://login.microsoftonline.com/m365-tenant/oauth2/v2.0/token")
        assert request.data == {
            "client_id": "graph-app-id",
            "client_assertion": "managed-identity-token",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "grant_type": "client_credentials",
            "scope": GRAPH_SCOPE,
        }
        assert "client_secret" not in request.data

    def test_a_refused_exchange_raises_instead_of_returning_a_token(self) -> None:
        from azure.core.exceptions import ClientAuthenticationError

        credential = federated_graph_credential(settings(), FakeIdentity(), transport=FakeTokenEndpoint(400))
        with pytest.raises(ClientAuthenticationError, match="AADSTS70021"):
            credential.get_token(GRAPH_SCOPE)

    def test_the_mode_selects_the_assertion_credential_and_the_secret_mode_stays_a_fallback(self) -> None:
        assert isinstance(graph_credential(settings()), ClientAssertionCredential)
        secret = settings(GRAPH_AUTH_MODE="client_secret", GRAPH_CLIENT_SECRET="s")
        assert isinstance(graph_credential(secret), ClientSecretCredential)


class TestFederationSettings:
    def test_needs_no_secret_but_the_user_assigned_identity(self) -> None:
        assert settings().graph_client_secret == ""
        env = {k: v for k, v in FEDERATED.items() if k != "MANAGED_IDENTITY_CLIENT_ID"}
        with pytest.raises(SettingsError) as err:
            Settings.from_env(env)
        assert set(err.value.problems) == {"MANAGED_IDENTITY_CLIENT_ID"}

    def test_audience_defaults_to_the_public_cloud_exchange_audience(self) -> None:
        assert settings().graph_federation_audience == "api://AzureADTokenExchange"

    @pytest.mark.parametrize("audience", ["AzureADTokenExchange", "https://login.example/x", "api://a b",
                                          "api://" + "a" * 595])
    def test_refuses_an_audience_that_is_not_an_api_uri_of_at_most_600_characters(self, audience: str) -> None:
        with pytest.raises(SettingsError) as err:
            settings(GRAPH_FEDERATION_AUDIENCE=audience)
        assert set(err.value.problems) == {"GRAPH_FEDERATION_AUDIENCE"}
