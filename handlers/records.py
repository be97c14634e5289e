"""The meeting record: ``/itwg meetings``, ``meeting``, ``minutes``, ``decision``, ``attendance`` and
``rsvp``; agenda items (``/itwg agenda add|edit|move|drop|carry``); the minutes, attendance and decision
forms; the RSVP, publish and carry-forward buttons; and the message shortcut *Record as ITWG decision*."""

import json
import logging
from datetime import datetime
from typing import Any

from slack_bolt import App
from slack_sdk.errors import SlackApiError

from bot import agenda_items, attendance, minutes, parsing, records, report, report_files
from bot.errors import UserError
from bot.initiatives import CycleThread
from bot.meetings import local_label
from bot.notifications import Attachment
from bot.rendering import counted, render_message, render_view
from handlers.action_items import permalink
from handlers.channel import post_in_thread
from handlers.common import Turn, acknowledge, checking_submission, clicked_number, lazy_part, opening_form
from handlers.delivery import send_privately
from handlers.itwg import CommandRequest, Subcommand

logger = logging.getLogger(__name__)

MINUTES_USAGE = "`/itwg minutes N [publish [public] | unpublish]`, e.g. `/itwg minutes 3`"
DECISION_TITLE = "Record a decision"
AGENDA_VERBS = ("add", "edit", "move", "drop", "carry")


def _number(text: str, usage: str) -> int:
    return records.parse_meeting_number(text, usage=usage)


def _show_record(turn: Turn, record: records.MeetingRecord) -> None:
    turn.reply(
        render_message(
            "meeting_record.json.j2", record=record, local=local_label, co_lead=turn.actor.is_co_lead
        )
    )


def _done(turn: Turn, summary: str) -> None:
    turn.reply(render_message("records_changed.json.j2", summary=summary))


# -- /itwg subcommands ----------------------------------------------------------------------------------


def list_meetings(request: CommandRequest) -> None:
    listing = records.list_meetings(request.deps, scope=request.args)
    request.reply(render_message("meeting_list.json.j2", listing=listing))


def show_meeting(request: CommandRequest) -> None:
    meeting_id = _number(request.args, "`/itwg meeting N`, e.g. `/itwg meeting 3`")
    _show_record(request, records.show_meeting(request.deps, meeting_id=meeting_id))


def _minutes_form(turn: Turn, meeting_id: int) -> None:
    record = minutes.minutes_form(turn.deps, actor=turn.actor, meeting_id=meeting_id)
    listed = minutes.lists_decisions(record)
    metadata = json.dumps(
        {
            "meeting_id": meeting_id,
            "response_url": turn.body.get("response_url"),
            "adds_decisions": not listed,
            "opened_at": turn.deps.now().isoformat(),
        }
    )
    turn.show_form(
        render_view(
            "minutes_form.json.j2",
            record=record,
            metadata=metadata,
            summary_max=minutes.SUMMARY_MAX,
            field_max=minutes.FIELD_MAX,
            lists_decisions=listed,
        )
    )


def minutes_command(request: CommandRequest) -> None:
    words = request.args.split()
    meeting_id = _number(words[0] if words else "", MINUTES_USAGE)
    action = [w.lower() for w in words[1:]]
    if not action:
        _minutes_form(request, meeting_id)
    elif action in (["publish"], ["publish", "public"]):
        _publish(request, meeting_id, public=len(action) == 2)
    elif action == ["unpublish"]:
        _, posted = minutes.unpublish(request.deps, actor=request.actor, meeting_id=meeting_id)
        if posted and request.deps.settings.itwg_channel:
            try:
                request.client.chat_delete(channel=request.deps.settings.itwg_channel, ts=posted)
            except SlackApiError as error:
                logger.warning("could not take down the minutes post: %s", error.response.get("error"))
        _done(request, f"The minutes of meeting #{meeting_id} are a draft again.")
    else:
        raise UserError(f"Use {MINUTES_USAGE}.")


