"""``itwg serve`` as the Procfile runs it, with its database unreachable: it keeps answering, says so
on /healthz, and a person's command is answered at once with the plain "database isn't answering"
message, since nothing could be queued."""

import json
import time
import urllib.request

import pytest

from bot.failures import DATABASE_DOWN
from bot.signing import command_body, signed_headers
from tests.harness import CHANNEL, SIGNING_SECRET
from tests.serving import itwg_serve, post, serve_env

UNREACHABLE = {
    # A PostgreSQL port nothing listens on: every connection is refused at once.
    "postgresql": "postgresql://postgres@127.0.0.1:9/itwg?connect_timeout=2",
    # A SQLite file in a folder that does not exist: it cannot be opened, let alone written.
    "sqlite": "sqlite:////nonexistent-itwg-folder/deeper/itwg.db",
}


@pytest.fixture(params=sorted(UNREACHABLE))
def server_without_database(request, slack):
    env = serve_env(slack_api_url=slack.api_url, database_url=UNREACHABLE[request.param])
    with itwg_serve(env) as (base, process, logged):
        yield base, process
    output = logged[0].lower()
    assert "database" in output or "connect" in output, "the trouble is in the logs"


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


def test_web_process_stays_up_and_says_the_database_is_down(server_without_database, slack):
    base, process = server_without_database
    with urllib.request.urlopen(base + "/healthz", timeout=10) as response:
        assert response.status == 200
        assert json.loads(response.read()) == {"status": "degraded", "database": False, "queue": None}

    # Nothing can be queued, so nothing is promised: the command's answer says so at once.
    body = _command(slack, "whoami")
    status, answer = post(base + "/slack/events", body, signed_headers(SIGNING_SECRET, body))
    assert status == 200
    reply = json.loads(answer)["text"]
    assert DATABASE_DOWN in reply
    assert "Traceback" not in reply and "OperationalError" not in reply

    body = _command(slack, "help")
    status, answer = post(base + "/slack/events", body, signed_headers(SIGNING_SECRET, body))
    assert status == 200 and "/itwg join" in answer.decode(), "what needs no database still works"

    assert process.poll() is None, "the web process is still running"
    with urllib.request.urlopen(base + "/healthz", timeout=10) as response:
        assert json.loads(response.read())["database"] is False
