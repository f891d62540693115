"""The msgraph-sdk request builders for each Graph call the service makes (async)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from kiota_abstractions.base_request_configuration import RequestConfiguration

from shared.adapters.graph_message import GRAPH_EXPAND, GRAPH_SELECT, MESSAGE_CLASS_PROPERTY, SENSITIVITY_PROPERTY
from shared.adapters.graph_urls import expand_once
from shared.ports import DeltaPage, FetchSpec, GraphSubscription

# Every call about messages asks for immutable ids: the default id changes when a rule or a person moves the
# message, so an id queued from a notification would 404 at fetch and the same email would reach the worker
# under two ids (concepts/outlook-immutable-id.md: "This header only applies to the request it is included
# with"; subscriptions created without it keep sending default ids).
IMMUTABLE_ID = 'IdType="ImmutableId"'
# Only the fields the pipeline uses (one request per email; internetMessageHeaders only when selected), the
# MAPI message class and the attachments' metadata: defined with the message model that reads them.
MESSAGE_FIELDS = GRAPH_SELECT.split(",")
# One $expand naming both navigation properties is valid OData but has no Microsoft example (docs/wire-fidelity.md
# G2): if Graph refuses it (400), the fetch asks for the message class alone and lists the attachments apart.
CLASS_EXPAND = f"singleValueExtendedProperties($filter=id eq '{MESSAGE_CLASS_PROPERTY}')"
# ... and then PidTagSensitivity alone, so private mail is still recognised (G11: fail safe, not open).
SENSITIVITY_EXPAND = f"singleValueExtendedProperties($filter=id eq '{SENSITIVITY_PROPERTY}')"
ATTACHMENT_METADATA = ["id", "name", "contentType", "size", "isInline"]


def _config(params: Any = None, prefer: list[str] | None = None) -> RequestConfiguration:
    config: RequestConfiguration = RequestConfiguration(query_parameters=params)
    for value in prefer or []:
        config.headers.add("Prefer", value)
    return config


class GraphCalls:
    def __init__(self, client: Any) -> None:
        self._c = client

    client = property(lambda self: self._c)

    async def _json(self, request_info: Any) -> dict[str, Any]:
        """Send through the SDK's request adapter (auth, retry, telemetry middleware) and keep the wire JSON:
        parsing into SDK models and serialising back costs more CPU than the rest of the pipeline."""
        from msgraph.generated.models.o_data_errors.o_data_error import ODataError
        expand_once(request_info, self._c.request_adapter.base_url)  # graph_urls: the query part expanded once
        raw = await self._c.request_adapter.send_primitive_async(request_info, "bytes", {"XXX": ODataError})
        value = json.loads(raw or b"{}")
        return value if isinstance(value, dict) else {}

    def _listing(self, mailbox: str, folder: str) -> Any:
        """A folder's messages, or ("") the whole mailbox's (api-reference/v1.0/api/user-list-messages.md)."""
        user = self._c.users.by_user_id(mailbox)
        return user.mail_folders.by_mail_folder_id(folder).messages if folder else user.messages

    def _message(self, mailbox: str, message_id: str) -> Any:
        return self._c.users.by_user_id(mailbox).messages.by_message_id(message_id)

    async def get_message(self, mailbox: str, message_id: str, spec: FetchSpec) -> dict[str, Any]:
        from msgraph.generated.models.o_data_errors.o_data_error import ODataError
        from msgraph.generated.users.item.messages.item.message_item_request_builder import (
            MessageItemRequestBuilder,
        )

        query = MessageItemRequestBuilder.MessageItemRequestBuilderGetQueryParameters
        # uniqueBody comes only when $select names it, in the form Prefer: outlook.body-content-type asks for
        # the body (DC api-reference/v1.0/resources/message.md; ../shared/reference/graph.md "Headers").
        select = MESSAGE_FIELDS + (["uniqueBody"] if spec.unique_body else [])
        prefer = [IMMUTABLE_ID]
        if not spec.html_body:
            prefer.append('outlook.body-content-type="text"')
        builder = self._message(mailbox, message_id)
        try:
            data = await self._json(builder.to_get_request_information(
                _config(query(select=select, expand=[GRAPH_EXPAND]), prefer)))
        except ODataError as exc:
            if exc.response_status_code != 400:
                raise
            data = await self._json(builder.to_get_request_information(
                _config(query(select=select, expand=[CLASS_EXPAND]), prefer)))
            if data.get("hasAttachments") and not spec.with_attachments:
                data["attachments"] = await self._attachment_metadata(mailbox, message_id)
            extra = await self._json(builder.to_get_request_information(
                _config(query(select=["id"], expand=[SENSITIVITY_EXPAND]), [IMMUTABLE_ID])))
            data["singleValueExtendedProperties"] = [*(data.get("singleValueExtendedProperties") or []),
                                                     *(extra.get("singleValueExtendedProperties") or [])]
        if spec.with_attachments and data.get("hasAttachments"):  # the files themselves: a second request
            data["attachments"] = await self.get_attachments(mailbox, message_id)
        return data

    async def _attachment_metadata(self, mailbox: str, message_id: str) -> list[dict[str, Any]]:
        from msgraph.generated.users.item.messages.item.attachments.attachments_request_builder import (
            AttachmentsRequestBuilder,
        )

        params = AttachmentsRequestBuilder.AttachmentsRequestBuilderGetQueryParameters(select=ATTACHMENT_METADATA)
        builder = self._message(mailbox, message_id).attachments
        page = await self._json(builder.to_get_request_information(_config(params, [IMMUTABLE_ID])))
        return [a for a in page.get("value") or [] if isinstance(a, dict)]

    async def set_categories(self, mailbox: str, message_id: str, categories: tuple[str, ...]) -> None:
        """PATCH the message's categories (the whole collection: Graph replaces it; needs Mail.ReadWrite,
        api-reference/v1.0/api/message-update.md lists categories as updatable)."""
        from msgraph.generated.models.message import Message

        await self._message(mailbox, message_id).patch(Message(categories=list(categories)),
                                                        request_configuration=_config(prefer=[IMMUTABLE_ID]))

    async def get_attachments(self, mailbox: str, message_id: str) -> list[dict[str, Any]]:
        page = await self._message(mailbox, message_id).attachments.get(
            request_configuration=_config(prefer=[IMMUTABLE_ID]))
        return [dumps_model(a) for a in (page.value or [])]

    async def get_mime(self, mailbox: str, message_id: str) -> bytes:
        config = _config(prefer=[IMMUTABLE_ID])
        return bytes(await self._message(mailbox, message_id).content.get(request_configuration=config) or b"")

    async def check_mailbox(self, mailbox: str) -> str:
        """Read the Inbox folder: proves Mail.Read reaches this mailbox (GET /users/{id} would need
        User.Read.All, a permission the service otherwise does not need)."""
        from msgraph.generated.users.item.mail_folders.item.mail_folder_item_request_builder import (
            MailFolderItemRequestBuilder,
        )

        params = MailFolderItemRequestBuilder.MailFolderItemRequestBuilderGetQueryParameters(select=["id"])
        folder = await self._c.users.by_user_id(mailbox).mail_folders.by_mail_folder_id("inbox").get(
            request_configuration=_config(params))
        return str(folder.id)

    async def create_subscription(self, resource: str, notification_url: str, lifecycle_url: str,
                                  client_state: str, expires_at: datetime) -> GraphSubscription:
        from msgraph.generated.models.subscription import Subscription

        body = Subscription(change_type="created", notification_url=notification_url,
                            lifecycle_notification_url=lifecycle_url or None, resource=resource,
                            expiration_date_time=expires_at, client_state=client_state,
                            latest_supported_tls_version="v1_2")
        created = await self._c.subscriptions.post(body, request_configuration=_config(prefer=[IMMUTABLE_ID]))
        return GraphSubscription(created.id, created.resource, created.expiration_date_time, client_state)

    async def renew_subscription(self, subscription_id: str, expires_at: datetime) -> GraphSubscription:
        from msgraph.generated.models.subscription import Subscription

        renewed = await self._c.subscriptions.by_subscription_id(subscription_id).patch(
            Subscription(expiration_date_time=expires_at))
        return GraphSubscription(renewed.id, renewed.resource or "", renewed.expiration_date_time)

    async def list_subscriptions(self) -> list[GraphSubscription]:
        """GET /subscriptions: with application permission, every subscription this app created, paged by
        @odata.nextLink (learn.microsoft.com/graph/api/subscription-list; clientState is not returned)."""
        subscriptions, link = [], None
        while True:
            builder = self._c.subscriptions.with_url(link) if link else self._c.subscriptions
            page = await self._json(builder.to_get_request_information())
            for item in page.get("value") or []:
                expires = _when(item.get("expirationDateTime"))
                if item.get("id") and expires is not None:
                    subscriptions.append(GraphSubscription(str(item["id"]), str(item.get("resource") or ""), expires))
            link = page.get("@odata.nextLink")
            if not link:
                return subscriptions

    async def reauthorize_subscription(self, subscription_id: str) -> None:
        await self._c.subscriptions.by_subscription_id(subscription_id).reauthorize.post()

    async def delete_subscription(self, subscription_id: str) -> None:
        await self._c.subscriptions.by_subscription_id(subscription_id).delete()

    async def delta_page(self, mailbox: str, folder: str, link: str | None, page_size: int) -> DeltaPage:
        from msgraph.generated.users.item.mail_folders.item.messages.delta.delta_request_builder import (
            DeltaRequestBuilder,
        )

        builder = self._c.users.by_user_id(mailbox).mail_folders.by_mail_folder_id(folder).messages.delta
        prefer = [f"odata.maxpagesize={page_size}", IMMUTABLE_ID]
        if link:
            request = builder.with_url(link).to_get_request_information(_config(prefer=prefer))
        else:
            # changeType=created: read/flag changes and moves out are not news to the backstop (documented for
            # messages delta: api-reference/v1.0/api/message-delta.md; it travels inside the next/delta links).
            params = DeltaRequestBuilder.DeltaRequestBuilderGetQueryParameters(
                select=["id", "receivedDateTime"], change_type="created")
            request = builder.to_get_request_information(_config(params, prefer))
        page = await self._json(request)
        added: list[str] = []
        received: list[datetime | None] = []
        removed: list[str] = []
        for item in page.get("value") or []:
            if "@removed" in item:
                removed.append(str(item["id"]))
            else:
                added.append(str(item["id"]))
                received.append(_when(item.get("receivedDateTime")))
        return DeltaPage(tuple(added), tuple(removed), page.get("@odata.nextLink"), page.get("@odata.deltaLink"),
                         tuple(received))

    async def count_since(self, mailbox: str, folder: str, since: datetime) -> int:
        """How many messages the import will queue: `$count=true` adds `@odata.count` to a list of messages
        (https://learn.microsoft.com/graph/query-parameters#count-parameter; its example is
        /me/messages?$top=2&$count=true). The ConsistencyLevel header is needed only for directory objects."""
        from msgraph.generated.users.item.mail_folders.item.messages.messages_request_builder import (
            MessagesRequestBuilder,
        )

        builder = self._listing(mailbox, folder)
        params = MessagesRequestBuilder.MessagesRequestBuilderGetQueryParameters(
            select=["id"], filter=f"receivedDateTime ge {since.strftime('%Y-%m-%dT%H:%M:%SZ')}", top=1, count=True)
        page = await self._json(builder.to_get_request_information(_config(params, ['IdType="ImmutableId"'])))
        count = page.get("@odata.count")
        if not isinstance(count, int):
            raise ValueError("Graph answered without @odata.count")
        return count

    async def list_since(self, mailbox: str, folder: str, since: datetime, link: str | None,
                         page_size: int) -> tuple[tuple[str, ...], str | None]:
        from msgraph.generated.users.item.mail_folders.item.messages.messages_request_builder import (
            MessagesRequestBuilder,
        )

        builder = self._listing(mailbox, folder)
        prefer = [IMMUTABLE_ID]
        if link:
            request = builder.with_url(link).to_get_request_information(_config(prefer=prefer))
        else:
            stamp = since.strftime("%Y-%m-%dT%H:%M:%SZ")
            params = MessagesRequestBuilder.MessagesRequestBuilderGetQueryParameters(
                select=["id"], filter=f"receivedDateTime ge {stamp}", top=page_size,
                orderby=["receivedDateTime desc"])
            request = builder.to_get_request_information(_config(params, prefer))
        page = await self._json(request)
        return tuple(str(m["id"]) for m in page.get("value") or []), page.get("@odata.nextLink")


def _when(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")) if value else None
    except ValueError:
        return None


def dumps_model(model: Any) -> dict[str, Any]:
    """Serialise an SDK model back to Graph wire JSON (camelCase), as Graph sent it."""
    from kiota_serialization_json.json_serialization_writer import JsonSerializationWriter

    writer = JsonSerializationWriter()
    writer.write_object_value(None, model)
    return json.loads(writer.get_serialized_content())
