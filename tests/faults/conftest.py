"""The fault suite's stack and its one run: the whole timeline executes once per session, the tests judge it.

``FAULT_SUITE_SIZE`` (default 500) sets how many emails are injected; ``make soak`` runs it with 5,000.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from devhost.driver import StackDriver
from devhost.stack import Stack
from tests.faults.observe import Observer
from tests.faults.timeline import Run, Timeline
from tests.integration.conftest import HOST_JSON, stack_env

SIZE = int(os.environ.get("FAULT_SUITE_SIZE", "500"))


@dataclass
class Result:
    run: Run
    outcomes: dict[tuple[str, str], dict[str, Any]]
    records: dict[str, Any]
    notifications: list[dict[str, Any]]
    graph_subscriptions: list[dict[str, Any]]  # the live subscriptions as the Graph emulator holds them
    status: dict[str, Any]  # the product's own status document


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Result]:
    # The production host.json's maxDequeueCount (5): the retry window scales with the visibility timeout only,
    # so the outage (timeline.OUTAGE_S) keeps production's ratio to it.
    env = stack_env() | {"AzureFunctionsJobHost__extensions__queues__maxDequeueCount": "5"}
    with Stack(tmp_path_factory.mktemp("faults"), host_json=HOST_JSON, extra_env=env) as stack:
        driver = StackDriver(stack, timeout=60)
        observer = Observer(stack, driver)
        try:
            run = Timeline(stack, driver, observer, SIZE).execute()
            log = driver.graph.get("/notifications").json()["log"]
            live = driver.graph.get("/subscriptions").json()["value"]
            outcome = Result(run, observer.final_outcomes(), observer.records(), log, live, driver.status())
            print(json.dumps({"emails": len(run.specs), "copies": len(run.copies), "seconds": run.seconds,
                              "evidence": {k: v for k, v in run.evidence.items() if "requests" not in k}},
                             indent=1, default=str))
            yield outcome
        finally:
            driver.close()
