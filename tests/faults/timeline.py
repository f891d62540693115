"""The fault suite's timeline: N emails in eight waves, each delivered while one kind of fault happens.

Waves overlap: a wave's faults hit the previous waves' work still in flight. Every fault ends on an observed
condition (faults consumed, a log line, a new subscription), never on a fixed sleep, except the iMIS outage,
which lasts ``OUTAGE_S`` ("a minute" in production terms, scaled down for CI) once it has refused enough calls.
Lifecycle events are duplicated (one removal delivered three times), reordered (a removal arriving after the
subscription was replaced) and forged (tests/faults/lifecycle.py). Faults that lose webhooks come last, and the
end is one run of the DeltaBackstop timer (standing in for its 15-minute schedule); nothing else helps: no
poison replay, no second backstop run. What is still missing after that is the product's failure.
"""

from __future__ import annotations

import contextlib
import time
import zlib
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench.mailmix import OPTIONS, MailSpec, mix
from devhost.driver import StackDriver
from devhost.stack import Stack
from tests.faults.lifecycle import Abuser
from tests.faults.observe import Observer, wait_for

# The iMIS outage: "a minute" in production, where a failing message is retried 5 times 30 s apart (host.json):
# 60 s of a 150 s retry window. Here the window is 5 retries 1 s apart, so the same share is 2 s. An outage
# longer than the window parks mail in the poison queue by design (tests/integration/test_poison.py).
OUTAGE_S = 2.0
IMIS_CLIENT_TIMEOUT_S = 30  # shared.bootstrap: httpx.Timeout(30.0); held answers must outlast it
MAILBOXES = [f"fault{i}@association.example" for i in range(4)]
EXPIRED, REMOVED = MAILBOXES[3], MAILBOXES[2]  # the expired delta token; the removed subscription
FORGED_AT = MAILBOXES[0]  # forged lifecycle events and notifications name this mailbox's real subscriptions


@dataclass
class Copy:
    spec: MailSpec
    mailbox: str
    message_id: str

    @property
    def wave(self) -> str:
        return self.spec.subject.split("-", 1)[0]


@dataclass
class Run:
    copies: list[Copy] = field(default_factory=list)
    evidence: dict[str, Any] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def specs(self) -> list[MailSpec]:
        return list({id(c.spec): c.spec for c in self.copies}.values())


