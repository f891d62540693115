"""Run the benchmarks on the whole local stack: ``python -m bench`` (all), ``--only webhook,e2e``, ``--quick``,
``--only scale --mailboxes 1000`` (the scale model).

Figures are printed and written to bench/results/latest.json (``--out``) with the command, the machine and
its load average, so each figure can be traced to the run that produced it. docs/benchmarks.md explains them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import (
    coldstart,
    endtoend,
    history,
    instances,
    lanes,
    pipeline,
    preview,
    queue_depth,
    request_cost,
    scale,
    status,
    storage_calls,
    transactions,
    webhook,
    webhook_split,
)
from bench.stackrun import load_average
from devhost.stack import REPO

RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"
PRODUCT = ["function_app.py", "host.json", "functions", "shared", "devhost", "emulators"]  # what the figures measure


def plan(quick: bool, mailboxes: int = 1000) -> dict[str, Callable[[Path], dict[str, Any]]]:
    return {
        "pipeline": lambda _: pipeline.run(1000 if quick else 5000, rounds=2),
        "coldstart": coldstart.run,
        "webhook": lambda d: webhook.run(d, seconds=5 if quick else 20),
        "webhook_split": lambda d: webhook_split.run(d, seconds=5 if quick else 10, backlog=500 if quick else 3000),
        "webhook_split_memory": lambda d: webhook_split.run(d, seconds=5 if quick else 10,
                                                            backlog=500 if quick else 3000, storage_in_memory=True),
        "e2e": lambda d: endtoend.run(d, n=20 if quick else 100),
        "e2e_during_import": lambda d: lanes.run(d, backlog=600 if quick else 3000, n=10 if quick else 40),
        "import": lambda d: history.run(d, n=1000 if quick else 10_000),
        "import_paced": lambda d: history.run(d, n=400 if quick else 2_000, limit=200 if quick else 1_000),
        "storage_calls": lambda d: storage_calls.run(d, n=300 if quick else 1_000),
        "transactions": lambda d: transactions.run(d, rounds=3 if quick else 10, repeats=2 if quick else 5),
        "status": lambda d: status.run(d, sizes=(1_000, 5_000) if quick else (10_000, 100_000)),
        "status_memory": lambda d: status.run(d, sizes=(1_000, 5_000) if quick else (10_000, 100_000),
                                              storage_in_memory=True),
        # the form: one mailbox's 10,000 emails against Graph's real limit (10,000 requests / 10 min)
        "instances4": lambda d: instances.run(d, 4, **instances.SIZES["quick" if quick else "full"]),
        "instances8": lambda d: instances.run(d, 8, **instances.SIZES["quick" if quick else "full"]),
        # the earlier, shorter form (2,000 emails against the same rate on a 60 s window)
        "instances4_scaled": lambda d: instances.run(d, 4, **instances.SIZES["scaled"]),
        "instances8_scaled": lambda d: instances.run(d, 8, **instances.SIZES["scaled"]),
        "scale": lambda d: scale.run(d, n=20 if quick else mailboxes),
        "preview": lambda d: preview.run(d, rounds=1 if quick else 3),
        "queue_depth": lambda d: queue_depth.run(d, depths=(100, 1_000) if quick else queue_depth.DEPTHS),
        "request_cost": lambda d: request_cost.run(d, n=100 if quick else 400, rounds=3 if quick else 7),
    }


def summary(results: dict[str, Any]) -> list[str]:
    r = results["benchmarks"]
    lines = []

    def line(label: str, value: Any, target: str = "", note: str = "") -> None:
        lines.append(f"{label:<46} {value!s:<26} {'target ' + target if target else note}")

    if "latency_ms" in r.get("webhook", {}).get("webhook_only", {}):
        hook = r["webhook"]
        lat = hook["webhook_only"]["latency_ms"]
        line(f"webhook ack p50/p99 ms at {hook['rate']:g}/s (no worker)", f"{lat['p50']} / {lat['p99']}", "p99 <= 50")
        rows = {**{f"  at {k}/s": v for k, v in hook["webhook_only_by_rate"].items()},
                f"  GET /api/health at {hook['rate']:g}/s": hook["health_baseline"],
                **{f"  with the worker at {k}/s": v for k, v in hook["with_worker"].items()}}
        for label, run in rows.items():
            line(label, f"{run['latency_ms']['p50']} / {run['latency_ms']['p99']}",
                 note=f"{run['answered_per_second']} answered/s")
        own = hook["in_process"]["handler_ms"]
        line("  the webhook function alone, in-process", f"{own['p50']} / {own['p99']}")
    for name, how in (("webhook_split", ""), ("webhook_split_memory", ", Azurite in memory")):
        if "webhook" not in r.get(name, {}):
            continue
        split = r[name]
        lat = split["webhook"]["latency_ms"]
        line(f"webhook p50/p99 ms at {split['rate']:g}/s, worker busy{how}", f"{lat.get('p50')} / {lat.get('p99')}",
             "p99 <= 50")
        line("  worker emails/s meanwhile (separate host)", split["worker_emails_per_second_meanwhile"])
        if split.get("webhook_sharing_cores"):
            lat = split["webhook_sharing_cores"]["latency_ms"]
            line("  same, both hosts free on every core", f"{lat.get('p50')} / {lat.get('p99')}")
    for kind, cost in r.get("request_cost", {}).get("per_call", {}).items():
        line(f"µs host CPU per {kind} (least / median)", f"{cost['cpu_us']} / {cost['cpu_us_median']}")
    for row in r.get("queue_depth", {}).get("by_depth", []):
        line(f"Azurite queue at depth {row['depth']:,}: receive+delete / put ms",
             f"{row['receive_delete_ms_per_message']} / {row['put_ms']}", note="(Azure: flat in depth)")
    if "latency_s" in r.get("e2e", {}):
        e2e = r["e2e"]
        line("end-to-end p50/p99 s (delivery -> CRM)", f"{e2e['latency_s']['p50']} / {e2e['latency_s']['p99']}",
             "<= 2 / <= 10")
        line("Graph / CRM requests per captured email", f"{e2e['graph_requests_per_captured_email']} / "
             f"{e2e['crm_requests_per_captured_email']}", "<= 1.1 / <= 1.5")
    if "latency_s" in r.get("e2e_during_import", {}):
        run = r["e2e_during_import"]
        line(f"end-to-end p50/p99 s during a {run['backlog_emails']:,}-email import",
             f"{run['latency_s']['p50']} / {run['latency_s']['p99']}", "<= 2 / <= 10")
        line("  import emails decided meanwhile (emails/s)", f"{run['import_emails_decided_meanwhile']} "
             f"({run['import_emails_per_second_meanwhile']})",
             note=f"one queue: ~{run['one_queue_wait_estimate_s']} s behind {run['bulk_depth_before']} bulk messages")
    if "emails_per_second" in r.get("import", {}):
        imp = r["import"]
        line("worker throughput emails/s (all / steady)", f"{imp['emails_per_second']} / "
             f"{imp['steady_emails_per_second']}", ">= 100")
        line(f"import of {imp['emails']} s (ratio to limit)", f"{imp['seconds']} ({imp['ratio_to_fastest']}x)",
             "<= 1.25x")
    if "seconds" in r.get("import_paced", {}):
        paced = r["import_paced"]
        line(f"import of {paced['emails']} at Graph's rate s (ratio)", f"{paced['seconds']} "
             f"({paced['ratio_to_fastest']}x, {paced['graph_429']} x 429)", "<= 1.25x")
    if "storage_requests_per_email" in r.get("storage_calls", {}):
        calls = r["storage_calls"]
        line(f"storage requests per email, import of {calls['emails']}", calls["storage_requests_per_email"],
             note=", ".join(f"{k} {v}" for k, v in calls["per_email_by_service"].items()))
    for name, how in (("status", ""), ("status_memory", ", Azurite in memory")):
        for run in r.get(name, {}).get("runs", []):
            line(f"status p50/p95 ms after {run['logged_emails']} logged{how}", f"{run['status_ms']['p50']} / "
                 f"{run['status_ms']['p95']}", "<= 200, flat",)
            line("  counts exact / log scan of 24 h (former) ms", f"{run['exact']} / {run['log_scan_24h_ms']}")
    for name in ("instances4", "instances8", "instances4_scaled", "instances8_scaled"):
        if "seconds" in r.get(name, {}):
            run = r[name]
            line(f"{run['processes']} hosts, {run['emails']} msgs: s (ratio)", f"{run['seconds']} "
                 f"({run['ratio_to_fastest']}x)", "<= 1.25x")
            line("  concurrency 429s / CRM problems", f"{run['concurrency_429']} / {run['crm_problems']}", "0 / 0")
    if "side_by_side_median_s" in r.get("preview", {}):
        pre = r["preview"]
        line(f"options preview of {pre['emails']} emails s (1 / {pre['concurrency']} at a time)",
             f"{pre['one_by_one_median_s']} / {pre['side_by_side_median_s']}", note=f"identical {pre['identical']}")
    if "outage_1h" in r.get("scale", {}):
        sc = r["scale"]
        line(f"scale: {sc['mailboxes']} mailboxes onboarded s", sc["onboarding"]["seconds"])
        for name in ("renewal_routine", "renewal_all_due", "backstop_tick_none_due", "backstop_all"):
            run = sc[name]
            line(f"  {name}: timer ms / Graph requests", f"{run['timer_run_ms']} / {run['graph_requests']}",
                 note=f"queue idle after {run['until_queue_idle_s']} s" if run["until_queue_idle_s"] else "")
        line("  1-hour outage: all missed mail decided after s", sc["outage_1h"]["recovered_s"],
             note=f"{sc['outage_1h']['emails_missed']} emails")
    for way in ("library", "no threads", "bytes"):
        if way in r.get("transactions", {}):
            cells = r["transactions"][way]
            line(f"Table transaction CPU ms 32/100 upserts: {way}",
                 f"{cells['32 upserts']['cpu_ms']} / {cells['100 upserts']['cpu_ms']}")
    if "pipeline_ms_per_email" in r.get("pipeline", {}):
        line("pipeline CPU ms/email", r["pipeline"]["pipeline_ms_per_email"], "<= 2")
    if "import" in r.get("coldstart", {}):
        cold = r["coldstart"]
        line("import function_app ms (median)", cold["import"]["import_ms"]["p50"], "<= 1000")
        line("host start -> first health 200 ms (median)",
             cold["first_request"]["host_start_to_first_health_200_ms"]["p50"])
        line("first admin call ms (median)", cold["first_request"]["first_admin_call_ms"]["p50"])
    lines += [f"{name}: ERROR {value['error']}" for name, value in r.items() if "error" in value]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--only", default="", help="comma-separated: " + ", ".join(plan(False)))
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run, not figures to publish")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--mailboxes", type=int, default=1000, help="how many mailboxes the scale benchmark onboards")
    args = parser.parse_args(argv)
    chosen = {k: v for k, v in plan(args.quick, args.mailboxes).items() if not args.only or k in args.only.split(",")}
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--", *PRODUCT], cwd=REPO, capture_output=True, text=True)
    results: dict[str, Any] = {
        "command": " ".join(["python -m bench", *(argv if argv is not None else sys.argv[1:])]),
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"), "commit": commit.stdout.strip(),
        "uncommitted_product_files": [line[3:] for line in dirty.stdout.splitlines()],
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "benchmarks": {},
    }
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        for name, bench in chosen.items():
            print(f"== {name}", flush=True)
            load_before, started = load_average(), time.monotonic()
            try:
                outcome = bench(Path(tmp) / name)
            except Exception as exc:  # one failed benchmark must not lose the others' figures
                traceback.print_exc()
                outcome = {"error": f"{type(exc).__name__}: {exc}"}
            outcome |= {"wall_seconds": round(time.monotonic() - started, 1), "load_average_before": load_before,
                        "load_average_after": load_average()}
            results["benchmarks"][name] = outcome
            print(json.dumps(outcome, default=str), flush=True)
    results["summary"] = summary(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1, default=str) + "\n")
    print("\n".join(results["summary"]))
    return 1 if any("error" in v for v in results["benchmarks"].values()) else 0


if __name__ == "__main__":
    sys.exit(main())
