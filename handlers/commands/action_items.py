"""``/itwg action``, ``/itwg actions`` and ``/itwg done``: recording, listing and closing action items."""

from bot import action_items
from bot.rendering import render_message
from handlers.commands.registry import CommandRequest, Subcommand
from handlers.views.action_items import open_create_form


def create(request: CommandRequest) -> None:
    if not request.args.strip():
        response_url = request.body.get("response_url")
        open_create_form(
            request.deps,
            request.client,
            trigger_id=request.trigger_id,
            body=request.body,
            response_url=response_url,
        )
        return
    draft = action_items.parse_command(request.args)
    item = action_items.create(request.deps, request.client, actor=request.actor, draft=draft)
    request.reply(render_message("action_updated.json.j2", item=item, change="created"))


def list_items(request: CommandRequest) -> None:
    listing = action_items.list_items(request.deps, actor=request.actor, scope=request.args)
    request.reply(render_message("action_list.json.j2", listing=listing))


def done(request: CommandRequest) -> None:
    number, _, outcome = request.args.strip().partition(" ")
    item_id = action_items.parse_item_number(number, usage="`/itwg done 12 Report circulated`")
    item = action_items.close(request.deps, actor=request.actor, item_id=item_id, outcome=outcome)
    request.reply(render_message("action_updated.json.j2", item=item, change="closed"))


SUBCOMMANDS = [
    Subcommand(
        name="action",
        usage="/itwg action [ORG|@person YYYY-MM-DD TITLE]",
        example="/itwg action ILO 2030-03-31 Circulate the draft joint statement",
        summary="Record an action item for an organisation (without arguments, opens a form).",
        handler=create,
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
