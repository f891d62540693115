"""Queue workers: one message id, a batch of them (import, backstop) or a control step per invocation, on two lanes
(shared/domain/lanes.py). MailWorker drains the live queue, BulkWorker the bulk queue; both run the same handler,
so either processes every kind of message. On Flex Consumption each queue-triggered function scales in its own
instance group (https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan#per-function-scaling): a
historical import on mail-bulk never takes MailWorker's instances. host.json's extensions.queues settings apply to
every queue trigger of the app (https://learn.microsoft.com/azure/azure-functions/functions-bindings-storage-queue
#hostjson-settings), each function's listener on its own: BatchSize is "per job method" (QueuesOptions, extension 5.x).
Raising means "retry later"; after host.json's maxDequeueCount the host moves the message to "<queue>-poison"
(mail-messages-poison, mail-bulk-poison; the reason is logged)."""

from __future__ import annotations

import logging

import azure.functions as func

from shared.bootstrap import get_services
from shared.config import BULK_QUEUE_NAME, QUEUE_NAME
from shared.domain.lanes import Lane
from shared.services.worker import handle_queue_body

bp_mail_worker = func.Blueprint()
logger = logging.getLogger(__name__)


def _handle(msg: func.QueueMessage, lane: Lane) -> None:
    outcome = handle_queue_body(msg.get_body(), get_services(), owner=str(msg.id),
                                dequeue_count=msg.dequeue_count or 1, lane=lane)
    logger.info("%s queue message %s: %s", lane, msg.id, outcome)


@bp_mail_worker.function_name("MailWorker")
@bp_mail_worker.queue_trigger(arg_name="msg", queue_name=QUEUE_NAME, connection="AzureWebJobsStorage")
def mail_worker(msg: func.QueueMessage) -> None:
    _handle(msg, Lane.LIVE)


@bp_mail_worker.function_name("BulkWorker")
@bp_mail_worker.queue_trigger(arg_name="msg", queue_name=BULK_QUEUE_NAME, connection="AzureWebJobsStorage")
def bulk_worker(msg: func.QueueMessage) -> None:
    _handle(msg, Lane.BULK)
