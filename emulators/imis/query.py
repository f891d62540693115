"""``PropertyName=Operation:value`` filters and limit/offset paging, as documented in
developer.imis.com "Advanced query operations" [IMIS-QUERY] and crm-apis.md §2.2-2.3.

Names and values compare case-insensitively (iMIS runs on SQL Server with a case-insensitive collation:
likely, UNCONFIRMED). A value without a known ``op:`` prefix is an exact match, so ``?email=a@b`` is exact.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from starlette.datastructures import QueryParams

DEFAULT_LIMIT = 100  # the documented example page size [IMIS-ACCESS]
MAX_LIMIT = 500  # UNCONFIRMED maximum; 500 is the largest seen in use [IMIS-REF]
PAGING = frozenset({"limit", "offset", "orderby"})


def _contains(a: str, b: str) -> bool:
    return b in a


OPERATORS: dict[str, Callable[[str, str], bool]] = {
    "eq": str.__eq__, "equal": str.__eq__, "==": str.__eq__,
    "ne": str.__ne__, "notequal": str.__ne__, "!=": str.__ne__,
    "contains": _contains, "notcontain": lambda a, b: b not in a, "!contain": lambda a, b: b not in a,
    "startswith": str.startswith, "endswith": str.endswith,
    "isempty": lambda a, _: a == "", "empty": lambda a, _: a == "",
    "notempty": lambda a, _: a != "", "!empty": lambda a, _: a != "",
}
NEGATIVE = frozenset({"ne", "notequal", "!=", "notcontain", "!contain", "isempty", "empty"})


class QueryError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Filter:
    name: str  # lower-case property name
    op: str
    value: str  # lower-case

    def matches(self, values: Iterable[str]) -> bool:
        """Multi-valued properties (a party's emails) match when ANY value matches; negations need ALL."""
        test = OPERATORS[self.op]
        lowered = [str(v).lower() for v in values] or [""]
        combine = all if self.op in NEGATIVE else any
        return combine(test(v, self.value) for v in lowered)


def parse_filter(name: str, raw: str) -> Filter:
    op, sep, rest = raw.partition(":")
    if sep and op.lower() in OPERATORS:
        return Filter(name.lower(), op.lower(), rest.lower())
    return Filter(name.lower(), "eq", raw.lower())


def filters(params: QueryParams, known: Iterable[str]) -> list[Filter]:
    """Every non-paging parameter as a filter; unknown property names are refused (iMIS: UNCONFIRMED)."""
    allowed = {k.lower() for k in known}
    out = []
    for name, raw in params.multi_items():
        if name.lower() in PAGING:
            continue
        if name.lower() not in allowed:
            raise QueryError(f"'{name}' is not a property that can be queried")
        out.append(parse_filter(name, raw))
    return out


def paging(params: QueryParams) -> tuple[int, int]:
    lowered = {k.lower(): v for k, v in params.items()}
    try:
        limit = int(lowered.get("limit", DEFAULT_LIMIT))
        offset = int(lowered.get("offset", 0))
    except ValueError as exc:
        raise QueryError("limit and offset must be whole numbers") from exc
    if limit < 1 or offset < 0:
        raise QueryError("limit must be positive and offset not negative")
    return min(limit, MAX_LIMIT), offset
