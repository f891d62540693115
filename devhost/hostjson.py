"""host.json checked like the Functions host checks it at start-up, with the host's messages.

Sources (Azure/azure-functions-host unless noted; file - method):
- version: ``src/WebJobs.Script/Config/HostJsonFileConfigurationSource.cs`` - ``InitializeHostConfig``;
  unparseable file: same file, ``LoadHostConfig``.
- top-level sections: the host's ``WellKnownHostJsonProperties`` (same file) and the published schema
  (SchemaStore ``src/schemas/json/host.json``, version 2: ``additionalProperties: false``).
- functionTimeout: ``src/WebJobs.Script/Config/ScriptJobHostOptionsSetup.cs`` - ``ConfigureFunctionTimeout``/
  ``ValidateTimeoutValue`` with the SKU from ``WEBSITE_SKU`` (``Environment/EnvironmentExtensions.cs`` -
  ``IsConsumptionSku``, ``IsFlexConsumptionSku``).
- extensionBundle: ``src/WebJobs.Script/Config/ExtensionBundleConfigurationHelper.cs`` - ``ConfigureBundleVersion``
  (NuGet ``VersionRange.TryParse``, floating allowed), ``ValidateBundleId``; messages in
  ``src/WebJobs.Script/Properties/Resources.resx``.
- extensions.queues: Azure/azure-sdk-for-net ``sdk/storage/Microsoft.Azure.WebJobs.Extensions.Storage.Common/src/
  Shared/Queues/QueuesOptions.cs`` (property setters) and ``QueuePollingIntervals.cs``; the schema's
  ``queues-extension-v2`` (known keys, TimeSpan strings hh:mm:ss, messageEncoding).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

KNOWN_SECTIONS = frozenset({
    "version", "functionTimeout", "retry", "functions", "http", "watchDirectories", "watchFiles", "queues",
    "serviceBus", "eventHub", "singleton", "logging", "aggregator", "healthMonitor", "extensionBundle",
    "managedDependencies", "customHandler", "httpWorker", "extensions", "concurrency",
    "sendCanceledInvocationsToWorker", "metadataProviderTimeout", "telemetryMode"})
QUEUE_KEYS = frozenset({"maxPollingInterval", "visibilityTimeout", "batchSize", "maxDequeueCount",
                        "newBatchThreshold", "messageEncoding"})
HTTP_KEYS = frozenset({"routePrefix", "maxConcurrentRequests", "maxOutstandingRequests", "dynamicThrottlesEnabled",
                       "hsts", "customHeaders"})
SCHEMA_TIMESPAN = re.compile(r"[0-9][0-9]:[0-9][0-9]:[0-9][0-9](?:\.[0-9]+)?")  # queues-extension-v2 pattern
_DOTNET_TIMESPAN = re.compile(r"(?P<sign>-)?(?:(?P<days>\d+)\.)?(?P<h>\d+):(?P<m>\d+)(?::(?P<s>\d+(?:\.\d+)?))?")
_NUGET_VERSION = r"\d+(?:\.\d+){0,3}(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?"
_FLOATING = r"(?:\d+\.)*\*|\d+(?:\.\d+)*-\*"
_BUNDLE_ID = re.compile(r"\w+(?:[.-]\w+)*")  # NuGet PackageIdValidator.IsValidPackageId, at most 100 chars
# The plan the host runs on: WEBSITE_SKU as the platform sets it; the product deploys to Flex Consumption
# (infra/modules/functionapp.bicep), so that is what the devhost checks against when the variable is unset.
DEFAULT_SKU = "FlexConsumption"
OUT_OF_RANGE = "Specified argument was out of the range of valid values. (Parameter 'value')"
MIN_TIMEOUT, MAX_DYNAMIC_TIMEOUT = 1.0, 600.0


class HostJsonError(ValueError):
    """host.json breaks a rule the host enforces at start-up; ``str()`` is the host's message."""


