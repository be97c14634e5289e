"""Driving the real App with signed requests against the local Slack stand-in.

``BotHarness.command`` / ``.submit`` / ``.click`` / ``.event`` build payloads the way Slack does, sign
them with the app's secret and dispatch them through ``App.dispatch``. Listeners run inline, so when
a call returns, everything the bot sent is in ``harness.slack.calls``.
"""

import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse

from bot.local_slack import LocalSlack, SlackUser
from bot.signing import command_body, interaction_body, signed_headers

SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
BOT_TOKEN = "xoxb-test-token-not-real-000000000"
CHANNEL = "CITWG0001"

# People of the working group the tests talk as, by Slack user id.
PEOPLE = {
    "UNODC": SlackUser(id="UUNODC001", name="Uma Lead", email="uma.lead@unodc.org", tz="Europe/Vienna"),
    "WHO": SlackUser(id="UWHO00001", name="Wen Lead", email="wen.lead@who.int", tz="Europe/Zurich"),
    "ILO": SlackUser(id="UILO00001", name="Ike Focal", email="focal.point@ilo.org", tz="Europe/Zurich"),
    "UNHCR": SlackUser(id="UUNHCR001", name="Hana Member", email="hana@unhcr.org", tz="Africa/Nairobi"),
    "UNICEF": SlackUser(id="UUNICEF01", name="Cleo Member", email="cleo@unicef.org", tz="America/New_York"),
    "OHCHR": SlackUser(id="UOHCHR001", name="Otto Observer", email="otto@ohchr.org", tz="Europe/Zurich"),
    "GUEST": SlackUser(id="UGUEST001", name="Gus Guest", email=None, tz=None, team_id="TOTHER"),
}


