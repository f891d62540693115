"""Read the function registrations from a v2-model app (``app.get_functions()``): the only route/queue list.

The app is indexed as the Python worker indexes it for the host (``devhost.indexing``) and checked against the
host's load-time rules (``devhost.hostrules``) before anything is served. Each registered function becomes
a ``FunctionSpec`` holding what the local host needs: the user callable,
the trigger (type + settings, with ``%AppSetting%`` references resolved like the real host), the trigger's
parameter name and the queue output bindings. Bindings the local host cannot provide are listed in
``unsupported`` so the function is still listed but fails clearly when run.
"""

from __future__ import annotations

import importlib
import inspect
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from devhost.hostrules import AUTH_LEVELS, SETTING_REF
from devhost.hostrules import validate as validate_host_rules
from devhost.indexing import IndexedFunction, IndexingError, find_register, index

HTTP, QUEUE, TIMER = "httpTrigger", "queueTrigger", "timerTrigger"
SUPPORTED_TRIGGERS = (HTTP, QUEUE, TIMER)
DEFAULT_CONNECTION = "AzureWebJobsStorage"


class RegistryError(RuntimeError):
    """The app module cannot be loaded or declares something the local host cannot serve."""


@dataclass(frozen=True, slots=True)
class QueueOutput:
    arg_name: str  # "$return" sends the function's return value
    queue_name: str
    connection: str


@dataclass(frozen=True, slots=True)
class FunctionSpec:
    name: str
    trigger_type: str
    arg_name: str
    settings: dict[str, Any]  # trigger settings: route/methods/auth_level, queue_name/connection, schedule...
    fn: Callable[..., Any]
    bindings: list[dict[str, Any]]  # function.json view, for listings
    queue_outputs: tuple[QueueOutput, ...] = ()
    http_output: str | None = None  # parameter name when the response is set on a func.Out, not returned
    unsupported: tuple[str, ...] = ()
    params: tuple[str, ...] = field(default=())  # parameter names of the user function

    @property
    def is_async(self) -> bool:
        return inspect.iscoroutinefunction(self.fn)

    def annotation(self, param: str) -> Any:
        """Annotation of ``param`` (string form when postponed annotations cannot be resolved)."""
        try:
            parameters = inspect.signature(self.fn, eval_str=True).parameters
        except (NameError, TypeError):
            parameters = inspect.signature(self.fn).parameters
        return parameters[param].annotation if param in parameters else inspect.Parameter.empty


def resolve_settings(value: Any, environ: Mapping[str, str]) -> Any:
    """Replace ``%NAME%`` with the app setting NAME, as the host does for trigger/binding properties."""
    if not isinstance(value, str):
        return value

    def lookup(match: re.Match[str]) -> str:
        if match[1] not in environ:
            raise RegistryError(f"binding expression %{match[1]}% refers to an unset app setting")
        return environ[match[1]]

    return SETTING_REF.sub(lookup, value)


def _auth_level(value: Any) -> str:
    """The AuthorizationLevel name (the enum also parses from its number); Function when unset."""
    level = str(value or "function").lower()
    return AUTH_LEVELS[int(level)] if level.isdigit() and int(level) < len(AUTH_LEVELS) else level


def _connection(binding: dict[str, Any], environ: Mapping[str, str]) -> str:
    return resolve_settings(binding.get("connection"), environ) or DEFAULT_CONNECTION


def _queue_name(binding: dict[str, Any], environ: Mapping[str, str]) -> str:
    """Lower-cased like the queue extension does ("must be lowercase. coerce here to be nice")."""
    return str(resolve_settings(binding.get("queueName"), environ)).lower()


def _trigger_settings(trigger: dict[str, Any], environ: Mapping[str, str]) -> dict[str, Any]:
    """Settings from the trigger's raw binding (function.json keys, as the host reads them)."""
    if trigger["type"] == HTTP:
        methods = [str(m).upper() for m in (trigger.get("methods") or [])]
        return {"route": str(trigger.get("route") or "").strip("/"), "methods": methods,
                "auth_level": _auth_level(trigger.get("authLevel"))}
    if trigger["type"] == QUEUE:
        return {"queue_name": _queue_name(trigger, environ), "connection": _connection(trigger, environ)}
    if trigger["type"] == TIMER:
        return {"schedule": resolve_settings(trigger.get("schedule"), environ),
                "run_on_startup": bool(trigger.get("runOnStartup"))}
    return {}


def to_spec(function: IndexedFunction, environ: Mapping[str, str]) -> FunctionSpec:
    """What the local host needs to serve one function, from the metadata the worker sends the host."""
    trigger = function.trigger
    if trigger is None:  # hostrules refuses these first; kept for callers that skip the rules
        raise RegistryError(f"Function {function.name} has no trigger")
    outputs, unsupported = [], []
    http_out = None
    for binding in function.raw_bindings:
        if binding is trigger:
            continue
        if binding.get("type") == "http":
            http_out = None if binding["name"] == "$return" else binding["name"]
        elif binding.get("type") == "queue":
            outputs.append(QueueOutput(binding["name"], _queue_name(binding, environ), _connection(binding, environ)))
        else:
            unsupported.append(f"{binding.get('type')} binding {binding.get('name')!r}")
    if trigger["type"] not in SUPPORTED_TRIGGERS:
        unsupported.append(f"{trigger['type']} trigger")
    fn = function.function.get_user_function()
    return FunctionSpec(
        name=function.name, trigger_type=trigger["type"], arg_name=trigger["name"],
        settings=_trigger_settings(trigger, environ), fn=fn, bindings=list(function.raw_bindings),
        queue_outputs=tuple(outputs), http_output=http_out, unsupported=tuple(unsupported),
        params=tuple(inspect.signature(fn).parameters),
    )


def load_functions(app_ref: str, environ: Mapping[str, str] = os.environ, route_prefix: str = "api"
                   ) -> list[FunctionSpec]:
    """Import ``module[:attr]``, index it like the worker, enforce the host's rules; one spec per function.

    Raises RegistryError with the worker's or the host's own message(s) when the real host would refuse it.
    """
    module_name, _, attr = app_ref.partition(":")
    module = importlib.import_module(module_name)
    try:
        functions: list[IndexedFunction] = index(find_register(module, attr or None))
    except IndexingError as exc:
        raise RegistryError(str(exc)) from exc
    validate_host_rules(functions, route_prefix, environ)
    return [to_spec(f, environ) for f in functions]
