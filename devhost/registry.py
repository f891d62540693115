"""Read the function registrations from a v2-model app (``app.get_functions()``): the only route/queue list.

Each registered function becomes a ``FunctionSpec`` holding what the local host needs: the user callable,
the trigger (type + settings, with ``%AppSetting%`` references resolved like the real host), the trigger's
parameter name and the queue output bindings. Bindings the local host cannot provide are listed in
``unsupported`` so the function is still listed but fails clearly when run.
"""

from __future__ import annotations

import importlib
import inspect
import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import azure.functions as func

HTTP, QUEUE, TIMER = "httpTrigger", "queueTrigger", "timerTrigger"
SUPPORTED_TRIGGERS = (HTTP, QUEUE, TIMER)
DEFAULT_CONNECTION = "AzureWebJobsStorage"
_SETTING_REF = re.compile(r"%([^%]+)%")


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

    return _SETTING_REF.sub(lookup, value)


def _enum_value(value: Any) -> Any:
    return value.value if hasattr(value, "value") else value


def _trigger_settings(trigger: Any, environ: Mapping[str, str]) -> dict[str, Any]:
    if trigger.type == HTTP:
        methods = [str(_enum_value(m)).upper() for m in (trigger.methods or [])]
        level = _enum_value(trigger.auth_level) or "function"
        return {"route": str(trigger.route).strip("/"), "methods": methods, "auth_level": str(level).lower()}
    if trigger.type == QUEUE:
        return {"queue_name": resolve_settings(trigger.queue_name, environ),
                "connection": resolve_settings(trigger.connection, environ) or DEFAULT_CONNECTION}
    if trigger.type == TIMER:
        return {"schedule": resolve_settings(trigger.schedule, environ),
                "run_on_startup": bool(trigger.run_on_startup)}
    return {}


def to_spec(function: Any, environ: Mapping[str, str]) -> FunctionSpec:
    trigger = function.get_trigger()
    outputs, unsupported = [], []
    http_out = None
    for binding in function.get_bindings():
        if binding is trigger:
            continue
        if binding.type == "http":
            http_out = None if binding.name == "$return" else binding.name
            continue
        if binding.type == "queue":
            outputs.append(QueueOutput(binding.name, resolve_settings(binding.queue_name, environ),
                                       resolve_settings(binding.connection, environ) or DEFAULT_CONNECTION))
        else:
            unsupported.append(f"{binding.type} binding {binding.name!r}")
    if trigger.type not in SUPPORTED_TRIGGERS:
        unsupported.append(f"{trigger.type} trigger")
    fn = function.get_user_function()
    return FunctionSpec(
        name=function.get_function_name(), trigger_type=trigger.type, arg_name=trigger.name,
        settings=_trigger_settings(trigger, environ), fn=fn,
        bindings=json.loads(function.get_function_json())["bindings"],
        queue_outputs=tuple(outputs), http_output=http_out, unsupported=tuple(unsupported),
        params=tuple(inspect.signature(fn).parameters),
    )


def find_app(module: Any, attr: str | None = None) -> func.FunctionApp:
    """The ``FunctionApp`` in ``module``: ``attr`` if given, else the one instance (like the worker's indexer)."""
    if attr:
        app = getattr(module, attr, None)
        if app is None:
            raise RegistryError(f"{module.__name__} has no attribute {attr!r}")
        return app
    apps = [v for v in vars(module).values() if isinstance(v, func.FunctionApp)]
    if len(apps) != 1:
        raise RegistryError(f"{module.__name__} must define exactly one FunctionApp, found {len(apps)}")
    return apps[0]


def load_functions(app_ref: str, environ: Mapping[str, str] = os.environ) -> list[FunctionSpec]:
    """Import ``module[:attr]`` and return one spec per registered function."""
    module_name, _, attr = app_ref.partition(":")
    module = importlib.import_module(module_name)
    return [to_spec(f, environ) for f in find_app(module, attr or None).get_functions()]
