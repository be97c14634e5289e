"""The "Connect us" button of ``/itwg opportunities``: a group DM with an introduction."""

import logging

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot import opportunities
from bot.deps import Deps
from bot.errors import UserError
from bot.failures import describe_failure
from bot.rendering import render_message
from handlers.common import actor_of, reply_error

logger = logging.getLogger(__name__)


def connect(ack: Ack, body: dict, client: WebClient, respond: Respond, context) -> None:
    ack()
    deps: Deps = context["deps"]
    try:
        actor = actor_of(deps, client, body)
        introduction = opportunities.introduce(deps, actor=actor, value=body["actions"][0].get("value", ""))
        conversation = client.conversations_open(users=",".join(introduction.slack_user_ids))
        client.chat_postMessage(
            channel=conversation["channel"]["id"],
            **render_message("opportunity_introduction.json.j2", introduction=introduction),
        )
    except UserError as error:
        reply_error(respond, str(error))
        return
    except Exception as error:
        logger.exception("connecting an opportunity failed")
        reply_error(respond, describe_failure(error))
        return
    users = [u for u in introduction.slack_user_ids if u != actor.slack_user_id]
    respond(
        response_type="ephemeral",
        replace_original=False,
        **render_message("opportunity_connected.json.j2", users=users),
    )


def register(app: App) -> None:
    app.action("opportunity_connect")(connect)
