"""Steps on the admin page shared by the browser tests (import after playwright is known to be installed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from devhost.stack import Stack


def use_key(page: Any, stack: Stack) -> None:
    """Paste the function key the way an admin does and wait until the options are loaded."""
    page.get_by_label("Function key").fill(stack.function_key)
    page.get_by_role("button", name="Use key").click()
    expect(page.locator("#options-meta")).to_contain_text("Version")


def drop_file(page: Any, selector: str, path: Path) -> None:
    """Drag-and-drop a file from the desktop onto ``selector`` (a DataTransfer holding it, then the drop event)."""
    transfer = page.evaluate_handle(
        """([name, bytes]) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([new Uint8Array(bytes)], name, {type: "message/rfc822"}));
            return transfer;
        }""", [path.name, list(path.read_bytes())])
    for event in ("dragenter", "dragover", "drop"):
        page.dispatch_event(selector, event, {"dataTransfer": transfer})
