"""The two queue lanes: live mail is never stuck behind a historical import.

Azure Queue Storage hands out messages roughly first in, first out, so with one queue an onboarding import
(200 mailboxes x 90 days: ~500,000 emails, ~15,600 batch messages) put every live email hours behind the backlog.
Work therefore goes on one of two queues, each drained by its own queue-triggered function (MailWorker, BulkWorker)
that Flex Consumption scales on its own (per-function scaling:
https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan#per-function-scaling).

Which lane each kind of work takes, and why (the producers choose; follow-up work stays on its message's lane):
- LIVE (mail-messages, the name deployed apps and their poison queue already use):
  - a webhook notification's message id (``message``): the seconds-scale promise;
  - Graph's lifecycle events (``lifecycle``): a ``missed`` event's delta walk and its batches, and the catch-up of
    a removed subscription, are live mail whose notification was lost;
  - an admin's folder-settings change (``folders``, one per mailbox) and replay of chosen emails: someone is
    waiting to see the outcome.
- BULK (mail-bulk): the historical import's steps and batches (``import``, ``messages``), the delta backstop's and
  the start-up, onboarding and folder-change walks (``catch_up``), their batches and resyncs, and every id of a
  bulk batch queued again alone: work whose size is unbounded and whose latency is minutes by design. Also the
  renewal timer's fan-out (``renewal``, one per subscription: 20,000 for 10,000 mailboxes) and the daily capture-
  folder check (``folders``): a subscription is renewed two days before it expires and every timer run queues the
  still-due ones again (a twin finds it renewed for one Table read), so hours behind an import cannot make one
  lapse, while 20,000 Graph calls on the live lane would hold live mail back for minutes.
Either worker runs every kind (the same handler), so a message that went to the other lane, or that an older
version queued on mail-messages before the upgrade, is still processed: nothing is ever skipped for its lane.
"""

from __future__ import annotations

from enum import StrEnum


class Lane(StrEnum):
    LIVE = "live"
    BULK = "bulk"
