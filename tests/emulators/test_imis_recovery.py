"""Crash recovery looks a record up by its capture key and adopts it only when the record itself carries our
key and contact (issue 13 item 7): a site that ignores the capture-key filter answers other records, and
those must never be taken for ours."""

from __future__ import annotations

import pytest

from shared.adapters.imis import ImisCrmClient
from shared.domain.mapping import CrmRecord
from tests.emulators.imis_fixtures import (  # noqa: F401
    Imis,
    activity_body,
    imis_clients_fixture,
    imis_crm_fixture,
    imis_fixture,
    imis_server_fixture,
    load_seed,
)

pytestmark = pytest.mark.integration
OURS = CrmRecord("activity", "20001", "ourkey123", (("DESCRIPTION", "ours"),), "EMAIL")


def write(imis: Imis, key: str, party: str = "20001") -> str:
    answer = imis.api.post("/api/Activity", json=activity_body(party_id=party, DESCRIPTION=key, UF_1=key))
    answer.raise_for_status()
    return str(answer.json()["Identity"]["IdentityElements"]["$values"][0])


@pytest.mark.parametrize("ignored", [False, True])
def test_a_foreign_record_is_never_adopted(imis: Imis, crm: ImisCrmClient, ignored: bool) -> None:
    write(imis, "someone-else")
    write(imis, "ourkey123", party="20002")  # our key, another contact
    if ignored:
        imis.http.post("/_emulator/schema", json={"entity": "Activity", "ignored_filters": ["UF_1", "PartyId"]})
    assert crm.find_record(OURS) is None


@pytest.mark.parametrize("ignored", [False, True])
def test_our_record_is_found_among_foreign_ones(imis: Imis, crm: ImisCrmClient, ignored: bool) -> None:
    for n in range(3):
        write(imis, f"other-{n}")
    ours = write(imis, "ourkey123")
    write(imis, "after")
    if ignored:
        imis.http.post("/_emulator/schema", json={"entity": "Activity", "ignored_filters": ["UF_1"]})
    assert crm.find_record(OURS) == ours
