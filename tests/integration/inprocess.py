"""The product's services built in this process by the real composition root, against a running Stack (Azurite,
optionally the emulators): use cases and HTTP functions are called directly, through the real adapters."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import azure.functions as func

import function_app
from devhost.stack import Stack
from shared import bootstrap
from shared.config import Settings
from shared.services.deps import Services


def build(stack: Stack, **env: str) -> Services:
    """Services on the stack's storage, in tables of their own (a fresh prefix): tests do not see each other."""
    prefix = "T" + uuid.uuid4().hex[:10]
    settings = Settings.from_env({**stack.app_env(), "MAIL_TABLE_PREFIX": prefix, **env})
    return bootstrap.build_services(settings)


@contextmanager
def installed(deps: Services) -> Iterator[Services]:
    """``deps`` as what get_services() returns while the block runs."""
    bootstrap.override(deps)
    try:
        yield deps
    finally:
        bootstrap.override(None)


@functools.cache
def registered_functions() -> list[Any]:
    """``function_app.app.get_functions()``, callable more than once per process: the library records the names it
    indexed and refuses a second indexing, so it runs on a cleared record of names (restored after)."""
    app = function_app.app
    seen, app.functions_bindings = app.functions_bindings, {}
    try:
        return list(app.get_functions())
    finally:
        app.functions_bindings = seen


def user_functions() -> dict[str, tuple[func.FunctionApp, Callable[..., func.HttpResponse]]]:
    """Every registered function by name: (its metadata, the user function)."""
    return {f.get_function_name(): (f, f.get_user_function()) for f in registered_functions()}
