"""The Python worker's checks when it loads an indexed function, ported with its messages.

Source: Azure/azure-functions-python-worker ``azure_functions_worker/functions.py`` - ``Registry.
add_indexed_function`` with ``validate_binding_direction``, ``get_explicit_and_implicit_return``,
``is_context_required``, ``validate_function_params`` and ``get_function_return_type``; type checks go through
``azure_functions_worker/bindings/meta.py`` - ``check_input_type_annotation``/``check_output_type_annotation``,
which ask the azure-functions library's converters (``azure.functions.get_binding_registry()``, the same code
the worker runs) or, for other types, ``bindings/generic.py`` - ``GenericBinding`` (str/bytes).
Not ported: deferred (SDK-type) bindings and the HTTP streaming extension.
"""

from __future__ import annotations

import inspect
import typing
from typing import Any

import azure.functions as func

from devhost.indexing import IndexedFunction


class WorkerLoadError(Exception):
    """``FunctionLoadError``: 'cannot load the <name> function: <msg>'."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"cannot load the {name} function: {message}")


def _converter(binding_type: str) -> Any:
    return func.get_binding_registry().get(binding_type)


def _implicit_output(binding_type: str) -> bool:
    converter = _converter(binding_type)
    return bool(converter is not None and getattr(converter, "has_implicit_output", lambda: False)())


def _checks(binding_type: str, pytype: Any, out: bool) -> bool:
    converter = _converter(binding_type) if binding_type != "generic" else None
    if converter is None:  # GenericBinding
        return issubclass(pytype, (str, bytes, bytearray) if out else (str, bytes))
    check = converter.check_output_type_annotation if out else converter.check_input_type_annotation
    return bool(check(pytype))


def _is_out(annotation: Any) -> bool:
    origin = typing.get_origin(annotation) or annotation
    return isinstance(origin, type) and origin.__name__ == "Out"


def _check_param(name: str, fn_name: str, binding: dict[str, Any], annotations: dict[str, Any]) -> None:
    """``validate_function_params``' loop body for one parameter."""
    has_anno, anno = name in annotations, annotations.get(name)
    is_param_out = has_anno and _is_out(anno)
    is_binding_out = str(binding.get("direction", "")).lower() == "out"
    pytype = anno
    if is_param_out:
        args = typing.get_args(anno)
        if len(args) != 1:
            raise WorkerLoadError(fn_name, f"binding {name} has invalid Out annotation {anno!r}")
        pytype = args[0]
    if has_anno and not isinstance(pytype, type) and typing.get_origin(pytype) is None:
        raise WorkerLoadError(fn_name, f"binding {name} has invalid non-type annotation {anno!r}")
    if is_binding_out and has_anno and not is_param_out:
        raise WorkerLoadError(fn_name, f'binding {name} is declared to have the "out" direction, but its '
                                       "annotation in Python is not a subclass of azure.functions.Out")
    if not is_binding_out and is_param_out:
        raise WorkerLoadError(fn_name, f'binding {name} is declared to have the "in" direction in function.json, '
                                       "but its annotation is azure.functions.Out in Python")
    if not has_anno or not isinstance(pytype, type):
        return
    kind = str(binding.get("type"))
    bind_type = "generic" if pytype in (str, bytes) and not _implicit_output(kind) else kind
    if not _checks(bind_type, pytype, out=is_param_out):
        raise WorkerLoadError(fn_name, f'type of {name} binding in function.json "{kind}" does not match its '
                                       f'Python annotation "{pytype.__name__}"')


def _check_return(fn_name: str, bindings: tuple[dict[str, Any], ...], annotations: dict[str, Any]) -> None:
    """``get_function_return_type`` for an explicit ``$return`` binding."""
    returned = next((b for b in bindings if b.get("name") == "$return"), None)
    if returned is None or "return" not in annotations:
        return
    anno = annotations["return"]
    if typing.get_origin(anno) is not None and _is_out(anno):
        raise WorkerLoadError(fn_name, "return annotation should not be azure.functions.Out")
    if not isinstance(anno, type):
        raise WorkerLoadError(fn_name, f"has invalid non-type return annotation {anno!r}")
    kind = str(returned.get("type"))
    if not _checks(kind, anno, out=True):
        raise WorkerLoadError(fn_name, f'Python return annotation "{anno.__name__}" does not match binding type '
                                       f'"{kind}"')


def check(function: IndexedFunction) -> None:
    """Raise WorkerLoadError where ``Registry.add_indexed_function`` would refuse ``function``."""
    name, bindings = function.name, function.raw_bindings
    for binding in bindings:
        direction = str(binding.get("direction", "")).lower()
        if direction == "inout":
            raise WorkerLoadError(name, '"inout" bindings are not supported')
        if binding.get("name") == "$return" and direction != "out":
            raise WorkerLoadError(name, '"$return" binding must have direction set to "out"')
    user_function = function.function.get_user_function()
    params = dict(inspect.signature(user_function).parameters)
    annotations = typing.get_type_hints(user_function)
    bound = {b["name"]: b for b in bindings if b.get("name") != "$return"}
    if "context" in params and "context" not in bound:
        params.pop("context")
        anno = annotations.get("context")
        if "context" in annotations and (not isinstance(anno, type) or anno.__name__ != "Context"):
            raise WorkerLoadError(name, 'the "context" parameter is expected to be of type '
                                        f"azure.functions.Context, got {anno!r}")
    if set(params) - set(bound):
        raise WorkerLoadError(name, "the following parameters are declared in Python but not in function.json: "
                                    f"{set(params) - set(bound)!r}")
    if set(bound) - set(params):
        raise WorkerLoadError(name, "the following parameters are declared in function.json but not in Python: "
                                    f"{set(bound) - set(params)!r}")
    for param in params:
        _check_param(param, name, bound[param], annotations)
    _check_return(name, bindings, annotations)
