"""Large options documents through the real Table store (issue 19, defect 2): a valid document is stored with
its history, whatever its size within the limits; one over a limit is refused with the field path and nothing
is written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from devhost.stack import Stack
from shared.domain.errors import InvalidOptions
from shared.domain.options_limits import MAX_LIST_ITEMS
from shared.services import admin_options as service
from shared.services.deps import Services
from tests.integration.inprocess import build

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def storage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with Stack(Path(tmp_path_factory.mktemp("options-storage")), host=False, emulators=False) as stack:
        yield stack


@pytest.fixture
def deps(storage: Stack) -> Services:
    return build(storage)


def domains(count: int, tag: str) -> list[str]:
    return [f"{tag}{i:05d}.recruit-example.org" for i in range(count)]  # 26 characters, a realistic length


def patch(deps: Services, body: dict) -> int:
    etag = service.options_etag(deps.options.get())
    return service.patch_options(body, etag, "admin@association.example", deps).version


class TestLargeDocuments:
    def test_two_large_block_lists_in_a_row_are_stored_with_their_history(self, deps: Services) -> None:
        first, second = domains(MAX_LIST_ITEMS["blocked_domains"], "a"), domains(5_000, "b")
        assert patch(deps, {"blocked_domains": first}) == 1
        assert patch(deps, {"blocked_domains": second}) == 2
        assert list(deps.options.get().options.blocked_domains) == second
        latest, earlier = deps.options.history(2)
        assert (latest["version"], earlier["version"]) == (2, 1)
        [change] = latest["changes"]
        assert change["path"] == "blocked_domains"
        assert (sorted(change["added"]), sorted(change["removed"])) == (sorted(second), sorted(first))

    def test_one_new_domain_in_a_long_list_is_one_history_entry(self, deps: Services) -> None:
        patch(deps, {"blocked_domains": domains(3_000, "c")})
        patch(deps, {"blocked_domains": [*domains(3_000, "c"), "new-spam.example.org"]})
        assert deps.options.history(1)[0]["changes"] == [
            {"path": "blocked_domains", "added": ["new-spam.example.org"], "removed": []}]


class TestRefusedBeforeWriting:
    @pytest.mark.parametrize(("body", "path"), [
        ({"blocked_domains": domains(5_001, "d")}, "blocked_domains"),
        ({"blocked_addresses": [f"someone.with.a.long.name{i}@{d}" for i, d in enumerate(domains(5_000, "e"))]},
         "blocked_addresses"),
        ({"activity_types": [{"code": f"EMAIL{i}", "fields": [{"field": "NOTE", "template": "[Body]" + "x" * 1900}
                                                              for _ in range(5)]} for i in range(40)]},
         "activity_types"),
    ])
    def test_over_a_limit_is_a_field_problem_and_nothing_changes(self, deps: Services, body: dict,
                                                                 path: str) -> None:
        before = deps.options.get()
        with pytest.raises(InvalidOptions) as refused:
            patch(deps, body)
        assert path in dict(refused.value.problems)
        after = deps.options.get()
        assert (after.version, after.etag, deps.options.history(5)) == (before.version, before.etag, [])
