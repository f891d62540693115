"""Route template syntax as the Functions host's router checks it when it maps HTTP functions.

The host maps each HTTP function with ``WebJobsRouteBuilder.MapFunctionRoute`` (azure-webjobs-sdk-extensions,
``src/WebJobs.Extensions.Http/Routing/WebJobsRouteBuilder.cs``), which builds an ASP.NET Core ``Route``. Its
``RouteBase`` constructor parses the template with ``RoutePatternParser.Parse`` and resolves inline constraints
with ``RouteConstraintBuilder.AddResolvedConstraint`` (dotnet/aspnetcore ``src/Http/Routing/src/``), wrapping any
failure in ``TemplateRoute_Exception``. The messages below are those resources (``Resources.resx``).
Constraint arguments (``min(1)``) are not checked; a known constraint name is enough here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# RouteOptions' default constraint map (aspnetcore src/Http/Routing/src/RouteOptions.cs), case-insensitive.
KNOWN_CONSTRAINTS = frozenset({
    "int", "bool", "datetime", "decimal", "double", "float", "guid", "long", "minlength", "maxlength", "length",
    "min", "max", "range", "alpha", "regex", "required", "file", "nonfile"})

MISMATCHED = ("There is an incomplete parameter in the route template. Check that each '{' character has a "
              "matching '}' character.")
CONSECUTIVE_SEPARATORS = ("The route template separator character '/' cannot appear consecutively. It must be "
                          "separated by either a parameter or a literal value.")
CONSECUTIVE_PARAMETERS = ("A path segment cannot contain two consecutive parameters. They must be separated by a "
                          "'/' or by a literal string.")
CATCH_ALL_LAST = "A catch-all parameter can only appear as the last segment of the route template."
CATCH_ALL_MULTI = ("A path segment that contains more than one section, such as a literal section or a parameter, "
                   "cannot contain a catch-all parameter.")
CATCH_ALL_OPTIONAL = "A catch-all parameter cannot be marked optional."
OPTIONAL_DEFAULT = "An optional parameter cannot have default value."
TILDE = "The route template cannot start with a '~' character unless followed by a '/'."


class RouteTemplateError(ValueError):
    """A template ASP.NET routing refuses; ``str()`` is its message."""


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    catch_all: bool
    optional: bool
    default: str | None
    constraints: tuple[str, ...]


Part = str | Parameter  # a literal is its text


def _invalid_name(name: str) -> str:
    return (f"The route parameter name '{name}' is invalid. Route parameter names must be non-empty and cannot "
            "contain these characters: '{', '}', '/'. The '?' character marks a parameter as optional, and can "
            "occur only at the end of the parameter. The '*' character marks a parameter as catch-all, and can "
            "occur only at the start of the parameter.")


def _split_outside_parens(text: str, sep: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in text:
        depth += (char == "(") - (char == ")")
        if char == sep and depth <= 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [*parts, current]


def parse_parameter(inside: str) -> Parameter:
    """``RouteParameterParser.ParseRouteParameter``: ``[*|**]name[:constraint(args)...][=default][?]``."""
    if inside.startswith("*") and inside.endswith("?"):
        raise RouteTemplateError(CATCH_ALL_OPTIONAL)
    catch_all = inside.startswith("*")
    body = inside[2:] if inside.startswith("**") else inside[1:] if catch_all else inside
    optional = body.endswith("?")
    body = body[:-1] if optional else body
    head, *default_parts = _split_outside_parens(body, "=") if body[:1] != "=" else [body]
    name, *constraints = _split_outside_parens(head, ":") if head[:1] != ":" else [head]
    default = "=".join(default_parts) if default_parts else None
    if optional and default is not None:
        raise RouteTemplateError(OPTIONAL_DEFAULT)
    if not name or re.search(r"[/{}?*]", name):
        raise RouteTemplateError(_invalid_name(name))
    return Parameter(name, catch_all, optional, default, tuple(c for c in constraints if c))


def _segment_parts(segment: str) -> list[Part]:
    parts: list[Part] = []
    for token in re.split(r"(\{(?:[^{}]|\{\{|\}\})*\})", segment):
        if not token:
            continue
        if token.startswith("{") and token.endswith("}") and not token.startswith("{{"):
            if token == "{}":
                raise RouteTemplateError(_invalid_name(""))
            parts.append(parse_parameter(token[1:-1].replace("}}", "}").replace("{{", "{")))
            continue
        if re.search(r"[{}]", token.replace("{{", "").replace("}}", "")):
            raise RouteTemplateError(MISMATCHED)
        literal = token.replace("}}", "}").replace("{{", "{")
        if "?" in literal:
            raise RouteTemplateError(f"The literal section '{literal}' is invalid. Literal sections cannot contain "
                                     "the '?' character.")
        parts.append(literal)
    return parts


def _check_segment(parts: list[Part]) -> None:
    """``RoutePatternParser.IsSegmentValid``."""
    if len(parts) > 1 and any(isinstance(p, Parameter) and p.catch_all for p in parts):
        raise RouteTemplateError(CATCH_ALL_MULTI)
    for index, part in enumerate(parts):
        if isinstance(part, Parameter) and part.optional and len(parts) > 1:
            shown = "".join(p if isinstance(p, str) else "{" + p.name + "}" for p in parts)
            if index != len(parts) - 1:
                following = parts[index + 1]
                nxt = following if isinstance(following, str) else "{" + following.name + "}"
                raise RouteTemplateError(f"An optional parameter must be at the end of the segment. In the segment "
                                         f"'{shown}', optional parameter '{part.name}' is followed by '{nxt}'.")
            before = parts[index - 1]
            if before != ".":
                prev = before if isinstance(before, str) else "{" + before.name + "}"
                raise RouteTemplateError(f"In the segment '{shown}', the optional parameter '{part.name}' is preceded "
                                         f"by an invalid segment '{prev}'. Only a period (.) can precede an optional "
                                         "parameter.")
    for first, second in zip(parts, parts[1:], strict=False):
        if isinstance(first, Parameter) and isinstance(second, Parameter):
            raise RouteTemplateError(CONSECUTIVE_PARAMETERS)


def parse(template: str) -> list[list[Part]]:
    """``RoutePatternParser.Parse`` plus inline-constraint resolution; the segments, or RouteTemplateError."""
    if template.startswith("~/"):
        template = template[2:]
    elif template.startswith("/"):
        template = template[1:]
    elif template.startswith("~"):
        raise RouteTemplateError(TILDE)
    template = template[:-1] if template.endswith("/") else template  # one trailing '/' ends the last segment
    segments = [_segment_parts(s) for s in template.split("/")] if template else []
    if any(not s for s in segments):
        raise RouteTemplateError(CONSECUTIVE_SEPARATORS)
    names: set[str] = set()
    for index, parts in enumerate(segments):
        _check_segment(parts)
        for part in (p for p in parts if isinstance(p, Parameter)):
            if part.catch_all and index != len(segments) - 1:
                raise RouteTemplateError(CATCH_ALL_LAST)
            if part.name.lower() in names:
                raise RouteTemplateError(f"The route parameter name '{part.name}' appears more than one time in "
                                         "the route template.")
            names.add(part.name.lower())
    return segments


def unknown_constraint(template: str, segments: list[list[Part]]) -> str | None:
    """``RouteConstraintBuilder.AddResolvedConstraint``'s message for the first constraint the resolver lacks."""
    for part in (p for parts in segments for p in parts if isinstance(p, Parameter)):
        for constraint in part.constraints:
            if constraint.split("(")[0].lower() not in KNOWN_CONSTRAINTS:
                return (f"The constraint entry '{part.name}' - '{constraint}' on the route '{template}' could not "
                        "be resolved by the constraint resolver of type 'DefaultInlineConstraintResolver'.")
    return None


def check(route_name: str, template: str) -> None:
    """Build the route as ``RouteBase`` does; RouteTemplateError with the host's flattened message."""
    try:
        problem = unknown_constraint(template, parse(template))
    except RouteTemplateError as exc:
        problem = str(exc)
    if problem:
        raise RouteTemplateError(f"An error occurred while creating the route with name '{route_name}' and "
                                 f"template '{template}'. {problem}")
