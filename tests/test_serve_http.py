"""``itwg serve`` as the Procfile runs it: real HTTP, real signature checks, a health check."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bot.signing import command_body, signed_headers
from tests.harness import BOT_TOKEN, CHANNEL, SIGNING_SECRET

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(database_url, slack):
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ITWG_"))},
        "PYTHONPATH": str(ROOT),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.api_url,
        "DATABASE_URL": database_url,
        "ITWG_CHANNEL": CHANNEL,
    }
    subprocess.run([sys.executable, "-m", "bot", "migrate"], env=env, check=True, capture_output=True)
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
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


def _post(url: str, body: str, headers: dict[str, str]) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body.encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _help(slack) -> str:
    return command_body(
        {
            "command": "/itwg",
            "text": "help",
            "user_id": "UILO00001",
            "team_id": "T0ITWG",
            "channel_id": CHANNEL,
            "trigger_id": f"t.{time.time_ns()}",
            "response_url": slack.response_url(),
        }
    )


def test_healthz_reports_the_database(server):
    base, _ = server
    with urllib.request.urlopen(base + "/healthz") as response:
        assert response.status == 200
        assert json.loads(response.read()) == {"status": "ok", "database": True}


def test_signed_help_over_http_is_answered(server, slack):
    base, _ = server
    body = _help(slack)
    status, _ = _post(base + "/slack/events", body, signed_headers(SIGNING_SECRET, body))
    assert status == 200
    deadline = time.time() + 10
    while not slack.calls_to("response_url") and time.time() < deadline:
        time.sleep(0.05)
    assert "/itwg join ORG" in json.dumps(slack.calls_to("response_url")[0].params)


def test_unsigned_forged_and_stale_requests_get_401_over_http(server, slack):
    base, _ = server
    body = _help(slack)
    unsigned = {"content-type": "application/x-www-form-urlencoded"}
    assert _post(base + "/slack/events", body, unsigned)[0] == 401
    assert _post(base + "/slack/events", body, signed_headers("wrong", body))[0] == 401
    stale = signed_headers(SIGNING_SECRET, body, timestamp=int(time.time()) - 400)
    assert _post(base + "/slack/events", body, stale)[0] == 401
    time.sleep(0.3)
    assert slack.calls_to("response_url") == []
