"""Choosing a Graph credential is the only place the emulator and real Graph differ.

In Azure the default is ``managed_identity_federation``: the Graph app registration trusts the function app's
user-assigned managed identity as a federated identity credential, so no Graph client secret exists to leak or
rotate. The app asks the managed identity for a token whose audience is the token-exchange audience
(``api://AzureADTokenExchange``) and presents it as the client assertion of the Graph app (Entra ID: "Configure
an application to trust a managed identity"; azure-identity's ClientAssertionCredential). The Graph tenant may
differ from the identity's, for a separate Microsoft 365 tenant with a multitenant app registration.
"""

from __future__ import annotations

import time
from typing import Any, Protocol

from azure.core.credentials import AccessToken

from shared.config import Settings


class TokenSource(Protocol):
    """What the assertion needs from a managed identity credential."""

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken: ...


class StaticTokenCredential:
    """A fixed bearer token: for the local Graph emulator (GRAPH_AUTH_MODE=static_token) only."""

    def __init__(self, token: str) -> None:
        self._token = token

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        return AccessToken(self._token, int(time.time()) + 3600)

    def get_token_info(self, *scopes: str, options: Any = None) -> Any:
        from azure.core.credentials import AccessTokenInfo

        return AccessTokenInfo(self._token, int(time.time()) + 3600)


class ManagedIdentityAssertion:
    """The client assertion of a federated credential: the managed identity's token for the exchange audience.

    Called by ClientAssertionCredential whenever it needs a new Graph token; the managed identity credential
    caches its own token, so this costs a network call only when that token is near expiry.
    """

    def __init__(self, source: TokenSource, audience: str) -> None:
        self._source = source
        self._scope = audience.rstrip("/") + "/.default"

    def __call__(self) -> str:
        return self._source.get_token(self._scope).token


def federated_graph_credential(settings: Settings, source: TokenSource | None = None, **options: Any) -> Any:
    """ClientAssertionCredential for the Graph app, its assertion taken from the user-assigned identity.
    ``options`` go to azure-identity (e.g. an azure-core ``transport``)."""
    from azure import identity

    if source is None:
        source = identity.ManagedIdentityCredential(client_id=settings.managed_identity_client_id)
    return identity.ClientAssertionCredential(
        settings.graph_tenant_id, settings.graph_client_id,
        ManagedIdentityAssertion(source, settings.graph_federation_audience), **options)


def graph_credential(settings: Settings) -> Any:
    from azure import identity

    mode = settings.graph_auth_mode
    if mode == "managed_identity_federation":
        return federated_graph_credential(settings)
    if mode == "static_token":
        return StaticTokenCredential(settings.graph_static_token)
    if mode == "client_secret":  # fallback when the federated credential cannot be set up
        return identity.ClientSecretCredential(settings.graph_tenant_id, settings.graph_client_id,
                                               settings.graph_client_secret)
    if mode == "certificate":
        return identity.CertificateCredential(settings.graph_tenant_id, settings.graph_client_id,
                                              settings.graph_certificate_path)
    if mode == "workload_identity":
        return identity.WorkloadIdentityCredential(tenant_id=settings.graph_tenant_id,
                                                   client_id=settings.graph_client_id)
    return identity.ManagedIdentityCredential(client_id=settings.managed_identity_client_id or None)


def storage_credential(settings: Settings) -> Any:
    if settings.storage_connection:
        return None
    from azure.identity import ManagedIdentityCredential

    return ManagedIdentityCredential(client_id=settings.storage_client_id or settings.managed_identity_client_id
                                     or None)
