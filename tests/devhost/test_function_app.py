"""Every function registered in the product's function_app.py is served by the local host.

HTTP functions must be routed (the response names the function); queue and timer functions must be listed
with their trigger and run once through the admin API (the host log shows the execution, whatever its
outcome). The stack includes the Graph and iMIS emulators, which also checks that ``Stack`` starts them and
finds them healthy. The host only starts when the app passes the Functions host's rules (devhost.hostrules).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import function_app
from devhost.stack import Stack
from tests.devhost.support import wait_for

pytestmark = pytest.mark.integration
FUNCTIONS = function_app.app.get_functions()  # once per process: the library refuses a second indexing


@pytest.fixture(scope="module")
def product_stack(tmp_path_factory: pytest.TempPathFactory, sample_stack: Stack) -> Iterator[Stack]:
    """The product app on the sample stack's Azurite (queue names differ), with the Graph and iMIS emulators."""
    with Stack(tmp_path_factory.mktemp("product-stack"), emulators=True,
               storage=sample_stack.connection_string) as stack:
        yield stack


def sample_path(route: str) -> str:
    """A concrete path for a route template: constrained parameters get values that satisfy them."""
    def fill(param: re.Match[str]) -> str:
        constraint = param[0].strip("{}*").split(":")[1:] or [""]
        return {"int": "1", "long": "1", "guid": str(uuid.uuid4()), "bool": "true"}.get(constraint[0].rstrip("?"), "x")
    return re.sub(r"\{[^}]*\}", fill, route)


def by_trigger(kind: str) -> list[Any]:
    return [f for f in FUNCTIONS if f.get_trigger().type == kind]


def test_every_child_of_the_full_stack_is_healthy(product_stack: Stack) -> None:
    for url in (product_stack.graph_control_url + "/health", product_stack.imis_control_url + "/health",
                product_stack.host_url + "/api/health"):
        assert httpx.get(url, timeout=5).status_code == 200


class TestProductFunctions:
    @pytest.mark.parametrize("function", by_trigger("httpTrigger"), ids=lambda f: f.get_function_name())
    def test_http_function_is_routed(self, product_stack: Stack, function: Any) -> None:
        trigger = function.get_trigger()
        method = str(trigger.methods[0].value) if trigger.methods else "GET"
        response = httpx.request(method, f"{product_stack.host_url}/api/{sample_path(trigger.route)}",
                                 headers={"x-functions-key": product_stack.master_key}, timeout=15)
        assert response.headers.get("x-devhost-function") == function.get_function_name()

    def test_every_function_is_listed_with_its_trigger(self, product_stack: Stack) -> None:
        listed = httpx.get(f"{product_stack.host_url}/admin/functions",
                           headers={"x-functions-key": product_stack.master_key}, timeout=10).json()
        assert {f["name"]: f["trigger"] for f in listed} == {f.get_function_name(): f.get_trigger().type
                                                             for f in FUNCTIONS}
        assert all(not f["unsupported"] for f in listed)

    @pytest.mark.parametrize("function", by_trigger("queueTrigger") + by_trigger("timerTrigger"),
                             ids=lambda f: f.get_function_name())
    def test_non_http_function_runs_through_the_admin_api(self, product_stack: Stack, function: Any) -> None:
        name = function.get_function_name()
        response = httpx.post(f"{product_stack.host_url}/admin/functions/{name}", json={"input": "{}"},
                              headers={"x-functions-key": product_stack.master_key}, timeout=10)
        assert response.status_code == 202
        log = Path(product_stack.workdir / "logs" / "host.log")
        wait_for(lambda: f"Executed 'Functions.{name}'" in log.read_text(), 20, f"{name} to run")
