"""Action items: ``/itwg action``, ``actions`` and ``done``; the Done, Snooze, Reassign and paging
buttons; the message shortcut *Create ITWG action item*; and the create, done and reassign forms."""

import json
import logging
import re
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import action_items, parsing, slack_profiles
from bot.actor import Actor
from bot.errors import FieldErrors, UserError
from bot.rendering import render_message, render_view
from handlers.common import (
    Turn,
    acknowledge,
    checking_submission,
    clicked_number,
    lazy_part,
    opening_form,
)
from handlers.history import tell_owner
from handlers.itwg import CommandRequest, Subcommand

logger = logging.getLogger(__name__)

CREATE_TITLE = "New action item"
NOTES_MAX = 2900


def _show_create_form(
    turn: Turn, *, title: str = "", notes: str = "", source_link: str | None = None
) -> None:
    """Fill the creation form the ack part opened, prefilled (from a message, for the shortcut)."""
    form = action_items.create_form(
        turn.deps, actor=turn.actor, title=title, notes=notes, source_link=source_link
    )
    if not form.allowed:
        turn.refuse(form.refusal)
        return
    metadata = json.dumps({"source_link": form.source_link, "response_url": turn.body.get("response_url")})
    turn.show_form(
        render_view("action_form.json.j2", form=form, metadata=metadata, title_max=action_items.TITLE_MAX)
    )


def _updated(turn: Turn, item: action_items.ItemView, change: str) -> None:
    turn.reply(render_message("action_updated.json.j2", item=item, change=change))
    if change != "created":
        title = f"action item #{item.id} {item.title}"
        tell_owner(
            turn, entity="action_item", entity_id=item.id, organisation_id=item.organisation_id, title=title
        )


def _person(turn: Turn, slack_user_id: str | None) -> Actor | None:
    """The person a mention or a form names, registered on first sight (which may ask Slack): called
    only once the service's own checks have passed, so a typo never costs a Slack call."""
    if not slack_user_id:
        return None
    return slack_profiles.resolve(turn.deps, turn.client, slack_user_id=slack_user_id, team_id=None)


def _create(turn: Turn, draft: action_items.Draft, *, as_fields: bool) -> None:
    """Check the draft, then look up the person it names, then record it: the order that keeps typos free."""
    actor = turn.actor
    checked = action_items.check(turn.deps, actor=actor, draft=draft, as_fields=as_fields)
    item = action_items.create(
        turn.deps,
        actor=actor,
        checked=checked,
        assignee=_person(turn, draft.assignee_user_id),
        request_key=turn.request_key,
    )
    _updated(turn, item, "created")


# -- /itwg subcommands ----------------------------------------------------------------------------------


def create(request: CommandRequest) -> None:
    if not request.args.strip():
        _show_create_form(request)
        return
    _create(request, action_items.parse_command(request.args), as_fields=False)


def list_items(request: CommandRequest) -> None:
    listing = action_items.list_items(request.deps, actor=request.actor, scope=request.args)
    request.reply(render_message("action_list.json.j2", listing=listing))


def done(request: CommandRequest) -> None:
    number, _, outcome = request.args.strip().partition(" ")
    item_id = action_items.parse_item_number(number, usage="`/itwg done 12 Report circulated`")
    item = action_items.close(request.deps, actor=request.actor, item_id=item_id, outcome=outcome)
    _updated(request, item, "closed")


SUBCOMMANDS = [
    Subcommand(
        name="action",
        usage="/itwg action [[#N] ORG|@person YYYY-MM-DD TITLE]",
        example="/itwg action ILO 2030-03-31 Circulate the draft joint statement",
        summary="Record an action item for an organisation (without arguments, opens a form).",
        handler=create,
        form_title=lambda args: None if args.strip() else CREATE_TITLE,
    ),
    Subcommand(
        name="actions",
        usage="/itwg actions [mine | ORG | overdue | all]",
        example="/itwg actions mine",
        summary="List open action items, with buttons to close, snooze or reassign yours.",
        handler=list_items,
    ),
    Subcommand(
        name="done",
        usage="/itwg done N [outcome]",
        example="/itwg done 12 Statement circulated to all members",
        summary="Close action item #N, saying what came of it.",
        handler=done,
    ),
]


