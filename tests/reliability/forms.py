"""Answering the modals the bot opens the way Slack reports them, and replaying Slack's retries."""

import time
from typing import Any

from bot.local_slack import SlackUser
from bot.signing import command_body, interaction_body, signed_headers
from tests.harness import CHANNEL, PEOPLE, SIGNING_SECRET, BotHarness

# The value each kind of input element reports, keyed by Slack's element type.
_ANSWER_KEY = {
    "datepicker": "selected_date",
    "timepicker": "selected_time",
    "users_select": "selected_user",
    "plain_text_input": "value",
    "number_input": "value",
    "url_text_input": "value",
    "email_text_input": "value",
}


# Answers the scheduling modal accepts: a quarterly call far enough ahead of the tests' clock.
SCHEDULE = {
    "date": "2030-09-10",
    "time": "15:00",
    "timezone": "Europe/Vienna",
    "duration": "90",
    "location": "https://video.example.org/itwg",
    "options": [],
}


def option(value: Any) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": str(value)}, "value": str(value)}


def latest_form(bot: BotHarness) -> dict[str, Any]:
    """The last modal with inputs the bot showed, whether opened at once or updated after a loading view."""
    for call in reversed(bot.slack.calls):
        if call.method in ("views.open", "views.update", "views.push"):
            view = call.params["view"]
            if any(block.get("type") == "input" for block in view.get("blocks", [])):
                return view
    raise AssertionError("the bot showed no form")


def state_values(view: dict[str, Any], answers: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``state.values`` for every input block of ``view``: ``answers`` by block id, else left empty.

    Select answers are option values (a list for multi-selects and checkboxes); they need not be among
    the options the view offers, which is how a forged submission looks.
    """
    values: dict[str, dict[str, Any]] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element, block_id = block["element"], block["block_id"]
        kind, answer = element["type"], answers.get(block_id)
        if kind in ("static_select", "radio_buttons", "external_select"):
            entry: dict[str, Any] = {"selected_option": option(answer) if answer is not None else None}
        elif kind in ("checkboxes", "multi_static_select"):
            entry = {"selected_options": [option(v) for v in answer or []]}
        else:
            entry = {_ANSWER_KEY.get(kind, "value"): answer}
        values[block_id] = {element["action_id"]: {"type": kind, **entry}}
    return values


def submission_body(
    view: dict[str, Any], values: dict[str, dict[str, Any]], *, who: str | SlackUser, trigger_id: str
) -> str:
    user = PEOPLE[who] if isinstance(who, str) else who
    return interaction_body(
        {
            "type": "view_submission",
            "team": {"id": user.team_id},
            "user": {"id": user.id, "team_id": user.team_id, "name": user.name},
            "trigger_id": trigger_id,
            "view": {**view, "id": "VRETRY001", "hash": "hash-VRETRY001", "state": {"values": values}},
        }
    )


def command_text_body(bot: BotHarness, text: str, *, who: str, trigger_id: str) -> str:
    user = PEOPLE[who]
    return command_body(
        {
            "command": "/itwg",
            "text": text,
            "user_id": user.id,
            "user_name": user.name,
            "team_id": user.team_id,
            "channel_id": CHANNEL,
            "trigger_id": trigger_id,
            "response_url": bot.slack.response_url(),
        }
    )


def retry_headers(body: str, attempt: int) -> dict[str, str]:
    headers = signed_headers(SIGNING_SECRET, body)
    headers["x-slack-retry-num"] = str(attempt)
    headers["x-slack-retry-reason"] = "http_timeout"
    return headers


def deliver_with_retries(bot: BotHarness, body: str, *, retries: int = 2) -> list[int]:
    """The first delivery, then Slack's retries of the very same body; the statuses answered."""
    statuses = [bot.dispatch(body).status]
    for attempt in range(1, retries + 1):
        statuses.append(bot.dispatch(body, retry_headers(body, attempt)).status)
    return statuses


def fresh_trigger() -> str:
    return f"trigger.{time.time_ns()}"
