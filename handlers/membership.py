"""Membership: ``/itwg join``, ``requests``, ``focal-point`` and ``whoami``, and the Approve / Decline
buttons of join requests."""

from slack_bolt import App

from bot import identity, joining, parsing
from bot.errors import UserError
from bot.rendering import render_list_message, render_message
from handlers.common import Turn, acknowledge, clicked_number, lazy_part
from handlers.delivery import send_to_each
from handlers.itwg import CommandRequest, Subcommand


def join(request: CommandRequest) -> None:
    target, text = parsing.split_mention(request.args)
    outcome = joining.join(
        request.deps, actor=request.actor, text=text, target_user_id=target, request_key=request.request_key
    )
    request.reply(render_message("join_outcome.json.j2", outcome=outcome))
    if outcome.kind == "requested":
        asking = joining.PendingRequest(
            id=outcome.request_id or 0,
            acronym=outcome.acronym,
            requester_user_id=outcome.subject_user_id,
            requester_name=request.actor.display_name,
            reason=outcome.reason,
        )
        message = render_message("join_request.json.j2", request=asking)
        send_to_each(request.client, user_ids=outcome.approvers, message=message)
    elif outcome.kind == "placed":
        message = render_message("join_placed.json.j2", outcome=outcome, by=request.user_id)
        send_to_each(request.client, user_ids=[outcome.subject_user_id], message=message)


def list_requests(request: CommandRequest) -> None:
    found, total = joining.pending_for(request.deps, actor=request.actor)
    request.reply(
        render_list_message("join_requests.json.j2", found, lambda shown: {"requests": shown, "total": total})
    )


@lazy_part
def decide_clicked(turn: Turn) -> None:
    action = turn.body["actions"][0]
    request_id = clicked_number(
        turn.body, refusal="That button names no join request; `/itwg requests` lists them."
    )
    decision = joining.decide(
        turn.deps,
        actor=turn.actor,
        request_id=request_id,
        approve=action["action_id"] == "join_request_approve",
        request_key=turn.request_key,
    )
    turn.reply(render_message("join_decided.json.j2", decision=decision))
    if not decision.already and decision.status in ("approved", "declined"):
        message = render_message("join_answered.json.j2", decision=decision)
        send_to_each(turn.client, user_ids=[decision.requester_user_id], message=message)


FOCAL_POINT_OFF = ("off", "remove", "no")


def _focal_point_switch(rest: str) -> bool:
    """On (nothing, or ``on``) or off; anything else is refused rather than read as "mark me"."""
    word = rest.strip().lower()
    if word in ("", "on"):
        return True
    if word in FOCAL_POINT_OFF:
        return False
    if word.startswith("@"):
        raise UserError(
            f"I can't tell who “{rest.strip()}” is: choose the person from Slack's list as you type "
            "`@`, so that it becomes a mention. Nothing was changed."
        )
    raise UserError(
        f"I don't understand “{rest.strip()}”. Use `/itwg focal-point`, `/itwg focal-point off`, or "
        "(co-leads) `/itwg focal-point @person [off]`. Nothing was changed."
    )


def focal_point(request: CommandRequest) -> None:
    target, rest = parsing.split_mention(request.args)
    on = _focal_point_switch(rest)
    acronym = identity.set_focal_point(request.deps, actor=request.actor, target_user_id=target, on=on)
    subject = target or request.user_id
    request.reply(render_message("focal_point.json.j2", acronym=acronym, subject=subject, on=on))


def whoami(request: CommandRequest) -> None:
    request.reply(render_message("whoami.json.j2", actor=request.actor))


def register(app: App) -> None:
    for action_id in ("join_request_approve", "join_request_decline"):
        app.action(action_id)(ack=acknowledge, lazy=[decide_clicked])


SUBCOMMANDS = [
    Subcommand(
        name="join",
        usage="/itwg join ORG [why] | /itwg join ORG @person",
        example="/itwg join UNHCR I coordinate UNHCR's prevention work",
        summary="Ask to join your organisation when your e-mail doesn't show it (its focal points or a "
        "co-lead approve); co-leads place someone directly with @person.",
        handler=join,
    ),
    Subcommand(
        name="requests",
        usage="/itwg requests",
        example="/itwg requests",
        summary="Focal points and co-leads: the join requests waiting for you, with Approve / Decline.",
        handler=list_requests,
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
