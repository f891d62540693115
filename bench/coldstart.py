"""Cold start: importing ``function_app`` in a fresh interpreter, and a fresh host's first answers.

Import: ``python -c "import function_app"`` in new processes (the import alone is timed inside, so the
interpreter's own start-up is reported separately). First request: the host process is started and
``/api/health`` polled every 10 ms until it answers 200; then the first admin call (which builds the
services: storage clients, msgraph-sdk, the iMIS client) and a second, warm one.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from bench.stackrun import percentiles, running_stack
from devhost.stack import REPO

IMPORT_SNIPPET = "import time; t = time.perf_counter(); import function_app; print(time.perf_counter() - t)"


def import_times(runs: int = 5) -> dict[str, Any]:
    inside, whole = [], []
    for _ in range(runs):
        started = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", IMPORT_SNIPPET], cwd=REPO, capture_output=True, text=True,
                             check=True)
        whole.append((time.perf_counter() - started) * 1000)
        inside.append(float(out.stdout.strip()) * 1000)
    bare = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        bare.append((time.perf_counter() - started) * 1000)
    return {"import_ms": percentiles(inside), "process_with_import_ms": percentiles(whole),
            "bare_interpreter_ms": percentiles(bare), "target_ms": 1000,
            "meets_target": sorted(inside)[len(inside) // 2] <= 1000}


def _first_health(url: str, timeout: float = 60.0) -> float:
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=2) as client:
        while time.monotonic() < deadline:
            try:
                if client.get(url).status_code == 200:
                    return time.monotonic()
            except httpx.HTTPError:
                pass
            time.sleep(0.01)
    raise TimeoutError(f"{url} did not answer 200 within {timeout:.0f}s")


def first_requests(workdir: Path, runs: int = 3) -> dict[str, Any]:
    health: list[float] = []
    first_admin: list[float] = []
    second_admin: list[float] = []
    with running_stack(workdir, host=False) as (stack, driver):
        for _ in range(runs):
            started = time.monotonic()
            starter = threading.Thread(target=stack.start_host, daemon=True)
            starter.start()
            ready = _first_health(stack.host_url + "/api/health")
            health.append((ready - started) * 1000)
            for sink in (first_admin, second_admin):
                began = time.monotonic()
                driver.admin("GET", "options").raise_for_status()
                sink.append((time.monotonic() - began) * 1000)
            starter.join()
            stack.kill_host(hard=False)
    return {"host_start_to_first_health_200_ms": percentiles(health),
            "first_admin_call_ms": percentiles(first_admin), "second_admin_call_ms": percentiles(second_admin)}


def run(workdir: Path) -> dict[str, Any]:
    return {"import": import_times(), "first_request": first_requests(workdir)}
