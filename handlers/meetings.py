"""Meetings: ``/itwg schedule``, ``reschedule``, ``cancel``, ``next`` and ``agenda``, and the
scheduling form's submission."""

import logging

from slack_bolt import App
from slack_sdk.errors import SlackApiError

from bot import agenda, meetings
from bot.errors import UserError
from bot.rendering import render_message, render_view
from handlers import records
from handlers.channel import post_invites
from handlers.common import Turn, checking_submission, lazy_part
from handlers.delivery import send_privately
from handlers.itwg import CommandRequest, Subcommand

logger = logging.getLogger(__name__)

SCHEDULE_TITLE = "Schedule a meeting"


def _notice(
    change: meetings.MeetingChange, *, problem: str | None = None, channel: str | None = None
) -> dict:
    """The plain-language announcement of a change: ``text`` goes with the invite files in the
    channel; ``blocks`` answer the co-lead, with whether the invites went out."""
    return render_message(
        f"meeting_{change.kind}.json.j2",
        change=change,
        meetings=change.meetings,
        local=meetings.local_label,
        problem=problem,
        channel=channel,
    )


def _announce(turn: Turn, change: meetings.MeetingChange) -> dict:
    """Post the change's invites to the channel; the answer for the co-lead, saying whether they went."""
    deps = turn.deps
    files = meetings.invite_files(change, organizer_email=deps.settings.itwg_organizer_email)
    problem = post_invites(deps, turn.client, files=files, comment=_notice(change)["text"])
    return _notice(change, problem=problem, channel=deps.settings.itwg_channel)


def _reply_with_change(request: CommandRequest, change: meetings.MeetingChange) -> None:
    request.reply(_announce(request, change))


# -- /itwg subcommands ----------------------------------------------------------------------------------


def schedule(request: CommandRequest) -> None:
    meetings.require_co_lead(request.actor, "schedule meetings")
    if not request.args.strip():
        request.show_form(
            render_view(
                "meeting_schedule_modal.json.j2",
                default_timezone=request.deps.settings.itwg_timezone,
                channel_id=request.channel_id or "",
            )
        )
        return
    meeting_request = meetings.parse_schedule_args(
        request.args, default_timezone=request.deps.settings.itwg_timezone, now=request.deps.now()
    )
    change = meetings.schedule(
        request.deps, actor=request.actor, request=meeting_request, request_key=request.request_key
    )
    _reply_with_change(request, change)


def reschedule(request: CommandRequest) -> None:
    meetings.require_co_lead(request.actor, "reschedule meetings")
    asked = meetings.parse_reschedule(request.deps, request.args)
    change = meetings.reschedule(
        request.deps,
        actor=request.actor,
        meeting_id=asked.meeting_id,
        starts_at=asked.starts_at,
        timezone=asked.timezone,
        location_public=asked.location_public,
    )
    _reply_with_change(request, change)


def cancel(request: CommandRequest) -> None:
    meetings.require_co_lead(request.actor, "cancel meetings")
    words = request.args.split()
    if len(words) != 1:
        raise UserError("Use `/itwg cancel N`, with the meeting's number from `/itwg next`.")
    change = meetings.cancel(
        request.deps, actor=request.actor, meeting_id=meetings.parse_meeting_id(words[0])
    )
    _reply_with_change(request, change)


def next_meeting(request: CommandRequest) -> None:
    upcoming = meetings.next_meeting(request.deps)
    request.reply(
        render_message(
            "meeting_next.json.j2",
            meeting=upcoming.meeting,
            still_to_share=upcoming.still_to_share,
            local=meetings.local_label,
        )
    )


def show_agenda(request: CommandRequest) -> None:
    if records.takes_agenda_verb(request.args):
        records.agenda_command(request)
        return
    current = agenda.current(request.deps)
    request.reply(render_message("agenda.json.j2", agenda=current))
    # Sent to the person's DM, not the channel they typed in (which the bot may not be in, and where
    # others did not ask for it); the reply above stands if Slack refuses the file.
    try:
        send_privately(
            request.client,
            user_id=request.user_id,
            attachment=agenda.markdown_attachment(current),
            comment="The agenda pre-read as a Markdown file.",
        )
    except SlackApiError as error:
        logger.warning(
            "could not send the agenda file to %s: %s", request.user_id, error.response.get("error")
        )


SUBCOMMANDS = [
    Subcommand(
        name="schedule",
        usage="/itwg schedule [YYYY-MM-DD HH:MM [timezone] [in-person] [quarterly] [public-location]]",
        example="/itwg schedule 2030-06-11 14:00 Europe/Vienna quarterly",
        summary="Co-leads: schedule a meeting (or four, quarterly) and post the calendar invite.",
        handler=schedule,
        form_title=lambda args: None if args.strip() else SCHEDULE_TITLE,
    ),
    Subcommand(
        name="reschedule",
        usage="/itwg reschedule N YYYY-MM-DD HH:MM [timezone] [public-location|private-location]",
        example="/itwg reschedule 3 2030-06-12 14:00",
        summary="Co-leads: move meeting #N; calendars update the same entry.",
        handler=reschedule,
    ),
    Subcommand(
        name="cancel",
        usage="/itwg cancel N",
        example="/itwg cancel 3",
        summary="Co-leads: cancel meeting #N and post the cancellation for calendars.",
        handler=cancel,
    ),
    Subcommand(
        name="next",
        usage="/itwg next",
        example="/itwg next",
        summary="When the next meeting is, and who has not shared for it yet.",
        handler=next_meeting,
    ),
    Subcommand(
        name="agenda",
        usage="/itwg agenda [add [#N] TEXT | edit ITEM TEXT | move ITEM PLACE | drop ITEM REASON | carry N]",
        example="/itwg agenda add Joint statement for 26 June",
        summary="The next meeting's agenda pre-read, also sent as a file; propose, order or drop items.",
        handler=show_agenda,
    ),
]


# -- the scheduling form ---------------------------------------------------------------------------------


def _meeting_request(turn: Turn) -> meetings.MeetingRequest:
    values = turn.values
    options = set(values.get("options") or [])
    return meetings.request_from_form(
        day=values.get("date"),
        at=values.get("time"),
        timezone=values.get("timezone"),
        duration=values.get("duration"),
        location=values.get("location"),
        in_person="in_person" in options,
        quarterly="quarterly" in options,
        location_public="location_public" in options,
        now=turn.deps.now(),
    )


def check_schedule(turn: Turn) -> None:
    _meeting_request(turn)
    actor = turn.known_actor()
    if actor is not None:
        meetings.require_co_lead(actor, "schedule meetings")


@lazy_part
def schedule_from_form(turn: Turn) -> None:
    change = meetings.schedule(
        turn.deps, actor=turn.actor, request=_meeting_request(turn), request_key=turn.request_key
    )
    reply = _announce(turn, change)
    where = turn.view.get("private_metadata") or ""
    try:
        if where:
            turn.client.chat_postEphemeral(channel=where, user=turn.user_id, **reply)
        else:
            send_privately(turn.client, user_id=turn.user_id, message=reply)
    except SlackApiError as error:
        logger.warning("could not confirm the scheduled meeting: %s", error.response.get("error"))


def register(app: App) -> None:
    app.view("meeting_schedule")(
        ack=checking_submission(check_schedule, block_id="date"), lazy=[schedule_from_form]
    )
