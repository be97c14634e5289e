"""``/itwg schedule``, ``reschedule``, ``cancel``, ``next`` and ``agenda``: the meeting calendar."""

from bot import agenda, meetings
from bot.errors import UserError
from bot.rendering import render_message, render_view
from handlers.commands.registry import CommandRequest, Subcommand
from handlers.common import refuse_in_view


def _reply_with_change(request: CommandRequest, change: meetings.MeetingChange) -> None:
    problem = meetings.announce(request.deps, request.client, change)
    channel = request.deps.settings.itwg_channel
    request.reply(meetings.notice(change, problem=problem, channel=channel))


def schedule(request: CommandRequest) -> None:
    if not request.args.strip():
        opened = request.client.views_open(
            trigger_id=request.trigger_id,
            view=render_view(
                "meeting_schedule_modal.json.j2",
                default_timezone=request.deps.settings.itwg_timezone,
                channel_id=request.channel_id or "",
            ),
        )
        try:
            meetings.require_co_lead(request.actor, "schedule meetings")
        except UserError as error:
            refuse_in_view(request.client, opened["view"], title="Schedule a meeting", message=str(error))
        return
    meetings.require_co_lead(request.actor, "schedule meetings")
    meeting_request = meetings.parse_schedule_args(
        request.args, default_timezone=request.deps.settings.itwg_timezone, now=request.deps.now()
    )
    _reply_with_change(request, meetings.schedule(request.deps, actor=request.actor, request=meeting_request))


def reschedule(request: CommandRequest) -> None:
    meetings.require_co_lead(request.actor, "reschedule meetings")
    meeting_id, starts_at, timezone = meetings.parse_reschedule(request.deps, request.args)
    change = meetings.reschedule(
        request.deps, actor=request.actor, meeting_id=meeting_id, starts_at=starts_at, timezone=timezone
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
    current = agenda.current(request.deps)
    request.reply(render_message("agenda.json.j2", agenda=current))
    agenda.send_markdown_to(request.client, user_id=request.user_id, agenda=current)


SUBCOMMANDS = [
    Subcommand(
        name="schedule",
        usage="/itwg schedule [YYYY-MM-DD HH:MM [timezone] [in-person] [quarterly]]",
        example="/itwg schedule 2030-06-11 14:00 Europe/Vienna quarterly",
        summary="Co-leads: schedule a meeting (or four, quarterly) and post the calendar invite.",
        handler=schedule,
    ),
    Subcommand(
        name="reschedule",
        usage="/itwg reschedule N YYYY-MM-DD HH:MM [timezone]",
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
        usage="/itwg agenda",
        example="/itwg agenda",
        summary="The next meeting's agenda pre-read, also sent to you as a Markdown file.",
        handler=show_agenda,
    ),
]
