"""``LimitStore`` on Azure Storage: slots are blob leases, sub-window budgets are ETag-guarded Table rows.

Blob leases (https://learn.microsoft.com/rest/api/storageservices/lease-blob): one client at a time holds a
blob's lease; a finite lease lasts 15 to 60 s and the service ends it by itself when it is not released, so a
crashed instance's slot comes back without anyone cleaning up. Acquiring a held lease answers 409
``LeaseAlreadyPresent``. A budget row is replaced with If-Match (Table optimistic concurrency), so two
instances can never both spend the same remainder. Each store remembers the row it last wrote (sub-window, count,
ETag): its next grant is the conditional write alone, and a stale memory (another instance wrote since) fails the
condition and costs the read it would have made anyway. Calls fail fast (one retry, short timeouts): a slow store
makes the limiter wait and defer the work, never send without a grant.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any

from azure.core.exceptions import ResourceExistsError, ResourceNotFoundError
from azure.data.tables import TableServiceClient
from azure.storage.blob import BlobLeaseClient, BlobServiceClient

from shared.adapters.blobs import blob_service
from shared.adapters.tables import Table, safe_key, table_service
from shared.config import Settings

RING = 128  # sub-window rows per name, reused in turn: rows do not pile up
# Fail fast (one retry, short timeouts): the limiter waits and defers instead.
FAST: dict[str, Any] = {"retry_total": 1, "connection_timeout": 2, "read_timeout": 5}


def limit_clients(settings: Settings, credential: Any = None) -> tuple[BlobServiceClient, TableServiceClient]:
    """The app's own storage clients, failing fast."""
    return blob_service(settings, credential, **FAST), table_service(settings, credential, **FAST)


class AzureLimitStore:
    def __init__(self, blobs: BlobServiceClient, tables: TableServiceClient, container: str, table: str) -> None:
        self._container = blobs.get_container_client(container)
        self._rows = Table(tables, table)
        self._ready = False
        self._seen: dict[tuple[str, str], tuple[int, int, str]] = {}  # row -> (part, used, ETag) written here
        self._seen_lock = threading.Lock()
        self._blobs: dict[tuple[str, int], Any] = {}

    def _blob(self, name: str, slot: int) -> Any:
        blob = self._blobs.get((name, slot))
        if blob is None:  # a client per call rebuilds its pipeline: keep one per slot
            if len(self._blobs) > 10_000:
                self._blobs.clear()
            blob = self._blobs[(name, slot)] = self._container.get_blob_client(f"{name}/{slot}")
        return blob

    def try_slot(self, name: str, slot: int, hold_s: int) -> str | None:
        blob = self._blob(name, slot)
        for _ in range(2):
            try:
                return str(blob.acquire_lease(lease_duration=hold_s).id)
            except ResourceExistsError:  # 409 LeaseAlreadyPresent
                return None
            except ResourceNotFoundError:  # first use of this slot (or of the container)
                self._create(blob)
        return None

    def _create(self, blob: Any) -> None:
        if not self._ready:
            with contextlib.suppress(ResourceExistsError):
                self._container.create_container()
            self._ready = True
        with contextlib.suppress(ResourceExistsError):
            blob.upload_blob(b"", overwrite=False)

    def free_slot(self, name: str, slot: int, lease: str) -> None:
        BlobLeaseClient(self._blob(name, slot), lease_id=lease).release()

    def take(self, name: str, part: int, cap: int, want: int) -> int:
        at = (safe_key(name), f"{part % RING:03d}")
        with self._seen_lock:
            known = self._seen.pop(at, None)
        for _ in range(20):  # optimistic concurrency: replace only if nobody wrote since the count was known
            if known is None:
                row = self._rows.get(*at)
                if row is None:
                    granted = min(want, cap)
                    etag = self._rows.create({"PartitionKey": at[0], "RowKey": at[1], "part": part, "used": granted})
                    if etag is not None:
                        return self._remember(at, part, granted, etag, granted)
                    continue
                known = (int(row["part"]), int(row["used"]), row["etag"])
            row_part, used, etag = known
            if row_part > part:  # this instance's clock is behind the others': grant nothing
                return self._remember(at, *known, 0)
            used = used if row_part == part else 0  # the ring row of an older sub-window counts afresh
            granted = min(want, cap - used)
            if granted <= 0:
                return self._remember(at, *known, 0)  # counts only grow within a sub-window: still spent
            fresh = {"PartitionKey": at[0], "RowKey": at[1], "part": part, "used": used + granted}
            written = self._rows.replace_if(fresh, etag)
            if written is not None:
                return self._remember(at, part, used + granted, written, granted)
            known = None
        return 0

    def _remember(self, at: tuple[str, str], part: int, used: int, etag: str, granted: int) -> int:
        with self._seen_lock:
            if len(self._seen) > 10_000:
                self._seen.clear()
            self._seen[at] = (part, used, etag)
        return granted
