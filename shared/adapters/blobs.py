"""Blob storage for what is too big for a table: the .eml copy of each captured email."""

from __future__ import annotations

import contextlib
from typing import Any

from azure.core.exceptions import ResourceExistsError, ResourceNotFoundError
from azure.storage.blob import BlobServiceClient, ContentSettings

from shared.adapters.tables import storage_options
from shared.config import Settings


def blob_service(settings: Settings, credential: Any = None, **options: Any) -> BlobServiceClient:
    """``options`` go to azure-core (e.g. retry_total, read_timeout)."""
    options = storage_options() | options
    if settings.storage_connection:
        return BlobServiceClient.from_connection_string(settings.storage_connection, **options)
    url = settings.blob_service_uri or f"https://{settings.storage_account_name}.blob.core.windows.net"
    return BlobServiceClient(url, credential=credential, **options)


class AzureBlobStore:
    def __init__(self, service: BlobServiceClient, container: str) -> None:
        self._container = service.get_container_client(container)
        self._ready = False

    def put_eml(self, name: str, data: bytes) -> str:
        """Store (idempotently: same name, same bytes) and return the blob name."""
        if not self._ready:
            with contextlib.suppress(ResourceExistsError):
                self._container.create_container()
            self._ready = True
        self._container.upload_blob(name, data, overwrite=True,
                                    content_settings=ContentSettings(content_type="message/rfc822"))
        return name

    def delete_eml(self, name: str) -> bool:
        """Erasure: the copy goes; False when it was not there (never stored, or already deleted)."""
        try:
            self._container.delete_blob(name)
        except ResourceNotFoundError:
            return False
        return True
