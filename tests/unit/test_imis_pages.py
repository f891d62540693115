"""iMIS paged results are read through one reader (imis_wire.listed): a page whose ``Items`` is null, a bare
list or holds non-objects gives the entities it has, never an AttributeError in the worker."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from shared.adapters.imis import ImisCrmClient

PARTY = {"$type": "Asi.Soa.Membership.DataContracts.PersonData, Asi.Contracts", "PartyId": "101",
         "Id": "101", "Name": "Ann Lee"}


def client_serving(page: dict[str, Any]) -> ImisCrmClient:
    def serve(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/token":
            return httpx.Response(200, json={"access_token": "t", "expires_in": 3600})
        return httpx.Response(200, content=json.dumps(page))

    http = httpx.Client(base_url="https://imis.example.org", transport=httpx.MockTransport(serve))
    return ImisCrmClient(http, "svc", "pw")


@pytest.mark.parametrize("items", [None, {"$type": "x"}, [], {"$values": None}])
def test_a_page_without_items_finds_no_contact(items: Any) -> None:
    assert client_serving({"Items": items, "HasNext": False}).find_contacts("ann@example.org") == ()


@pytest.mark.parametrize("items", [{"$values": [PARTY, "junk", None]}, [PARTY, 7]])
def test_only_entity_objects_become_contacts(items: Any) -> None:
    found = client_serving({"Items": items, "HasNext": False}).find_contacts("ann@example.org")
    assert [c.id for c in found] == ["101"]
