"""The working group's overview: ``/itwg digest``, ``/itwg opportunities`` (with its *Connect us*
button) and ``/itwg export``.

Digests and exports go to the requester privately (a direct message from the bot), never to the
channel the command was typed in; the channel only gets an ephemeral "sent to your DMs".
"""

from slack_bolt import App

from bot import digest, digest_schedule, exports, opportunities
from bot.rendering import render_message
from handlers.common import Turn, acknowledge, lazy_part
from handlers.delivery import send_privately
from handlers.itwg import CommandRequest, Subcommand


def digest_command(request: CommandRequest) -> None:
    words = request.args.split(maxsplit=1)
    action = words[0].lower() if words else ""
    if action == "subscribe":
        subscribed = digest_schedule.subscribe(
            request.deps, actor=request.actor, args=words[1] if len(words) > 1 else ""
        )
        schedule = digest_schedule.describe(subscribed.subscription)
        request.reply(
            render_message(
                "digest_subscription.json.j2",
                subscription=subscribed.subscription,
                schedule=schedule,
                email=subscribed.email,
            )
        )
        return
    if action == "unsubscribe":
        removed = digest_schedule.unsubscribe(request.deps, actor=request.actor)
        request.reply(
            render_message("digest_subscription.json.j2", subscription=None, was_subscribed=removed)
        )
        return
    result = digest.request_digest(request.deps, actor=request.actor, args=request.args)
    send_privately(
        request.client, user_id=request.user_id, message=result.message, attachment=result.attachment
    )
    request.reply(render_message("digest_sent.json.j2", attached=result.attachment is not None))


def opportunities_command(request: CommandRequest) -> None:
    groups = opportunities.list_opportunities(request.deps, actor=request.actor)
    request.reply(render_message("opportunities.json.j2", groups=groups))


def export_command(request: CommandRequest) -> None:
    file = exports.export_for_member(request.deps, actor=request.actor, args=request.args)
    send_privately(request.client, user_id=request.user_id, attachment=file)
    request.reply(render_message("export_sent.json.j2", filename=file.filename))


SUBCOMMANDS = [
    Subcommand(
        name="digest",
        usage="/itwg digest [since YYYY-MM-DD] | subscribe weekly|monthly [DAY HH:MM] [email] | unsubscribe",
        example="/itwg digest since 2030-01-31",
        summary="Co-leads: the working group's status, sent to you privately (or on a schedule).",
        handler=digest_command,
    ),
    Subcommand(
        name="opportunities",
        usage="/itwg opportunities",
        example="/itwg opportunities",
        summary="Initiatives of different organisations that could work together, and a way to connect.",
        handler=opportunities_command,
    ),
    Subcommand(
        name="export",
        usage="/itwg export csv|json|ics",
        example="/itwg export csv",
        summary="Initiatives, action items and meetings as a file, sent to you privately.",
        handler=export_command,
    ),
]


@lazy_part
def connect_clicked(turn: Turn) -> None:
    """The "Connect us" button: a group DM with an introduction."""
    introduction = opportunities.introduce(
        turn.deps, actor=turn.actor, value=turn.body["actions"][0].get("value", "")
    )
    conversation = turn.client.conversations_open(users=",".join(introduction.slack_user_ids))
    turn.client.chat_postMessage(
        channel=conversation["channel"]["id"],
        **render_message("opportunity_introduction.json.j2", introduction=introduction),
    )
    users = [u for u in introduction.slack_user_ids if u != turn.user_id]
    turn.reply(render_message("opportunity_connected.json.j2", users=users))


def register(app: App) -> None:
    app.action("opportunity_connect")(ack=acknowledge, lazy=[connect_clicked])
