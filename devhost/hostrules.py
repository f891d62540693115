"""The Functions host's load-time rules for function metadata, ported from its sources.

Sources (Azure/azure-functions-host unless noted; file - method):
- name: ``src/WebJobs.Script/Utility.cs`` - ``FunctionNameValidationRegex``/``ValidateName``, called from
  ``src/WebJobs.Script/Host/WorkerFunctionMetadataProvider.cs`` - ``ValidateMetadata``.
- bindings: ``WorkerFunctionMetadataProvider.ValidateBindings``; ``Utility.ValidateBinding``
  (``BindingNameValidationRegex``, ``$return`` must be ``out``);
  ``src/WebJobs.Script.Abstractions/Description/Binding/BindingMetadata.cs`` - ``Create`` (direction).
- Python worker: ``devhost.workerrules`` (no ``inout``; parameters match binding names; annotations fit the
  bindings). In Azure a worker refusal fails the indexing of the whole app, not just the one function.
- HTTP: ``src/WebJobs.Script/Binding/WebJobsCoreScriptBindingProvider.cs`` - ``HttpScriptBinding.GetAttributes``
  with ``Binding/Extensibility/ScriptBindingContext.cs`` - ``GetMetadataEnumValue`` (authLevel);
  ``src/WebJobs.Script/Host/ScriptHost.cs`` - ``ValidateFunction``, ``ValidateHttpFunction``,
  ``HttpRoutesConflict``; route template syntax: ``devhost.routetemplate``; on Flex Consumption (``WEBSITE_SKU``,
  default FlexConsumption, the product's plan) blob triggers need source EventGrid (``ValidateFunction``,
  ``src/WebJobs.Script/Extensions/FunctionMetadataExtensions.cs`` - ``IsLegacyBlobTriggerFunction``).
- trigger/binding settings (``FunctionIndexingException``: "Error indexing method 'Functions.<name>'"):
  timer schedules - azure-webjobs-sdk-extensions ``src/WebJobs.Extensions/Extensions/Timers/Scheduling/
  TimerSchedule.cs`` - ``Create`` and ``CronSchedule.TryCreate`` (NCRONTAB with seconds: six fields, or a
  TimeSpan); queue names - Azure/azure-sdk-for-net ``sdk/storage/Microsoft.Azure.WebJobs.Extensions.Storage.
  Queues/src/QueueClientExtensions.cs`` - ``ValidateQueueName`` after ``ToLowerInvariant`` (trigger:
  ``Triggers/QueueTriggerAttributeBindingProvider.cs`` - ``NormalizeAndValidate``; output:
  ``Config/QueuesExtensionConfigProvider.cs`` - ``ValidateQueueAttribute``, skipped when the name has '{').
The real host logs a refused function ("The '<name>' function is in error: ...") and serves the others, so
the function answers 404 in Azure; the local host refuses to start instead, so nobody misses it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from croniter import croniter

from devhost.hostjson import dotnet_timespan, sku
from devhost.indexing import IndexedFunction
from devhost.routetemplate import RouteTemplateError
from devhost.routetemplate import check as check_route_template
from devhost.workerrules import WorkerLoadError
from devhost.workerrules import check as check_worker

# Utility.cs: FunctionNameValidationRegex = ^[a-z][a-z0-9_\-]{0,127}$(?<!^host$), IgnoreCase.
FUNCTION_NAME = re.compile(r"[a-z][a-z0-9_\-]{0,127}", re.IGNORECASE)
# Utility.cs: BindingNameValidationRegex = ^([a-zA-Z][a-zA-Z0-9]{0,127}|\$return)$ (case-sensitive).
BINDING_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9]{0,127}|\$return")
DIRECTIONS = ("in", "out", "inout")  # BindingDirection enum, parsed case-insensitively
# AuthorizationLevel (azure-webjobs-sdk-extensions src/WebJobs.Extensions.Http/AuthorizationLevel.cs)
AUTH_LEVELS = ("anonymous", "function", "system", "admin", "user")
RESERVED_ROUTE = "The specified route conflicts with one or more built in routes."
SCHEDULE_UNRECOGNISED = "The schedule expression was not recognized as a valid cron expression or timespan string."
SETTING_REF = re.compile(r"%([^%]+)%")  # a binding property's %AppSetting% reference


class HostRuleError(RuntimeError):
    """One or more functions break the host's rules; ``str()`` lists the host's messages, one a line."""

    def __init__(self, refusals: list[str]) -> None:
        super().__init__("\n".join(refusals))
        self.refusals = refusals


class Refused(Exception):
    """One function refused with the host's message."""


