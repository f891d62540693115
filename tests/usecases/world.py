"""The use cases in process: real services over the fakes, with a small stand-in for the Functions host's queue
trigger (dequeue counts, maxDequeueCount, the poison queue) and helpers in the field's words."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta
from email.utils import format_datetime
from typing import Any

from shared.domain.lanes import Lane
from shared.domain.mailbox import Mailbox
from shared.domain.model import Address, AttachmentContent, FetchedMessage, MailMessage
from shared.domain.options import options_to_doc, parse_options
from shared.services.admin_options import replace_options
from shared.services.deps import Services
from shared.services.mailboxes import onboard_mailbox
from shared.services.notifications import accept_notifications
from shared.services.worker import handle_queue_message
from tests.builders import a_message
from tests.fakes import FakeCrm, FakeGraph, InMemoryDecisionLog, InMemoryQueue, fake_services

MAILBOX = "membership@association.example"
ALICE = "alice.moreau@example.org"


class World:
    def __init__(self) -> None:
        self.deps: Services = fake_services()
        self.alice = self.crm.add_contact(ALICE, "Alice Moreau", "20001")
        self.set_options(internal_domains=["association.example"])

    # -- the fakes, typed ------------------------------------------------------------------------------------
    @property
    def graph(self) -> FakeGraph:
        assert isinstance(self.deps.graph, FakeGraph)
        return self.deps.graph

    @property
    def crm(self) -> FakeCrm:
        assert isinstance(self.deps.crm, FakeCrm)
        return self.deps.crm

    @property
    def queue(self) -> InMemoryQueue:
        assert isinstance(self.deps.queue, InMemoryQueue)
        return self.deps.queue

    @property
    def poison(self) -> InMemoryQueue:
        assert isinstance(self.deps.poison_queue, InMemoryQueue)
        return self.deps.poison_queue

    @property
    def bulk(self) -> InMemoryQueue:
        """The bulk lane (mail-bulk): the import, the backstop's walks and their batches."""
        assert isinstance(self.deps.bulk_queue, InMemoryQueue)
        return self.deps.bulk_queue

    @property
    def bulk_poison(self) -> InMemoryQueue:
        assert isinstance(self.deps.bulk_poison_queue, InMemoryQueue)
        return self.deps.bulk_poison_queue

    def lane(self, lane: Lane) -> tuple[InMemoryQueue, InMemoryQueue]:
        """The lane's queue and poison queue."""
        return (self.bulk, self.bulk_poison) if lane == Lane.BULK else (self.queue, self.poison)

    @property
    def log(self) -> InMemoryDecisionLog:
        assert isinstance(self.deps.decisions, InMemoryDecisionLog)
        return self.deps.decisions

    # -- admin -----------------------------------------------------------------------------------------------
    def set_options(self, **changes: Any) -> None:
        current = self.deps.options.get()
        doc = options_to_doc(current.options) | changes
        replace_options(doc, f'"v{current.version}"', "test", self.deps)

    def watch(self, address: str = MAILBOX, **settings: Any) -> Mailbox:
        """Onboard the mailbox (subscriptions, first delta walk, no import unless asked) and run the queue."""
        mailbox = Mailbox(address=address, import_days=settings.pop("import_days", 0), **settings)
        onboard_mailbox(mailbox, self.deps)
        self.run()
        return mailbox

    # -- mail ------------------------------------------------------------------------------------------------
    def mail(self, sender: str = ALICE, to: str = MAILBOX, **overrides: Any) -> MailMessage:
        """A person's email as Graph returns it, with its internet header block (From, To, Subject, Date,
        Message-ID; ``headers=`` adds more)."""
        received = self.deps.clock.now() - timedelta(minutes=1)
        mid = f"<{uuid.uuid4().hex}@example.org>"
        subject = overrides.get("subject", f"Question {uuid.uuid4().hex[:8]}")
        block = (("From", f"Sender <{sender}>"), ("To", to), ("Subject", subject),
                 ("Date", format_datetime(received)), ("Message-ID", mid))
        values: dict[str, Any] = {"id": f"AAMk{uuid.uuid4().hex}", "from_": Address(sender, "Sender"),
                                  "sender": Address(sender, "Sender"), "to": (Address(to),), "subject": subject,
                                  "sent_at": received, "received_at": received, "internet_message_id": mid,
                                  **overrides, "headers": block + tuple(overrides.get("headers", ()))}
        return a_message(**values)

    def arrive(self, msg: MailMessage, mailbox: str = MAILBOX, folder: str = "inbox",
               files: tuple[AttachmentContent, ...] = ()) -> str:
        """The message lands in the folder (Graph side only: no notification yet)."""
        return self.graph.deliver(mailbox, folder, FetchedMessage(msg, files))

    def notify(self, message_id: str, mailbox: str = MAILBOX, folder: str = "inbox") -> None:
        """Graph's change notification for the message, through the webhook use case into the queue."""
        sub = next(s for s in self.deps.subscriptions.for_mailbox(mailbox) if s.folder == folder)
        body = {"value": [{"subscriptionId": sub.id, "clientState": sub.client_state, "changeType": "created",
                           "resource": f"Users/{mailbox}/Messages/{message_id}",
                           "resourceData": {"id": message_id}}]}
        self.deps.queue.send(accept_notifications(body, self.deps).payloads)

    def receive(self, msg: MailMessage, mailbox: str = MAILBOX, folder: str = "inbox",
                files: tuple[AttachmentContent, ...] = ()) -> str:
        """Arrive, notify and run the queue: the whole webhook path."""
        message_id = self.arrive(msg, mailbox, folder, files)
        self.notify(message_id, mailbox, folder)
        self.run()
        return message_id

    # -- the host --------------------------------------------------------------------------------------------
    def run(self, limit: int = 500, lanes: tuple[Lane, ...] = (Lane.LIVE, Lane.BULK)) -> list[str]:
        """Process the queues like the Functions host: each failure is a redelivery; at maxDequeueCount the
        message moves to its lane's poison queue. Deferred messages become visible as the clock jumps to them.
        MailWorker and BulkWorker scale apart (per-function scaling), so a visible live message never waits for
        the bulk lane: it is taken first. ``lanes=(Lane.LIVE,)``: BulkWorker disabled (or far behind)."""
        outcomes: list[str] = []
        for _ in range(limit):
            self.deps.clock.offset += timedelta(seconds=1)  # each invocation at its own moment, as in life
            taken = next(((lane, m) for lane in lanes if (m := self.lane(lane)[0].receive()) is not None), None)
            if taken is None:
                later = min((at for lane in lanes if (at := self.lane(lane)[0].next_visible_at())), default=None)
                if later is None:
                    return outcomes
                self.deps.clock.offset += later - self.deps.clock.now()
                continue
            lane, message = taken
            queue, poison = self.lane(lane)
            try:
                outcomes.append(handle_queue_message(message.payload, self.deps.on_lane(lane), owner=message.id,
                                                     dequeue_count=message.dequeue_count))
            except Exception:
                if message.dequeue_count >= self.deps.max_dequeue_count:
                    poison.send([message.payload])
                else:
                    queue.retry(replace(message))
            except BaseException:
                queue.retry(message)  # the worker died: never deleted, the message comes back
                raise
        raise AssertionError(f"the queue did not drain in {limit} steps")

    def step(self, lane: Lane) -> str:
        """The lane's worker runs its next visible message once (it must succeed)."""
        message = self.lane(lane)[0].receive()
        assert message is not None, f"nothing visible on the {lane} lane"
        return handle_queue_message(message.payload, self.deps.on_lane(lane), owner=message.id,
                                    dequeue_count=message.dequeue_count)

    # -- what happened ---------------------------------------------------------------------------------------
    def outcome(self, message_id: str, mailbox: str = MAILBOX) -> dict[str, Any]:
        """The latest message-level decision for the email."""
        entries = [e for e in self.log.search(mailbox=mailbox, contact_id="", limit=10_000)
                   if e["message_id"] == message_id]
        assert entries, f"no decision for {message_id}"
        return entries[0]

    def outcomes(self, message_id: str, mailbox: str = MAILBOX) -> list[str]:
        return sorted(e["outcome"] for e in self.log.search(mailbox=mailbox, contact_id="", limit=10_000)
                      if e["message_id"] == message_id)


def options_doc(**changes: Any) -> dict[str, Any]:
    return options_to_doc(parse_options({})) | changes
