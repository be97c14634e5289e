"""The action-item modals: creating an item, closing one with its outcome, reassigning one.

Modals are opened with a "one moment" view straight after ``ack()`` (a trigger id works once, for
about 3 seconds) and then updated with content that needs the database or Slack.
"""

import json
import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import action_items, parsing
from bot.deps import Deps
from bot.errors import FieldErrors, UserError
from bot.rendering import render_message, render_view
from handlers.common import actor_of, form_values, open_loading, refuse_in_view, tell, update_view
from handlers.views.failures import answering_failures

logger = logging.getLogger(__name__)

CREATE_TITLE = "New action item"


def open_create_form(
    deps: Deps,
    client: WebClient,
    *,
    trigger_id: str,
    body: dict[str, Any],
    response_url: str | None,
    title: str = "",
    notes: str = "",
    source_link_of: tuple[str, str] | None = None,
) -> None:
    """Open the creation modal, prefilled (from a message, for the shortcut) when given.

    ``source_link_of`` is the (channel, message ts) whose permalink the item links back to; it is
    fetched after the modal is open, since the trigger would not wait for it.
    """
    opened = open_loading(client, trigger_id=trigger_id, title=CREATE_TITLE)
    actor = actor_of(deps, client, body)
    source_link = permalink(client, *source_link_of) if source_link_of else None
    form = action_items.create_form(deps, actor=actor, title=title, notes=notes, source_link=source_link)
    if not form.allowed:
        refuse_in_view(client, opened, title=CREATE_TITLE, message=form.refusal)
        return
    metadata = json.dumps({"source_link": form.source_link, "response_url": response_url})
    view = render_view("action_form.json.j2", form=form, metadata=metadata, title_max=action_items.TITLE_MAX)
    update_view(client, opened, view)


def permalink(client: WebClient, channel: str, message_ts: str) -> str | None:
    try:
        return client.chat_getPermalink(channel=channel, message_ts=message_ts).get("permalink")
    except SlackApiError as error:
        logger.warning("chat.getPermalink failed: %s", error.response.get("error"))
        return None


def _as_id(text: str | None) -> int | None:
    return parsing.whole_number(text)


def _metadata(view: dict[str, Any]) -> dict[str, Any]:
    try:
        return json.loads(view.get("private_metadata") or "{}")
    except json.JSONDecodeError:
        return {}


def submit_create(ack: Ack, body: dict, client: WebClient, context, view: dict) -> None:
    deps: Deps = context["deps"]
    metadata = _metadata(view)
    draft = _draft(view)
    actor = actor_of(deps, client, body)
    try:
        item = action_items.create(deps, client, actor=actor, draft=draft, as_fields=True)
    except FieldErrors as error:
        ack(response_action="errors", errors=error.errors)
        return
    except UserError as error:
        ack(response_action="errors", errors={"title": str(error)})
        return
    ack()
    message = render_message("action_updated.json.j2", item=item, change="created")
    tell(client, response_url=metadata.get("response_url"), user_id=actor.slack_user_id, message=message)


def _draft(view: dict[str, Any]) -> action_items.Draft:
    values = form_values(view["state"]["values"])
    return action_items.Draft(
        title=values.get("title") or "",
        due_text=values.get("due") or "",
        owner_organisation_id=_as_id(values.get("owner")),
        assignee_user_id=values.get("person"),
        meeting_id=_as_id(values.get("meeting")),
        notes=values.get("notes") or "",
        source_link=_metadata(view).get("source_link"),
    )


def check_create_form(view: dict, deps: Deps) -> None:
    """Title and due date, as far as they can be judged before knowing who submitted: "today" is the
    group's; the worker checks the date again against the person's own timezone."""
    today = deps.now().astimezone(action_items.zone(None, deps.settings.itwg_timezone)).date()
    _, _, problems = action_items.read_title_and_due(_draft(view), today=today)
    if problems:
        raise FieldErrors(problems)


def read_outcome(view: dict, deps: Deps) -> str:
    outcome = form_values(view["state"]["values"]).get("outcome") or ""
    if not outcome.strip():
        raise FieldErrors({"outcome": "Say in one line what came of it."})
    return outcome


FIELD_CHECKS = {"action_item_create": check_create_form, "action_item_done": read_outcome}


def submit_done(ack: Ack, body: dict, client: WebClient, context, view: dict) -> None:
    deps: Deps = context["deps"]
    metadata = _metadata(view)
    try:
        outcome = read_outcome(view, deps)
    except FieldErrors as error:
        ack(response_action="errors", errors=error.errors)
        return
    actor = actor_of(deps, client, body)
    try:
        item = action_items.close(deps, actor=actor, item_id=int(metadata["item_id"]), outcome=outcome)
    except UserError as error:
        ack(response_action="errors", errors={"outcome": str(error)})
        return
    ack()
    message = render_message("action_updated.json.j2", item=item, change="closed")
    tell(client, response_url=metadata.get("response_url"), user_id=actor.slack_user_id, message=message)


def submit_reassign(ack: Ack, body: dict, client: WebClient, context, view: dict) -> None:
    deps: Deps = context["deps"]
    metadata = _metadata(view)
    values = form_values(view["state"]["values"])
    actor = actor_of(deps, client, body)
    try:
        item = action_items.reassign(
            deps,
            client,
            actor=actor,
            item_id=int(metadata["item_id"]),
            organisation_id=_as_id(values.get("owner")),
            assignee_user_id=values.get("person"),
        )
    except FieldErrors as error:
        ack(response_action="errors", errors=error.errors)
        return
    ack()
    message = render_message("action_updated.json.j2", item=item, change="reassigned")
    tell(client, response_url=metadata.get("response_url"), user_id=actor.slack_user_id, message=message)


def register(app: App) -> None:
    app.view("action_item_create")(answering_failures(submit_create, block_id="title"))
    app.view("action_item_done")(answering_failures(submit_done, block_id="outcome"))
    app.view("action_item_reassign")(answering_failures(submit_reassign, block_id="owner"))
