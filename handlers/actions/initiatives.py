"""Buttons on initiative listings and the Home tab: share, edit, confirm for the meeting, page."""

import re
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot import initiatives, parsing
from bot.deps import Deps
from bot.errors import UserError
from bot.rendering import render_message, render_view
from handlers.common import actor_of, reply_error, tell
from handlers.events.app_home import publish_home

CONFIRM_ACTION = re.compile(r"^initiative_confirm_(ongoing|completed|paused)$")
PAGE_ACTION = re.compile(r"^initiatives_page_(previous|next)$")


def _tell(body: dict, client: WebClient, message: dict[str, Any]) -> None:
    """Answer only the person who clicked: in the conversation when there is one (a listing), else in
    a DM (the Home tab has no response URL)."""
    tell(client, response_url=body.get("response_url"), user_id=body["user"]["id"], message=message)


def _open_modal(ack: Ack, body: dict, client: WebClient, context, initiative_id: int | None) -> None:
    ack()
    deps: Deps = context["deps"]
    try:
        modal = initiatives.modal_context(
            deps, actor=actor_of(deps, client, body), initiative_id=initiative_id
        )
    except UserError as error:
        _tell(body, client, render_message("error.json.j2", message=str(error)))
        return
    client.views_open(trigger_id=body["trigger_id"], view=render_view("initiative_modal.json.j2", **modal))


def share_clicked(ack: Ack, body: dict, client: WebClient, context) -> None:
    _open_modal(ack, body, client, context, None)


def edit_clicked(ack: Ack, body: dict, client: WebClient, context) -> None:
    value = body["actions"][0].get("value", "")
    _open_modal(ack, body, client, context, parsing.whole_number(value) or 0)


def confirm_clicked(ack: Ack, body: dict, client: WebClient, context) -> None:
    ack()
    deps: Deps = context["deps"]
    action = body["actions"][0]
    status = CONFIRM_ACTION.match(action["action_id"]).group(1)  # type: ignore[union-attr]
    value = action.get("value", "")
    actor = actor_of(deps, client, body)
    try:
        card = initiatives.confirm(
            deps, actor=actor, initiative_id=parsing.whole_number(value) or 0, status=status
        )
    except UserError as error:
        _tell(body, client, render_message("error.json.j2", message=str(error)))
        return
    initiatives.announce(
        deps,
        client,
        message=render_message(
            "initiative_announcement.json.j2", card=card, actor=actor.slack_user_id, event="confirmed"
        ),
    )
    if (body.get("container") or {}).get("type") == "view":
        publish_home(deps, client, actor)
    else:
        _tell(body, client, render_message("initiative_confirmed.json.j2", card=card))


def page_clicked(ack: Ack, body: dict, respond: Respond, context) -> None:
    ack()
    page, _, query = body["actions"][0].get("value", "").partition("|")
    try:
        listing = initiatives.find(context["deps"], query=query, page=parsing.whole_number(page) or 1)
    except UserError as error:
        reply_error(respond, str(error))
        return
    respond(replace_original=True, **render_message("initiative_list.json.j2", listing=listing))


def register(app: App) -> None:
    app.action("initiative_share_open")(share_clicked)
    app.action("initiative_edit")(edit_clicked)
    app.action(CONFIRM_ACTION)(confirm_clicked)
    app.action(PAGE_ACTION)(page_clicked)
