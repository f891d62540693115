"""Helpers of the demo's tour: fresh emails from the sample's people, delivered and waited for, and what the
real stores hold for them (the iMIS emulator's records, Azurite's blobs, the decision log's entries)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from typing import Any

import httpx
from azure.storage.blob import BlobServiceClient

from devhost.crm_view import capture_key
from devhost.driver import StackDriver

MEMBERSHIP = "membership@association.example"
EVENTS = "events@association.example"
CONTAINER = "mail-capture"  # MAIL_BLOB_CONTAINER's default (README, settings reference)


def email(sender: tuple[str, str], subject: str, to: tuple[str, str] = ("Membership Team", MEMBERSHIP),
          days_ago: int = 0, **headers: str) -> tuple[bytes, str]:
    """A plain person-to-person email: its bytes and its Message-ID (which names its capture key)."""
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = formataddr(sender), formataddr(to), subject
    sent = datetime.now(UTC) - timedelta(days=days_ago)
    msg["Date"], msg["Message-ID"] = formatdate(sent.timestamp(), usegmt=True), make_msgid(domain="demo.example")
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(f"Hello,\n\n{subject}.\n\nThanks,\n{sender[0]}\n")
    return msg.as_bytes(), str(msg["Message-ID"])


def as_json(sender: tuple[str, str], subject: str, to: tuple[str, str] = ("Membership Team", MEMBERSHIP),
            **fields: Any) -> tuple[dict[str, Any], str]:
    """The same email as Graph-shaped JSON (what Outlook sets, e.g. ``categories``, travels only this way)."""
    mid = make_msgid(domain="demo.association.example")
    doc = {"subject": subject, "body": {"contentType": "text", "content": f"Hello,\n\n{subject}.\n"},
           "from": {"emailAddress": {"name": sender[0], "address": sender[1]}},
           "sender": {"emailAddress": {"name": sender[0], "address": sender[1]}},
           "toRecipients": [{"emailAddress": {"name": to[0], "address": to[1]}}],
           "internetMessageId": mid} | fields
    return doc, mid


def decided(driver: StackDriver, mailbox: str, message_id: str, timeout: float = 60) -> dict[str, Any]:
    """The message-level decision the log holds once the pipeline is idle."""
    return dict(driver.wait_for_outcomes({(mailbox, message_id)}, timeout=timeout)[(mailbox, message_id)])


def deliver(driver: StackDriver, mailbox: str, raw: bytes | dict[str, Any], folder: str = "inbox",
            days_ago: int = 0) -> str:
    """Into the Graph emulator's mailbox (which notifies subscribers); ``days_ago``: received that long ago."""
    if days_ago and isinstance(raw, bytes):
        received = (datetime.now(UTC) - timedelta(days=days_ago)).isoformat().replace("+00:00", "Z")
        answer = driver.graph.post(f"/mailboxes/{mailbox}/messages", content=raw, params={
            "folder": folder, "receivedDateTime": received}, headers={"Content-Type": "message/rfc822"})
        answer.raise_for_status()
        return str(answer.json()["id"])
    if isinstance(raw, dict):
        return str(driver.deliver_json(mailbox, raw, folder)["id"])
    return str(driver.deliver(mailbox, raw, folder)["id"])


def records_of(driver: StackDriver, internet_message_id: str) -> list[dict[str, Any]]:
    """The Activities in the CRM carrying this email's capture key."""
    key = capture_key(internet_message_id)
    return [a for a in driver.crm_records().get("activities") or [] if a.get("UF_1") == key]


def files_of(driver: StackDriver, record_ids: set[str]) -> list[dict[str, Any]]:
    """The CRM's Attachment entities whose parent is one of these records."""
    return [a for a in driver.crm_records().get("attachments") or [] if str(a.get("ParentId")) in record_ids]


def blob_names(driver: StackDriver) -> set[str]:
    """Every blob of the app's container in Azurite."""
    service = BlobServiceClient.from_connection_string(driver.stack.connection_string)
    container = service.get_container_client(CONTAINER)
    return {b.name for b in container.list_blobs()} if container.exists() else set()


def blob(driver: StackDriver, name: str) -> bytes | None:
    """A blob of the app's container in Azurite, or None."""
    service = BlobServiceClient.from_connection_string(driver.stack.connection_string)
    client = service.get_blob_client(CONTAINER, name)
    return client.download_blob().readall() if client.exists() else None


def message_at_graph(driver: StackDriver, mailbox: str, message_id: str, select: str) -> dict[str, Any] | int:
    """The message as Graph serves it to an app (the emulator's v1.0 API with the stack's static token, immutable
    ids as the service asks for them); the status code when Graph refuses."""
    answer = httpx.get(f"{driver.stack.graph_url}/users/{mailbox}/messages/{message_id}", params={"$select": select},
                       headers={"Authorization": "Bearer dev-token", "Prefer": 'IdType="ImmutableId"'}, timeout=30)
    return dict(answer.json()) if answer.status_code == 200 else answer.status_code


def options_now(driver: StackDriver, **changes: Any) -> int:
    """Change options as an admin does (PUT with If-Match); the options' new version."""
    doc = driver.admin("GET", "options").json()["options"] | changes
    return int(driver.set_options(doc).get("version") or 0)


def wait_for(check: Any, timeout: float = 60, every: float = 0.5) -> Any:
    """``check()``'s first truthy answer within ``timeout`` seconds, else its last answer."""
    deadline = time.monotonic() + timeout
    while True:
        answer = check()
        if answer or time.monotonic() > deadline:
            return answer
        time.sleep(every)
