"""Function metadata taken the way the Python worker hands it to the Functions host.

The worker (azure-functions-python-worker, ``azure_functions_worker/loader.py``: ``index_function_app`` and
``process_indexed_function``/``get_fx_raw_bindings``) imports the script, finds the one top-level
``FunctionRegister``, calls ``app.get_functions()`` and sends each function's ``get_function_name()`` and
``get_raw_bindings()`` (JSON strings, one per binding) to the host. The host validates exactly that; so does
``devhost.hostrules``. Nothing here reads the decorators itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import azure.functions as func


class IndexingError(RuntimeError):
    """The worker cannot index the app (its own message)."""


@dataclass(frozen=True, slots=True)
class IndexedFunction:
    name: str
    raw_bindings: tuple[dict[str, Any], ...]  # function.json form, as the host receives them
    function: Any  # the library's Function, for the worker-side checks and for invoking it

    @property
    def trigger(self) -> dict[str, Any] | None:
        return next((b for b in self.raw_bindings if str(b.get("type", "")).lower().endswith("trigger")), None)


def find_register(module: ModuleType, attr: str | None = None) -> func.FunctionRegister:
    """The app the worker would index: ``attr`` if named, else the single top-level ``FunctionRegister``.

    Messages from ``loader.index_function_app`` (azure-functions-python-worker).
    """
    if attr:
        app = getattr(module, attr, None)
        if not isinstance(app, func.FunctionRegister):
            raise IndexingError(f"{module.__name__}.{attr} is not a FunctionApp")
        return app
    found: func.FunctionRegister | None = None
    for name in module.__dir__():
        value = getattr(module, name, None)
        if isinstance(value, func.FunctionRegister):
            if found is not None:
                raise IndexingError(f"More than one {found.__class__.__name__} or other top level function app "
                                    "instances are defined.")
            found = value
    if found is None:
        raise IndexingError(f"Could not find top level function app instances in {module.__name__}.py.")
    return found


def index(app: func.FunctionRegister) -> list[IndexedFunction]:
    """``app.get_functions()`` and each function's raw bindings, as the worker sends them to the host.

    The library refuses some apps while building (a function without a trigger, two functions with one name:
    ``FunctionBuilder._validate_function`` and ``FunctionRegister.validate_function_names`` in
    azure-functions-python-library ``azure/functions/decorators/function_app.py``); its message is kept.
    """
    try:
        functions = app.get_functions()
    except ValueError as exc:
        raise IndexingError(str(exc)) from exc
    return [IndexedFunction(str(f.get_function_name()), tuple(json.loads(raw) for raw in f.get_raw_bindings()), f)
            for f in functions]
