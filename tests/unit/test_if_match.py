"""If-Match on the options document per RFC 9110 §13.1.1 (issue 19, minor): "*" matches the existing document
even under concurrency, a list of entity tags matches if any does, a weak tag never matches."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import pytest

from shared.domain.errors import InvalidOptions, OptionsConflict
from shared.domain.options import Options
from shared.services import admin_options as service
from shared.services.deps import Services
from tests.fakes import InMemoryOptionsRepository


class RacedOptions(InMemoryOptionsRepository):
    """Another admin saves between our read and our write, ``races`` times."""

    def __init__(self, races: int) -> None:
        super().__init__()
        self.races = races

    def save(self, options: Options, etag: str, who: str, changes: list[dict[str, Any]]) -> Any:
        if self.races:
            self.races -= 1
            current = self.get()
            super().save(current.options.model_copy(update={"retention_days": 100 + self.races}), current.etag,
                         "other@association.example", [])
        return super().save(options, etag, who, changes)


def deps_with(options: InMemoryOptionsRepository) -> Services:
    return cast(Services, SimpleNamespace(options=options, forget_options=lambda: None))


def patch(deps: Services, if_match: str, body: dict | None = None) -> int:
    return service.patch_options(body or {"look_back_days": 45}, if_match, "admin@association.example",
                                 deps).version


class TestIfMatch:
    @pytest.mark.parametrize("header", ['"v0"', 'v0', '"v7", "v0"', '"v7","v0"', '  "v0"  ', "*"])
    def test_matching_headers_write(self, header: str) -> None:
        assert patch(deps_with(InMemoryOptionsRepository()), header) == 1

    @pytest.mark.parametrize("header", ['"v1"', 'W/"v0"', '"v7", W/"v0"', '"v0', "v0, v1", '""'])
    def test_other_headers_are_412_and_change_nothing(self, header: str) -> None:
        options = InMemoryOptionsRepository()
        with pytest.raises(OptionsConflict):
            patch(deps_with(options), header)
        assert options.get().version == 0

    def test_star_always_matches_the_existing_document_under_concurrency(self) -> None:
        options = RacedOptions(races=3)
        assert patch(deps_with(options), "*") == 4  # three other writes won first; ours is applied on top
        stored = options.get().options
        assert (stored.look_back_days, stored.retention_days) == (45, 100)  # the patch merged onto the latest

    def test_a_specific_tag_that_loses_the_race_is_412(self) -> None:
        options = RacedOptions(races=1)
        with pytest.raises(OptionsConflict):
            patch(deps_with(options), '"v0"')
        assert options.get().options.look_back_days == 30


class TestWriteRoleIsKept:
    """Issue 19, defect 5: a signed-in admin cannot leave the write right to roles nobody holds."""

    def test_removing_every_role_the_caller_holds_is_refused_and_changes_nothing(self) -> None:
        options = InMemoryOptionsRepository()
        with pytest.raises(InvalidOptions) as refused:
            service.patch_options({"change_options_roles": ["Someone.Else"]}, "*", "pat@association.example",
                                  deps_with(options), frozenset({"MailCapture.Admin"}))
        assert "change_options_roles" in dict(refused.value.problems)
        assert options.get().version == 0

    def test_keeping_one_of_the_callers_roles_is_allowed(self) -> None:
        options = InMemoryOptionsRepository()
        roles = ["MailCapture.Admin", "Someone.Else"]
        service.patch_options({"change_options_roles": roles}, "*", "pat@association.example",
                              deps_with(options), frozenset({"MailCapture.Admin"}))
        assert list(options.get().options.change_options_roles) == roles
