"""``/itwg help``: every subcommand that exists, each with an example."""

from bot.rendering import render_message
from handlers.commands.registry import CommandRequest, Subcommand


def show_help(request: CommandRequest) -> None:
    request.reply(render_message("help.json.j2", subcommands=request.catalogue))


SUBCOMMANDS = [
    Subcommand(
        name="help",
        usage="/itwg help",
        example="/itwg help",
        summary="List everything the bot can do.",
        handler=show_help,
    ),
]
