"""The local host refuses what the real Functions host refuses, with the host's (or the worker's) own message.

Each test builds a small app with the azure-functions decorators, indexes it the way the Python worker does
(``devhost.indexing``) and checks the metadata in process. Metadata the decorators cannot produce (a bad
direction, an unknown authLevel) is written as the raw bindings the host would receive.
"""

from __future__ import annotations

import logging
import types
from collections.abc import Callable, Iterator
from typing import Any

import azure.functions as func
import pytest

from devhost import hostrules
from devhost.indexing import IndexedFunction, IndexingError, find_register, index
from devhost.registry import RegistryError, load_functions

RESERVED = "The specified route conflicts with one or more built in routes."


def refusals(app: func.FunctionApp, prefix: str = "api") -> list[str]:
    return hostrules.refusals(index(app), prefix)


def http_app(*routes: tuple[str, str | None, list[str] | None]) -> func.FunctionApp:
    """One HTTP function per (name, route, methods)."""
    app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)
    for name, route, methods in routes:
        def handler(req: func.HttpRequest) -> func.HttpResponse:
            return func.HttpResponse("ok")
        app.function_name(name)(app.route(route=route, methods=methods)(handler))
    return app


def raw_function(name: str, *bindings: dict[str, Any], params: Callable[..., Any] | None = None) -> IndexedFunction:
    """Metadata as the host receives it, for what the decorators cannot express."""
    def handler(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse("ok")
    user_function = params or handler
    return IndexedFunction(name, bindings, types.SimpleNamespace(get_user_function=lambda: user_function))


HTTP_IN = {"type": "httpTrigger", "direction": "IN", "name": "req", "authLevel": "FUNCTION", "route": "x"}


class TestReservedRoutes:
    @pytest.mark.parametrize("route", ["admin/options", "/Admin/x", "administrators", "runtime/x", "RUNTIMEinfo/y"])
    def test_routes_under_admin_or_runtime_are_refused(self, route: str) -> None:
        assert refusals(http_app(("Options", route, ["GET"]))) == [f"The 'Options' function is in error: {RESERVED}"]

    def test_the_default_route_is_the_function_name_and_is_checked_too(self) -> None:
        assert refusals(http_app(("AdminThing", None, None))) == [f"The 'AdminThing' function is in error: {RESERVED}"]

    def test_the_route_prefix_does_not_help_and_later_segments_are_free(self) -> None:
        assert refusals(http_app(("A", "admin/x", None)), prefix="") != []
        assert refusals(http_app(("A", "manage/admin", None), ("B", "x/runtime", None))) == []


class TestFunctionNames:
    @pytest.mark.parametrize("name", ["1Bad", "bad name", "bad.name", "host", "HOST", "a" * 129, "_x"])
    def test_names_outside_the_hosts_pattern_are_refused(self, name: str) -> None:
        assert refusals(http_app((name, "ok", None))) == [
            f"The '{name}' function is in error: '{name}' is not a valid function name."]

    @pytest.mark.parametrize("name", ["a", "Get-Thing_2", "hosts", "a" * 128])
    def test_names_inside_the_pattern_pass(self, name: str) -> None:
        assert refusals(http_app((name, "ok", None))) == []

    def test_a_name_used_twice_is_refused_by_the_library_while_indexing(self) -> None:
        with pytest.raises(IndexingError, match="Function Same does not have a unique function name"):
            index(http_app(("Same", "one", None), ("Same", "two", None)))

    def test_a_name_used_twice_in_metadata_is_refused_by_the_host(self) -> None:
        functions = [raw_function("Same", HTTP_IN | {"route": "one"}), raw_function("Same", HTTP_IN | {"route": "two"})]
        assert hostrules.refusals(functions) == ["The 'Same' function is in error: The function or proxy name 'Same' "
                                                 "must be unique within the function app."]


class TestRouteConflicts:
    @pytest.mark.parametrize(("first", "second"), [
        (("items", ["GET"]), ("items", ["GET", "POST"])),
        (("items", None), ("items", ["DELETE"])),
        (("Items/", ["PUT"]), ("items", ["PUT"])),
        (("items/{id}", ["GET"]), ("items/{id}", ["GET"])),
    ])
    def test_same_template_and_a_shared_method_is_refused(self, first: tuple[str, list[str] | None],
                                                          second: tuple[str, list[str] | None]) -> None:
        app = http_app(("First", *first), ("Second", *second))
        assert refusals(app) == ["The 'Second' function is in error: The route specified conflicts with the route "
                                 "defined by function 'First'."]

    @pytest.mark.parametrize(("first", "second"), [
        (("items", ["GET"]), ("items", ["POST"])),
        (("items", ["GET"]), ("items/{id}", ["GET"])),
        (("items/{id}", ["GET"]), ("items/{key}", ["GET"])),  # the host compares template text only
    ])
    def test_different_templates_or_methods_pass(self, first: tuple[str, list[str] | None],
                                                 second: tuple[str, list[str] | None]) -> None:
        assert refusals(http_app(("First", *first), ("Second", *second))) == []


class TestRouteTemplates:
    @pytest.mark.parametrize(("route", "problem"), [
        ("a//b", "The route template separator character '/' cannot appear consecutively."),
        ("/a", "The route template separator character '/' cannot appear consecutively."),  # 'api' + '/' + '/a'
        ("a/{id", "There is an incomplete parameter in the route template."),
        ("a/{x}{y}", "A path segment cannot contain two consecutive parameters."),
        ("a/{*rest}/b", "A catch-all parameter can only appear as the last segment of the route template."),
        ("a/{id}/{ID}", "The route parameter name 'ID' appears more than one time in the route template."),
        ("a/{id:number}", "The constraint entry 'id' - 'number' on the route 'api/a/{id:number}' could not be "
                          "resolved by the constraint resolver of type 'DefaultInlineConstraintResolver'."),
        ("a/{id?=1}", "The route parameter name 'id?' is invalid."),
        ("a/{*rest?}", "A catch-all parameter cannot be marked optional."),
        ("a/b?c", "The literal section 'b?c' is invalid."),
        ("a/x-{y?}", "In the segment 'x-{y}', the optional parameter 'y' is preceded by an invalid segment 'x-'."),
    ])
    def test_templates_aspnet_routing_rejects_are_refused(self, route: str, problem: str) -> None:
        (message,) = refusals(http_app(("Bad", route, None)))
        assert message.startswith("The 'Bad' function is in error: An error occurred while creating the route with "
                                  f"name 'Bad' and template 'api/{route}'. {problem}")

    @pytest.mark.parametrize("route", ["items/{id:int}/{tag?}", "pages/{page=1}", "files/{*rest}", "v{version}/x",
                                       "f/{name}.{ext?}", "n/{id:int:min(1)}", "r/{code:regex(^\\d{{3}}$)}"])
    def test_templates_aspnet_routing_accepts_pass(self, route: str) -> None:
        assert refusals(http_app(("Good", route, None))) == []


class TestAuthLevels:
    @pytest.mark.parametrize("level", ["anonymous", "FUNCTION", "Admin", "system", "user", "1"])
    def test_the_hosts_authorization_levels_pass(self, level: str) -> None:
        assert hostrules.refusals([raw_function("F", HTTP_IN | {"authLevel": level})]) == []

    def test_an_unknown_level_is_refused(self) -> None:
        assert hostrules.refusals([raw_function("F", HTTP_IN | {"authLevel": "owner"})]) == [
            "The 'F' function is in error: Error parsing function.json: Invalid value specified for binding "
            "property 'authLevel' of enum type AuthorizationLevel."]


class TestBindings:
    def test_a_binding_name_with_an_underscore_is_refused(self) -> None:
        app = func.FunctionApp()

        @app.function_name("Enqueue")
        @app.route(route="enqueue")
        @app.queue_output(arg_name="out_msg", queue_name="q", connection="AzureWebJobsStorage")
        def enqueue(req: func.HttpRequest, out_msg: func.Out[str]) -> None:
            return None

        assert refusals(app) == ["The 'Enqueue' function is in error: The binding name out_msg is invalid. Please "
                                 "assign a valid name to the binding."]

    def test_binding_names_are_unique_ignoring_case(self) -> None:
        app = func.FunctionApp()

        @app.function_name("Twice")
        @app.queue_trigger(arg_name="msg", queue_name="q", connection="AzureWebJobsStorage")
        @app.queue_output(arg_name="Msg", queue_name="q2", connection="AzureWebJobsStorage")
        def twice(msg: str, Msg: func.Out[str]) -> None:  # noqa: N803 - the name is the point of the test
            return None

        (message,) = refusals(app)
        assert message in [f"The 'Twice' function is in error: Multiple bindings with name '{n}' discovered. Binding "
                           "names must be unique." for n in ("msg", "Msg")]

    @pytest.mark.parametrize(("binding", "message"), [
        (HTTP_IN | {"direction": "sideways"}, "'sideways' is not a valid binding direction."),
        ({"type": "http", "direction": "IN", "name": "$return"}, "$return bindings must specify a direction of 'out'."),
        ({"type": "http", "direction": "OUT", "name": "$result"},
         "The binding name $result is invalid. Please assign a valid name to the binding."),
    ])
    def test_directions_and_return_bindings(self, binding: dict[str, Any], message: str) -> None:
        function = raw_function("F", HTTP_IN | {"name": "req"}, binding)
        assert hostrules.refusals([function]) == [f"The 'F' function is in error: {message}"]

    def test_a_function_needs_a_trigger_that_is_an_input(self) -> None:
        function = raw_function("F", {"type": "queue", "direction": "OUT", "name": "req", "queueName": "q"})
        assert hostrules.refusals([function]) == ["The 'F' function is in error: No trigger binding specified. A "
                                                  "function must have a trigger input binding."]
        assert hostrules.refusals([raw_function("G")]) == [
            "The 'G' function is in error: At least one binding must be declared."]

    def test_the_library_refuses_a_function_without_a_trigger(self) -> None:
        app = func.FunctionApp()
        app.function_name("Lonely")(app.queue_output(arg_name="out", queue_name="q", connection="c")(lambda out: None))
        with pytest.raises(IndexingError, match="Function Lonely does not have a trigger"):
            index(app)


class TestTriggerSettings:
    @staticmethod
    def timer_app(schedule: str) -> func.FunctionApp:
        app = func.FunctionApp()
        app.function_name("Tick")(app.timer_trigger(arg_name="timer", schedule=schedule)(lambda timer: None))
        return app

    @pytest.mark.parametrize("schedule", ["0 */5 * * *", "every minute", "0 61 * * * *", "%UNSET_SCHEDULE%"])
    def test_a_schedule_that_is_not_six_field_ncrontab_or_a_timespan_is_refused(self, schedule: str) -> None:
        assert refusals(self.timer_app(schedule)) == [
            "The 'Tick' function is in error: Error indexing method 'Functions.Tick'. The schedule expression was "
            "not recognized as a valid cron expression or timespan string."]

    @pytest.mark.parametrize("schedule", ["0 */5 * * * *", "*/10 * * * * 1-5", "00:05:00", "1.00:00:00"])
    def test_ncrontab_with_seconds_and_timespans_pass(self, schedule: str) -> None:
        assert refusals(self.timer_app(schedule)) == []

    def test_a_schedule_from_an_app_setting_is_checked_resolved(self) -> None:
        app = self.timer_app("%TICK_SCHEDULE%")
        assert hostrules.refusals(index(app), environ={"TICK_SCHEDULE": "0 0 * * * *"}) == []

    @pytest.mark.parametrize(("queue", "problem"), [
        ("ab", 'A queue name must be from 3 to 63 characters long - "ab"'),
        ("-mail", 'The dash (-) character may not be the first or last letter - "-mail"'),
        ("mail_messages", 'A queue name can contain only letters, numbers, and dash(-) characters - "mail_messages"'),
        ("mail--messages", "A queue name cannot contain consecutive dash(-) characters."),
    ])
    def test_queue_names_the_storage_extension_refuses(self, queue: str, problem: str) -> None:
        app = func.FunctionApp()
        app.function_name("Work")(app.queue_trigger(arg_name="msg", queue_name=queue, connection="c")(lambda msg: None))
        assert refusals(app) == [f"The 'Work' function is in error: Error indexing method 'Functions.Work'. {problem} "
                                 "(Parameter 'name')"]

    def test_queue_names_are_lower_cased_first_and_output_names_with_braces_wait_for_run_time(self) -> None:
        app = func.FunctionApp()

        @app.function_name("Forward")
        @app.queue_trigger(arg_name="msg", queue_name="Mail-Messages", connection="c")
        @app.queue_output(arg_name="out", queue_name="{queueTrigger}", connection="c")
        def forward(msg: str, out: func.Out[str]) -> None:
            return None

        assert refusals(app) == []


class TestPlan:
    @staticmethod
    def blob_app(**source: str) -> func.FunctionApp:
        app = func.FunctionApp()
        app.function_name("OnBlob")(app.blob_trigger(arg_name="blob", path="in/{name}", connection="c", **source)(
            lambda blob: None))
        return app

    def test_flex_consumption_takes_only_event_grid_blob_triggers(self) -> None:
        message = ("The 'OnBlob' function is in error: The Flex Consumption SKU only supports EventGrid as the source "
                   "for BlobTrigger functions. Please update function 'OnBlob' to use EventGrid. For more information "
                   "see https://aka.ms/blob-trigger-eg.")
        assert hostrules.refusals(index(self.blob_app()), environ={}) == [message]  # unset: the product's plan
        assert hostrules.refusals(index(self.blob_app()), environ={"WEBSITE_SKU": "FlexConsumption"}) == [message]
        assert hostrules.refusals(index(self.blob_app()), environ={"WEBSITE_SKU": "ElasticPremium"}) == []
        event_grid = self.blob_app(source=func.BlobSource.EVENT_GRID)
        assert hostrules.refusals(index(event_grid), environ={}) == []


class TestPythonWorker:
    def test_inout_bindings_are_not_supported(self) -> None:
        function = raw_function("F", HTTP_IN | {"direction": "INOUT"})
        assert hostrules.refusals([function]) == [
            'The \'F\' function is in error: cannot load the F function: "inout" bindings are not supported']

    def test_python_parameters_must_match_the_binding_names(self) -> None:
        app = func.FunctionApp()

        @app.function_name("Extra")
        @app.route(route="extra")
        def extra(req: func.HttpRequest, deps: object) -> func.HttpResponse:
            return func.HttpResponse("ok")

        assert refusals(app) == ["The 'Extra' function is in error: cannot load the Extra function: the following "
                                 "parameters are declared in Python but not in function.json: {'deps'}"]

    def test_out_bindings_need_an_out_annotation_and_inputs_must_not_have_one(self) -> None:
        app = func.FunctionApp()

        @app.function_name("Relay")
        @app.queue_trigger(arg_name="msg", queue_name="in-q", connection="c")
        @app.queue_output(arg_name="out", queue_name="out-q", connection="c")
        def relay(msg: str, out: str) -> None:
            return None

        @app.function_name("Backwards")
        @app.queue_trigger(arg_name="msg", queue_name="in-q", connection="c")
        def backwards(msg: func.Out[str]) -> None:
            return None

        @app.function_name("Bare")
        @app.queue_trigger(arg_name="msg", queue_name="in-q", connection="c")
        @app.queue_output(arg_name="out", queue_name="out-q", connection="c")
        def bare(msg: str, out: func.Out) -> None:  # type: ignore[type-arg]
            return None

        assert refusals(app) == [
            'The \'Relay\' function is in error: cannot load the Relay function: binding out is declared to have the '
            '"out" direction, but its annotation in Python is not a subclass of azure.functions.Out',
            'The \'Backwards\' function is in error: cannot load the Backwards function: binding msg is declared to '
            'have the "in" direction in function.json, but its annotation is azure.functions.Out in Python',
            "The 'Bare' function is in error: cannot load the Bare function: binding out has invalid Out annotation "
            "<class 'azure.functions._abc.Out'>"]

    def test_annotations_must_fit_the_binding_types(self) -> None:
        app = func.FunctionApp()

        @app.function_name("Tick")
        @app.timer_trigger(arg_name="timer", schedule="0 0 * * * *")
        def tick(timer: func.HttpRequest) -> None:
            return None

        @app.function_name("Answer")
        @app.route(route="answer")
        def answer(req: func.HttpRequest) -> dict:  # type: ignore[type-arg]
            return {}

        @app.function_name("Silent")
        @app.route(route="silent")
        def silent(req: func.HttpRequest, context: str) -> func.HttpResponse:
            return func.HttpResponse("ok")

        assert refusals(app) == [
            'The \'Tick\' function is in error: cannot load the Tick function: type of timer binding in function.json '
            '"timerTrigger" does not match its Python annotation "HttpRequest"',
            'The \'Answer\' function is in error: cannot load the Answer function: Python return annotation "dict" '
            'does not match binding type "http"',
            'The \'Silent\' function is in error: cannot load the Silent function: the "context" parameter is '
            "expected to be of type azure.functions.Context, got <class 'str'>"]

    def test_an_unbound_context_parameter_is_allowed(self) -> None:
        app = func.FunctionApp()

        @app.function_name("WithContext")
        @app.route(route="ctx")
        def with_context(req: func.HttpRequest, context: func.Context) -> func.HttpResponse:
            return func.HttpResponse("ok")

        assert refusals(app) == []


class TestFindingTheApp:
    def test_exactly_one_top_level_app(self) -> None:
        module = types.ModuleType("two_apps")
        module.first, module.second = func.FunctionApp(), func.FunctionApp()  # type: ignore[attr-defined]
        with pytest.raises(IndexingError, match="More than one FunctionApp or other top level function app instances"):
            find_register(module)
        with pytest.raises(IndexingError, match="Could not find top level function app instances in none.py"):
            find_register(types.ModuleType("none"))


@pytest.fixture
def product_functions() -> Iterator[list[IndexedFunction]]:
    """function_app indexed on a cleared record of names (the library checks names once per process)."""
    logging.disable(logging.WARNING)
    import function_app
    app = function_app.app
    seen, app.functions_bindings = app.functions_bindings, {}
    try:
        yield index(app)
    finally:
        app.functions_bindings = seen
        logging.disable(logging.NOTSET)


def test_function_app_passes_every_host_rule(product_functions: list[IndexedFunction]) -> None:
    assert len(product_functions) >= 20
    assert hostrules.refusals(product_functions, "api") == []


def test_load_functions_raises_with_every_refusal(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("devhost_bad_app")
    module.app = http_app(("Options", "admin/options", ["GET"]), ("1st", "fine", None))  # type: ignore[attr-defined]
    monkeypatch.setitem(__import__("sys").modules, "devhost_bad_app", module)
    with pytest.raises(hostrules.HostRuleError) as refused:
        load_functions("devhost_bad_app")
    assert refused.value.refusals == [f"The 'Options' function is in error: {RESERVED}",
                                      "The '1st' function is in error: '1st' is not a valid function name."]
    monkeypatch.setitem(__import__("sys").modules, "devhost_bad_app", types.ModuleType("devhost_bad_app"))
    with pytest.raises(RegistryError, match="Could not find top level function app instances"):
        load_functions("devhost_bad_app")


def test_queue_names_are_served_lower_cased_like_the_extension(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("devhost_mixed_case_app")
    module.app = app = func.FunctionApp()  # type: ignore[attr-defined]
    app.function_name("Work")(app.queue_trigger(arg_name="msg", queue_name="Mail-Messages", connection="c")(
        lambda msg: None))
    monkeypatch.setitem(__import__("sys").modules, "devhost_mixed_case_app", module)
    (spec,) = load_functions("devhost_mixed_case_app")
    assert spec.settings["queue_name"] == "mail-messages"
