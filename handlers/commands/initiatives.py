"""``/itwg share-initiative``, ``edit-initiative``, ``confirm-initiative``, ``initiatives`` and ``status``."""

from bot import initiatives
from bot.rendering import render_message, render_view
from handlers.commands.registry import CommandRequest, Subcommand


def share_initiative(request: CommandRequest) -> None:
    # A known person costs one database read here, so views.open is the first Slack call and the
    # trigger id (valid for about 3 s) is still fresh.
    context = initiatives.modal_context(request.deps, actor=request.actor)
    request.client.views_open(
        trigger_id=request.trigger_id, view=render_view("initiative_modal.json.j2", **context)
    )


def edit_initiative(request: CommandRequest) -> None:
    initiative_id = initiatives.parse_initiative_id(request.args, usage="/itwg edit-initiative 12")
    context = initiatives.modal_context(request.deps, actor=request.actor, initiative_id=initiative_id)
    request.client.views_open(
        trigger_id=request.trigger_id, view=render_view("initiative_modal.json.j2", **context)
    )


def confirm_initiative(request: CommandRequest) -> None:
    number, _, status = request.args.strip().partition(" ")
    initiative_id = initiatives.parse_initiative_id(number, usage="/itwg confirm-initiative 12 ongoing")
    card = initiatives.confirm(
        request.deps,
        actor=request.actor,
        initiative_id=initiative_id,
        status=status.strip().lower() or "ongoing",
    )
    request.reply(render_message("initiative_confirmed.json.j2", card=card))
    initiatives.announce(
        request.deps,
        request.client,
        message=render_message(
            "initiative_announcement.json.j2", card=card, actor=request.user_id, event="confirmed"
        ),
    )


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
