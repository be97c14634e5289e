"""``/itwg …``: acknowledge at once, then hand the rest of the text to the named subcommand."""

import logging
from collections.abc import Callable

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot import parsing
from bot.deps import Deps
from bot.errors import UserError
from bot.failures import describe_failure
from bot.rendering import render_message
from handlers.commands.registry import CommandRequest, Subcommand

logger = logging.getLogger(__name__)


def split_command(text: str) -> tuple[str, str]:
    parts = (text or "").strip().split(maxsplit=1)
    if not parts:
        return "help", ""
    return parts[0].lower(), parts[1] if len(parts) > 1 else ""


def itwg_command(subcommands: list[Subcommand]) -> Callable:
    routes: dict[str, Subcommand] = {}
    for subcommand in subcommands:
        for name in (subcommand.name, *subcommand.aliases):
            routes[name] = subcommand

    def listener(ack: Ack, body: dict, client: WebClient, respond: Respond, context) -> None:
        ack()
        deps: Deps = context["deps"]
        name, args = split_command(parsing.unescape_slack_text(body.get("text") or ""))
        request = CommandRequest(
            deps=deps,
            client=client,
            respond=respond,
            body=body,
            name=name,
            args=args,
            catalogue=subcommands,
        )
        subcommand = routes.get(name)
        if subcommand is None:
            request.reply(render_message("unknown_command.json.j2", name=name))
            return
        try:
            subcommand.handler(request)
        except UserError as error:
            request.reply(render_message("error.json.j2", message=str(error)))
        except Exception as error:
            logger.exception("/itwg %s failed", name)
            request.reply(render_message("error.json.j2", message=describe_failure(error)))

    return listener
