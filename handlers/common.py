"""What several listeners do the same way: find the person behind a payload, open a modal in time,
and answer with an error only the person who acted can see."""

import logging
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot import identity
from bot.actor import Actor
from bot.deps import Deps
from bot.rendering import render_message, render_view

logger = logging.getLogger(__name__)


def actor_of(deps: Deps, client: WebClient, body: dict[str, Any]) -> Actor:
    """The person behind any payload: an action, a view submission, a shortcut or a command."""
    user = body.get("user") or {}
    user_id = user.get("id") or body["user_id"]
    team_id = user.get("team_id") or (body.get("team") or {}).get("id") or body.get("team_id")
    return identity.resolve(deps, client, slack_user_id=user_id, team_id=team_id)


def form_values(state_values: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Each input block's answer by block id: text, a chosen option's value, a list of values, a
    date, a time or a user id; None when left empty."""
    values: dict[str, Any] = {}
    for block_id, elements in state_values.items():
        for element in elements.values():
            if "selected_options" in element:
                values[block_id] = [option["value"] for option in element["selected_options"] or []]
            elif "selected_option" in element:
                option = element["selected_option"]
                values[block_id] = option["value"] if option else None
            else:
                answer_key = next(
                    (key for key in ("selected_date", "selected_time", "selected_user") if key in element),
                    "value",
                )
                values[block_id] = element.get(answer_key)
    return values


def open_loading(client: WebClient, *, trigger_id: str, title: str) -> dict[str, Any]:
    """Use the trigger at once (it works once, for about 3 s); returns the opened view for the update."""
    return client.views_open(trigger_id=trigger_id, view=render_view("modal_loading.json.j2", title=title))[
        "view"
    ]


def update_view(client: WebClient, opened: dict[str, Any], view: dict[str, Any]) -> None:
    client.views_update(view_id=opened["id"], hash=opened.get("hash"), view=view)


def refuse_in_view(client: WebClient, opened: dict[str, Any], *, title: str, message: str) -> None:
    """Replace a loading view by the reason the form cannot be shown."""
    update_view(client, opened, render_view("modal_refused.json.j2", title=title, message=message))


def tell(client: WebClient, *, response_url: str | None, user_id: str, message: dict[str, Any]) -> None:
    """Answer where the person started (ephemeral, via the response URL), else in a direct message."""
    if response_url:
        response = WebhookClient(response_url).send(
            text=message["text"], blocks=message["blocks"], response_type="ephemeral", replace_original=False
        )
        if response.status_code == 200:
            return
        logger.warning("response_url answered %s; sending a direct message instead", response.status_code)
    client.chat_postMessage(channel=user_id, **message)


def reply_error(respond: Respond, message: str) -> None:
    """An ephemeral error next to what was clicked, leaving the original message as it was."""
    respond(
        response_type="ephemeral", replace_original=False, **render_message("error.json.j2", message=message)
    )
