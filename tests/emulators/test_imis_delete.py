"""Erasure's delete through the iMIS adapter against the emulator: the record goes, a second delete finds it
gone (404 → False), an attached file outlives its record until deleted by its own id, and a refused delete
surfaces as CrmRejected with the status (never retried)."""

from __future__ import annotations

import pytest

from shared.adapters.imis import ImisCrmClient
from shared.domain.errors import CrmRejected
from shared.domain.mapping import CrmRecord
from shared.ports import CrmFile
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


def test_an_activity_is_deleted_once_then_reported_gone(imis: Imis, crm: ImisCrmClient) -> None:
    answer = imis.api.post("/api/Activity", json=activity_body(party_id="20001", DESCRIPTION="x", UF_1="k1"))
    seqn = str(answer.json()["Identity"]["IdentityElements"]["$values"][0])
    other = imis.api.post("/api/Activity", json=activity_body(party_id="20001", DESCRIPTION="y", UF_1="k2"))
    assert crm.delete_record("activity", seqn) is True
    assert imis.api.get(f"/api/Activity/{seqn}").status_code == 404
    other_id = str(other.json()["Identity"]["IdentityElements"]["$values"][0])
    assert imis.api.get(f"/api/Activity/{other_id}").status_code == 200  # only that one
    assert crm.delete_record("activity", seqn) is False


def test_a_refused_delete_names_the_status(imis: Imis, crm: ImisCrmClient) -> None:
    imis.http.post("/_emulator/faults", json={"method": "DELETE", "path_prefix": "/api/Activity/1", "status": 403,
                                              "count": 1}).raise_for_status()
    with pytest.raises(CrmRejected) as refused:
        crm.delete_record("activity", "1")
    assert refused.value.status == 403


def test_an_attachment_outlives_its_deleted_activity_until_deleted_by_its_own_id(imis: Imis,
                                                                                crm: ImisCrmClient) -> None:
    record = CrmRecord("activity", "20001", "k3", (("DESCRIPTION", "z"),), "EMAIL")
    seqn = crm.write_record(record, [])
    file_id = crm.attach_file(record, seqn, CrmFile("a.pdf", "application/pdf", b"%PDF-1.7"))
    assert file_id and imis.api.get(f"/api/Attachment/{file_id}").status_code == 200
    assert crm.delete_record("activity", seqn) is True
    assert imis.api.get(f"/api/Attachment/{file_id}").status_code == 200  # no cascade is documented
    assert crm.delete_record("attachment", file_id) is True
    assert imis.api.get(f"/api/Attachment/{file_id}").status_code == 404
    assert crm.delete_record("attachment", file_id) is False