# -- buttons and the message shortcut -------------------------------------------------------------------


BUTTON_WITHOUT_ITEM = "That button does not say which action item it is for; `/itwg actions` lists them."
FORM_WITHOUT_ITEM = "This form does not say which action item it is for; click the item's button again."


def _clicked_item(body: dict[str, Any]) -> int:
    return clicked_number(body, refusal=BUTTON_WITHOUT_ITEM)


def open_done_form(ack: Ack, body: dict, client: WebClient) -> None:
    """The Done button's form needs nothing from the database, so it opens at once, whole."""
    ack()
    try:
        item_id = _clicked_item(body)
    except UserError as error:
        view = render_view("modal_refused.json.j2", title="Close an action item", message=str(error))
    else:
        metadata = json.dumps({"item_id": item_id, "response_url": body.get("response_url")})
        view = render_view(
            "action_done_form.json.j2",
            item_id=item_id,
            metadata=metadata,
            outcome_max=action_items.OUTCOME_MAX,
        )
    try:
        client.views_open(trigger_id=body["trigger_id"], view=view)
    except SlackApiError as error:
        logger.warning("views.open failed: %s", error.response.get("error"))


@lazy_part
def snooze_clicked(turn: Turn) -> None:
    item = action_items.snooze(turn.deps, actor=turn.actor, item_id=_clicked_item(turn.body))
    _updated(turn, item, "snoozed")


def _reassign_title(body: dict[str, Any]) -> str:
    """The loading view's title; a button without a number is refused by the lazy part."""
    number = parsing.whole_number(body["actions"][0].get("value"))
    return "Reassign an item" if number is None else f"Reassign #{number}"


@lazy_part
def show_reassign_form(turn: Turn) -> None:
    item_id = _clicked_item(turn.body)
    form = action_items.reassign_form(turn.deps, actor=turn.actor, item_id=item_id)
    metadata = json.dumps({"item_id": item_id, "response_url": turn.body.get("response_url")})
    turn.show_form(render_view("action_reassign_form.json.j2", form=form, metadata=metadata))


@lazy_part
def turn_page(turn: Turn) -> None:
    """Show another page of the same listing in place of the one clicked."""
    page, _, scope = (turn.body["actions"][0].get("value") or "").partition(" ")
    listing = action_items.list_items(
        turn.deps, actor=turn.actor, scope=scope, page=parsing.whole_number(page) or 1
    )
    assert turn.respond is not None, "listings are messages, which have a response URL"
    turn.respond(
        response_type="ephemeral",
        replace_original=True,
        **render_message("action_list.json.j2", listing=listing),
    )


def permalink(client: WebClient, channel: str, message_ts: str) -> str | None:
    try:
        return client.chat_getPermalink(channel=channel, message_ts=message_ts).get("permalink")
    except SlackApiError as error:
        logger.warning("chat.getPermalink failed: %s", error.response.get("error"))
        return None


@lazy_part
def show_form_from_message(turn: Turn) -> None:
    message = turn.body.get("message") or {}
    # A message's text carries &, < and > as entities; the form shows plain text, so unescape them.
    text = parsing.unescape_slack_text(message.get("text") or "").strip()
    first_line = text.splitlines()[0] if text else ""
    message_ts = message.get("ts") or turn.body.get("message_ts", "")
    _show_create_form(
        turn,
        title=first_line,
        notes=text[:NOTES_MAX] if text != first_line else "",
        source_link=permalink(turn.client, turn.body["channel"]["id"], message_ts),
    )


# -- the forms -------------------------------------------------------------------------------------------


