"""The strict Bicep readers the drift tests rely on: they read our shapes and refuse anything else."""

from __future__ import annotations

import pytest

from tests.infra.bicep import BicepShapeError, Ref, block, module_params, params, parse_object, parse_value, render


class TestParseValue:
    def test_reads_a_parameter_reference(self) -> None:
        assert parse_value("identityClientId") == (Ref("identityClientId"),)

    def test_reads_interpolations_and_escapes(self) -> None:
        assert parse_value("'ClientId=${id};it\\'s'") == ("ClientId=", Ref("id"), ";it's")

    @pytest.mark.parametrize("source", ["toLower(x)", "'${a.b}'", "a.outputs.b", "'''multi'''", "'a\\qb'", "true"])
    def test_refuses_anything_else(self, source: str) -> None:
        with pytest.raises(BicepShapeError):
            parse_value(source)


class TestParseObject:
    def test_reads_one_entry_per_line_and_skips_comments(self) -> None:
        source = "var s = {\n  // note\n  A: 'x'\n  'B': y\n}"
        assert parse_object(source) == {"A": ("x",), "B": (Ref("y"),)}

    def test_refuses_duplicate_keys(self) -> None:
        with pytest.raises(BicepShapeError, match="duplicate"):
            parse_object("var s = {\n  A: 'x'\n  A: 'y'\n}")

    def test_refuses_nested_objects(self) -> None:
        with pytest.raises(BicepShapeError):
            parse_object("var s = {\n  A: {\n    B: 'x'\n  }\n}")


class TestBlockAndRender:
    def test_block_needs_both_markers(self) -> None:
        assert block("x\n// BEGIN s\nvar a = 1\n// END s\n", "s") == "var a = 1"
        with pytest.raises(BicepShapeError):
            block("// BEGIN s\nvar a = 1\n", "s")

    def test_render_names_a_missing_parameter(self) -> None:
        assert render(("a", Ref("p")), {"p": "b"}) == "ab"
        with pytest.raises(KeyError, match="'q'"):
            render((Ref("q"),), {})


class TestParams:
    def test_reads_decorators_defaults_and_literal_defaults(self) -> None:
        source = (
            "@description('Optional. Sku.')\n@allowed([\n  'FC1'\n  'EP1'\n])\nparam sku string = 'FC1'\n\n"
            "@description('Required. Name.')\nparam name string\nparam url string = 'https://${name}/api'\n"
        )
        found = params(source)
        assert found["sku"].decorators == ("@description('Optional. Sku.')", "@allowed([")
        assert found["sku"].literal_default == "FC1"
        assert found["name"].default is None and found["name"].decorators == ("@description('Required. Name.')",)
        assert found["url"].decorators == () and found["url"].literal_default is None

    def test_module_params_reads_a_conditional_module(self) -> None:
        source = "module m 'm.bicep' = if (x) {\n  name: 'm'\n  params: {\n    a: b\n    c: 'd'\n  }\n}\n"
        assert module_params(source, "m") == {"a": "b", "c": "'d'"}
