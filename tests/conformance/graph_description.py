"""The slice of Microsoft's published Graph v1.0 description the product relies on, written by hand.

Source: github.com/microsoftgraph/msgraph-metadata at commit f54f11b60956ea7b185ca0447b2b80805836ec7b
(the v1.0 OpenAPI under openapi/v1.0/ is generated from schemas/v1.0-Prod.csdl by transforms/csdl/):
- message: schemas/v1.0-Prod.csdl lines 16735-16767 (EntityType message, BaseType outlookItem) and 17262-17266
  (outlookItem: categories, changeKey, createdDateTime, lastModifiedDateTime); id from graph.entity.
- attachment: lines 12943ff (EntityType attachment: contentType, isInline, lastModifiedDateTime, name, size),
  fileAttachment 15521ff (contentBytes, contentId, contentLocation).
- subscription: lines 18898-18913.
- delta on Collection(message): line 26079 (bound function); its changeType custom query option:
  transforms/csdl/preprocess_csdl.xsl lines 749-766 ("Supported values are created, updated or deleted").
Query options per path are those of the v1.0 OpenAPI paths; test_graph.py checks this table against the
URL templates msgraph-sdk (PyPI, generated from that OpenAPI) ships, so the table cannot drift silently.
Headers are not in the description: ``Prefer: IdType="ImmutableId"`` is from concepts/outlook-immutable-id.md
and ``Prefer: outlook.body-content-type`` / ``odata.maxpagesize`` from api-reference/v1.0/api/message-get.md
and concepts/delta-query-messages.md (microsoftgraph/microsoft-graph-docs-contrib).
"""

from __future__ import annotations

from dataclasses import dataclass

COMMIT = "f54f11b60956ea7b185ca0447b2b80805836ec7b"
# Server-driven paging tokens inside the next/delta links Graph returns (OData URL conventions §5.1.7;
# concepts/delta-query-messages.md shows $skiptoken and $deltatoken); clients call those links as given.
SERVER_TOKENS = frozenset({"$skiptoken", "$deltatoken"})
COLLECTION = ("$count", "$expand", "$filter", "$orderby", "$search", "$select", "$skip", "$top")


@dataclass(frozen=True, slots=True)
class Endpoint:
    method: str
    path: str  # OpenAPI path, {name} for parameters
    query: tuple[str, ...]  # query options the description allows
    sdk: str  # msgraph-sdk request builder (module.Class) generated for this path
    immutable_ids: bool  # the product must send Prefer: IdType="ImmutableId" here
    entity: str | None  # what a 2xx answer holds ("message", "message[]", "subscription", ...)


