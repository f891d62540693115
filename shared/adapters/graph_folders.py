"""The msgraph-sdk calls about mail folders (async): list one level of the tree, find a well-known folder's id.

- ``GET /users/{id}/mailFolders`` lists only the root's children; "To return all mail folders in a mailbox, each
  child folder must be traversed separately" (``/mailFolders/{id}/childFolders``): api-reference/v1.0/api/
  user-list-mailfolders.md and mailfolder-list-childfolders.md (microsoftgraph/microsoft-graph-docs-contrib).
  Hidden folders are left out (no ``includeHiddenFolders``): mail a user files is in folders they can see.
- Pages follow ``@odata.nextLink`` (default page size 10, same pages). No ``$filter=displayName eq …``: the pages
  do not document which folder properties filter, so names are compared here (docs/wire-fidelity.md G14).
- A well-known name works in place of an id in any locale (resources/mailfolder.md); ``$select=id`` reads it.
"""

from __future__ import annotations

import json
from typing import Any

from kiota_abstractions.base_request_configuration import RequestConfiguration

from shared.domain.model import MailFolderInfo

FOLDER_FIELDS = ["id", "displayName", "childFolderCount"]


async def _json(client: Any, request_info: Any) -> dict[str, Any]:
    from msgraph.generated.models.o_data_errors.o_data_error import ODataError

    raw = await client.request_adapter.send_primitive_async(request_info, "bytes", {"XXX": ODataError})
    value = json.loads(raw or b"{}")
    return value if isinstance(value, dict) else {}


async def list_folders(client: Any, mailbox: str, parent: str | None) -> list[MailFolderInfo]:
    from msgraph.generated.users.item.mail_folders.item.child_folders.child_folders_request_builder import (
        ChildFoldersRequestBuilder,
    )
    from msgraph.generated.users.item.mail_folders.mail_folders_request_builder import MailFoldersRequestBuilder

    folders = client.users.by_user_id(mailbox).mail_folders
    if parent is None:
        builder: Any = folders
        params: Any = MailFoldersRequestBuilder.MailFoldersRequestBuilderGetQueryParameters(select=FOLDER_FIELDS)
    else:
        builder = folders.by_mail_folder_id(parent).child_folders
        params = ChildFoldersRequestBuilder.ChildFoldersRequestBuilderGetQueryParameters(select=FOLDER_FIELDS)
    out: list[MailFolderInfo] = []
    request = builder.to_get_request_information(RequestConfiguration(query_parameters=params))
    while True:
        page = await _json(client, request)
        out += [MailFolderInfo(str(f["id"]), str(f.get("displayName") or ""), int(f.get("childFolderCount") or 0))
                for f in page.get("value") or [] if isinstance(f, dict) and f.get("id")]
        link = page.get("@odata.nextLink")
        if not link:
            return out
        request = builder.with_url(link).to_get_request_information()


async def folder_id(client: Any, mailbox: str, well_known: str) -> str:
    from msgraph.generated.users.item.mail_folders.item.mail_folder_item_request_builder import (
        MailFolderItemRequestBuilder,
    )

    params = MailFolderItemRequestBuilder.MailFolderItemRequestBuilderGetQueryParameters(select=["id"])
    builder = client.users.by_user_id(mailbox).mail_folders.by_mail_folder_id(well_known)
    page = await _json(client, builder.to_get_request_information(RequestConfiguration(query_parameters=params)))
    return str(page["id"])
