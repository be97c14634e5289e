"""The ``/itwg`` slash command and its subcommands."""

from slack_bolt import App

from handlers.commands import action_items, digest, help, initiatives, meetings, membership
from handlers.commands.itwg import itwg_command
from handlers.commands.registry import Subcommand

# The order here is the order of `/itwg help`.
SUBCOMMAND_MODULES = (initiatives, action_items, meetings, digest, membership, help)


def catalogue() -> list[Subcommand]:
    return [subcommand for module in SUBCOMMAND_MODULES for subcommand in module.SUBCOMMANDS]


def register(app: App) -> None:
    app.command("/itwg")(itwg_command(catalogue()))