@dataclass(frozen=True, slots=True)
class HttpRoute:
    route: str
    methods: tuple[str, ...]  # empty = every method


def check_name(name: str) -> None:
    if not FUNCTION_NAME.fullmatch(name) or name.lower() == "host":
        raise Refused(f"'{name}' is not a valid function name.")


def direction_of(binding: dict[str, Any]) -> str:
    raw = str(binding.get("direction") or "in")
    if raw.lower() not in DIRECTIONS:
        raise Refused(f"'{raw}' is not a valid binding direction.")
    return raw.lower()


def check_bindings(bindings: tuple[dict[str, Any], ...]) -> None:
    """``WorkerFunctionMetadataProvider.ValidateBindings`` with ``Utility.ValidateBinding``."""
    seen: set[str] = set()
    for binding in bindings:
        direction, name = direction_of(binding), binding.get("name")
        if not isinstance(name, str) or not BINDING_NAME.fullmatch(name):
            raise Refused(f"The binding name {name or ''} is invalid. Please assign a valid name to the binding.")
        if name.lower() == "$return" and direction != "out":
            raise Refused("$return bindings must specify a direction of 'out'.")
        if name.lower() in seen:
            raise Refused(f"Multiple bindings with name '{name}' discovered. Binding names must be unique.")
        seen.add(name.lower())
    if not bindings:
        raise Refused("At least one binding must be declared.")
    if not any(str(b.get("type", "")).lower().endswith("trigger") and direction_of(b) != "out" for b in bindings):
        raise Refused("No trigger binding specified. A function must have a trigger input binding.")


def schedule_problem(expression: str) -> str | None:
    """``TimerSchedule.Create``: six-field NCRONTAB (seconds first), else a .NET TimeSpan, else refused."""
    text = expression.strip()
    if len(text.split()) == 6 and croniter.is_valid(text, second_at_beginning=True):
        return None
    return None if dotnet_timespan(text) is not None else SCHEDULE_UNRECOGNISED


def queue_name_problem(name: str) -> str | None:
    """``QueueClientExtensions.IsValidQueueName`` on the lower-cased name; its message (an ArgumentException)."""
    name = name.lower()
    if not name:
        return "A queue name can't be null or empty (Parameter 'name')"
    if not 3 <= len(name) <= 63:
        return f'A queue name must be from 3 to 63 characters long - "{name}" (Parameter \'name\')'
    if name[0] == "-" or name[-1] == "-":
        return f'The dash (-) character may not be the first or last letter - "{name}" (Parameter \'name\')'
    if any(not (c.isalnum() or c == "-") for c in name):
        return (f'A queue name can contain only letters, numbers, and dash(-) characters - "{name}" '
                "(Parameter 'name')")
    if "--" in name:
        return "A queue name cannot contain consecutive dash(-) characters. (Parameter 'name')"
    return None


def _resolved(value: Any, environ: Mapping[str, str]) -> str:
    """``%Setting%`` replaced as the host's name resolver does; an unset setting is left for the registry."""
    return SETTING_REF.sub(lambda m: environ.get(m[1], m[0]), str(value or ""))


def check_binding_settings(function: IndexedFunction, environ: Mapping[str, str]) -> None:
    """What the trigger/binding providers refuse while the host indexes the function."""
    for binding in function.raw_bindings:
        kind = str(binding.get("type", "")).lower()
        problem = None
        if kind == "timertrigger":
            problem = schedule_problem(_resolved(binding.get("schedule"), environ))
        elif kind in ("queuetrigger", "queue"):
            name = _resolved(binding.get("queueName"), environ)
            problem = None if kind == "queue" and "{" in name else queue_name_problem(name)
        if problem:
            raise Refused(f"Error indexing method 'Functions.{function.name}'. {problem}")


