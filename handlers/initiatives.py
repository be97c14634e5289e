"""Initiatives: ``/itwg share-initiative``, ``edit-initiative``, ``confirm-initiative``, ``initiatives``
and ``status``; the share, edit, confirm and paging buttons; the share/edit form's submission."""

import re

from slack_bolt import App

from bot import initiatives, parsing
from bot.rendering import render_message, render_view
from handlers.channel import post_in_cycle_thread
from handlers.common import (
    Turn,
    acknowledge,
    checking_submission,
    clicked_number,
    lazy_part,
    opening_form,
)
from handlers.delivery import send_privately
from handlers.history import tell_owner
from handlers.home import publish_home
from handlers.itwg import CommandRequest, Subcommand

CONFIRM_ACTION = re.compile(r"^initiative_confirm_(ongoing|completed|paused)$")
PAGE_ACTION = re.compile(r"^initiatives_page_(previous|next)$")
SHARE_TITLE = "Share an initiative"


def _edit_title(initiative_id: int | None) -> str:
    return SHARE_TITLE if initiative_id is None else f"Edit initiative #{initiative_id}"


def _show_form(turn: Turn, initiative_id: int | None) -> None:
    context = initiatives.modal_context(turn.deps, actor=turn.actor, initiative_id=initiative_id)
    turn.show_form(render_view("initiative_modal.json.j2", **context))


def _announce(turn: Turn, card: initiatives.InitiativeCard, event: str) -> bool:
    message = render_message("initiative_announcement.json.j2", card=card, actor=turn.user_id, event=event)
    return post_in_cycle_thread(turn.deps, turn.client, message=message)


# -- /itwg subcommands ----------------------------------------------------------------------------------


def share_initiative(request: CommandRequest) -> None:
    _show_form(request, None)


def edit_initiative(request: CommandRequest) -> None:
    initiative_id = initiatives.parse_initiative_id(request.args, usage="/itwg edit-initiative 12")
    _show_form(request, initiative_id)


def _edit_form_title(args: str) -> str | None:
    number = parsing.whole_number(args.strip())
    return _edit_title(number) if number else None


def confirm_initiative(request: CommandRequest) -> None:
    number, _, status = request.args.strip().partition(" ")
    initiative_id = initiatives.parse_initiative_id(number, usage="/itwg confirm-initiative 12 ongoing")
    confirmed = initiatives.confirm(
        request.deps,
        actor=request.actor,
        initiative_id=initiative_id,
        status=status.strip().lower() or "ongoing",
    )
    request.reply(render_message("initiative_confirmed.json.j2", confirmed=confirmed, card=confirmed.card))
    _announce(request, confirmed.card, "confirmed")


def list_initiatives(request: CommandRequest) -> None:
    listing = initiatives.find(request.deps, query=request.args)
    request.reply(render_message("initiative_list.json.j2", listing=listing))


def sharing_status(request: CommandRequest) -> None:
    report = initiatives.sharing_report(request.deps)
    request.reply(render_message("initiative_status.json.j2", report=report))


SUBCOMMANDS = [
    Subcommand(
        name="share-initiative",
        usage="/itwg share-initiative",
        example="/itwg share-initiative",
        summary="Share one of your organisation's ongoing or planned initiatives (opens a form).",
        handler=share_initiative,
        aliases=("share",),
        form_title=lambda args: SHARE_TITLE,
    ),
    Subcommand(
        name="initiatives",
        usage="/itwg initiatives [ORG | keyword]",
        example="/itwg initiatives youth",
        summary="List initiatives, newest first; filter by organisation or a keyword.",
        handler=list_initiatives,
    ),
    Subcommand(
        name="edit-initiative",
        usage="/itwg edit-initiative N",
        example="/itwg edit-initiative 12",
        summary="Change an initiative of your organisation (co-leads: any).",
        handler=edit_initiative,
        aliases=("edit",),
        form_title=_edit_form_title,
    ),
    Subcommand(
        name="confirm-initiative",
        usage="/itwg confirm-initiative N [ongoing|completed|paused]",
        example="/itwg confirm-initiative 12 completed",
        summary="Carry an earlier initiative forward to the coming meeting with its state now.",
        handler=confirm_initiative,
        aliases=("confirm",),
    ),
    Subcommand(
        name="status",
        usage="/itwg status",
        example="/itwg status",
        summary="Which organisations have shared for the coming meeting, with counts.",
        handler=sharing_status,
    ),
]


