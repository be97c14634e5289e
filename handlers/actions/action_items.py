"""The buttons under action items: Done (asks for the outcome), Snooze a week, Reassign, and paging."""

import json
import re

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot import action_items, parsing
from bot.deps import Deps
from bot.errors import UserError
from bot.rendering import render_message, render_view
from handlers.common import actor_of, open_loading, refuse_in_view, reply_error, update_view


def _item_id(body: dict) -> int:
    return int(body["actions"][0]["value"])


def done(ack: Ack, body: dict, client: WebClient) -> None:
    ack()
    item_id = _item_id(body)
    metadata = json.dumps({"item_id": item_id, "response_url": body.get("response_url")})
    view = render_view(
        "action_done_form.json.j2", item_id=item_id, metadata=metadata, outcome_max=action_items.OUTCOME_MAX
    )
    client.views_open(trigger_id=body["trigger_id"], view=view)


def snooze(ack: Ack, body: dict, client: WebClient, respond: Respond, context) -> None:
    ack()
    deps: Deps = context["deps"]
    try:
        item = action_items.snooze(deps, actor=actor_of(deps, client, body), item_id=_item_id(body))
    except UserError as error:
        reply_error(respond, str(error))
        return
    message = render_message("action_updated.json.j2", item=item, change="snoozed")
    respond(response_type="ephemeral", replace_original=False, **message)


def reassign(ack: Ack, body: dict, client: WebClient, context) -> None:
    ack()
    deps: Deps = context["deps"]
    item_id = _item_id(body)
    opened = open_loading(client, trigger_id=body["trigger_id"], title=f"Reassign #{item_id}")
    try:
        form = action_items.reassign_form(deps, actor=actor_of(deps, client, body), item_id=item_id)
    except UserError as error:
        refuse_in_view(client, opened, title=f"Reassign #{item_id}", message=str(error))
        return
    metadata = json.dumps({"item_id": item_id, "response_url": body.get("response_url")})
    update_view(client, opened, render_view("action_reassign_form.json.j2", form=form, metadata=metadata))


def turn_page(ack: Ack, body: dict, client: WebClient, respond: Respond, context) -> None:
    """Show another page of the same listing in place of the one clicked."""
    ack()
    deps: Deps = context["deps"]
    page, _, scope = body["actions"][0]["value"].partition(" ")
    try:
        listing = action_items.list_items(
            deps, actor=actor_of(deps, client, body), scope=scope, page=parsing.whole_number(page) or 1
        )
    except UserError as error:
        reply_error(respond, str(error))
        return
    respond(
        response_type="ephemeral",
        replace_original=True,
        **render_message("action_list.json.j2", listing=listing),
    )


def register(app: App) -> None:
    app.action("action_item_done")(done)
    app.action("action_item_snooze")(snooze)
    app.action("action_item_reassign")(reassign)
    app.action(re.compile(r"^action_items_page_(previous|next)$"))(turn_page)
