"""``/itwg share-initiative``, ``edit-initiative``, ``confirm-initiative``, ``initiatives`` and ``status``."""

from bot import identity, initiatives
from bot.errors import UserError
from bot.rendering import render_message, render_view
from handlers.commands.registry import CommandRequest, Subcommand
from handlers.common import open_loading, refuse_in_view, update_view


def _open_form(request: CommandRequest, *, initiative_id: int | None) -> None:
    """Open the share/edit modal while the trigger id (valid once, for about 3 s) is still fresh.

    For someone the bot knows, the form costs a few database reads, so it opens directly and a
    refusal is an ephemeral reply. Someone it has never met first needs a users.info call and a
    registration, which must not spend the trigger's seconds: a "one moment" view opens first and is
    then replaced by the form, or by the reason it cannot be shown.
    """
    if identity.known_actor(request.deps, slack_user_id=request.user_id) is not None:
        context = initiatives.modal_context(request.deps, actor=request.actor, initiative_id=initiative_id)
        request.client.views_open(
            trigger_id=request.trigger_id, view=render_view("initiative_modal.json.j2", **context)
        )
        return
    title = "Share an initiative" if initiative_id is None else f"Edit initiative #{initiative_id}"
    opened = open_loading(request.client, trigger_id=request.trigger_id, title=title)
    try:
        context = initiatives.modal_context(request.deps, actor=request.actor, initiative_id=initiative_id)
    except UserError as error:
        refuse_in_view(request.client, opened, title=title, message=str(error))
        return
    update_view(request.client, opened, render_view("initiative_modal.json.j2", **context))


def share_initiative(request: CommandRequest) -> None:
    _open_form(request, initiative_id=None)


def edit_initiative(request: CommandRequest) -> None:
    initiative_id = initiatives.parse_initiative_id(request.args, usage="/itwg edit-initiative 12")
    _open_form(request, initiative_id=initiative_id)


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
