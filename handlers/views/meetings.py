"""The scheduling modal's submission: check every field, store, close the modal, then announce."""

import logging

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import meetings
from bot.deps import Deps
from bot.errors import FieldErrors, UserError
from handlers.common import actor_of, form_values
from handlers.views.failures import answering_failures

logger = logging.getLogger(__name__)


def read_schedule_form(view: dict, deps: Deps) -> meetings.MeetingRequest:
    values = form_values(view["state"]["values"])
    options = set(values.get("options") or [])
    return meetings.request_from_form(
        day=values.get("date"),
        at=values.get("time"),
        timezone=values.get("timezone"),
        duration=values.get("duration"),
        location=values.get("location"),
        in_person="in_person" in options,
        quarterly="quarterly" in options,
        now=deps.now(),
    )


FIELD_CHECKS = {"meeting_schedule": read_schedule_form}


def submit_schedule(ack: Ack, body: dict, client: WebClient, context) -> None:
    deps: Deps = context["deps"]
    try:
        request = read_schedule_form(body["view"], deps)
        actor = actor_of(deps, client, body)
        change = meetings.schedule(deps, actor=actor, request=request)
    except FieldErrors as error:
        ack(response_action="errors", errors=error.errors)
        return
    except UserError as error:
        ack(response_action="errors", errors={"date": str(error)})
        return
    ack()
    problem = meetings.announce(deps, client, change)
    reply = meetings.notice(change, problem=problem, channel=deps.settings.itwg_channel)
    where = body["view"].get("private_metadata") or ""
    try:
        if where:
            client.chat_postEphemeral(channel=where, user=body["user"]["id"], **reply)
        else:
            client.chat_postMessage(channel=body["user"]["id"], **reply)
    except SlackApiError as error:
        logger.warning("could not confirm the scheduled meeting: %s", error.response.get("error"))


def register(app: App) -> None:
    app.view("meeting_schedule")(answering_failures(submit_schedule, block_id="date"))
