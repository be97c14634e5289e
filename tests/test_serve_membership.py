"""A join request over real HTTP, as ``itwg serve`` and its worker run it: a guest of another Slack
workspace asks, a focal point approves with the button, and the guest then belongs."""

import json
import time

from bot.signing import command_body, interaction_body, signed_headers
from tests.harness import CHANNEL, SIGNING_SECRET
from tests.serving import post
from tests.test_serve_http import server  # noqa: F401 (the fixture)


def _command(slack, text: str, *, user_id: str, team_id: str) -> str:
    return command_body(
        {
            "command": "/itwg",
            "text": text,
            "user_id": user_id,
            "team_id": team_id,
            "channel_id": CHANNEL,
            "trigger_id": f"t.{time.time_ns()}",
            "response_url": slack.response_url(),
        }
    )


def _send(base: str, body: str) -> None:
    status, _ = post(base + "/slack/events", body, signed_headers(SIGNING_SECRET, body))
    assert status == 200


def _wait_for(slack, found, seconds: float = 20):
    deadline = time.time() + seconds
    while time.time() < deadline:
        result = found()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError("the bot did not answer in time")


def _reply_containing(slack, text: str):
    return lambda: [c for c in slack.calls_to("response_url") if text in json.dumps(c.params)]


def _dm_to(slack, user_id: str, text: str):
    return lambda: [
        c
        for c in slack.calls_to("chat.postMessage")
        if c.params.get("channel") == user_id and text in c.params["text"]
    ]


def test_a_guest_asks_a_focal_point_approves_over_http(server, slack):  # noqa: F811
    base, _ = server
    _send(base, _command(slack, "focal-point", user_id="UILO00001", team_id="T0ITWG"))
    _wait_for(slack, _reply_containing(slack, "is a focal point of *ILO*"))
    _send(base, _command(slack, "join ILO I coordinate ILO's work", user_id="UGUEST001", team_id="TOTHER"))
    (asked,) = _wait_for(slack, _dm_to(slack, "UILO00001", "asks to join ILO"))
    request_id = next(b for b in asked.params["blocks"] if b["type"] == "actions")["elements"][0]["value"]

    _send(base, _command(slack, "action ILO 2030-03-31 Not yet", user_id="UGUEST001", team_id="TOTHER"))
    _wait_for(slack, _reply_containing(slack, "waiting for approval"))

    click = interaction_body(
        {
            "type": "block_actions",
            "team": {"id": "T0ITWG"},
            "user": {"id": "UILO00001", "team_id": "T0ITWG"},
            "trigger_id": f"t.{time.time_ns()}",
            "response_url": slack.response_url(),
            "container": {"type": "message", "channel_id": "DUILO00001", "message_ts": "1.1"},
            "actions": [{"type": "button", "action_id": "join_request_approve", "value": request_id}],
        }
    )
    _send(base, click)
    _wait_for(slack, _dm_to(slack, "UGUEST001", "was approved"))
    _send(base, _command(slack, "whoami", user_id="UGUEST001", team_id="TOTHER"))
    _wait_for(slack, _reply_containing(slack, "You are recorded as *ILO*"))
