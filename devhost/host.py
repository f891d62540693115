"""Local Functions host: serves the functions registered in a v2-model app without Core Tools.

Run ``python -m devhost --port N [--app function_app] [--host-json host.json] [--settings local.settings.json]``.
Prints ``devhost listening on http://127.0.0.1:N`` once HTTP is up and the queue/timer triggers run.
SIGTERM/SIGINT: stop polling and timers, finish running invocations (bounded by ``--drain-timeout``), exit 0.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import socket
import sys
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import uvicorn

from devhost import redact
from devhost.disabled import disabled_functions
from devhost.hostconfig import HostConfig, HostConfigError, apply_local_settings
from devhost.hostrules import HostRuleError
from devhost.http_app import build_app
from devhost.invoker import Invoker
from devhost.keys import Keys
from devhost.queue_listener import QueueListener
from devhost.queue_output import QueueOutput
from devhost.registry import QUEUE, TIMER, FunctionSpec, RegistryError, load_functions
from devhost.storage import QueueGateway
from devhost.timers import TimerRunner

logger = logging.getLogger("devhost")


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:  # the host owns SIGTERM/SIGINT (uvicorn would re-raise them)
        yield


def _report_crash(task: asyncio.Task[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.error("%s stopped unexpectedly", task.get_name(), exc_info=task.exception())


class Host:
    def __init__(self, specs: list[FunctionSpec], config: HostConfig, keys: Keys, *, lease: float,
                 drain_timeout: float, directory: str) -> None:
        self._drain = drain_timeout
        self._executor = ThreadPoolExecutor(max_workers=16, thread_name_prefix="devhost-fn")
        self._queues = QueueGateway(config.queues.message_encoding)
        self._outputs = QueueOutput(self._queues, on_sent=self._on_sent)
        self._invoker = Invoker(self._outputs, self._executor, directory)
        self._tasks: set[asyncio.Task[Any]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self.disabled = disabled_functions([s.name for s in specs], os.environ)
        self._listeners = {s.name: QueueListener(s, config.queues, self._queues, self._invoker, self._spawn, lease)
                           for s in specs if s.trigger_type == QUEUE}
        self._timers = {s.name: TimerRunner(s, self._invoker) for s in specs if s.trigger_type == TIMER}
        self.app = build_app(specs, self._invoker, keys, config.route_prefix, self.run_once, self.disabled)

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def _on_sent(self, connection: str, queue: str) -> None:
        """Called on the loop after this host enqueued: wake the local listener of that queue."""
        target = self._queues.connection_string(connection), queue
        for listener in self._listeners.values():
            with contextlib.suppress(Exception):  # a listener without a connection never polls anyway
                if (self._queues.connection_string(listener.connection), listener.queue_name) == target:
                    listener.wake()

    def run_once(self, spec: FunctionSpec, text: str) -> None:
        if spec.name in self._listeners:
            self._spawn(self._listeners[spec.name].invoke_with_body(text))
        elif spec.name in self._timers:
            self._spawn(self._timers[spec.name].fire(past_due=False, reason="Admin API"))
        else:
            logger.error("Function %s has a trigger the local host cannot run", spec.name)

    async def serve(self, sock: socket.socket) -> bool:
        """Serve until SIGTERM/SIGINT; True when everything finished within the drain timeout."""
        self._loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            self._loop.add_signal_handler(sig, stop.set)
        server = _Server(uvicorn.Config(self.app, lifespan="off", log_config=None,
                                        timeout_graceful_shutdown=max(1, int(self._drain))))
        server_task = self._loop.create_task(server.serve(sockets=[sock]))
        while not server.started:  # startup is quick; the task ends early only on failure
            if server_task.done():
                server_task.result()
                return False
            await asyncio.sleep(0.01)
        every: list[QueueListener | TimerRunner] = [*self._listeners.values(), *self._timers.values()]
        runners = [r for r in every if r.spec.name not in self.disabled]
        loops = [self._loop.create_task(r.run(), name=f"trigger {r.spec.name}") for r in runners]
        for loop in loops:
            loop.add_done_callback(_report_crash)
        port = sock.getsockname()[1]
        print(f"devhost listening on http://127.0.0.1:{port}", flush=True)
        await stop.wait()
        logger.info("Stopping: no new messages or timer runs; waiting for running invocations")
        for runner in runners:
            runner.stop()
        server.should_exit = True
        pending = {server_task, *loops, *self._tasks}
        _, still_running = await asyncio.wait(pending, timeout=self._drain)
        while self._tasks - pending and not still_running:  # settle tasks spawned while draining
            pending = set(self._tasks)
            _, still_running = await asyncio.wait(pending, timeout=self._drain)
        if still_running:
            logger.warning("%d task(s) still running after %.0fs; exiting anyway", len(still_running), self._drain)
        else:
            await self._outputs.close()
        return not still_running

    def close(self, wait: bool) -> None:
        self._executor.shutdown(wait=wait, cancel_futures=True)


def listening_socket(port: int) -> socket.socket:
    """A TCP socket on 127.0.0.1 whose connections get TCP_NODELAY, as Kestrel's do (NoDelay "Defaults to true":
    learn.microsoft.com/dotnet/api/microsoft.aspnetcore.server.kestrel.kestrelserveroptions.nodelay).

    asyncio sets TCP_NODELAY only on sockets whose proto is IPPROTO_TCP (asyncio/base_events.py ``_set_nodelay``);
    ``socket.create_server`` leaves proto 0, and then a response written in two parts (head, body) waited for the
    client's delayed ACK: 44 ms for every request on an idle connection."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
        sock.listen()
    except OSError:
        sock.close()
        raise
    return sock


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m devhost", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0 = any free port)")
    parser.add_argument("--app", default="function_app", help="module[:attribute] holding the FunctionApp")
    parser.add_argument("--host-json", type=Path, default=Path("host.json"), help="host.json to honour")
    parser.add_argument("--settings", type=Path, help="local.settings.json whose Values become app settings")
    parser.add_argument("--queue-lease", type=float, default=float(os.environ.get("DEVHOST_QUEUE_LEASE_SECONDS", 10)),
                        help="seconds a received message stays invisible, renewed while its function runs")
    parser.add_argument("--drain-timeout", type=float, default=20.0, help="seconds to let invocations finish on stop")
    parser.add_argument("--log-level", default="INFO")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("azure").setLevel(logging.WARNING)  # the SDK logs every request at INFO
    redact.install()  # keys sent as ?code= never reach the log in plain text
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        if args.settings:
            apply_local_settings(args.settings)
        config = HostConfig.load(args.host_json)
        specs = load_functions(args.app, route_prefix=config.route_prefix)
        keys = Keys.from_env()
        host = Host(specs, config, keys, lease=args.queue_lease, drain_timeout=args.drain_timeout,
                    directory=os.getcwd())
        sock = listening_socket(args.port)
    except (HostConfigError, HostRuleError, RegistryError, ImportError, OSError) as exc:
        # the real host's own message(s), so the refusal reads as it would in Azure
        logger.error("devhost cannot start: the Functions host would refuse this app:\n%s", exc)
        return 2
    if config.function_timeout:
        logger.info("functionTimeout %.0fs is not enforced locally", config.function_timeout)
    if not keys.enforced:
        logger.warning("DEVHOST_FUNCTION_KEY/DEVHOST_MASTER_KEY unset: HTTP auth levels are not checked")
    logger.info("Functions: %s", ", ".join(f"{s.name} ({s.trigger_type}{', disabled' * (s.name in host.disabled)})"
                                           for s in specs))
    clean = asyncio.run(host.serve(sock))
    host.close(wait=clean)
    if not clean:
        logging.shutdown()
        os._exit(0)  # worker threads still run user code; they cannot be joined, so do not wait for them
    return 0
