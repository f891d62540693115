"""Small, strict readers for the few Bicep shapes tests/infra needs (the app venv has no Bicep parser).

Only the shapes our own Bicep uses are accepted. Anything else raises ``BicepShapeError`` naming the line,
so a Bicep change this reader cannot follow fails the tests loudly instead of being silently skipped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infra"
MAIN = INFRA / "main.bicep"
APP_SETTINGS = INFRA / "modules" / "appsettings.bicep"

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
_ENTRY = re.compile(rf"^(?P<key>{IDENT}|'[^'$\\]*')\s*:\s*(?P<value>.+)$")
_PARAM = re.compile(rf"^param\s+(?P<name>{IDENT})\s+(?P<type>{IDENT})(?:\s*=\s*(?P<default>.+))?$")
_ESCAPES = {"'": "'", "\\": "\\", "$": "$", "n": "\n", "r": "\r", "t": "\t"}


class BicepShapeError(ValueError):
    """The Bicep uses a construct these readers deliberately do not support."""


@dataclass(frozen=True)
class Ref:
    """A bare parameter reference inside a value."""

    name: str


Value = tuple[str | Ref, ...]  # concatenation of literal text and parameter references


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: str | None  # the Bicep source of the default, None when there is none
    decorators: tuple[str, ...]

    @property
    def literal_default(self) -> str | None:
        """The default as a plain string when it is a string literal without interpolation."""
        if self.default is None or not self.default.startswith("'"):
            return None
        value = parse_value(self.default)
        return "".join(str(p) for p in value) if all(isinstance(p, str) for p in value) else None


def block(text: str, name: str) -> str:
    """The lines strictly between ``// BEGIN <name>`` and ``// END <name>``."""
    begin = re.search(rf"^// BEGIN {re.escape(name)}\b.*$", text, re.M)
    end = re.search(rf"^// END {re.escape(name)}\b.*$", text, re.M)
    if not begin or not end or end.start() < begin.end():
        raise BicepShapeError(f"no '// BEGIN {name}' ... '// END {name}' block")
    return text[begin.end() : end.start()].strip("\n")


def parse_object(source: str) -> dict[str, Value]:
    """``var <name> = { KEY: value ... }`` with one entry per line -> {KEY: value}."""
    lines = [line.strip() for line in source.splitlines()]
    lines = [line for line in lines if line and not line.startswith("//")]
    if len(lines) < 2 or not re.fullmatch(rf"var {IDENT} = \{{", lines[0]) or lines[-1] != "}":
        raise BicepShapeError("expected 'var <name> = {' ... '}' with one entry per line")
    entries: dict[str, Value] = {}
    for line in lines[1:-1]:
        match = _ENTRY.match(line)
        if not match:
            raise BicepShapeError(f"unsupported entry: {line!r}")
        key = match["key"].strip("'")
        if key in entries:
            raise BicepShapeError(f"duplicate key {key!r}")
        entries[key] = parse_value(match["value"].strip())
    return entries


def parse_value(source: str) -> Value:
    """A bare parameter name, or a single-quoted string whose interpolations are bare parameter names."""
    if re.fullmatch(IDENT, source) and source not in ("true", "false", "null"):
        return (Ref(source),)
    if len(source) < 2 or source[0] != "'" or source[-1] != "'" or source.startswith("'''"):
        raise BicepShapeError(f"unsupported value (use a quoted string or a parameter name): {source!r}")
    parts: list[str | Ref] = []
    text, body, i = "", source[1:-1], 0
    while i < len(body):
        char = body[i]
        if char == "\\":
            if i + 1 >= len(body) or body[i + 1] not in _ESCAPES:
                raise BicepShapeError(f"unsupported escape in {source!r}")
            text, i = text + _ESCAPES[body[i + 1]], i + 2
        elif body.startswith("${", i):
            close = body.find("}", i)
            name = body[i + 2 : close] if close > 0 else ""
            if not re.fullmatch(IDENT, name):
                raise BicepShapeError(f"interpolate only bare parameter names: {source!r}")
            parts, text, i = [*parts, text, Ref(name)], "", close + 1
        elif char == "'":
            raise BicepShapeError(f"unescaped quote in {source!r}")
        else:
            text, i = text + char, i + 1
    return tuple(p for p in [*parts, text] if p != "")


def render(value: Value, params: Mapping[str, str]) -> str:
    missing = [p.name for p in value if isinstance(p, Ref) and p.name not in params]
    if missing:
        raise KeyError(f"no value for parameter(s) {missing}")
    return "".join(params[p.name] if isinstance(p, Ref) else p for p in value)


def params(text: str) -> dict[str, Param]:
    """Every ``param`` with the decorators on the lines right above it (single-line decorators only)."""
    found: dict[str, Param] = {}
    pending: list[str] = []
    depth = 0  # inside a multi-line decorator such as @allowed([ ... ])
    for raw in text.splitlines():
        line = raw.strip()
        if depth:
            depth += line.count("(") + line.count("[") - line.count(")") - line.count("]")
            continue
        if line.startswith("@"):
            pending.append(line)
            depth = line.count("(") + line.count("[") - line.count(")") - line.count("]")
        elif match := _PARAM.match(line):
            default = match["default"].split(" //")[0].strip() if match["default"] else None
            found[match["name"]] = Param(match["name"], match["type"], default, tuple(pending))
            pending = []
        elif line and not line.startswith("//"):
            pending = []
    return found


def module_params(text: str, symbol: str) -> dict[str, str]:
    """The ``params: { key: expression }`` lines of ``module <symbol> '...' = {``, as source text."""
    start = re.search(rf"^module {re.escape(symbol)} '[^']+' = (?:if \(.*\) )?\{{$", text, re.M)
    if not start:
        raise BicepShapeError(f"no module {symbol!r}")
    found: dict[str, str] = {}
    depth, in_params = 1, False  # inside the module body
    for line in text[start.end() :].splitlines():
        stripped = line.strip()
        if in_params and depth == 2 and (match := _ENTRY.match(stripped)):
            found[match["key"]] = match["value"].strip()
        if depth == 1 and stripped == "params: {":
            in_params = True
        depth += stripped.count("{") - stripped.count("}")
        if depth < 0 or (in_params and depth == 1):
            return found
    raise BicepShapeError(f"module {symbol!r} has no closed params block")