def dotnet_timespan(value: Any) -> float | None:
    """Seconds for what .NET's ``TimeSpan.Parse`` accepts (``[-][d.]hh:mm[:ss[.f]]`` or whole days), else None."""
    text = str(value).strip()
    if re.fullmatch(r"-?\d+", text):
        return int(text) * 86400.0
    match = _DOTNET_TIMESPAN.fullmatch(text)
    if not match or int(match["h"]) > 23 or int(match["m"]) > 59 or float(match["s"] or 0) >= 60:
        return None
    seconds = int(match["days"] or 0) * 86400 + int(match["h"]) * 3600 + int(match["m"]) * 60 + float(match["s"] or 0)
    return -seconds if match["sign"] else seconds


def sku(environ: Mapping[str, str]) -> str:
    return environ.get("WEBSITE_SKU") or DEFAULT_SKU


def check_version(raw: Mapping[str, Any]) -> None:
    if not raw:
        return  # an empty host.json is replaced by {"version": "2.0"}
    version = raw.get("version")
    if not version:
        raise HostJsonError("The host.json file is missing the required 'version' property. See "
                            "https://aka.ms/functions-hostjson for steps to migrate the configuration file.")
    if str(version) != "2.0":
        hint = ("This does not correspond to the function runtime version, only to the schema version of the "
                "host.json file. " if str(version).startswith("3") else "")
        raise HostJsonError(f"'{version}' is an invalid value for host.json 'version' property. We recommend you "
                            f"set the 'version' property to '2.0'. {hint}See https://aka.ms/functions-hostjson for "
                            "more information on this configuration file.")


def check_sections(raw: Mapping[str, Any]) -> None:
    unknown = sorted(set(raw) - KNOWN_SECTIONS)
    if unknown:
        raise HostJsonError(f"host.json has properties the host.json schema does not allow: {', '.join(unknown)} "
                            "(the Functions host would ignore them).")


def _format_timespan(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}:{secs:02d}"


def check_function_timeout(raw: Mapping[str, Any], environ: Mapping[str, str]) -> None:
    """ConfigureFunctionTimeout: 1 s .. 10 min on Consumption ('Dynamic'); unbounded (or -1) elsewhere."""
    if raw.get("functionTimeout") is None:
        return
    seconds = dotnet_timespan(raw["functionTimeout"])
    if seconds is None:
        raise HostJsonError(f"host.json functionTimeout '{raw['functionTimeout']}' is not a TimeSpan (hh:mm:ss).")
    unbounded = sku(environ).lower() != "dynamic"  # SkuSupportsUnboundedTimeout: not Consumption, or Flex Consumption
    if unbounded and seconds == -86400:
        return
    most = None if unbounded else MAX_DYNAMIC_TIMEOUT
    if seconds < MIN_TIMEOUT or (most is not None and seconds > most):
        shown = "10675199.02:48:05.4775807" if most is None else _format_timespan(most)
        raise HostJsonError(f"FunctionTimeout must be greater than {_format_timespan(MIN_TIMEOUT)} and less than "
                            f"{shown}.")


def is_version_range(text: str) -> bool:
    """NuGet ``VersionRange.TryParse(text, allowFloating: true)``: ``1.2.3``, ``4.*``, ``[4.0, 5.0)`` and kin."""
    text = text.strip()
    bare = re.fullmatch(f"{_NUGET_VERSION}|{_FLOATING}", text)
    if bare:
        return True
    match = re.fullmatch(r"([\[(])\s*([^,\s]*)\s*(?:,\s*([^,\s]*)\s*)?([\])])", text)
    if not match:
        return False
    low, high = match[2], match[3]
    if high is None:  # "[1.0]" is an exact version; "(1.0)" is not a range
        return match[1] == "[" and match[4] == "]" and bool(re.fullmatch(_NUGET_VERSION, low))
    return bool((low or high)
                and (not low or re.fullmatch(f"{_NUGET_VERSION}|{_FLOATING}", low))
                and (not high or re.fullmatch(_NUGET_VERSION, high)))


