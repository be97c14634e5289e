"""``/itwg …``: one slash command, routed to the subcommand its first word names.

The ack part only opens a loading view when the subcommand shows a form (the trigger would not wait
in a queue); the subcommand itself runs as the lazy part.
"""

from collections.abc import Callable
from dataclasses import dataclass

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import parsing
from bot.rendering import render_message
from bot.work_queue import hand_on
from handlers.common import EXPIRED_FORM, Turn, lazy_part, open_loading, turn_of


@dataclass
class CommandRequest(Turn):
    """One ``/itwg`` invocation: the subcommand's name and the rest of the text."""

    name: str = ""
    args: str = ""

    @property
    def trigger_id(self) -> str:
        return self.body["trigger_id"]


@dataclass(frozen=True)
class Subcommand:
    name: str
    usage: str
    example: str
    summary: str
    # Runs as the lazy part; None for a subcommand whose ``answer`` is all there is.
    handler: Callable[[CommandRequest], None] | None = None
    aliases: tuple[str, ...] = ()
    # The loading view's title when these arguments open a form; None when they don't.
    form_title: Callable[[str], str | None] | None = None
    # For a reply that needs neither the database nor Slack: it goes in the ack itself, and nothing
    # is queued. Given the whole catalogue.
    answer: Callable[[list["Subcommand"]], dict] | None = None


def split_command(text: str) -> tuple[str, str]:
    parts = parsing.unescape_slack_text(text or "").strip().split(maxsplit=1)
    if not parts:
        return "help", ""
    return parts[0].lower(), parts[1] if len(parts) > 1 else ""


def register(app: App, subcommands: list[Subcommand]) -> None:
    routes: dict[str, Subcommand] = {}
    for subcommand in subcommands:
        for name in (subcommand.name, *subcommand.aliases):
            routes[name] = subcommand

    def open_for_subcommand(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
        name, args = split_command(body.get("text") or "")
        subcommand = routes.get(name)
        if subcommand is None or subcommand.answer is not None:
            message = (
                subcommand.answer(subcommands)
                if subcommand and subcommand.answer
                else render_message("unknown_command.json.j2", name=name)
            )
            ack(response_type="ephemeral", text=message["text"], blocks=message["blocks"])
            hand_on(context, stop=True)
            return
        title = subcommand.form_title(args) if subcommand and subcommand.form_title else None
        if title and not open_loading(turn_of(body, client, context, None), title):
            ack(text=EXPIRED_FORM)
            return
        ack()

    @lazy_part
    def run_subcommand(turn: Turn) -> None:
        name, args = split_command(turn.body.get("text") or "")
        request = CommandRequest(
            deps=turn.deps,
            client=turn.client,
            body=turn.body,
            context=turn.context,
            respond=turn.respond,
            name=name,
            args=args,
        )
        handler = routes[name].handler
        assert handler is not None, "the ack part answers subcommands without a handler"
        handler(request)

    app.command("/itwg")(ack=open_for_subcommand, lazy=[run_subcommand])
