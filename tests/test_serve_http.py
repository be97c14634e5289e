"""``itwg serve`` as the Procfile runs it: real HTTP, real signature checks, a health check."""

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from sqlmodel import select

from bot.signing import command_body, signed_headers
from storage.db import session_scope
from storage.models import RequestTask
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


def _whoami(slack) -> str:
    return _help(slack).replace("text=help", "text=whoami")


def _wait_for_replies(slack, count: int, seconds: float = 120) -> list:
    """The replies once ``count`` have come: a busy machine only makes the wait longer."""
    return slack.wait_for_calls("response_url", count, timeout=seconds)


def _health(base: str) -> dict:
    with urllib.request.urlopen(base + "/healthz", timeout=30) as response:
        assert response.status == 200
        return json.loads(response.read())


def test_healthz_reports_the_database_and_the_queue(server):
    base, _ = server
    # On a busy machine the first checks may miss /healthz's deadline and say "degraded"; what
    # matters is the answer once the database has been reached.
    deadline = time.monotonic() + 60
    while (health := _health(base))["status"] != "ok" and time.monotonic() < deadline:
        pass
    assert health == {
        "status": "ok",
        "database": True,
        "queue": {"unfinished": 0, "oldest_seconds": 0.0, "queued": 0},
    }


def test_signed_help_over_http_is_answered_in_the_acknowledgement(server, slack):
    base, _ = server
    body = _help(slack)
    status, answer = post(base + "/slack/events", body, signed_headers(SIGNING_SECRET, body))
    assert status == 200
    assert "/itwg join ORG" in answer.decode()


def test_a_command_is_carried_out_by_the_worker(server, slack):
    base, _ = server
    body = _whoami(slack)
    assert post(base + "/slack/events", body, signed_headers(SIGNING_SECRET, body)) == (200, b"")
    [reply] = _wait_for_replies(slack, 1)
    assert "You are recorded as" in json.dumps(reply.params)


def test_unsigned_forged_and_stale_requests_get_401_over_http(server, slack, engine):
    base, _ = server
    body = _whoami(slack)
    unsigned = {"content-type": "application/x-www-form-urlencoded"}
    assert post(base + "/slack/events", body, unsigned)[0] == 401
    assert post(base + "/slack/events", body, signed_headers("wrong", body))[0] == 401
    stale = signed_headers(SIGNING_SECRET, body, timestamp=int(time.time()) - 400)
    assert post(base + "/slack/events", body, stale)[0] == 401
    # Refused before anything is queued: no task in the ledger for a worker to carry out, ever.
    with session_scope(engine) as session:
        assert session.exec(select(RequestTask)).all() == []
    assert slack.calls_to("response_url") == []


@pytest.mark.slow  # a burst and a restart of real processes; the durability tests go further
def test_stopping_the_web_process_loses_nothing_it_acknowledged(database_url, slack):
    """A platform restarts the web process with SIGTERM right after a burst of commands: it ends
    cleanly, and every command it answered 200 still gets its reply from the worker."""
    env = serve_env(slack_api_url=slack.api_url, database_url=database_url)
    subprocess.run([sys.executable, "-m", "bot", "migrate"], env=env, check=True, capture_output=True)
    with itwg_serve(env) as (base, process, _logged):
        bodies = [_whoami(slack) for _ in range(30)]
        statuses = [
            post(base + "/slack/events", body, signed_headers(SIGNING_SECRET, body))[0] for body in bodies
        ]
        process.terminate()
        exit_status = process.wait(timeout=30)
        replies = _wait_for_replies(slack, 30, seconds=60)
    assert statuses == [200] * 30
    assert len(replies) == 30
    assert exit_status == 0
