"""Bolt's request verification stays on: only correctly signed, fresh requests are handled."""

import time

from bot.signing import command_body, signature, signed_headers
from tests.harness import SIGNING_SECRET


def _help_body() -> str:
    return command_body(
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


def test_slack_published_signing_example_gives_the_documented_signature():
    body = (
        "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
        "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect"
        "&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554"
        "%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
    )
    expected = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
    assert signature("8f742231b10e8888abcd99yyyzzz85a5", "1531420618", body) == expected


def test_unsigned_request_is_rejected(bot):
    response = bot.dispatch(_help_body(), {"content-type": "application/x-www-form-urlencoded"})
    assert response.status == 401
    assert bot.replies() == []


def test_request_signed_with_another_secret_is_rejected(bot):
    body = _help_body()
    response = bot.dispatch(body, signed_headers("not-the-secret", body))
    assert response.status == 401
    assert bot.replies() == []


def test_request_older_than_five_minutes_is_rejected(bot):
    body = _help_body()
    stale = int(time.time()) - 6 * 60
    response = bot.dispatch(body, signed_headers(SIGNING_SECRET, body, timestamp=stale))
    assert response.status == 401
    assert bot.replies() == []


def test_tampered_body_is_rejected(bot):
    body = _help_body()
    headers = signed_headers(SIGNING_SECRET, body)
    response = bot.dispatch(body.replace("help", "join"), headers)
    assert response.status == 401
