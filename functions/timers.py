"""Timers: renew subscriptions, run the delta backstop, purge expired decision-log entries."""

from __future__ import annotations

import logging

import azure.functions as func

from shared.bootstrap import get_services
from shared.services.delta import run_all, run_due
from shared.services.maintenance import daily
from shared.services.startup import startup_check
from shared.services.subscriptions import renew_subscriptions

bp_timers = func.Blueprint()
logger = logging.getLogger(__name__)


@bp_timers.function_name("SubscriptionRenewal")
@bp_timers.timer_trigger(arg_name="timer", schedule="0 */30 * * * *", run_on_startup=True)
def subscription_renewal(timer: func.TimerRequest) -> None:
    # The first run after a start is the start-up check (one instance, under a lease): subscriptions Graph lost
    # while the app was stopped are recreated and every folder catches up. Later runs renew what expires soon.
    deps = get_services()
    first_run = not deps.caches.renewal_started
    deps.caches.renewal_started = True
    logger.info("subscription renewal: %s", startup_check(deps) if first_run else renew_subscriptions(deps))


@bp_timers.function_name("DeltaBackstopTick")
@bp_timers.timer_trigger(arg_name="timer", schedule="0 */5 * * * *", run_on_startup=False)
def delta_backstop_tick(timer: func.TimerRequest) -> None:
    # Schedules are fixed at deploy time, so the admin's backstop_interval_minutes is applied here: every
    # 5 minutes (BACKSTOP_TICK_MINUTES), each folder whose delta link is older than the interval gets a walk
    # queued on the bulk lane; BulkWorker runs the walks (the timer makes no Graph call).
    logger.info("delta backstop: %s due folder walk(s) queued", len(run_due(get_services())))


@bp_timers.function_name("DeltaBackstop")
@bp_timers.timer_trigger(arg_name="timer", schedule="0 47 2 * * *", run_on_startup=False)
def delta_backstop(timer: func.TimerRequest) -> None:
    # Every folder, whatever the interval: once a day as a safety sweep, and on demand
    # (POST /admin/functions/DeltaBackstop) when an operator wants the backstop now.
    logger.info("delta backstop: %s folder walk(s) queued", len(run_all(get_services())))


@bp_timers.function_name("Maintenance")
@bp_timers.timer_trigger(arg_name="timer", schedule="0 17 3 * * *", run_on_startup=False)
def maintenance(timer: func.TimerRequest) -> None:
    logger.info("maintenance: %s", daily(get_services()))