def _publish(turn: Turn, meeting_id: int, *, public: bool) -> None:
    deps = turn.deps
    record = minutes.publish(deps, actor=turn.actor, meeting_id=meeting_id, public=public)
    thread = minutes.meeting_thread(deps, meeting_id=meeting_id)
    message = render_message("minutes_post.json.j2", record=record)
    ts = _update_post(turn, thread, record.minutes.message_ts if record.minutes else None, message)
    if ts is None:
        ts = post_in_thread(turn.client, deps=deps, thread=thread, message=message)
    if ts is not None:
        minutes.mark_posted(deps, meeting_id=meeting_id, ts=ts)
        where = "posted in the meeting's thread in the channel"
    else:
        where = "but could not be posted in the channel (is ITWG_CHANNEL set, and the bot in it?)"
    extra = ", and public in the registry" if public else ""
    _done(turn, f"The minutes of meeting #{meeting_id} are published{extra}, {where}.")


def _update_post(
    turn: Turn, thread: CycleThread | None, posted: str | None, message: dict[str, Any]
) -> str | None:
    """Minutes published again replace their post in the thread rather than adding a second one; None
    when there is no post to replace (or Slack refused), so that a new one is posted."""
    if thread is None or not posted:
        return None
    try:
        turn.client.chat_update(channel=thread.channel, ts=posted, **message)
    except SlackApiError as error:
        logger.warning("could not update the minutes post: %s", error.response.get("error"))
        return None
    return posted


def decision_command(request: CommandRequest) -> None:
    number, _, text = request.args.strip().partition(" ")
    meeting_id = _number(number, minutes.DECISION_USAGE)
    decision = minutes.record_decision(
        request.deps, actor=request.actor, meeting_id=meeting_id, text=text, request_key=request.request_key
    )
    _done(request, f"Recorded for meeting #{meeting_id}: {decision.text}")


def _attendance_form(turn: Turn, meeting_id: int) -> None:
    form = attendance.attendance_form(turn.deps, actor=turn.actor, meeting_id=meeting_id)
    metadata = json.dumps({"meeting_id": meeting_id, "response_url": turn.body.get("response_url")})
    turn.show_form(render_view("attendance_form.json.j2", form=form, metadata=metadata))


def attendance_command(request: CommandRequest) -> None:
    _attendance_form(request, _number(request.args, "`/itwg attendance N`, e.g. `/itwg attendance 3`"))


def rsvp_command(request: CommandRequest) -> None:
    words = request.args.split()
    if len(words) != 2:
        raise UserError(f"Use {attendance.RSVP_USAGE}.")
    meeting_id = _number(words[0], attendance.RSVP_USAGE)
    _rsvp(request, meeting_id, attendance.parse_answer(words[1]))


def _rsvp(turn: Turn, meeting_id: int, coming: bool) -> None:
    attendance.rsvp(turn.deps, actor=turn.actor, meeting_id=meeting_id, coming=coming)
    answer = "coming" if coming else "not coming"
    _done(
        turn, f"Noted: you are {answer} to meeting #{meeting_id}. You can change your answer until it starts."
    )


def agenda_command(request: CommandRequest) -> None:
    """``/itwg agenda add|edit|move|drop|carry …``: what ``/itwg agenda`` does beyond showing it."""
    verb, _, rest = request.args.strip().partition(" ")
    verb = verb.lower()
    if verb == "add":
        change = agenda_items.add(
            request.deps, actor=request.actor, args=rest, request_key=request.request_key
        )
    else:
        change = agenda_items.manage(request.deps, actor=request.actor, verb=verb, args=rest)
    _done(request, change.summary)


def report_command(request: CommandRequest) -> None:
    """The yearly report as a Word file in the co-lead's direct messages (files_upload_v2 only)."""
    year_report = report.request_report(request.deps, actor=request.actor, args=request.args)
    send_privately(
        request.client,
        user_id=request.user_id,
        attachment=Attachment(
            filename=report_files.filename(year_report, "docx"),
            title=f"ITWG report {year_report.year} (draft)",
            content=report_files.render(year_report, "docx"),
        ),
        comment=f"The draft report on {year_report.year}, to edit and paste into the template.",
    )
    _done(request, f"The {year_report.year} report is in your direct messages as a Word file.")


