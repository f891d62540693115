"""Options preview wall time: ``POST /api/manage/options/preview`` replays the last 20 logged emails (a Graph fetch
and CRM reads each, under the current and the proposed options). Against the real services a Graph call takes
100-300 ms, so one email after another adds up to seconds. Here the Graph emulator delays each message fetch by
GRAPH_MS and the iMIS emulator each read by CRM_MS (their fault injection), and the same preview runs one email at
a time (the former code) and side by side (shared.services.admin_options.PREVIEW_CONCURRENCY), in process against
the stack's Azurite and emulators. Both answers must be identical; the wall times are printed.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

import httpx

from bench.mailmix import mix
from bench.stackrun import prepare, running_stack
from shared.bootstrap import build_services
from shared.config import Settings
from shared.domain.options import options_to_doc
from shared.services.admin_options import PREVIEW_CONCURRENCY, preview_options

MAILBOX = "preview@association.example"
GRAPH_MS, CRM_MS = 200, 100  # the middle of real Graph's 100-300 ms; an iMIS read over the internet


def _timed(doc: dict[str, Any], n: int, deps: Any, concurrency: int, rounds: int) -> tuple[list[float], Any]:
    samples, answer = [], None
    for _ in range(rounds):
        started = time.perf_counter()
        answer = preview_options(doc, n, deps, concurrency=concurrency)
        samples.append(round(time.perf_counter() - started, 2))
    return samples, answer


def run(workdir: Path, n: int = 20, rounds: int = 3) -> dict[str, Any]:
    with running_stack(workdir) as (stack, driver):
        prepare(driver, [MAILBOX])
        specs = mix(n, [MAILBOX], prefix="P", kinds={"customer": 3, "unknown": 1, "bulk": 1})
        ids = {driver.deliver_json(MAILBOX, s.message, s.folder)["id"] for s in specs}
        driver.wait_for_outcomes({(MAILBOX, i) for i in ids}, 180)
        deps = build_services(Settings.from_env(stack.app_env()))
        doc = options_to_doc(deps.options.get().options) | {"create_contact_if_not_found": True}
        driver.graph.post("/faults", json={"count": 10**6, "delayMs": GRAPH_MS, "path": "/messages/",
                                           "method": "GET"}).raise_for_status()
        httpx.post(f"{stack.imis_control_url}/faults", json={"count": 10**6, "delay_ms": CRM_MS, "method": "GET"},
                   timeout=10).raise_for_status()
        before, one_by_one = _timed(doc, n, deps, 1, rounds)
        after, side_by_side = _timed(doc, n, deps, PREVIEW_CONCURRENCY, rounds)
    out = {"emails": len(one_by_one), "graph_delay_ms": GRAPH_MS, "crm_delay_ms": CRM_MS,
           "concurrency": PREVIEW_CONCURRENCY, "identical": one_by_one == side_by_side,
           "errors": sum(1 for e in side_by_side if "error" in e),
           "one_by_one_s": before, "side_by_side_s": after,
           "one_by_one_median_s": statistics.median(before), "side_by_side_median_s": statistics.median(after)}
    print(f"  preview of {out['emails']} emails (Graph +{GRAPH_MS} ms, CRM +{CRM_MS} ms per call): one by one "
          f"{before} s, {PREVIEW_CONCURRENCY} side by side {after} s; identical: {out['identical']}", flush=True)
    return out