@dataclass
class Clock:
    """A settable ``now`` for services, so tests decide what "today" and "overdue" mean."""

    moment: datetime = field(default_factory=lambda: datetime(2030, 1, 15, 9, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.moment

    def set(self, moment: datetime) -> None:
        self.moment = moment


@dataclass
class BotHarness:
    app: App
    slack: LocalSlack
    deps: Any
    clock: Clock
    calls_before_dispatch: int = 0

    def user_id(self, who: str) -> str:
        return PEOPLE[who].id if who in PEOPLE else who

    # -- requests ---------------------------------------------------------------------------------
    def dispatch(self, body: str, headers: dict[str, str] | None = None) -> BoltResponse:
        headers = headers or signed_headers(SIGNING_SECRET, body)
        self.calls_before_dispatch = len(self.slack.calls)
        return self.app.dispatch(BoltRequest(body=body, headers=headers))

    def command(self, text: str, *, who: str = "ILO", channel: str = CHANNEL, **extra: str) -> BoltResponse:
        user = PEOPLE.get(who) or SlackUser(id=who, name=who)
        fields = {
            "token": "legacy",
            "team_id": user.team_id,
            "channel_id": channel,
            "user_id": user.id,
            "user_name": user.name,
            "command": "/itwg",
            "text": text,
            "response_url": self.slack.response_url(),
            "trigger_id": f"trigger.{time.time_ns()}",
            **extra,
        }
        response = self.dispatch(command_body(fields))
        self.slack.show_command_answer(response.body)
        return response

    def interaction(self, payload: dict[str, Any]) -> BoltResponse:
        return self.dispatch(interaction_body(payload))

    def submit(
        self,
        view: dict[str, Any],
        values: dict[str, dict[str, Any]],
        *,
        who: str = "ILO",
        view_id: str = "VTEST0001",
        trigger_id: str | None = None,
    ) -> BoltResponse:
        """Submit a modal the bot opened, with ``values`` as Slack's ``state.values``."""
        user = PEOPLE[who]
        payload = {
            "type": "view_submission",
            "team": {"id": user.team_id},
            "user": {"id": user.id, "team_id": user.team_id, "name": user.name},
            "trigger_id": trigger_id or f"trigger.{time.time_ns()}",
            "view": {**view, "id": view_id, "hash": "hash-" + view_id, "state": {"values": values}},
        }
        return self.interaction(payload)

    def click(
        self,
        action_id: str,
        value: str = "",
        *,
        who: str = "ILO",
        block_id: str = "b",
        container: dict[str, Any] | None = None,
        view: dict[str, Any] | None = None,
        trigger_id: str | None = None,
    ) -> BoltResponse:
        user = PEOPLE[who]
        payload: dict[str, Any] = {
            "type": "block_actions",
            "team": {"id": user.team_id},
            "user": {"id": user.id, "team_id": user.team_id, "name": user.name},
            "trigger_id": trigger_id or f"trigger.{time.time_ns()}",
            "response_url": self.slack.response_url(),
            "container": container or {"type": "message", "channel_id": CHANNEL, "message_ts": "1.1"},
            "channel": {"id": CHANNEL},
            "actions": [
                {
                    "type": "button",
                    "action_id": action_id,
                    "block_id": block_id,
                    "value": value,
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        }
        if view is not None:
            payload["view"] = view
        return self.interaction(payload)

    def event(
        self, event: dict[str, Any], *, event_id: str | None = None, retry: int | None = None
    ) -> BoltResponse:
        body = json.dumps(
            {
                "token": "legacy",
                "team_id": "T0ITWG",
                "api_app_id": "AITWG",
                "type": "event_callback",
                "event_id": event_id or f"Ev{time.time_ns()}",
                "event_time": int(time.time()),
                "event": event,
            }
        )
        headers = signed_headers(SIGNING_SECRET, body)
        headers["content-type"] = "application/json"
        if retry is not None:
            headers["x-slack-retry-num"] = str(retry)
            headers["x-slack-retry-reason"] = "http_timeout"
        return self.dispatch(body, headers)

    # -- what the bot sent ---------------------------------------------------------------------------
    def replies(self) -> list[dict[str, Any]]:
        """Messages sent to commands' response_urls, oldest first."""
        return [call.params for call in self.slack.calls_to("response_url")]

    def last_reply_text(self) -> str:
        replies = self.replies()
        assert replies, "the bot sent no reply"
        return message_text(replies[-1])

    def last_told_text(self) -> str:
        """The newest thing the person was shown in answer: a reply, or a form's refusal."""
        for call in reversed(self.slack.calls):
            if call.method == "response_url":
                return message_text(call.params)
            if (
                call.method in ("views.open", "views.update")
                and call.params["view"]["callback_id"] == "refused"
            ):
                return message_text(call.params["view"])
        raise AssertionError("the bot answered nothing")

    def refusal(self, response: BoltResponse) -> dict[str, str]:
        """Why the last modal submission was not saved, by block id: the inline errors it was answered
        with, or, when the modal closed, the reasons a lazy part then sent the person (keyed "dm").
        Fails when it was saved."""
        if response.body:
            answer = json.loads(response.body)
            assert answer["response_action"] == "errors", answer
            return answer["errors"]
        refusals = self.refusals()
        assert refusals, "the submission was accepted"
        return {"dm": " ".join(refusals)}

    def refusals(self) -> list[str]:
        """The "Nothing was saved" messages sent during the last dispatch, after its modal closed: where
        the person opened the form, or in a direct message."""
        return [
            message_text(call.params)
            for call in self.slack.calls[self.calls_before_dispatch :]
            if call.method in ("chat.postMessage", "response_url")
            and call.params.get("text", "").startswith("Nothing was saved")
        ]

    def opened_views(self) -> list[dict[str, Any]]:
        """Every modal the bot opened, as it looks now: a loading view is shown as what replaced it."""
        views: dict[str, dict[str, Any]] = {}
        for call in self.slack.calls:
            if call.method == "views.open":
                views[call.response["view"]["id"]] = call.params["view"]
            elif call.method == "views.update" and call.params.get("view_id") in views:
                views[call.params["view_id"]] = call.params["view"]
        return list(views.values())

    def posts(self, channel: str | None = None) -> list[dict[str, Any]]:
        calls = self.slack.calls_to("chat.postMessage")
        return [c.params for c in calls if channel is None or c.params.get("channel") == channel]


def message_text(message: dict[str, Any]) -> str:
    """Everything a reader would see in a message or view: fallback text and all block text."""
    parts = [message.get("text") or ""]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                parts.append(node["text"])
            for value in node.values():
                if isinstance(value, dict | list):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(message.get("blocks", []))
    return "\n".join(parts)