def check_extension_bundle(raw: Mapping[str, Any]) -> None:
    bundle = raw.get("extensionBundle")
    if bundle is None:
        return
    bundle = bundle if isinstance(bundle, Mapping) else {}
    version = str(bundle.get("version") or "")
    if not version.strip() or not is_version_range(version):
        raise HostJsonError("The value of version property in extensionBundle section of host.json file is "
                            "invalid or missing. See https://aka.ms/functions-hostjson for more information")
    bundle_id = str(bundle.get("id") or "")
    if not bundle_id.strip() or len(bundle_id) > 100 or not _BUNDLE_ID.fullmatch(bundle_id):
        raise HostJsonError("The value of id property in extensionBundle section of host.json file is invalid or "
                            "missing. See https://aka.ms/functions-hostjson for more information")


def _int_at_least(queues: Mapping[str, Any], key: str, low: int, high: int | None, message: str) -> None:
    if key not in queues:
        return
    value = queues[key]
    if isinstance(value, bool) or not isinstance(value, int):
        raise HostJsonError(f"host.json extensions.queues.{key} must be an integer (host.json schema), got {value!r}.")
    if value < low or (high is not None and value > high):
        raise HostJsonError(f"host.json extensions.queues.{key} = {value}: {message}")


def _timespan_key(queues: Mapping[str, Any], key: str) -> float | None:
    if key not in queues:
        return None
    value = queues[key]
    seconds = dotnet_timespan(value) if isinstance(value, str) and SCHEMA_TIMESPAN.fullmatch(value) else None
    if seconds is None:  # the schema's pattern, and .NET's TimeSpan.Parse (hours 0-23, minutes/seconds 0-59)
        raise HostJsonError(f"host.json extensions.queues.{key} must be a TimeSpan string hh:mm:ss[.fff] "
                            f"(host.json schema, queues-extension-v2), got {value!r}.")
    return seconds


def _only_known(section: Mapping[str, Any], known: frozenset[str], where: str) -> None:
    unknown = sorted(set(section) - known)
    if unknown:
        raise HostJsonError(f"host.json {where} has properties the schema does not allow: {', '.join(unknown)}.")


def check_queues(raw: Mapping[str, Any]) -> None:
    queues = (raw.get("extensions") or {}).get("queues")
    if queues is None:
        return
    _only_known(queues, QUEUE_KEYS, "extensions.queues")
    _int_at_least(queues, "batchSize", 1, 32, OUT_OF_RANGE)
    _int_at_least(queues, "newBatchThreshold", 0, None, OUT_OF_RANGE)
    _int_at_least(queues, "maxDequeueCount", 1, None, "MaxDequeueCount must not be less than 1.")
    polling = _timespan_key(queues, "maxPollingInterval")
    if polling is not None and polling < 0.1:
        raise HostJsonError("MaxPollingInterval must not be less than 00:00:00.1000000.")
    _timespan_key(queues, "visibilityTimeout")  # QueuesOptions.VisibilityTimeout has no range of its own
    encoding = queues.get("messageEncoding")
    if encoding is not None and str(encoding).lower() not in ("base64", "none"):
        raise HostJsonError(f"host.json extensions.queues.messageEncoding must be 'base64' or 'none', got "
                            f"{encoding!r}.")


def check_http(raw: Mapping[str, Any]) -> None:
    http = (raw.get("extensions") or {}).get("http")
    if http is None:
        return
    _only_known(http, HTTP_KEYS, "extensions.http")
    if "routePrefix" in http and not isinstance(http["routePrefix"], str):
        raise HostJsonError("host.json extensions.http.routePrefix must be a string (host.json schema).")


def validate(raw: Any, environ: Mapping[str, str]) -> None:
    """Raise HostJsonError with the host's message for the first rule ``raw`` (parsed host.json) breaks."""
    if not isinstance(raw, Mapping):
        raise HostJsonError("host.json must hold a JSON object.")
    for check in (check_version, check_sections, check_extension_bundle, check_queues, check_http):
        check(raw)
    check_function_timeout(raw, environ)
