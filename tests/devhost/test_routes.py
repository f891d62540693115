"""Route templates are matched like the Functions host (ASP.NET routing) matches them."""

from __future__ import annotations

import pytest

from devhost.routes import RouteError, RouteTable, compile_template


class TestTemplates:
    @pytest.mark.parametrize(("template", "path", "expected"), [
        ("health", "health", {}),
        ("health", "HEALTH", {}),
        ("items/{id}", "items/42", {"id": "42"}),
        ("items/{id}/{tag?}", "items/42", {"id": "42"}),
        ("items/{id}/{tag?}", "items/42/red", {"id": "42", "tag": "red"}),
        ("items/{id:int}", "items/-7", {"id": "-7"}),
        ("pages/{page=1}", "pages", {"page": "1"}),
        ("pages/{page=1}", "pages/3", {"page": "3"}),
        ("files/{*rest}", "files/a/b/c.txt", {"rest": "a/b/c.txt"}),
        ("files/{*rest}", "files", {}),
        ("v{version}/users", "v2/users", {"version": "2"}),
    ])
    def test_matches_and_extracts_route_params(self, template: str, path: str, expected: dict[str, str]) -> None:
        assert compile_template(template).match(path) == expected

    @pytest.mark.parametrize(("template", "path"), [
        ("health", "healthz"),
        ("items/{id}", "items"),
        ("items/{id}", "items/1/2"),
        ("items/{id:int}", "items/abc"),
        ("items/{id:guid}", "items/not-a-guid"),
        ("items/{id}/{tag?}", "items/1/2/3"),
    ])
    def test_rejects_paths_that_do_not_fit(self, template: str, path: str) -> None:
        assert compile_template(template).match(path) is None

    def test_rejects_unbalanced_braces(self) -> None:
        with pytest.raises(RouteError):
            compile_template("items/{id")


class TestRouteTable:
    def test_literal_route_wins_over_parameter_route_regardless_of_order(self) -> None:
        table: RouteTable[str] = RouteTable()
        table.add("items/{id}", [], "by-id")
        table.add("items/special", [], "special")
        assert table.match("items/special", "GET") == ("special", {})
        assert table.match("items/7", "GET") == ("by-id", {"id": "7"})

    def test_method_must_be_allowed(self) -> None:
        table: RouteTable[str] = RouteTable()
        table.add("hook", ["POST"], "hook")
        assert table.match("hook", "post") == ("hook", {})
        assert table.match("hook", "GET") is None

    def test_no_methods_means_any_method(self) -> None:
        table: RouteTable[str] = RouteTable()
        table.add("any", [], "any")
        assert table.match("any", "DELETE") == ("any", {})