def _draft(turn: Turn) -> action_items.Draft:
    values = turn.values
    return action_items.Draft(
        title=values.get("title") or "",
        due_text=values.get("due") or "",
        owner_organisation_id=parsing.whole_number(values.get("owner")),
        assignee_user_id=values.get("person"),
        meeting_id=parsing.whole_number(values.get("meeting")),
        notes=values.get("notes") or "",
        source_link=turn.metadata_text("source_link"),
    )


def check_create(turn: Turn) -> None:
    """Title and due date against the group's "today" for someone the bot has not met; everything, as
    far as reads can tell, for someone it has (due dates in their own timezone)."""
    actor = turn.known_actor()
    if actor is not None:
        action_items.check_draft(turn.deps, actor=actor, draft=_draft(turn))
        return
    deps = turn.deps
    today = deps.now().astimezone(action_items.zone(None, deps.settings.itwg_timezone)).date()
    _, _, problems = action_items.read_title_and_due(_draft(turn), today=today)
    if problems:
        raise FieldErrors(problems)


@lazy_part
def create_from_form(turn: Turn) -> None:
    _create(turn, _draft(turn), as_fields=True)


def _outcome(turn: Turn) -> str:
    outcome = turn.values.get("outcome") or ""
    if not outcome.strip():
        raise FieldErrors({"outcome": "Say in one line what came of it."})
    return outcome


def check_done(turn: Turn) -> None:
    outcome = _outcome(turn)
    actor = turn.known_actor()
    if actor is not None:
        action_items.check_close(turn.deps, actor=actor, item_id=_form_item(turn), outcome=outcome)


def _form_item(turn: Turn) -> int:
    """The item a Done or Reassign form is for, from the metadata the bot wrote into it."""
    item_id = turn.metadata.get("item_id")
    if type(item_id) is not int or parsing.whole_number(str(item_id)) is None:
        raise UserError(FORM_WITHOUT_ITEM)
    return item_id


@lazy_part
def close_from_form(turn: Turn) -> None:
    item = action_items.close(turn.deps, actor=turn.actor, item_id=_form_item(turn), outcome=_outcome(turn))
    _updated(turn, item, "closed")


def _reassign_choice(turn: Turn) -> tuple[int | None, str | None]:
    values = turn.values
    return parsing.whole_number(values.get("owner")), values.get("person")


def check_reassign(turn: Turn) -> None:
    actor = turn.known_actor()
    if actor is not None:
        organisation_id, person = _reassign_choice(turn)
        action_items.check_reassign(
            turn.deps,
            actor=actor,
            item_id=_form_item(turn),
            organisation_id=organisation_id,
            assignee_user_id=person,
        )


@lazy_part
def reassign_from_form(turn: Turn) -> None:
    organisation_id, person = _reassign_choice(turn)
    actor = turn.actor
    action_items.check_reassign_choice(organisation_id, person)
    item = action_items.reassign(
        turn.deps,
        actor=actor,
        item_id=_form_item(turn),
        organisation_id=organisation_id,
        assignee=_person(turn, person),
    )
    _updated(turn, item, "reassigned")


def register(app: App) -> None:
    app.action("action_item_done")(open_done_form)
    app.action("action_item_snooze")(ack=acknowledge, lazy=[snooze_clicked])
    app.action("action_item_reassign")(ack=opening_form(_reassign_title), lazy=[show_reassign_form])
    app.action(re.compile(r"^action_items_page_(previous|next)$"))(ack=acknowledge, lazy=[turn_page])
    app.shortcut("create_action_item")(
        ack=opening_form(lambda body: CREATE_TITLE), lazy=[show_form_from_message]
    )
    app.view("action_item_create")(
        ack=checking_submission(check_create, block_id="title"), lazy=[create_from_form]
    )
    app.view("action_item_done")(
        ack=checking_submission(check_done, block_id="outcome"), lazy=[close_from_form]
    )
    app.view("action_item_reassign")(
        ack=checking_submission(check_reassign, block_id="owner"), lazy=[reassign_from_form]
    )