def takes_agenda_verb(args: str) -> bool:
    return args.strip().split(" ")[0].lower() in AGENDA_VERBS


SUBCOMMANDS = [
    Subcommand(
        name="meetings",
        usage="/itwg meetings [upcoming | past | YYYY]",
        example="/itwg meetings past",
        summary="Meetings with their date, format, status, attendance and minutes.",
        handler=list_meetings,
    ),
    Subcommand(
        name="meeting",
        usage="/itwg meeting N",
        example="/itwg meeting 3",
        summary="One meeting: agenda, RSVPs, attendance, minutes, decisions and action items.",
        handler=show_meeting,
    ),
    Subcommand(
        name="minutes",
        usage="/itwg minutes N [publish [public] | unpublish]",
        example="/itwg minutes 3",
        summary="Co-leads: write a held meeting's minutes (a form), publish them in its thread.",
        handler=minutes_command,
        form_title=lambda args: "Minutes" if len(args.split()) == 1 else None,
    ),
    Subcommand(
        name="decision",
        usage="/itwg decision N TEXT",
        example="/itwg decision 3 Hold the next in-person meeting in Geneva",
        summary="Co-leads: record a decision of meeting #N.",
        handler=decision_command,
    ),
    Subcommand(
        name="attendance",
        usage="/itwg attendance N",
        example="/itwg attendance 3",
        summary="Co-leads: record who attended meeting #N, per organisation (a form).",
        handler=attendance_command,
        form_title=lambda args: "Attendance",
    ),
    Subcommand(
        name="rsvp",
        usage="/itwg rsvp N yes|no",
        example="/itwg rsvp 4 yes",
        summary="Say whether you are coming to meeting #N.",
        handler=rsvp_command,
    ),
    Subcommand(
        name="report",
        usage="/itwg report YYYY",
        example="/itwg report 2030",
        summary="Co-leads: the year's draft report to the Commission, as a Word file sent to you.",
        handler=report_command,
    ),
]


# -- buttons and the message shortcut -------------------------------------------------------------------


def _clicked_meeting(turn: Turn) -> int:
    return clicked_number(
        turn.body, refusal="That button does not say which meeting it is for; `/itwg meetings` lists them."
    )


@lazy_part
def rsvp_yes_clicked(turn: Turn) -> None:
    _rsvp(turn, _clicked_meeting(turn), True)


@lazy_part
def rsvp_no_clicked(turn: Turn) -> None:
    _rsvp(turn, _clicked_meeting(turn), False)


@lazy_part
def publish_clicked(turn: Turn) -> None:
    _publish(turn, _clicked_meeting(turn), public=False)


@lazy_part
def carry_clicked(turn: Turn) -> None:
    change = agenda_items.carry_forward(turn.deps, actor=turn.actor, meeting_text=str(_clicked_meeting(turn)))
    _done(turn, change.summary)


@lazy_part
def show_minutes_form(turn: Turn) -> None:
    _minutes_form(turn, _clicked_meeting(turn))


@lazy_part
def show_decision_form(turn: Turn) -> None:
    message = turn.body.get("message") or {}
    text = parsing.unescape_slack_text(message.get("text") or "").strip()[: minutes.DECISION_MAX]
    source_link = permalink(turn.client, turn.body["channel"]["id"], message.get("ts", ""))
    choices = minutes.decision_meetings(turn.deps, actor=turn.actor)
    metadata = json.dumps({"source_link": source_link})
    turn.show_form(
        render_view(
            "decision_form.json.j2",
            meetings=choices,
            text=text,
            source_link=source_link,
            metadata=metadata,
            decision_max=minutes.DECISION_MAX,
        )
    )


# -- the forms -------------------------------------------------------------------------------------------


def _form_meeting(turn: Turn) -> int:
    return parsing.whole_number(str(turn.metadata.get("meeting_id", ""))) or 0


