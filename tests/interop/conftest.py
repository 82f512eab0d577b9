"""Fixtures of the interoperability tests: the learner test course, and a real Ralph LRS on a loopback port.

Ralph (PyPI ralph-malph) lives in its own virtualenv, made by `make ralph` (which .ci/run calls): .venv-ralph, or
the Python named by EBW_RALPH_PYTHON. Without it the LRS tests are skipped with a visible reason, unless
EBW_REQUIRE_RALPH=1 (CI), where a missing Ralph is a failure.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from base64 import b64encode
from pathlib import Path

import pytest

from ..learning.conftest import course, enrollment  # noqa: F401 - the learner test course and an enrolment

PROJECT_ROOT = Path(__file__).resolve().parents[2]
HELPER = Path(__file__).with_name("ralph_helper.py")
LRS_USER, LRS_PASSWORD = "ebw", "lrs-wachtwoord-voor-tests"


def ralph_python() -> str | None:
    path = os.environ.get("EBW_RALPH_PYTHON") or str(PROJECT_ROOT / ".venv-ralph" / "bin" / "python")
    return path if Path(path).exists() else None


def _need_ralph() -> str:
    python = ralph_python()
    if python is None:
        reason = "Ralph LRS not installed (.venv-ralph; run `make ralph`): LRS tests skipped"
        if os.environ.get("EBW_REQUIRE_RALPH") == "1":
            pytest.fail("EBW_REQUIRE_RALPH=1 but " + reason)
        pytest.skip(reason)
    return python


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Ralph:
    """A Ralph LRS process; stop() and start() again keep its stored statements (the same folder and port)."""

    def __init__(self, python: str, folder: Path):
        self.python, self.folder, self.port = python, folder, _free_port()
        self.process: subprocess.Popen | None = None
        self.url = f"http://127.0.0.1:{self.port}/xAPI"
        self.env = {**os.environ, "RALPH_RUNSERVER_BACKEND": "fs", "RALPH_AUTH_FILE": str(folder / "auth.json"),
                    "RALPH_HISTORY_FILE": str(folder / "history.json"),
                    "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(folder / "store"),
                    "RALPH_TEST_USER": LRS_USER, "RALPH_TEST_PASSWORD": LRS_PASSWORD}
        (folder / "store").mkdir(parents=True, exist_ok=True)

    def start(self) -> None:
        with open(self.folder / "log", "ab") as log:  # the child keeps its own copy of the handle
            self.process = subprocess.Popen([self.python, str(HELPER), "serve", str(self.port)], env=self.env,
                                            stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/__heartbeat__", timeout=2):
                    return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError((self.folder / "log").read_text()[-2000:]) from None
                time.sleep(0.2)
        raise RuntimeError("Ralph did not start within 60 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def statements(self, **params) -> list[dict]:
        """Every statement Ralph stored (following the `more` links)."""
        query = "&".join(f"{k}={v}" for k, v in {"limit": 500, **params}.items())
        url, found = f"{self.url}/statements?{query}", []
        auth = b64encode(f"{LRS_USER}:{LRS_PASSWORD}".encode()).decode()
        while url:
            request = urllib.request.Request(url, headers={"Authorization": f"Basic {auth}",
                                                           "X-Experience-API-Version": "1.0.3"})
            with urllib.request.urlopen(request, timeout=10) as response:
                body = json.loads(response.read())
            found += body["statements"]
            url = f"http://127.0.0.1:{self.port}{body['more']}" if body.get("more") else ""
        return found


@pytest.fixture
def ralph(tmp_path):
    server = Ralph(_need_ralph(), tmp_path / "ralph")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def validate_with_ralph():
    """validate_with_ralph([statement, ...]) -> the name of Ralph's model that each statement matches."""
    python = _need_ralph()

    def run(statements: list[dict]) -> list[str]:
        done = subprocess.run([python, str(HELPER), "validate"], input=json.dumps(statements), text=True,
                              capture_output=True, timeout=120, check=True)
        return json.loads(done.stdout)

    return run
