"""Every request the product's iMIS adapter sends is covered by the hand-written description of the iMIS REST
surface (imis_description.py): each path, query parameter (with its filter operation) and body property
has a public source, or is marked UNCONFIRMED with the guard that keeps a wrong guess safe; and the
wire-fidelity ledger (docs/wire-fidelity.md) lists each of them."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from emulators.graph.serve import ServerThread
from emulators.imis.app import create_app
from shared.adapters.imis import ImisCrmClient
from shared.domain.mapping import CrmRecord
from shared.domain.options import Options
from shared.ports import CrmFile
from tests.conformance.imis_description import PARTS, Part

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "emulators" / "sample" / "crm.json"
LEDGER = ROOT / "docs" / "wire-fidelity.md"


@pytest.fixture(scope="module")
def requests(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[httpx.Request]]:
    seen: list[httpx.Request] = []
    app = create_app(tmp_path_factory.mktemp("imis") / "imis.sqlite", SEED)
    user = json.loads(SEED.read_text())["service_user"]
    with ServerThread(app) as server, httpx.Client(base_url=server.url, timeout=10,
                                                   event_hooks={"request": [seen.append]}) as http:
        exercise(ImisCrmClient(http, user["username"], user["password"]))
    yield seen


def exercise(crm: ImisCrmClient) -> None:
    """Every call of the adapter (shared/adapters/imis.py, imis_probe.py) the product makes."""
    fields = tuple((f.field, "2025-03-01T14:05:00" if "DATE" in f.field else "text")
                   for f in Options().activity_type().fields)
    activity = CrmRecord("activity", "20001", "key-1", fields, "EMAIL")
    interaction = CrmRecord("interaction", "20001", "key-2", (("Subject", "s"), ("Html", "<p>b</p>"),
                                                             ("MessageType", "Email"), ("EmailTo", "a@b.org")),
                            attachment_names=("a.pdf",))
    file = CrmFile("a.pdf", "application/pdf", b"%PDF-1.7")
    crm.check_token()
    crm.find_contacts("alice.moreau@example.org")
    crm.find_organisations_by_domain("example.org")
    crm.create_contact("new.person@example.org", "New Person")
    for record in (activity, interaction):
        crm.attach_file(record, crm.write_record(record, []), file)
        crm.find_record(record)
        crm.key_filter_honoured(record.kind)
    for kind in ("activity", "interaction", "attachment"):
        crm.entity_fields(kind)
    crm.find_parties_by_domain("example.org")
    for record in (activity, interaction):
        crm.delete_record(record.kind, crm.write_record(record, []))
    crm.delete_record("attachment", crm.attach_file(activity, crm.write_record(activity, []), file))


def names_of(request: httpx.Request) -> set[str]:
    """Query parameters (``Name:op`` for a filter operation other than eq) and body property names."""
    names = set()
    for name, value in parse_qsl(urlsplit(str(request.url)).query):
        op, sep, _ = value.partition(":")
        names.add(f"{name}:{op}" if sep and op.lower() not in ("eq",) else name)
    body = request.content
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        names |= {k for k, _ in parse_qsl(body.decode())}
    elif body:
        doc = json.loads(body)
        names |= set(doc)
        props = doc.get("Properties") or {}
        names |= {str(p["Name"]) for p in props.get("$values", [])} if isinstance(props, dict) else set()
    return names


def parts_for(request: httpx.Request) -> list[Part]:
    path = urlsplit(str(request.url)).path
    return [p for p in PARTS if p.method == request.method and re.fullmatch(p.path, path, re.IGNORECASE)]


def test_every_request_is_described_name_by_name(requests: list[httpx.Request]) -> None:
    assert requests
    for request in requests:
        parts = parts_for(request)
        assert parts, f"{request.method} {request.url.path} is not in the iMIS description"
        covered = {n for p in parts for n in p.names}
        assert names_of(request) <= covered, (request.method, request.url.path, names_of(request) - covered)


def test_every_part_is_sourced_or_guarded_and_exercised(requests: list[httpx.Request]) -> None:
    used = {(p.method, p.path, n) for r in requests for p in parts_for(r) for n in names_of(r) & set(p.names)}
    for part in PARTS:
        assert part.confirmed or part.guard, part
        assert part.names == () or any((part.method, part.path, n) in used for n in part.names), part


def test_the_wire_fidelity_ledger_lists_every_part() -> None:
    ledger = LEDGER.read_text(encoding="utf-8")
    for part in PARTS:
        for name in part.names:
            assert f"`{name}`" in ledger, f"docs/wire-fidelity.md does not list {name} ({part.method} {part.path})"
    assert "UNCONFIRMED" in ledger
