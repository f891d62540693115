"""HTTP route templates as the Functions host (ASP.NET routing) reads them.

Supported: literal segments (case-insensitive), ``{name}``, optional ``{name?}`` (a trailing optional
segment may be left out with its slash), constraints ``{id:int}``/``{id:int?}`` (int, long, bool, guid,
alpha, others accepted as "any segment"), defaults ``{page=1}`` and catch-all ``{*rest}``.
Templates with more literal segments win over templates with parameters, as in ASP.NET.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

_PARAM = re.compile(
    r"\{(?P<star>\*{1,2})?(?P<name>\w+)(?::(?P<constraint>[^}?=]+))?(?P<opt>\?)?(?:=(?P<default>[^}]*))?\}")
_CONSTRAINTS = {
    "int": r"-?\d+", "long": r"-?\d+", "bool": r"(?i:true|false)", "alpha": r"[A-Za-z]+",
    "guid": r"[0-9A-Fa-f]{8}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{12}",
}


class RouteError(ValueError):
    """A route template the local host cannot parse."""


@dataclass(frozen=True, slots=True)
class Template:
    text: str
    regex: re.Pattern[str]
    defaults: dict[str, str]
    literal_segments: int

    def match(self, path: str) -> dict[str, str] | None:
        found = self.regex.fullmatch(path.strip("/"))
        if found is None:
            return None
        values = {k: v for k, v in found.groupdict().items() if v is not None}
        return {**self.defaults, **values}


def _segment(segment: str, defaults: dict[str, str]) -> tuple[str, bool]:
    """Regex for one segment, and whether the whole segment may be absent."""
    pattern, last, optional_alone = "", 0, False
    for param in _PARAM.finditer(segment):
        pattern += re.escape(segment[last:param.start()])
        last = param.end()
        name = param["name"]
        if param["star"]:
            pattern += f"(?P<{name}>.*)"
            optional_alone = True
            continue
        body = _CONSTRAINTS.get((param["constraint"] or "").split("(")[0].lower(), r"[^/]+")
        optional = bool(param["opt"]) or param["default"] is not None
        if param["default"] is not None:
            defaults[name] = param["default"]
        pattern += f"(?P<{name}>{body})" + ("?" if optional and param.group(0) == segment else "")
        optional_alone = optional and param.group(0) == segment
    pattern += re.escape(segment[last:])
    if "{" in segment[last:] or "}" in segment[last:]:
        raise RouteError(f"cannot parse route segment {segment!r}")
    return pattern, optional_alone


def compile_template(template: str) -> Template:
    defaults: dict[str, str] = {}
    regex, literals = "", 0
    for index, segment in enumerate(s for s in template.strip("/").split("/") if s):
        pattern, optional = _segment(segment, defaults)
        literals += "{" not in segment
        sep = "/" if index else ""
        regex += f"(?:{sep}{pattern})?" if optional else f"{sep}{pattern}"
    try:
        compiled = re.compile(regex, re.IGNORECASE)
    except re.error as exc:
        raise RouteError(f"bad route template {template!r}: {exc}") from exc
    return Template(template, compiled, defaults, literals)


@dataclass(frozen=True, slots=True)
class Route(Generic[T]):
    template: Template
    methods: frozenset[str]  # empty = any method
    target: T


class RouteTable(Generic[T]):
    """Ordered routes; ``match`` returns the first route whose template and method fit."""

    def __init__(self) -> None:
        self._routes: list[Route[T]] = []

    def add(self, template: str, methods: list[str], target: T) -> None:
        self._routes.append(Route(compile_template(template), frozenset(m.upper() for m in methods), target))
        self._routes.sort(key=lambda r: (-r.template.literal_segments, r.template.text.count("{")))

    def match(self, path: str, method: str) -> tuple[T, dict[str, str]] | None:
        for route in self._routes:
            params = route.template.match(path)
            if params is not None and (not route.methods or method.upper() in route.methods):
                return route.target, params
        return None
