"""Run one invocation of a user function, the way the Python worker does, and flush its queue outputs.

Arguments are passed by binding name: the trigger value, a ``func.Out`` per queue output binding and a
``context`` when the function asks for one. Sync functions run in a thread pool, async ones on the loop.
After the function returns successfully, what was ``set()`` on each queue output is sent (devhost/queue_output.py);
a failed send fails the invocation (an HTTP caller gets 500, a queue message is retried), as in Azure.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import azure.functions as func

from devhost.queue_output import QueueOutput
from devhost.registry import FunctionSpec

T = TypeVar("T")
logger = logging.getLogger("devhost.invoker")


class OutValue(func.Out[T], Generic[T]):
    def __init__(self) -> None:
        self._value: T | None = None

    def set(self, val: T) -> None:
        self._value = val

    def get(self) -> T:
        return self._value  # type: ignore[return-value]


class _Context(func.Context):
    _locals = threading.local

    def __init__(self, name: str, directory: str) -> None:
        self._id, self._name, self._dir = str(uuid.uuid4()), name, directory

    invocation_id = property(lambda self: self._id)
    function_name = property(lambda self: self._name)
    function_directory = property(lambda self: self._dir)
    thread_local_storage = property(lambda self: self._locals)
    trace_context = property(lambda self: None)
    retry_context = property(lambda self: None)


@dataclass(frozen=True, slots=True)
class Outcome:
    ok: bool
    value: Any = None
    error: BaseException | None = None


def _messages(value: Any) -> list[str | bytes]:
    """What the queue output converter accepts: str, bytes, QueueMessage or a list of them."""
    items = value if isinstance(value, list | tuple) else [value]
    out: list[str | bytes] = []
    for item in items:
        if isinstance(item, func.QueueMessage):
            item = item.get_body()
        if not isinstance(item, str | bytes):
            raise TypeError(f"queue output accepts str, bytes or a list of them, got {type(item).__name__}")
        out.append(item)
    return out


class Invoker:
    def __init__(self, outputs: QueueOutput, executor: Executor, directory: str) -> None:
        self._outputs = outputs
        self._executor = executor
        self._directory = directory

    async def invoke(self, spec: FunctionSpec, trigger_value: Any, reason: str) -> Outcome:
        context = _Context(spec.name, self._directory)
        started = time.monotonic()
        logger.info("Executing 'Functions.%s' (Reason='%s', Id=%s)", spec.name, reason, context.invocation_id)
        try:
            value = await self._run(spec, trigger_value, context)
            status = "Succeeded"
            return Outcome(True, value)
        except Exception as exc:
            status = "Failed"
            logger.exception("Function 'Functions.%s' failed (Id=%s)", spec.name, context.invocation_id)
            return Outcome(False, error=exc)
        finally:
            logger.info("Executed 'Functions.%s' (%s, Id=%s, Duration=%dms)", spec.name, status,
                        context.invocation_id, (time.monotonic() - started) * 1000)

    async def _run(self, spec: FunctionSpec, trigger_value: Any, context: _Context) -> Any:
        if spec.unsupported:
            raise RuntimeError(f"devhost cannot provide: {', '.join(spec.unsupported)}")
        names = [o.arg_name for o in spec.queue_outputs if o.arg_name != "$return"] + [spec.http_output or "$return"]
        outs: dict[str, OutValue[Any]] = {name: OutValue() for name in names if name != "$return"}
        kwargs: dict[str, Any] = {spec.arg_name: trigger_value, **outs}
        if "context" in spec.params and "context" not in kwargs:
            kwargs["context"] = context
        value = await self._call(spec.fn, kwargs, spec.is_async)
        if spec.http_output:
            value = outs[spec.http_output].get()
        sends = [(o, value if o.arg_name == "$return" else outs[o.arg_name].get()) for o in spec.queue_outputs]
        pending = [(o, _messages(v)) for o, v in sends if v is not None]  # all converted before any is sent
        for output, messages in pending:
            await self._outputs.send(output.connection, output.queue_name, messages)
        return value

    async def _call(self, fn: Callable[..., Any], kwargs: dict[str, Any], is_async: bool) -> Any:
        if is_async:
            return await fn(**kwargs)
        return await asyncio.get_running_loop().run_in_executor(self._executor, functools.partial(fn, **kwargs))
