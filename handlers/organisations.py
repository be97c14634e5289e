"""``/itwg org …``: the co-leads add, change and retire the working group's organisations in Slack;
each change is announced in the channel."""

from bot import organisation_admin
from bot.rendering import render_message
from handlers.channel import post_in_channel
from handlers.itwg import CommandRequest, Subcommand

VERBS = {
    "add": "added",
    "set": "changed the role of",
    "rename": "renamed",
    "domains": "changed the e-mail domains of",
    "retire": "retired",
}


def manage(request: CommandRequest) -> None:
    change = organisation_admin.manage(request.deps, actor=request.actor, text=request.args)
    message = render_message("organisation_changed.json.j2", change=change, by=request.user_id, verbs=VERBS)
    post_in_channel(request.deps, request.client, message=message)
    request.reply(message)


SUBCOMMANDS = [
    Subcommand(
        name="org",
        usage=organisation_admin.USAGE,
        example='/itwg org add WFP "World Food Programme" member wfp.org',
        summary="Co-leads: add an organisation, set it member or observer, rename it, change its e-mail "
        "domains or retire it; announced in the channel.",
        handler=manage,
        aliases=("organisation", "organization"),
    ),
]
