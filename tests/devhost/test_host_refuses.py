"""The devhost process refuses to start an app the real Functions host would refuse, printing the host's message."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from devhost.stack import REPO, Stack, StackError

pytestmark = pytest.mark.integration

BAD_APP = '''
import azure.functions as func

app = func.FunctionApp()


@app.function_name("Options")
@app.route(route="admin/options", methods=["GET"])
def options(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("never served in Azure")
'''
RESERVED = "The 'Options' function is in error: The specified route conflicts with one or more built in routes."


@pytest.fixture
def bad_app(tmp_path: Path) -> Path:
    (tmp_path / "hostrules_bad_app.py").write_text(BAD_APP, encoding="utf-8")
    return tmp_path


def test_the_process_exits_non_zero_with_the_hosts_message(bad_app: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "devhost", "--app", "hostrules_bad_app", "--port", "0"],
                          cwd=REPO, env={"PYTHONPATH": str(bad_app), "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 2
    assert RESERVED in done.stderr
    assert "devhost listening" not in done.stdout


def test_stack_raises_with_the_hosts_message(bad_app: Path, tmp_path: Path) -> None:
    with pytest.raises(StackError, match="The specified route conflicts with one or more built in routes"):
        Stack(tmp_path / "stack", emulators=False, storage="UseDevelopmentStorage=true", app="hostrules_bad_app",
              extra_env={"PYTHONPATH": str(bad_app)}, timeout=30).start()
