"""host.json and local.settings.json, read the way the Functions host reads them.

The whole file is first checked against the host's start-up rules (``devhost.hostjson``). Then only the parts
the local host honours are read: ``extensions.queues`` (polling, retries, poison, encoding),
``extensions.http.routePrefix`` and ``functionTimeout`` (logged, not enforced). Defaults are the Storage
queue extension's (v5) defaults, so a missing host.json behaves like an empty one in Azure.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from devhost.hostjson import HostJsonError, dotnet_timespan
from devhost.hostjson import validate as validate_host_json


class HostConfigError(ValueError):
    """host.json or local.settings.json is unreadable or holds a value the host cannot use."""


def parse_timespan(value: str) -> float:
    """Seconds for a .NET TimeSpan as host.json writes durations (``[-][d.]hh:mm[:ss[.fff]]``)."""
    seconds = dotnet_timespan(value)
    if seconds is None:
        raise HostConfigError(f"not a TimeSpan (hh:mm:ss): {value!r}")
    return seconds


@dataclass(frozen=True, slots=True)
class QueueOptions:
    batch_size: int = 16
    new_batch_threshold: int = 8
    max_polling_interval: float = 60.0  # seconds
    visibility_timeout: float = 0.0  # seconds a failed message stays invisible before its retry
    max_dequeue_count: int = 5
    message_encoding: str = "base64"

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> QueueOptions:
        """``raw`` has passed ``devhost.hostjson.check_queues`` (ranges, TimeSpans, encoding)."""
        batch = int(raw.get("batchSize", 16))
        return cls(
            batch_size=batch,
            new_batch_threshold=int(raw.get("newBatchThreshold", batch // 2)),
            max_polling_interval=parse_timespan(raw.get("maxPollingInterval", "00:01:00")),
            visibility_timeout=parse_timespan(raw.get("visibilityTimeout", "00:00:00")),
            max_dequeue_count=int(raw.get("maxDequeueCount", 5)),
            message_encoding=str(raw.get("messageEncoding", "base64")).lower(),
        )


@dataclass(frozen=True, slots=True)
class HostConfig:
    queues: QueueOptions = QueueOptions()
    route_prefix: str = "api"
    function_timeout: float | None = None

    @classmethod
    def load(cls, path: Path | None, environ: Mapping[str, str] = os.environ) -> HostConfig:
        if path is None or not path.exists():
            return cls()
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:  # HostJsonFileConfigurationSource.LoadHostConfig's message
            raise HostConfigError(f"Unable to parse host configuration file '{path}'. {exc}") from exc
        try:
            validate_host_json(raw, environ)
        except HostJsonError as exc:
            raise HostConfigError(str(exc)) from exc
        extensions = raw.get("extensions", {})
        timeout = raw.get("functionTimeout")
        return cls(
            queues=QueueOptions.from_json(extensions.get("queues", {})),
            route_prefix=str(extensions.get("http", {}).get("routePrefix", "api")).strip("/"),
            function_timeout=_bounded(parse_timespan(timeout)) if timeout else None,
        )


def _bounded(seconds: float) -> float | None:
    """"-1", which the host accepts off Consumption, means no timeout (ScriptJobHostOptionsSetup)."""
    return seconds if seconds >= 0 else None


def apply_local_settings(path: Path, environ: MutableMapping[str, str] = os.environ) -> list[str]:
    """Copy ``Values`` of a local.settings.json into ``environ``; variables already set win (returns names set)."""
    try:
        values = json.loads(path.read_text(encoding="utf-8")).get("Values", {})
    except (OSError, ValueError) as exc:
        raise HostConfigError(f"cannot read {path}: {exc}") from exc
    applied = []
    for name, value in values.items():
        if name not in environ:
            environ[name] = str(value)
            applied.append(name)
    return applied
