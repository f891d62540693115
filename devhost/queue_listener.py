"""Queue trigger: poll a storage queue like the Functions host's QueueListener.

- Receives up to ``batchSize`` messages; polls again once the in-flight count drops to ``newBatchThreshold``.
- Idle polling backs off exponentially from 100 ms to ``maxPollingInterval``; a send by this host to the
  queue wakes the listener at once (the real host has the same shortcut for its own output bindings).
- A received message is leased for ``lease`` seconds and the lease is renewed every third of it while the
  function runs, so long invocations are not redelivered and a crashed host's messages come back quickly.
- Success deletes the message. Failure sets its visibility to ``visibilityTimeout`` (retry later), or, once
  ``dequeue_count`` reached ``maxDequeueCount``, moves it to ``<queue>-poison``. A message already dequeued
  more often than that (the host died while running it) goes to poison without running; so does a body
  that is not valid base64 when base64 is expected.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import azure.functions as func
from azure.functions.queue import QueueMessage as TriggerMessage  # the worker's class, with dequeue_count
from azure.storage.queue import QueueMessage

from devhost.hostconfig import QueueOptions
from devhost.invoker import Invoker
from devhost.registry import FunctionSpec
from devhost.storage import QueueGateway, decode_message

logger = logging.getLogger("devhost.queues")
MIN_POLL = 0.1


@dataclass(slots=True)
class Leased:
    """A received message; ``pop_receipt`` changes with every lease renewal."""

    id: str
    content: str
    dequeue_count: int
    pop_receipt: str
    inserted_on: datetime | None = None
    expires_on: datetime | None = None
    next_visible_on: datetime | None = None

    @classmethod
    def of(cls, m: QueueMessage) -> Leased:
        return cls(m.id, str(m.content), m.dequeue_count or 1, str(m.pop_receipt), m.inserted_on, m.expires_on,
                   m.next_visible_on)


class QueueListener:
    def __init__(self, spec: FunctionSpec, options: QueueOptions, queues: QueueGateway, invoker: Invoker,
                 spawn: Callable[[Any], asyncio.Task[Any]], lease: float) -> None:
        self.spec, self._options, self._queues, self._invoker = spec, options, queues, invoker
        self._spawn = spawn
        self._lease = max(lease, 1.0)
        self.queue_name: str = spec.settings["queue_name"]
        self.connection: str = spec.settings["connection"]
        self._in_flight = 0
        self._wake = asyncio.Event()
        self._stopping = False

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    async def run(self) -> None:
        delay = MIN_POLL
        while not self._stopping:
            if self._in_flight > self._options.new_batch_threshold:
                await self._pause(None)
                continue
            try:
                batch = await asyncio.to_thread(self._queues.receive, self.connection, self.queue_name,
                                                self._options.batch_size, self._lease)
            except Exception as exc:  # storage down: keep polling, slowly
                logger.warning("Polling queue %r failed: %s", self.queue_name, exc)
                batch = []
            if self._stopping:  # stopped while receiving: hand the batch back at once
                await asyncio.gather(*(self._release(Leased.of(m)) for m in batch))
                break
            for message in batch:
                self._in_flight += 1
                self._spawn(self._process(Leased.of(message)))
            if batch:
                delay = MIN_POLL
                continue
            await self._pause(delay)
            delay = min(delay * 2, self._options.max_polling_interval)

    async def _pause(self, seconds: float | None) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)
        self._wake.clear()

    async def invoke_with_body(self, body: str) -> None:
        """Admin run: call the function once with ``body`` as the message, bypassing the queue."""
        message = TriggerMessage(id=f"admin-{uuid.uuid4()}", body=body.encode("utf-8"), dequeue_count=1)
        await self._invoker.invoke(self.spec, self._argument(message), reason="Admin API")

    def _argument(self, message: func.QueueMessage) -> Any:
        annotation = self.spec.annotation(self.spec.arg_name)
        if annotation in (str, "str"):
            return message.get_body().decode("utf-8")
        return message.get_body() if annotation in (bytes, "bytes") else message

    async def _process(self, message: Leased) -> None:
        try:
            await self._settle(message, await self._run(message))
        except Exception as exc:  # a lost lease or storage outage: the message simply comes back later
            logger.warning("Could not settle message %s on %r: %s", message.id, self.queue_name, exc)
        finally:
            self._in_flight -= 1
            self._wake.set()

    async def _run(self, message: Leased) -> bool | None:
        """Run the function under a renewed lease; None means "poison without running"."""
        if message.dequeue_count > self._options.max_dequeue_count:
            return None
        try:
            body = decode_message(message.content, self._queues.encoding)
        except ValueError:
            logger.error("Message %s on %r is not %s-encoded", message.id, self.queue_name, self._queues.encoding)
            return None
        trigger = TriggerMessage(
            id=message.id, body=body, dequeue_count=message.dequeue_count, expiration_time=message.expires_on,
            insertion_time=message.inserted_on, time_next_visible=message.next_visible_on,
            pop_receipt=message.pop_receipt)
        invocation = asyncio.ensure_future(self._invoker.invoke(
            self.spec, self._argument(trigger), reason=f"New queue message detected on '{self.queue_name}'"))
        while not invocation.done():
            await asyncio.wait({invocation}, timeout=self._lease / 3)
            if not invocation.done():
                await self._renew(message)
        return invocation.result().ok

    async def _release(self, message: Leased) -> None:
        try:
            await asyncio.to_thread(self._queues.hide, self.connection, self.queue_name, message.id,
                                    message.pop_receipt, 0)
        except Exception as exc:
            logger.warning("Could not release message %s on %r: %s", message.id, self.queue_name, exc)

    async def _renew(self, message: Leased) -> None:
        try:
            message.pop_receipt = await asyncio.to_thread(
                self._queues.hide, self.connection, self.queue_name, message.id, message.pop_receipt, self._lease)
        except Exception as exc:  # keep running; the message may be delivered twice, as in Azure
            logger.warning("Could not renew the lease of message %s on %r: %s", message.id, self.queue_name, exc)

    async def _settle(self, message: Leased, ok: bool | None) -> None:
        args = (self.connection, self.queue_name)
        if ok:
            await asyncio.to_thread(self._queues.delete, *args, message.id, message.pop_receipt)
        elif ok is None or message.dequeue_count >= self._options.max_dequeue_count:
            logger.warning("Moving message %s to %r after %d attempts", message.id,
                           self.queue_name + "-poison", message.dequeue_count)
            await asyncio.to_thread(self._queues.move_to_poison, *args, message.id, message.content,
                                    message.pop_receipt)
        else:
            await asyncio.to_thread(self._queues.hide, *args, message.id, message.pop_receipt,
                                    self._options.visibility_timeout)
