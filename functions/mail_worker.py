"""Queue worker: one message id, a batch of them (import, backstop) or a control step per invocation. Raising
means "retry later"; after host.json's maxDequeueCount the host moves the message to mail-messages-poison (the
reason is logged)."""

from __future__ import annotations

import logging

import azure.functions as func

from shared.bootstrap import get_services
from shared.config import QUEUE_NAME
from shared.services.worker import handle_queue_body

bp_mail_worker = func.Blueprint()
logger = logging.getLogger(__name__)


@bp_mail_worker.function_name("MailWorker")
@bp_mail_worker.queue_trigger(arg_name="msg", queue_name=QUEUE_NAME, connection="AzureWebJobsStorage")
def mail_worker(msg: func.QueueMessage) -> None:
    outcome = handle_queue_body(msg.get_body(), get_services(), owner=str(msg.id),
                                dequeue_count=msg.dequeue_count or 1)
    logger.info("queue message %s: %s", msg.id, outcome)