def check_plan(function: IndexedFunction, environ: Mapping[str, str]) -> None:
    """``ScriptHost.ValidateFunction`` with ``FunctionMetadataExtensions.IsLegacyBlobTriggerFunction``."""
    trigger = function.trigger or {}
    if sku(environ).lower() == "flexconsumption" and str(trigger.get("type", "")).lower() == "blobtrigger" and \
            str(trigger.get("source") or "").lower() != "eventgrid":
        raise Refused("The Flex Consumption SKU only supports EventGrid as the source for BlobTrigger functions. "
                      f"Please update function '{function.name}' to use EventGrid. For more information see "
                      "https://aka.ms/blob-trigger-eg.")


def http_route(function: IndexedFunction) -> HttpRoute | None:
    """The HttpTriggerAttribute the host builds from the trigger binding, or None for other triggers."""
    trigger = function.trigger
    if trigger is None or str(trigger.get("type", "")).lower() != "httptrigger":
        return None
    level = trigger.get("authLevel")
    if level and str(level).lower() not in AUTH_LEVELS and str(level) not in ("0", "1", "2", "3", "4"):
        raise Refused("Error parsing function.json: Invalid value specified for binding property 'authLevel' of "
                      "enum type AuthorizationLevel.")
    route = str(trigger.get("route") or "").strip() or function.name  # ValidateHttpFunction: default = name
    if route.strip("/").lower().startswith(("admin", "runtime")):
        raise Refused(RESERVED_ROUTE)
    return HttpRoute(route, tuple(str(m) for m in trigger.get("methods") or ()))


def routes_conflict(one: HttpRoute, other: HttpRoute) -> bool:
    """``ScriptHost.HttpRoutesConflict``: same template text (ignoring case and outer '/'), shared method."""
    if one.route.strip("/").lower() != other.route.strip("/").lower():
        return False
    return not one.methods or not other.methods or bool(set(one.methods) & set(other.methods))


def _check_function(function: IndexedFunction, http: dict[str, HttpRoute], route_prefix: str,
                    environ: Mapping[str, str]) -> None:
    check_name(function.name)
    check_bindings(function.raw_bindings)
    try:
        check_worker(function)
    except WorkerLoadError as exc:
        raise Refused(str(exc)) from exc
    check_binding_settings(function, environ)
    check_plan(function, environ)
    route = http_route(function)
    if route is None:
        return
    for other_name, other in http.items():
        if routes_conflict(route, other):
            raise Refused(f"The route specified conflicts with the route defined by function '{other_name}'.")
    if function.name in http:
        raise Refused(f"The function or proxy name '{function.name}' must be unique within the function app.")
    # WebJobsRouteBuilder.BuildRouteTemplate: prefix + '/' + route
    template = f"{route_prefix}/{route.route}" if route_prefix else route.route
    try:
        check_route_template(function.name, template)
    except RouteTemplateError as exc:
        raise Refused(str(exc)) from exc
    http[function.name] = route


def refusals(functions: list[IndexedFunction], route_prefix: str = "api",
             environ: Mapping[str, str] = os.environ) -> list[str]:
    """Every rule broken, as the host logs it; empty when the app loads on the real host."""
    found: list[str] = []
    http: dict[str, HttpRoute] = {}
    for function in functions:
        try:
            _check_function(function, http, route_prefix, environ)
        except Refused as exc:
            found.append(f"The '{function.name}' function is in error: {exc}")
    return found


def validate(functions: list[IndexedFunction], route_prefix: str = "api",
             environ: Mapping[str, str] = os.environ) -> None:
    """Raise HostRuleError when any function breaks a rule the real host enforces."""
    found = refusals(functions, route_prefix, environ)
    if found:
        raise HostRuleError(found)