class Timeline:
    def __init__(self, stack: Stack, driver: StackDriver, observer: Observer, size: int) -> None:
        self.stack, self.driver, self.seen = stack, driver, observer
        self.size, self.run = size, Run()
        self.abuser = Abuser(stack, driver.graph)
        self._wave = max(-(-size // 8), 8)  # eight waves, at least ``size`` emails in all

    # --- plumbing ---------------------------------------------------------------------------------------------
    def _graph(self, route: str, **body: Any) -> Any:
        answer = self.driver.graph.post(route, json=body)
        answer.raise_for_status()
        return answer.json()

    def _imis_fault(self, **rule: Any) -> None:
        self.driver.imis.post("/faults", json=rule).raise_for_status()

    def wave(self, name: str, mailboxes: list[str] | None = None) -> list[MailSpec]:
        boxes = mailboxes or MAILBOXES
        return mix(self._wave, boxes, seed=zlib.crc32(name.encode()), prefix=f"{name}-", cross_posted=0.1)

    def deliver(self, specs: list[MailSpec]) -> None:
        for spec in specs:
            for mailbox in [spec.mailbox, *spec.also_in]:
                folder = spec.folder if mailbox == spec.mailbox else "inbox"
                delivered = self.driver.deliver_json(mailbox, spec.message, folder)
                self.run.copies.append(Copy(spec, mailbox, delivered["id"]))

    def backstop(self) -> None:
        """Run DeltaBackstop once, as its timer would, and wait until every watched folder's delta link moved."""
        before = self.seen.delta_stamps()
        answer = httpx.post(f"{self.stack.host_url}/admin/functions/DeltaBackstop", json={"input": ""},
                            headers={"x-functions-key": self.stack.master_key}, timeout=30)
        answer.raise_for_status()
        self.run.evidence["backstop_runs"] = self.run.evidence.get("backstop_runs", 0) + 1
        with contextlib.suppress(TimeoutError):
            wait_for(lambda: all(v != before.get(k) for k, v in self.seen.delta_stamps().items()), 90,
                     "the delta backstop to reach every folder", every=1.0)

    # --- the timeline -----------------------------------------------------------------------------------------
    def execute(self) -> Run:
        current = self.driver.admin("GET", "options").json()["options"]
        self.driver.set_options(current | OPTIONS)
        for address in MAILBOXES:
            self.driver.add_mailbox(address, "Fault suite", import_days=0)
        phases = [self.duplicated_and_out_of_order, self.forged_events, self.graph_storm, self.imis_outage,
                  self.azurite_restart, self.worker_killed, self.webhooks_dropped, self.delta_token_expired,
                  self.subscription_removed]
        for phase in phases:
            started = time.monotonic()
            phase()
            self.run.seconds[phase.__name__] = round(time.monotonic() - started, 1)
        started = time.monotonic()
        self.settle()
        self.run.seconds["settle"] = round(time.monotonic() - started, 1)
        return self.run

    def duplicated_and_out_of_order(self) -> None:
        self._graph("/notifications", duplicates=1, jitterMs=600)
        # Two CRM writes are committed but answered only after the client's timeout (true iMIS timeouts).
        self._imis_fault(count=2, after_ms=(IMIS_CLIENT_TIMEOUT_S + 1) * 1000, path_prefix="/api/Activity",
                         method="POST")
        self.deliver(self.wave("dup"))
        self._graph("/notifications", duplicates=0, jitterMs=0)

    def forged_events(self) -> None:
        mine = next(m for m in self.driver.status()["mailboxes"] if m["address"] == FORGED_AT)
        subs = sorted(f["subscription_id"] for f in mine["folders"])
        rejected = self.driver.status()["webhook_rejected"]
        self.abuser.forge(subs)
        self.run.evidence["forged"] = {"subscriptions": subs, "rejected_before": rejected}

    def graph_storm(self) -> None:
        specs = self.wave("storm")
        count = len(specs) // 2 + len(specs) // 4  # fewer than the wave's own fetches: surely consumed
        for status, n in ((429, len(specs) // 2), (503, len(specs) // 4)):
            self._graph("/faults", count=n, status=status, retryAfter=1, path="/messages/", method="GET")
        self.deliver(specs)
        wait_for(lambda: not self.driver.graph.get("/faults").json()["value"], 120, "the Graph storm to pass")
        self.run.evidence["graph_faults"] = count

    def imis_outage(self) -> None:
        wait_for(lambda: not self.seen.imis_stats()["faults_pending"], 120, "the held iMIS writes to start")
        served, started = self.seen.imis_stats()["faults_served"], time.monotonic()
        self._imis_fault(count=10**6, status=503, path_prefix="/api/")
        self.deliver(self.wave("outage"))

        def over() -> bool:
            return self.seen.imis_stats()["faults_served"] - served >= 10 and time.monotonic() - started >= OUTAGE_S

        wait_for(over, 120, "the iMIS outage to refuse calls for its period")
        self.driver.imis.delete("/faults").raise_for_status()
        self.run.evidence["imis_outage_refused"] = self.seen.imis_stats()["faults_served"] - served

    def azurite_restart(self) -> None:
        specs = self.wave("azurite")
        fetched = self.seen.graph_stats()["perKind"].get("message", 0)
        self.deliver(specs)
        wait_for(lambda: self.seen.graph_stats()["perKind"].get("message", 0) - fetched >= len(specs) // 3, 120,
                 "the worker to be busy with the wave")
        self.stack.restart_azurite()

    def worker_killed(self) -> None:
        wait_for(lambda: self.seen.host_log_count("iMIS did not answer: ReadTimeout") >= 2, 120,
                 "the two held iMIS writes to time out in the client")
        self.run.evidence["imis_timeouts"] = self.seen.host_log_count("iMIS did not answer: ReadTimeout")
        self._imis_fault(count=2, after_ms=10_000, path_prefix="/api/Activity", method="POST")
        self.deliver(self.wave("kill"))
        wait_for(lambda: not self.seen.imis_stats()["faults_pending"], 120, "two CRM writes committed and held")
        self.run.evidence["host_exit"] = self.stack.kill_host(hard=True)  # SIGKILL mid-message
        self.stack.start_host()

    def webhooks_dropped(self) -> None:
        self._graph("/notifications", dropForSeconds=600)
        self.deliver(self.wave("dropped"))
        self._graph("/notifications", dropForSeconds=0)

    def delta_token_expired(self) -> None:
        self._graph(f"/mailboxes/{EXPIRED}/expire-delta-tokens")
        self._graph("/notifications", dropForSeconds=600)
        self.deliver(self.wave("expired", [EXPIRED]))
        self._graph("/notifications", dropForSeconds=0)

    def subscription_removed(self) -> None:
        before = self.seen.subscription(REMOVED)
        state = self.driver.graph.get("/subscriptions").json()["value"]
        client_state = next(s["clientState"] for s in state if s["id"] == before)
        self.abuser.remove_three_times(before)  # Graph's event and two more copies in one POST
        self.deliver(self.wave("removed", [REMOVED]))
        wait_for(lambda: self.seen.subscription(REMOVED) not in (None, before), 90, "a recreated subscription")
        self.abuser.stale_removal(before, client_state)  # the same removal again, after the replacement
        self.run.evidence["subscription"] = (before, self.seen.subscription(REMOVED))

    def settle(self) -> None:
        """Faults off; the DeltaBackstop timer runs once; then wait until the pipeline is idle and every copy has
        its final decision (or the time is up). Nothing is replayed and nothing is re-run: the tests judge what
        the product achieved by itself and count what is left in the poison queue."""
        log = self.driver.graph.get("/notifications").json()["log"]
        self.run.evidence["dropped_notifications"] = sum(1 for e in log if e.get("dropped"))
        self.run.evidence["delivered_notifications"] = sum(1 for e in log if e.get("delivered"))
        self.driver.graph.delete("/faults")
        self.driver.imis.delete("/faults")
        self.backstop()
        deadline = time.monotonic() + 120 + self.size * 0.4
        with contextlib.suppress(TimeoutError):
            wait_for(lambda: self.seen.idle() and self.complete(), max(deadline - time.monotonic(), 1),
                     "every copy decided and an idle pipeline", every=1.0)
        with contextlib.suppress(TimeoutError):
            self.seen.wait_idle(30)
        self.run.evidence["poison_depth"] = self.seen.depth(poison=True)
        self.run.evidence["poison"] = self.seen.poison() if self.run.evidence["poison_depth"] else []
        self.run.evidence["resyncs"] = self.seen.resyncs(EXPIRED)
        self.run.evidence["graph_requests"] = self.seen.graph_stats()
        self.run.evidence["imis_requests"] = self.seen.imis_stats()
        self.run.evidence["abuse"] = self.abuser.sent

    def complete(self) -> bool:
        outcomes = self.seen.final_outcomes()
        return all((c.mailbox, c.message_id) in outcomes and outcomes[(c.mailbox, c.message_id)]["outcome"] != "failed"
                   for c in self.run.copies)