_M = "msgraph.generated.users.item"
ENDPOINTS = (
    Endpoint("GET", "/users/{user-id}/messages/{message-id}", ("$expand", "$select", "includeHiddenMessages"),
             f"{_M}.messages.item.message_item_request_builder.MessageItemRequestBuilder", True, "message"),
    Endpoint("GET", "/users/{user-id}/messages/{message-id}/$value", (),
             f"{_M}.messages.item.value.content_request_builder.ContentRequestBuilder", True, None),
    Endpoint("GET", "/users/{user-id}/messages/{message-id}/attachments", COLLECTION,
             f"{_M}.messages.item.attachments.attachments_request_builder.AttachmentsRequestBuilder", True,
             "attachment[]"),
    Endpoint("GET", "/users/{user-id}/mailFolders/{mailFolder-id}", ("$expand", "$select", "includeHiddenFolders"),
             f"{_M}.mail_folders.item.mail_folder_item_request_builder.MailFolderItemRequestBuilder", False,
             "mailFolder"),
    Endpoint("GET", "/users/{user-id}/mailFolders", (*COLLECTION, "includeHiddenFolders"),
             f"{_M}.mail_folders.mail_folders_request_builder.MailFoldersRequestBuilder", False, "mailFolder[]"),
    Endpoint("GET", "/users/{user-id}/mailFolders/{mailFolder-id}/childFolders", (*COLLECTION, "includeHiddenFolders"),
             f"{_M}.mail_folders.item.child_folders.child_folders_request_builder.ChildFoldersRequestBuilder", False,
             "mailFolder[]"),
    Endpoint("GET", "/users/{user-id}/messages", (*COLLECTION, "includeHiddenMessages"),
             f"{_M}.messages.messages_request_builder.MessagesRequestBuilder", True, "message[]"),
    Endpoint("GET", "/users/{user-id}/mailFolders/{mailFolder-id}/messages", COLLECTION,
             f"{_M}.mail_folders.item.messages.messages_request_builder.MessagesRequestBuilder", True, "message[]"),
    Endpoint("GET", "/users/{user-id}/mailFolders/{mailFolder-id}/messages/delta()", (*COLLECTION, "changeType"),
             f"{_M}.mail_folders.item.messages.delta.delta_request_builder.DeltaRequestBuilder", True, "message[]"),
    Endpoint("POST", "/subscriptions", COLLECTION,
             "msgraph.generated.subscriptions.subscriptions_request_builder.SubscriptionsRequestBuilder", True,
             "subscription"),
    Endpoint("PATCH", "/subscriptions/{subscription-id}", ("$select",),
             "msgraph.generated.subscriptions.item.subscription_item_request_builder.SubscriptionItemRequestBuilder",
             False, "subscription"),
    Endpoint("DELETE", "/subscriptions/{subscription-id}", ("$select",),
             "msgraph.generated.subscriptions.item.subscription_item_request_builder.SubscriptionItemRequestBuilder",
             False, None),
    Endpoint("POST", "/subscriptions/{subscription-id}/reauthorize", (),
             "msgraph.generated.subscriptions.item.reauthorize.reauthorize_request_builder.ReauthorizeRequestBuilder",
             False, None),
)

# Properties per entity type (CSDL lines above; inherited ones included). Navigation properties separately.
ENTITIES: dict[str, frozenset[str]] = {
    "message": frozenset({
        "id", "categories", "changeKey", "createdDateTime", "lastModifiedDateTime", "bccRecipients", "body",
        "bodyPreview", "ccRecipients", "conversationId", "conversationIndex", "flag", "from", "hasAttachments",
        "importance", "inferenceClassification", "internetMessageHeaders", "internetMessageId",
        "isDeliveryReceiptRequested", "isDraft", "isRead", "isReadReceiptRequested", "parentFolderId",
        "receivedDateTime", "replyTo", "sender", "sentDateTime", "subject", "toRecipients", "uniqueBody",
        "webLink"}),
    "attachment": frozenset({"id", "contentType", "isInline", "lastModifiedDateTime", "name", "size",
                             "contentBytes", "contentId", "contentLocation"}),  # with fileAttachment's
    "subscription": frozenset({
        "id", "applicationId", "changeType", "clientState", "creatorId", "encryptionCertificate",
        "encryptionCertificateId", "expirationDateTime", "includeResourceData", "latestSupportedTlsVersion",
        "lifecycleNotificationUrl", "notificationQueryOptions", "notificationUrl", "notificationUrlAppId",
        "resource"}),
    "mailFolder": frozenset({"id", "childFolderCount", "displayName", "isHidden", "parentFolderId",
                             "totalItemCount", "unreadItemCount"}),
}
NAVIGATION = {"message": {"attachments": "attachment", "extensions": "extension",
                          "multiValueExtendedProperties": "multiValueLegacyExtendedProperty",
                          "singleValueExtendedProperties": "singleValueLegacyExtendedProperty"}}
# Control information OData puts in answers (OData JSON Format 4.01 §4.5; mediaContentType for media entities,
# which fileAttachment is: HasStream="true" at line 15521), and delta's removed marker
# (concepts/delta-query-overview.md, "Resource representation in the delta query response").
ANNOTATIONS = frozenset({"@odata.context", "@odata.etag", "@odata.type", "@odata.nextLink", "@odata.deltaLink",
                         "@odata.count", "@odata.id", "@odata.mediaContentType", "@removed"})
