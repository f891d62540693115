"""Why would this email (not) be captured? Runs every rule that needs no CRM or Graph call.

    python -m shared.explain [--options FILE] [--mailbox ADDRESS] [--folder inbox|sentitems] [--json] FILE...

Each FILE is a MIME message (.eml); ``-`` reads one from stdin. The message is judged as if it had just
arrived by webhook, so the look-back window and the daily cap do not apply. One answer per file, in input
order; a file that cannot be read or parsed gets ``"reason": "unparseable"`` and the run goes on. Exit
status: 0 when every file got its answer, 2 for a bad options document or bad arguments.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from shared.adapters.mime import message_from_mime
from shared.domain.errors import InvalidOptions
from shared.domain.model import Folder
from shared.domain.options import DEFAULT_OPTIONS, Options, parse_options
from shared.services.explain import explain_message as explain_with
from shared.services.explain import unparseable

DEFAULT_MAILBOX = "mailbox@organisation.invalid"
FOLDERS = (Folder.INBOX.value, Folder.SENT_ITEMS.value, Folder.CAPTURE.value)  # capture: "had it been filed there"


def explain_message(raw: bytes, options: Options, mailbox: str, folder: Folder, name: str) -> dict[str, Any]:
    """The explain answer for one message: {file, decision, reason, detail, participants}."""
    return explain_with(raw, options, mailbox, folder, name, message_from_mime)


def _read(name: str, stdin: BinaryIO) -> bytes | str:
    """The file's bytes, or why it could not be read."""
    try:
        return stdin.read() if name == "-" else Path(name).read_bytes()
    except OSError as exc:
        return exc.strerror or type(exc).__name__


def _load_options(path: str | None, err: TextIO) -> Options | None:
    if path is None:
        return DEFAULT_OPTIONS
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
        return parse_options(doc)
    except InvalidOptions as exc:
        for field, problem in exc.problems:
            print(f"{path}: {field or '(document)'}: {problem}", file=err)
    except (OSError, ValueError) as exc:
        print(f"{path}: cannot read the options document: {exc}", file=err)
    return None


def _table_line(answer: dict[str, Any]) -> str:
    reason = answer["reason"] or "-"
    people = ", ".join(answer["participants"]) or "-"
    return f"{answer['file']}\n  {answer['decision']:<8}{reason:<24}{people}\n  {answer['detail']}"


def main(argv: list[str] | None = None, stdin: BinaryIO | None = None, out: TextIO | None = None,
         err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    parser = argparse.ArgumentParser(prog="python -m shared.explain", description=__doc__.split("\n")[0])
    parser.add_argument("--options", help="JSON options document as the admin API takes it")
    parser.add_argument("--mailbox", default=DEFAULT_MAILBOX, help="the watched mailbox the mail is in")
    parser.add_argument("--folder", choices=FOLDERS, default=Folder.INBOX.value)
    parser.add_argument("--json", action="store_true", help="one JSON object per file, one per line")
    parser.add_argument("files", nargs="+", metavar="FILE", help=".eml file, or - for stdin")
    args = parser.parse_args(argv)
    options = _load_options(args.options, err)
    if options is None:
        return 2
    source = stdin or sys.stdin.buffer
    for name in args.files:
        raw = _read(name, source)
        answer = (unparseable(name, f"cannot read the file ({raw})") if isinstance(raw, str)
                  else explain_message(raw, options, args.mailbox, Folder(args.folder), name))
        print(json.dumps(answer, ensure_ascii=False) if args.json else _table_line(answer), file=out, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
