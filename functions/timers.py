"""Timers: renew subscriptions, run the delta backstop, purge expired decision-log entries."""

from __future__ import annotations

import logging

import azure.functions as func

from shared.bootstrap import get_services
from shared.services.delta import run_all
from shared.services.maintenance import purge_expired
from shared.services.subscriptions import renew_subscriptions

bp_timers = func.Blueprint()
logger = logging.getLogger(__name__)
_started = {"renewal": False}


@bp_timers.function_name("SubscriptionRenewal")
@bp_timers.timer_trigger(arg_name="timer", schedule="0 */30 * * * *", run_on_startup=True)
def subscription_renewal(timer: func.TimerRequest) -> None:
    # The first run after a start renews every subscription: one that expired or was removed while the app was
    # stopped answers 404 and is recreated at once, with a delta catch-up for the gap.
    first_run = not _started["renewal"]
    _started["renewal"] = True
    logger.info("subscription renewal: %s", renew_subscriptions(get_services(), force=first_run))


@bp_timers.function_name("DeltaBackstop")
@bp_timers.timer_trigger(arg_name="timer", schedule="0 */15 * * * *", run_on_startup=False)
def delta_backstop(timer: func.TimerRequest) -> None:
    logger.info("delta backstop queued: %s", run_all(get_services()))


@bp_timers.function_name("Maintenance")
@bp_timers.timer_trigger(arg_name="timer", schedule="0 17 3 * * *", run_on_startup=False)
def maintenance(timer: func.TimerRequest) -> None:
    logger.info("maintenance: %s", purge_expired(get_services()))
