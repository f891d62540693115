"""Choosing a Graph credential is the only place the emulator and real Graph differ."""

from __future__ import annotations

import time
from typing import Any

from azure.core.credentials import AccessToken

from shared.config import Settings


class StaticTokenCredential:
    """A fixed bearer token: for the local Graph emulator (GRAPH_AUTH_MODE=static_token) only."""

    def __init__(self, token: str) -> None:
        self._token = token

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        return AccessToken(self._token, int(time.time()) + 3600)

    def get_token_info(self, *scopes: str, options: Any = None) -> Any:
        from azure.core.credentials import AccessTokenInfo

        return AccessTokenInfo(self._token, int(time.time()) + 3600)


def graph_credential(settings: Settings) -> Any:
    from azure import identity

    mode = settings.graph_auth_mode
    if mode == "static_token":
        return StaticTokenCredential(settings.graph_static_token)
    if mode == "client_secret":
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
