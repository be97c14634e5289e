"""``/itwg help``: every subcommand that exists, each with an example."""

from bot.rendering import render_message
from handlers.itwg import Subcommand


def help_message(catalogue: list[Subcommand]) -> dict:
    return render_message("help.json.j2", subcommands=catalogue)


SUBCOMMANDS = [
    Subcommand(
        name="help",
        usage="/itwg help",
        example="/itwg help",
        summary="List everything the bot can do.",
        answer=help_message,
    ),
]
