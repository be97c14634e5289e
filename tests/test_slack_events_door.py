"""``POST /slack/events`` as anyone on the internet can reach it: unsigned, oversized or malformed
requests are refused with a 4xx and a line of text, before any parsing, never with a traceback."""

import hashlib
import hmac
import json
import logging
import time
import urllib.parse

import pytest

from bot.signing import interaction_body, signed_headers
from bot.slack_gate import MAX_BODY_BYTES
from bot.web import create_web
from tests.harness import SIGNING_SECRET


@pytest.fixture
def web(bot):
    return create_web(bot.app, bot.deps).test_client()


def _post(web, body: str | bytes, headers: dict[str, str]):
    return web.post("/slack/events", data=body, headers=headers)


def _signed(body: str) -> dict[str, str]:
    return signed_headers(SIGNING_SECRET, body)


def test_an_oversized_body_is_refused_with_413_unread(web, bot):
    body = "x" * (MAX_BODY_BYTES + 1)
    response = _post(web, body, _signed(body))
    assert response.status_code == 413
    assert bot.slack.calls == []


@pytest.mark.parametrize(
    "body",
    ["payload=%7Bnot json", "payload=%5B1%2C2%5D", "%%%", "payload=" + "[" * 5000, "\udcff"],
    ids=["broken-json", "json-list", "bad-encoding", "deep-nesting", "lone-surrogate"],
)
def test_unsigned_malformed_bodies_get_401_and_no_traceback(web, bot, caplog, body):
    caplog.set_level(logging.DEBUG)
    response = _post(
        web, body.encode("utf-8", "surrogateescape"), {"content-type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 401
    assert len(response.data) < 100
    assert "Traceback" not in caplog.text


@pytest.mark.parametrize("timestamp", ["soon", "", "1e9", "١٢٣", "9" * 40])
def test_a_timestamp_that_is_not_a_number_gets_401(web, timestamp):
    body = "command=%2Fitwg&text=help"
    headers = {**_signed(body), "x-slack-request-timestamp": timestamp}
    response = _post(web, body, headers)
    assert response.status_code == 401


def test_a_signed_body_that_is_not_utf8_gets_400(web):
    raw = b"text=\xff\xfe"
    ts = str(int(time.time()))
    signature = (
        "v0="
        + hmac.new(SIGNING_SECRET.encode(), b"v0:" + ts.encode() + b":" + raw, hashlib.sha256).hexdigest()
    )
    headers = {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": ts,
        "x-slack-signature": signature,
    }
    assert _post(web, raw, headers).status_code == 400


@pytest.mark.parametrize(
    "payload",
    ["[1, 2]", '"text"', "42", "null", "{not json", '{"actions": []}'],
)
def test_a_signed_payload_that_is_not_a_json_object_gets_400(web, bot, caplog, payload):
    body = urllib.parse.urlencode({"payload": payload})
    response = _post(web, body, _signed(body))
    assert response.status_code == 400
    assert "Traceback" not in caplog.text
    assert bot.slack.calls == []


def test_signed_button_click_with_no_actions_gets_400(web, bot, caplog):
    body = interaction_body(
        {
            "type": "block_actions",
            "user": {"id": "UILO00001", "team_id": "T0ITWG"},
            "team": {"id": "T0ITWG"},
            "trigger_id": "t.1",
            "actions": [],
        }
    )
    response = _post(web, body, _signed(body))
    assert response.status_code == 400
    assert "Traceback" not in caplog.text
    assert bot.slack.calls == []


def test_a_signed_json_body_that_is_not_an_object_gets_400(web):
    body = json.dumps(["event_callback"])
    headers = {**_signed(body), "content-type": "application/json"}
    assert _post(web, body, headers).status_code == 400


def test_a_well_formed_signed_command_still_goes_through(web, bot):
    body = urllib.parse.urlencode(
        {
            "command": "/itwg",
            "text": "help",
            "user_id": "UILO00001",
            "team_id": "T0ITWG",
            "channel_id": "CITWG0001",
            "trigger_id": "t.1",
            "response_url": "http://127.0.0.1:9/r",
        }
    )
    response = _post(web, body, _signed(body))
    assert response.status_code == 200
    assert "/itwg" in response.get_data(as_text=True)
