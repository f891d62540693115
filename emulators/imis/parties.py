"""Contacts: ``GET /api/Party`` (search + paging), ``GET /api/Party/{id}``, ``POST /api/Party``.

Search by email (crm-apis.md §2.1-2.2): ``?Email=eq:addr`` or bare ``?email=addr``, exact and case-insensitive,
matching ANY address in ``Emails.$values`` (on a real site bare-vs-contains, case and secondary addresses are
UNCONFIRMED). Linking an organisation by domain uses the documented ``endsWith`` operator:
``GET /api/Party?Email=endsWith:@harbourview-cc.example`` answers persons and organisations with an address
there; keep items whose ``$type`` is OrganizationData. ``/api/Organization`` and ``/api/Person`` (UNCONFIRMED
endpoints: iMIS lists Person and Organization as entities, crm-apis.md prefers Party) answer the same queries
restricted to one type. ``Website`` is also queryable (UNCONFIRMED, see party_docs).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from emulators.imis import query
from emulators.imis.party_docs import (
    ORGANIZATION,
    PARTY,
    PERSON,
    is_organization,
    organization_doc,
    person_doc,
    searchable,
)
from emulators.imis.replies import invalid, not_found, read_json, store_of
from emulators.imis.store import PARTY as PARTY_KIND
from emulators.imis.wire import paged_result, unwrap

QUERYABLE = ("Email", "Id", "PartyId", "UniformId", "Name", "FirstName", "LastName", "OrganizationName",
             "Status", "PrimaryOrganizationPartyId", "Website")
EMAIL_MAX = 100  # UNCONFIRMED column size of an email address


def _search(request: Request, only: bool | None) -> Response:
    try:
        wanted = query.filters(request.query_params, QUERYABLE)
        limit, offset = query.paging(request.query_params)
    except query.QueryError as exc:
        raise invalid(("", str(exc))) from None
    docs = [d for d in store_of(request).all(PARTY_KIND) if only is None or is_organization(d) == only]
    found = [d for d in docs if all(f.matches(searchable(d)[f.name]) for f in wanted)]
    item_type = {None: PARTY, True: ORGANIZATION, False: PERSON}[only]
    page = found[offset:offset + limit]
    return JSONResponse(paged_result(page, item_type, offset=offset, limit=limit, total=len(found)))


async def search_parties(request: Request) -> Response:
    return _search(request, None)


async def search_organizations(request: Request) -> Response:
    return _search(request, True)


async def search_persons(request: Request) -> Response:
    return _search(request, False)


async def get_party(request: Request) -> Response:
    key = request.path_params["key"]
    doc = store_of(request).get(PARTY_KIND, key)
    if doc is None:
        raise not_found(f"Party {key}")
    return JSONResponse(doc)


def _emails(body: dict[str, Any]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    emails: list[tuple[str, str]] = []
    problems: list[tuple[str, str]] = []
    values = unwrap(body.get("Emails") or {"$values": []})
    for item in values if isinstance(values, list) else []:
        address = str((item or {}).get("Address", "")).strip()
        if address.count("@") != 1 or len(address) > EMAIL_MAX:
            problems.append(("Emails", f"'{address}' is not a valid email address."))
            continue
        kind = item.get("EmailType") or ("_Primary" if item.get("IsPrimary") or not emails else "_Other")
        # The primary address goes first: that is how the documents mark it (IsPrimary on index 0).
        emails.insert(0 if item.get("IsPrimary") else len(emails), (address, kind))
    return emails, problems


async def create_party(request: Request) -> Response:
    body = await read_json(request)
    kind = str(body.get("$type", ""))
    emails, problems = _emails(body)
    name = body.get("PersonName") or {}
    if "PersonData" in kind:
        if not (name.get("FirstName") or name.get("LastName")):
            problems.append(("PersonName", "A person needs a first or last name."))
    elif "OrganizationData" in kind:
        if not body.get("OrganizationName"):
            problems.append(("OrganizationName", "OrganizationName is required."))
    else:
        # "Party entities cannot be created directly: create Person or Organization" (Membership entities doc)
        problems.append(("$type", "Post a PersonData or OrganizationData ($type) to create a party."))
    if problems:
        raise invalid(*problems)
    store = store_of(request)

    def build(key: str) -> dict[str, Any]:
        if "OrganizationData" in kind:
            return organization_doc(key, body["OrganizationName"], emails)
        org = body.get("PrimaryOrganization") or {}
        org_id = str(org.get("OrganizationPartyId") or "")
        org_doc = store.get(PARTY_KIND, org_id) if org_id else None
        return person_doc(key, name.get("FirstName", ""), name.get("LastName", ""), emails,
                          organization=(org_id, org_doc["Name"]) if org_doc else None, title=org.get("Title", ""))

    doc = store.add_with_counter(PARTY_KIND, "next_party_id", build)
    return JSONResponse(doc, 201)


ROUTES = [
    Route("/api/Party", search_parties, methods=["GET"]),
    Route("/api/Party", create_party, methods=["POST"]),
    Route("/api/Party/{key}", get_party, methods=["GET"]),
    Route("/api/Person", search_persons, methods=["GET"]),
    Route("/api/Person/{key}", get_party, methods=["GET"]),
    Route("/api/Organization", search_organizations, methods=["GET"]),
    Route("/api/Organization/{key}", get_party, methods=["GET"]),
]
