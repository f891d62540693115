"""Functions disabled by app setting, as the Functions host reads them.

``AzureWebJobs.<FUNCTION_NAME>.Disabled`` set to ``true`` or ``1`` (case-insensitive); on Linux, where a variable
name cannot hold dots, ``AzureWebJobs_<FUNCTION_NAME>_Disabled`` (azure-webjobs-sdk
src/Microsoft.Azure.WebJobs.Host/Indexers/FunctionIndexer.cs ``IsDisabled`` with ``IsSettingEnabled``;
https://learn.microsoft.com/azure/azure-functions/disable-function). A disabled function's trigger does not
run; a disabled HTTP function answers 404 except to the master key, which may still run any function.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def setting_enabled(value: str | None) -> bool:
    return (value or "").strip().lower() in ("true", "1")


def disabled_functions(names: Iterable[str], environ: Mapping[str, str]) -> set[str]:
    return {name for name in names if setting_enabled(environ.get(f"AzureWebJobs.{name}.Disabled"))
            or setting_enabled(environ.get(f"AzureWebJobs_{name}_Disabled"))}
