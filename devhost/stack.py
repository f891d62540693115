"""The local stack: Azurite, the Graph and iMIS emulators and the local Functions host, on free loopback ports.

    with Stack(tmp_path) as stack:          # starts everything; every child is stopped on exit
        httpx.get(stack.host_url + "/api/health")

``Stack(..., emulators=False)`` or ``host=False`` leaves parts out; ``storage=<connection string>`` uses that
storage instead of starting Azurite (e.g. a second stack sharing the first one's Azurite). Azurite keeps its data under
``workdir/azurite`` and keeps its ports across ``restart_azurite()``; the host keeps its port across
``kill_host()``/``start_host()``. Child output goes to ``workdir/logs/<name>.log``. ``services_apart=True`` runs
Blob, Queue and Table storage as three Azurite processes (``azurite-blob`` ...), so one service's load does not
queue another's requests: Azure serves them at separate endpoints with their own scale targets (e.g. Queue Storage,
learn.microsoft.com/azure/storage/queues/scalability-targets). The connection string is the same.
``storage_in_memory=True`` starts Azurite with ``--inMemoryPersistence``: nothing on disk, so no pause while it
saves its whole database every few seconds (a pause Azure Storage does not have); it cannot be restarted.
"""

from __future__ import annotations

import atexit
import functools
import os
import secrets
import sys
from pathlib import Path

import httpx
from azure.storage.queue import LinearRetry, QueueServiceClient

from devhost.processes import Child, StackError, free_ports, port_open
from devhost.seed import SEED, seed_credentials

REPO = Path(__file__).resolve().parents[1]
AZURITE = REPO / "node_modules" / ".bin" / "azurite"
# Azurite's well-known development account (public, documented by Microsoft; not a secret).
ACCOUNT = "devstoreaccount1"
ACCOUNT_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
__all__ = ["Stack", "StackError", "seed_credentials"]


