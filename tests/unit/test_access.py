from __future__ import annotations

import base64
import json

import pytest

from shared.domain.options import parse_options
from shared.services.access import Access, AccessDenied, authorise, caller_from_headers
from shared.services.admin_options import diff, merge_patch

OPTIONS = parse_options({"change_options_roles": ["Capture.Admin"], "read_roles": ["Capture.Reader"]})


def principal(*roles: str, name: str = "alex@association.example") -> str:
    claims = [{"typ": "roles", "val": r} for r in roles] + [{"typ": "name", "val": name}]
    return base64.b64encode(json.dumps({"auth_typ": "aad", "claims": claims, "name_typ": "name",
                                        "role_typ": "roles"}).encode()).decode()


class TestAuthorise:
    @pytest.mark.parametrize(("roles", "needed", "allowed"), [
        (("Capture.Admin",), Access.WRITE, True),
        (("Capture.Admin",), Access.READ, True),
        (("Capture.Reader",), Access.READ, True),
        (("Capture.Reader",), Access.WRITE, False),
        ((), Access.READ, False),
        (("Other",), Access.READ, False),
    ])
    def test_roles_decide(self, roles: tuple[str, ...], needed: Access, allowed: bool) -> None:
        caller = caller_from_headers(principal(*roles), "roles")
        if allowed:
            authorise(caller, needed, OPTIONS, require_principal=True)
        else:
            with pytest.raises(AccessDenied) as err:
                authorise(caller, needed, OPTIONS, require_principal=True)
            assert err.value.status == 403

    def test_key_only_is_refused_when_a_principal_is_required(self) -> None:
        with pytest.raises(AccessDenied) as err:
            authorise(caller_from_headers(None, "roles"), Access.READ, OPTIONS, require_principal=True)
        assert err.value.status == 401

    def test_key_only_is_admin_locally(self) -> None:
        authorise(caller_from_headers(None, "roles"), Access.WRITE, OPTIONS, require_principal=False)

    def test_garbage_principal_is_refused(self) -> None:
        with pytest.raises(AccessDenied):
            caller_from_headers("not base64 json", "roles")

    @pytest.mark.parametrize("decoded", [
        b"[1,2]", b'"a string"', b"null", b"42", b'{"claims":"roles"}', b'{"claims":[1,2]}',
        b'{"claims":[{"typ":"roles","val":["Capture.Admin"]}]}', b'{"claims":[{"typ":1,"val":"x"}]}',
        b'{"claims":[],"name_typ":["name"]}', b'{"claims":[],"role_typ":{}}', b"[" * 100_000 + b"]" * 100_000,
        b"\xff\xfe not utf-8",
    ])
    def test_malformed_principal_is_401(self, decoded: bytes) -> None:
        """Issue 19, defect 4: these raised AttributeError (a 500) instead of a refusal."""
        with pytest.raises(AccessDenied) as err:
            caller_from_headers(base64.b64encode(decoded).decode(), "roles")
        assert err.value.status == 401

    @pytest.mark.parametrize("header", ["a" * 17_000, "eyJ9!!", "not base64 json"])
    def test_principal_that_is_not_base64_or_too_long_is_401(self, header: str) -> None:
        with pytest.raises(AccessDenied) as err:
            caller_from_headers(header, "roles")
        assert err.value.status == 401

    def test_name_comes_from_the_principal(self) -> None:
        assert caller_from_headers(principal("Capture.Admin"), "roles").name == "alex@association.example"


class TestOptionsChanges:
    def test_merge_patch_follows_rfc_7396(self) -> None:
        assert merge_patch({"a": 1, "b": {"c": 2, "d": 3}}, {"b": {"c": None, "e": 4}, "f": 5}) == {
            "a": 1, "b": {"d": 3, "e": 4}, "f": 5}

    def test_diff_lists_changed_paths(self) -> None:
        assert diff({"a": 1, "b": {"c": 2}}, {"a": 1, "b": {"c": 3}}) == [{"path": "b.c", "from": 2, "to": 3}]

    def test_diff_of_a_list_of_values_records_what_was_added_and_removed(self) -> None:
        assert diff({"d": ["a.org", "b.org"]}, {"d": ["b.org", "c.org"]}) == [
            {"path": "d", "added": ["c.org"], "removed": ["a.org"]}]