def _minutes_draft(turn: Turn) -> minutes.MinutesDraft:
    values = turn.values
    return minutes.MinutesDraft(
        meeting_id=_form_meeting(turn),
        summary=values.get("summary") or "",
        decisions=values.get("decisions") or "",
        actions=values.get("actions") or "",
        adds_decisions=turn.metadata.get("adds_decisions") is True,
        opened_at=_opened_at(turn.metadata.get("opened_at")),
    )


def _opened_at(text: object) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None
    return moment if moment is not None and moment.tzinfo is not None else None


def check_minutes(turn: Turn) -> None:
    actor = turn.known_actor()
    if actor is not None:
        minutes.check_minutes(turn.deps, actor=actor, draft=_minutes_draft(turn))


@lazy_part
def save_minutes(turn: Turn) -> None:
    record = minutes.save_minutes(
        turn.deps, actor=turn.actor, draft=_minutes_draft(turn), request_key=turn.request_key
    )
    meeting_id = record.meeting.id
    _done(
        turn,
        f"Saved the draft minutes of meeting #{meeting_id} ({counted(len(record.decisions), 'decision')}, "
        f"{counted(len(record.action_items), 'action item')}). "
        f"Publish them with `/itwg minutes {meeting_id} publish`.",
    )


def _attendance_answer(turn: Turn) -> attendance.AttendanceAnswer:
    values = turn.values

    def ids(block: str) -> list[int]:
        return [n for n in (parsing.whole_number(v) for v in values.get(block) or []) if n is not None]

    return attendance.AttendanceAnswer(
        meeting_id=_form_meeting(turn),
        present_ids=ids("present"),
        excused_ids=ids("excused"),
        attendees=values.get("attendees") or "",
    )


def check_attendance(turn: Turn) -> None:
    actor = turn.known_actor()
    if actor is not None:
        attendance.check_attendance(turn.deps, actor=actor, answer=_attendance_answer(turn))


@lazy_part
def save_attendance(turn: Turn) -> None:
    record = attendance.record_attendance(turn.deps, actor=turn.actor, answer=_attendance_answer(turn))
    count = record.count
    _done(
        turn,
        f"Recorded attendance at meeting #{record.meeting.id}: {count.present} of {count.out_of} "
        "organisations present.",
    )


def _decision_values(turn: Turn) -> tuple[int, str]:
    values = turn.values
    return parsing.whole_number(values.get("meeting")) or 0, values.get("decision") or ""


def check_decision(turn: Turn) -> None:
    actor = turn.known_actor()
    if actor is not None:
        meeting_id, text = _decision_values(turn)
        minutes.check_decision(turn.deps, actor=actor, meeting_id=meeting_id, text=text)


@lazy_part
def save_decision(turn: Turn) -> None:
    meeting_id, text = _decision_values(turn)
    decision = minutes.record_decision(
        turn.deps,
        actor=turn.actor,
        meeting_id=meeting_id,
        text=text,
        source_link=turn.metadata.get("source_link"),
        request_key=turn.request_key,
    )
    _done(turn, f"Recorded for meeting #{meeting_id}: {decision.text}")


def register(app: App) -> None:
    app.action("meeting_rsvp_yes")(ack=acknowledge, lazy=[rsvp_yes_clicked])
    app.action("meeting_rsvp_no")(ack=acknowledge, lazy=[rsvp_no_clicked])
    app.action("minutes_publish")(ack=acknowledge, lazy=[publish_clicked])
    app.action("agenda_carry")(ack=acknowledge, lazy=[carry_clicked])
    app.action("minutes_open")(ack=opening_form(lambda body: "Minutes"), lazy=[show_minutes_form])
    app.shortcut("record_decision")(ack=opening_form(lambda body: DECISION_TITLE), lazy=[show_decision_form])
    app.view("meeting_minutes")(
        ack=checking_submission(check_minutes, block_id="summary"), lazy=[save_minutes]
    )
    app.view("meeting_attendance")(
        ack=checking_submission(check_attendance, block_id="present"), lazy=[save_attendance]
    )
    app.view("meeting_decision")(
        ack=checking_submission(check_decision, block_id="decision"), lazy=[save_decision]
    )