# -- buttons ---------------------------------------------------------------------------------------------


def _clicked_id(body: dict) -> int:
    return clicked_number(
        body, refusal="That button does not say which initiative it is for; `/itwg initiatives` lists them."
    )


def _edit_button_title(body: dict) -> str:
    """The loading view's title; a button without a number is refused by the lazy part."""
    number = parsing.whole_number(body["actions"][0].get("value"))
    return "Edit an initiative" if number is None else _edit_title(number)


@lazy_part
def show_share_form(turn: Turn) -> None:
    _show_form(turn, None)


@lazy_part
def show_edit_form(turn: Turn) -> None:
    _show_form(turn, _clicked_id(turn.body))


@lazy_part
def confirm_clicked(turn: Turn) -> None:
    action = turn.body["actions"][0]
    status = CONFIRM_ACTION.match(action["action_id"]).group(1)  # type: ignore[union-attr]
    confirmed = initiatives.confirm(
        turn.deps, actor=turn.actor, initiative_id=_clicked_id(turn.body), status=status
    )
    _announce(turn, confirmed.card, "confirmed")
    if (turn.body.get("container") or {}).get("type") == "view":
        publish_home(turn.deps, turn.client, turn.actor)
    else:
        turn.reply(render_message("initiative_confirmed.json.j2", confirmed=confirmed, card=confirmed.card))


@lazy_part
def turn_page(turn: Turn) -> None:
    page, _, query = turn.body["actions"][0].get("value", "").partition("|")
    listing = initiatives.find(turn.deps, query=query, page=parsing.whole_number(page) or 1)
    assert turn.respond is not None, "listings are messages, which have a response URL"
    turn.respond(replace_original=True, **render_message("initiative_list.json.j2", listing=listing))


# -- the share/edit form ---------------------------------------------------------------------------------


def _form_of(turn: Turn) -> initiatives.InitiativeForm:
    return initiatives.read_form(turn.values)


def _initiative_id(turn: Turn) -> int | None:
    return parsing.whole_number(turn.view.get("private_metadata") or "")


def check_form(turn: Turn) -> None:
    form = _form_of(turn)
    actor = turn.known_actor()
    if actor is not None:
        initiatives.check_save(turn.deps, actor=actor, form=form, initiative_id=_initiative_id(turn))


@lazy_part
def save_form(turn: Turn) -> None:
    saved = initiatives.save(
        turn.deps,
        actor=turn.actor,
        form=_form_of(turn),
        initiative_id=_initiative_id(turn),
        request_key=turn.request_key,
    )
    announced = saved.created and _announce(turn, saved.card, "shared")
    send_privately(
        turn.client,
        user_id=turn.user_id,
        message=render_message(
            "initiative_saved.json.j2",
            card=saved.card,
            created=saved.created,
            announced=announced,
            changed=bool(saved.changes),
            counts_as_sharing=saved.counts_as_sharing,
        ),
    )
    if saved.changes:
        tell_owner(
            turn,
            entity="initiative",
            entity_id=saved.card.id,
            organisation_id=saved.card.lead_organisation_id,
            title=f"initiative #{saved.card.id} {saved.card.title}",
        )
    # The Home tab may be what the person shared from; keep its "state for the coming meeting" true.
    publish_home(turn.deps, turn.client, turn.actor)


def register(app: App) -> None:
    app.action("initiative_share_open")(ack=opening_form(lambda body: SHARE_TITLE), lazy=[show_share_form])
    app.action("initiative_edit")(
        ack=opening_form(_edit_button_title),
        lazy=[show_edit_form],
    )
    app.action(CONFIRM_ACTION)(ack=acknowledge, lazy=[confirm_clicked])
    app.action(PAGE_ACTION)(ack=acknowledge, lazy=[turn_page])
    app.view("initiative_form")(ack=checking_submission(check_form, block_id="title"), lazy=[save_form])
