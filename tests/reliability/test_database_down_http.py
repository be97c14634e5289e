"""``itwg serve`` as the Procfile runs it, with its database unreachable: it keeps answering, says so
on /healthz, and a person's command gets the plain "database isn't answering" message."""

import json
import os
import subprocess
import sys
import time
import urllib.request

import pytest

from bot.failures import DATABASE_DOWN
from bot.signing import command_body, signed_headers
from tests.harness import BOT_TOKEN, CHANNEL, SIGNING_SECRET
from tests.test_serve_http import ROOT, _free_port, _post

UNREACHABLE = {
    # A PostgreSQL port nothing listens on: every connection is refused at once.
    "postgresql": "postgresql://postgres@127.0.0.1:9/itwg?connect_timeout=2",
    # A SQLite file in a folder that does not exist: it cannot be opened, let alone written.
    "sqlite": "sqlite:////nonexistent-itwg-folder/deeper/itwg.db",
}


@pytest.fixture(params=sorted(UNREACHABLE))
def server_without_database(request, slack):
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ITWG_", "DATABASE_"))},
        "PYTHONPATH": str(ROOT),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.api_url,
        "DATABASE_URL": UNREACHABLE[request.param],
        "ITWG_CHANNEL": CHANNEL,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while time.time() < deadline and process.poll() is None:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=5)
            break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        raise AssertionError(process.stdout.read().decode())
    yield base, process
    process.terminate()
    output = process.communicate(timeout=10)[0].decode()
    assert BOT_TOKEN not in output and SIGNING_SECRET not in output
    assert "database" in output.lower() or "connect" in output.lower(), "the trouble is in the logs"


def _command(slack, text: str) -> str:
    return command_body(
        {
            "command": "/itwg",
            "text": text,
            "user_id": "UILO00001",
            "team_id": "T0ITWG",
            "channel_id": CHANNEL,
            "trigger_id": f"t.{time.time_ns()}",
            "response_url": slack.response_url(),
        }
    )


def _wait_for_replies(slack, count: int) -> list[str]:
    deadline = time.time() + 20
    while len(slack.calls_to("response_url")) < count and time.time() < deadline:
        time.sleep(0.05)
    return [json.dumps(call.params, ensure_ascii=False) for call in slack.calls_to("response_url")]


def test_web_process_stays_up_and_says_the_database_is_down(server_without_database, slack):
    base, process = server_without_database
    with urllib.request.urlopen(base + "/healthz", timeout=10) as response:
        assert response.status == 200
        assert json.loads(response.read()) == {"status": "degraded", "database": False}

    body = _command(slack, "whoami")
    status, _ = _post(base + "/slack/events", body, signed_headers(SIGNING_SECRET, body))
    assert status == 200
    [reply] = _wait_for_replies(slack, 1)
    assert DATABASE_DOWN in reply
    assert "Traceback" not in reply and "OperationalError" not in reply

    body = _command(slack, "help")
    assert _post(base + "/slack/events", body, signed_headers(SIGNING_SECRET, body))[0] == 200
    assert "/itwg join" in _wait_for_replies(slack, 2)[1], "what needs no database still works"

    assert process.poll() is None, "the web process is still running"
    with urllib.request.urlopen(base + "/healthz", timeout=10) as response:
        assert json.loads(response.read())["database"] is False
