from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from shared.domain.model import Folder
from shared.domain.options import DEFAULT_OPTIONS
from shared.explain import explain_message, main

PERSON = b"From: Ann <ann@customer.example>\nTo: sam@org.example\nCc: kim@partner.example\nSubject: Hi\n\nHello\n"
VACATION = b"From: bob@x.example\nTo: sam@org.example\nAuto-Submitted: auto-replied\nSubject: Away\n\nBack soon\n"
KEYS = ["file", "decision", "reason", "detail", "participants"]


def run(args: list[str], stdin: bytes = b"") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(args, stdin=io.BytesIO(stdin), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    paths = {"person": PERSON, "vacation": VACATION, "empty": b"", "garbage": bytes(range(256)) * 50,
             "huge": b"Subject: " + b"x" * 3_000_000 + b"\nFrom: a@b.example\n\n" + b"<div>" * 200_000}
    out = {}
    for name, data in paths.items():
        path = tmp_path / f"{name}.eml"
        path.write_bytes(data)
        out[name] = str(path)
    out["missing"] = str(tmp_path / "missing.eml")
    out["directory"] = str(tmp_path)
    return out


class TestExplainMessage:
    def test_capture_lists_outside_participants(self) -> None:
        answer = explain_message(PERSON, DEFAULT_OPTIONS, "sam@org.example", Folder.INBOX, "p.eml")
        assert list(answer) == KEYS
        assert answer["decision"] == "capture" and answer["reason"] is None
        assert answer["participants"] == ["ann@customer.example", "kim@partner.example"]

    def test_skip_names_the_reason(self) -> None:
        answer = explain_message(VACATION, DEFAULT_OPTIONS, "sam@org.example", Folder.INBOX, "v.eml")
        assert (answer["decision"], answer["reason"], answer["participants"]) == ("skip", "auto_reply", [])


class TestCli:
    def test_one_json_line_per_file_in_order_and_never_dies(self, files: dict[str, str]) -> None:
        names = ["person", "empty", "vacation", "garbage", "missing", "directory", "huge"]
        code, out, _ = run(["--json", *(files[n] for n in names)])
        lines = [json.loads(line) for line in out.splitlines()]
        assert code == 0
        assert [line["file"] for line in lines] == [files[n] for n in names]
        assert [line["reason"] for line in lines] == [None, "unparseable", "auto_reply", "unparseable",
                                                      "unparseable", "unparseable", None]
        assert "cannot read" in lines[4]["detail"]

    def test_stdin_and_default_mailbox(self) -> None:
        code, out, _ = run(["--json", "-"], stdin=PERSON)
        assert code == 0
        assert json.loads(out)["participants"] == ["ann@customer.example", "sam@org.example", "kim@partner.example"]

    def test_mailbox_and_sent_folder(self, files: dict[str, str]) -> None:
        _, out, _ = run(["--json", "--mailbox", "Ann@Customer.example", "--folder", "sentitems", files["person"]])
        answer = json.loads(out)
        assert answer["decision"] == "capture"
        assert "Outbound" in answer["detail"] and "ann@customer.example" not in answer["participants"]

    def test_table_output(self, files: dict[str, str]) -> None:
        code, out, _ = run([files["vacation"], files["person"]])
        assert code == 0
        assert out.index("auto_reply") < out.index("capture")

    def test_bad_options_exit_2_with_field_paths(self, tmp_path: Path, files: dict[str, str]) -> None:
        bad = tmp_path / "options.json"
        bad.write_text(json.dumps({"look_back_days": -1, "blocked_domains": ["not a domain"]}))
        code, out, err = run(["--options", str(bad), files["person"]])
        assert (code, out) == (2, "")
        assert "look_back_days" in err and "blocked_domains" in err

    def test_options_apply(self, tmp_path: Path, files: dict[str, str]) -> None:
        doc = tmp_path / "options.json"
        doc.write_text(json.dumps({"blocked_domains": ["customer.example"]}))
        _, out, _ = run(["--json", "--options", str(doc), files["person"]])
        assert json.loads(out)["reason"] == "blocked_sender"

    def test_runs_as_a_module(self, files: dict[str, str]) -> None:
        done = subprocess.run([sys.executable, "-m", "shared.explain", "--json", files["person"], files["garbage"]],
                              capture_output=True, timeout=60, check=False)
        assert done.returncode == 0
        assert len(done.stdout.decode().splitlines()) == 2
