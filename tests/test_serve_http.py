"""``itwg serve`` as the Procfile runs it: real HTTP, real signature checks, a health check."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bot.signing import command_body, signed_headers
from tests.harness import CHANNEL, SIGNING_SECRET
from tests.serving import itwg_serve, post, serve_env


@pytest.fixture
def server(database_url, slack):
    env = serve_env(slack_api_url=slack.api_url, database_url=database_url)
    subprocess.run([sys.executable, "-m", "bot", "migrate"], env=env, check=True, capture_output=True)
    with itwg_serve(env) as (base, process, _logged):
        yield base, process


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
        assert json.loads(response.read()) == {"status": "ok", "database": True, "worker": True}


def test_signed_help_over_http_is_answered(server, slack):
    base, _ = server
    body = _help(slack)
    status, _ = post(base + "/slack/events", body, signed_headers(SIGNING_SECRET, body))
    assert status == 200
    deadline = time.time() + 10
    while not slack.calls_to("response_url") and time.time() < deadline:
        time.sleep(0.05)
    assert "/itwg join ORG" in json.dumps(slack.calls_to("response_url")[0].params)


def test_unsigned_forged_and_stale_requests_get_401_over_http(server, slack):
    base, _ = server
    body = _help(slack)
    unsigned = {"content-type": "application/x-www-form-urlencoded"}
    assert post(base + "/slack/events", body, unsigned)[0] == 401
    assert post(base + "/slack/events", body, signed_headers("wrong", body))[0] == 401
    stale = signed_headers(SIGNING_SECRET, body, timestamp=int(time.time()) - 400)
    assert post(base + "/slack/events", body, stale)[0] == 401
    time.sleep(0.3)
    assert slack.calls_to("response_url") == []


REQUESTS_IN_A_BURST = 100


def test_stopping_the_web_process_loses_nothing_it_acknowledged(database_url, slack):
    """A platform restarts the web process with SIGTERM right after a burst of commands: every command
    already answered 200 still gets its reply, and the web process ends cleanly once its worker is done."""
    env = serve_env(slack_api_url=slack.api_url, database_url=database_url)
    subprocess.run([sys.executable, "-m", "bot", "migrate"], env=env, check=True, capture_output=True)
    with itwg_serve(env) as (base, process, _logged):
        bodies = [_help(slack) for _ in range(30)]
        statuses = [
            post(base + "/slack/events", body, signed_headers(SIGNING_SECRET, body))[0] for body in bodies
        ]
        process.terminate()
        exit_status = process.wait(timeout=30)
    assert statuses == [200] * 30
    assert len(slack.calls_to("response_url")) == 30
    assert exit_status == 0


def _health(base: str) -> dict:
    with urllib.request.urlopen(base + "/healthz", timeout=10) as response:
        return json.loads(response.read())


def _worker_pids(process) -> list[str]:
    return Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()


def test_a_killed_worker_is_replaced_at_once_and_the_next_command_is_answered(server, slack):
    base, process = server
    [first] = _worker_pids(process)
    os.kill(int(first), signal.SIGKILL)
    deadline = time.time() + 10
    while _worker_pids(process) in ([], [first]) and time.time() < deadline:
        time.sleep(0.05)
    [second] = _worker_pids(process)
    assert second != first
    body = _help(slack)
    assert post(base + "/slack/events", body, signed_headers(SIGNING_SECRET, body))[0] == 200
    deadline = time.time() + 20
    while not slack.calls_to("response_url") and time.time() < deadline:
        time.sleep(0.05)
    assert "/itwg join ORG" in json.dumps(slack.calls_to("response_url")[0].params)
    assert _health(base) == {"status": "ok", "database": True, "worker": True}