class Stack:
    def __init__(self, workdir: Path, *, host: bool = True, emulators: bool = True,
                 extra_env: dict[str, str] | None = None, app: str = "function_app",
                 host_json: Path | None = None, storage: str | None = None, timeout: float = 30.0,
                 services_apart: bool = False, storage_in_memory: bool = False) -> None:
        self.workdir = Path(workdir).resolve()
        self._storage = storage  # an existing storage connection string: no Azurite of our own
        self._want_host, self._want_emulators = host, emulators
        self._extra_env = dict(extra_env or {})
        self._app, self._host_json, self._timeout = app, host_json, timeout
        self._blob, self._queue, self._table, graph, imis, self.host_port = free_ports(6)
        self.graph_url = f"http://127.0.0.1:{graph}/v1.0"
        self.graph_control_url = f"http://127.0.0.1:{graph}/_emulator"
        self.imis_url = f"http://127.0.0.1:{imis}"
        self.imis_control_url = f"{self.imis_url}/_emulator"
        self.host_url = f"http://127.0.0.1:{self.host_port}"
        self.function_key = secrets.token_urlsafe(24)
        self.master_key = secrets.token_urlsafe(24)
        self.client_state = secrets.token_hex(16)  # 32 characters
        self._children: dict[str, Child] = {}
        self._azurite_started = False
        self._services_apart = services_apart
        self._in_memory = storage_in_memory

    @property
    def connection_string(self) -> str:
        if self._storage is not None:
            return self._storage
        endpoints = "".join(f"{kind}Endpoint=http://127.0.0.1:{port}/{ACCOUNT};" for kind, port in
                            (("Blob", self._blob), ("Queue", self._queue), ("Table", self._table)))
        return f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={ACCOUNT_KEY};{endpoints}"

    def app_env(self) -> dict[str, str]:
        """The product's app settings pointing at this stack."""
        username, password = seed_credentials()
        return {
            "AzureWebJobsStorage": self.connection_string, "FUNCTIONS_WORKER_RUNTIME": "python",
            "GRAPH_BASE_URL": self.graph_url, "GRAPH_AUTH_MODE": "static_token", "GRAPH_STATIC_TOKEN": "dev-token",
            "GRAPH_CLIENT_STATE": self.client_state, "WEBHOOK_BASE_URL": self.host_url + "/api",
            "IMIS_BASE_URL": self.imis_url, "IMIS_USERNAME": username, "IMIS_PASSWORD": password,
            "DEVHOST_FUNCTION_KEY": self.function_key, "DEVHOST_MASTER_KEY": self.master_key,
            **self._extra_env,
        }

    # -- whole stack -------------------------------------------------------------------------------------------
    def start(self) -> None:
        atexit.register(self.stop)
        try:
            if self._storage is None:
                self.start_azurite()
            if self._want_emulators:
                self.start_emulators()
            if self._want_host:
                self.start_host()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        self.kill_host(hard=False)
        self.stop_emulators()
        self.stop_azurite()
        atexit.unregister(self.stop)

    def __enter__(self) -> Stack:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- Azurite -----------------------------------------------------------------------------------------------
    def start_azurite(self) -> None:
        if self._storage is not None:
            raise StackError("this stack uses the storage it was given (storage=...), not an Azurite of its own")
        for attempt in range(3):
            # in memory: no --location (Azurite refuses both) and none of its periodic saves of the whole database
            where = ["--inMemoryPersistence"] if self._in_memory else ["--location", str(self.workdir / "azurite")]
            common = [*where, "--silent", "--skipApiVersionCheck", "--loose", "--disableTelemetry"]
            ports = {"blob": self._blob, "queue": self._queue, "table": self._table}
            if self._services_apart:
                children = [self._spawn(f"azurite-{kind}", [f"{AZURITE}-{kind}", *common, f"--{kind}Port", str(port)])
                            for kind, port in ports.items()]
            else:
                children = [self._spawn("azurite", [str(AZURITE), *common,
                                                    *(a for k, p in ports.items() for a in (f"--{k}Port", str(p)))])]
            try:
                children[0].wait_ready(functools.partial(self._azurite_ready, children), self._timeout,
                                       "Azurite answers on its three ports")
                self._azurite_started = True
                return
            except StackError:
                self.stop_azurite(hard=True)
                # a port taken since we picked it: pick again, but only before anyone saw the old ports
                if self._azurite_started or attempt == 2 or not any("EADDRINUSE" in c.tail() for c in children):
                    raise
                self._blob, self._queue, self._table = free_ports(3)

    def _azurite_ready(self, children: list[Child]) -> bool:
        for child in children[1:]:  # wait_ready watches the first; a sibling that exited fails at once too
            if not child.running:
                raise StackError(f"{child.name} exited before Azurite answered; last output:\n{child.tail()}")
        if not all(port_open(p) for p in (self._blob, self._queue, self._table)):
            return False
        service = QueueServiceClient.from_connection_string(self.connection_string,
                                                            retry_policy=LinearRetry(retry_total=0))
        try:
            service.get_service_properties(timeout=2)
            return True
        except Exception:
            return False

    def stop_azurite(self, hard: bool = False) -> None:
        for name in ("azurite", "azurite-blob", "azurite-queue", "azurite-table"):
            self._stop(name, hard=hard)

    def restart_azurite(self) -> None:
        if self._in_memory:
            raise StackError("Azurite in memory (storage_in_memory=True) would lose every row and message on restart")
        self.stop_azurite()
        self.start_azurite()

    # -- emulators ---------------------------------------------------------------------------------------------
    def start_emulators(self) -> None:
        imis_args = ["--db", str(self.workdir / "imis.sqlite")] + (["--seed", str(SEED)] if SEED.exists() else [])
        for name, base, extra in (("graph", self.graph_control_url, []), ("imis", self.imis_control_url, imis_args)):
            port = base.split(":")[2].split("/")[0]
            child = self._spawn(name, [sys.executable, "-m", f"emulators.{name}", "--port", port, *extra])
            health = base + "/health"
            child.wait_ready(functools.partial(self._http_ok, health), self._timeout, f"GET {health}")

    def stop_emulators(self) -> None:
        self._stop("graph")
        self._stop("imis")

    # -- local Functions host ----------------------------------------------------------------------------------
    def start_host(self) -> None:
        argv = [sys.executable, "-m", "devhost", "--port", str(self.host_port), "--app", self._app]
        if self._host_json is not None:
            argv += ["--host-json", str(self._host_json)]
        child = self._spawn("host", argv)
        child.wait_ready(self._host_ready, self._timeout, f"GET {self.host_url}/api/health")

    def _host_ready(self) -> bool:
        try:
            response = httpx.get(self.host_url + "/api/health", timeout=2)
        except httpx.HTTPError:
            return False
        no_health_function = response.status_code == 404 and "x-devhost-function" not in response.headers
        return response.status_code == 200 or no_health_function

    def kill_host(self, hard: bool = True) -> int | None:
        """Stop the host: SIGKILL (a crash) by default, SIGTERM (graceful) with ``hard=False``; its exit code."""
        return self._stop("host", hard=hard)

    # -- helpers -----------------------------------------------------------------------------------------------
    def running(self, name: str) -> bool:
        """Whether the child ``azurite``, ``graph``, ``imis`` or ``host`` is running."""
        child = self._children.get(name)
        return child is not None and child.running

    def _spawn(self, name: str, argv: list[str]) -> Child:
        if self.running(name):
            raise StackError(f"{name} is already running; stop it first")
        env = {**os.environ, **self.app_env(), "PYTHONUNBUFFERED": "1"}
        child = Child(name, argv, cwd=REPO, env=env, log_dir=self.workdir / "logs")
        self._children[name] = child
        child.start()
        return child

    def _stop(self, name: str, hard: bool = False) -> int | None:
        child = self._children.pop(name, None)
        return child.stop(hard=hard) if child is not None else None

    @staticmethod
    def _http_ok(url: str) -> bool:
        try:
            return httpx.get(url, timeout=2).status_code == 200
        except httpx.HTTPError:
            return False
