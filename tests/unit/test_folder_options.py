"""Folder settings as options and mailbox fields: paths validated, special folders not listable, and where a
message is placed by its parentFolderId."""

from __future__ import annotations

import pytest

from shared.domain.errors import InvalidOptions
from shared.domain.folders import folder_path, place
from shared.domain.mailbox import Mailbox
from shared.domain.model import Folder
from shared.domain.options import parse_options
from tests.builders import a_message


@pytest.mark.parametrize(("given", "stored"), [("CRM", "CRM"), (" Inbox / CRM ", "Inbox/CRM"), ("", ""), ("  ", "")])
def test_a_folder_path_is_names_joined_by_slashes(given: str, stored: str) -> None:
    assert folder_path(given) == stored


@pytest.mark.parametrize("bad", ["Inbox//CRM", "/CRM", "CRM\x07"])
def test_a_broken_path_is_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        folder_path(bad)


@pytest.mark.parametrize(("doc", "field"), [
    ({"capture_folder": "CRM", "never_capture_folders": ["crm"]}, "never_capture_folders"),
    ({"folder_scope": ["inbox", "capture"]}, "folder_scope"),
    ({"folder_scope": ["outbox"]}, "folder_scope"),
    ({"capture_folder": "a//b"}, "capture_folder"),
])
def test_option_problems_name_the_field(doc: dict, field: str) -> None:
    with pytest.raises(InvalidOptions) as caught:
        parse_options(doc)
    assert field in {path.split(".")[0] for path, _ in caught.value.problems}


def test_a_mailbox_cannot_list_the_special_folders() -> None:
    with pytest.raises(ValueError, match="cannot be listed"):
        Mailbox(address="m@association.example", folders=(Folder.INBOX, Folder.MAILBOX))


def test_the_whole_mailbox_watches_one_resource_and_the_capture_folder_is_added_once_known() -> None:
    options = parse_options({})
    box = Mailbox(address="m@association.example", capture_folder="CRM")
    assert box.watched_folders(options) == (Folder.INBOX, Folder.SENT_ITEMS)  # not resolved yet
    resolved = box.model_copy(update={"capture_folder_id": "f-1"})
    assert resolved.watched_folders(options) == (Folder.INBOX, Folder.SENT_ITEMS, Folder.CAPTURE)
    whole = resolved.model_copy(update={"capture_whole_mailbox": True})
    assert whole.watched_folders(options) == (Folder.MAILBOX,)


@pytest.mark.parametrize(("parent", "expected"), [
    ("f-crm", Folder.CAPTURE), ("id-junk", Folder.JUNK_EMAIL), ("f-user", Folder.OTHER), ("", Folder.INBOX)])
def test_a_message_is_placed_by_its_parent_folder(parent: str, expected: Folder) -> None:
    msg = a_message(folder=Folder.INBOX, folder_id=parent)
    assert place(msg, {"id-junk": Folder.JUNK_EMAIL}, "f-crm") == expected


def test_explain_answers_for_mail_filed_in_the_capture_folder() -> None:
    import io
    import json

    from shared.explain import main

    bulk = (b"From: alice.moreau@example.org\r\nTo: mailbox@organisation.invalid\r\nSubject: Club news\r\n"
            b"Precedence: bulk\r\nList-Id: <news.example.org>\r\n\r\nHello\r\n")
    answers = []
    for folder in ("inbox", "capture"):
        out = io.StringIO()
        assert main(["--json", "--folder", folder, "-"], stdin=io.BytesIO(bulk), out=out) == 0
        answers.append(json.loads(out.getvalue()))
    assert [a["reason"] for a in answers] == ["bulk", "capture_folder"]
