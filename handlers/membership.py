"""Membership: ``/itwg join``, ``/itwg focal-point`` and ``/itwg whoami``."""

from bot import identity, parsing
from bot.rendering import render_message
from handlers.itwg import CommandRequest, Subcommand


def join(request: CommandRequest) -> None:
    target, organisation_text = parsing.split_mention(request.args)
    acronym = identity.join(
        request.deps, actor=request.actor, organisation_text=organisation_text, target_user_id=target
    )
    request.reply(render_message("joined.json.j2", acronym=acronym, target=target))


def focal_point(request: CommandRequest) -> None:
    target, rest = parsing.split_mention(request.args)
    on = rest.lower() not in ("off", "remove", "no")
    acronym = identity.set_focal_point(request.deps, actor=request.actor, target_user_id=target, on=on)
    subject = target or request.user_id
    request.reply(render_message("focal_point.json.j2", acronym=acronym, subject=subject, on=on))


def whoami(request: CommandRequest) -> None:
    request.reply(render_message("whoami.json.j2", actor=request.actor))


SUBCOMMANDS = [
    Subcommand(
        name="join",
        usage="/itwg join ORG [@person]",
        example="/itwg join ILO",
        summary="Say which organisation you belong to when your email doesn't show it.",
        handler=join,
    ),
    Subcommand(
        name="focal-point",
        usage="/itwg focal-point [@person] [off]",
        example="/itwg focal-point",
        summary="Mark yourself (or, as a co-lead, someone) as your organisation's focal point.",
        handler=focal_point,
    ),
    Subcommand(
        name="whoami",
        usage="/itwg whoami",
        example="/itwg whoami",
        summary="Show the organisation and role the bot has for you.",
        handler=whoami,
    ),
]
