"""Meetings as the working group's record: listing them and showing one with everything it gathered.

A meeting is *held* once it has started and was not cancelled. The observer's attendance is shown but
never counted: "8 of 16 present" counts member and co-lead organisations only, as the digest's
"who has shared" does.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot import parsing
from bot.deps import Deps
from bot.errors import UserError
from storage.db import read_scope
from storage.models import (
    ActionItem,
    AgendaItem,
    Decision,
    Meeting,
    MeetingAttendance,
    MeetingMinutes,
    Organisation,
    Person,
)
from storage.repositories import meetings as meeting_records
from storage.repositories import organisations
from storage.repositories import records as repository

T = TypeVar("T")
LIST_LIMIT = 20
LIST_USAGE = "`/itwg meetings [upcoming | past | YYYY]`, e.g. `/itwg meetings past`"
ATTENDANCE_STATUSES = {"present": "Present", "excused": "Excused", "absent": "Absent"}


def is_held(meeting: Meeting, *, now: datetime) -> bool:
    return meeting.status == "scheduled" and meeting.starts_at <= now


def counted(organisation: Organisation) -> bool:
    """Whether an organisation's absence counts: everyone's but the observer's."""
    return organisation.role != "observer"


def parse_meeting_number(text: str, *, usage: str) -> int:
    number = parsing.record_number(text)
    if number is None:
        shown = f"“{text}”" if text.strip() else "nothing"
        raise UserError(
            f"Give the meeting's number as `/itwg meetings` shows it (you wrote {shown}): {usage}."
        )
    return number


def get_meeting(session: Session, meeting_id: int) -> Meeting:
    meeting = meeting_records.get(session, meeting_id=meeting_id)
    if meeting is None:
        raise UserError(f"There is no meeting #{meeting_id}; `/itwg meetings` lists them with their numbers.")
    return meeting


def held_meeting(session: Session, meeting_id: int, *, now: datetime, what: str) -> Meeting:
    """The meeting, refused unless it has been held: minutes and attendance need a meeting that met."""
    meeting = get_meeting(session, meeting_id)
    if meeting.status == "cancelled":
        raise UserError(f"Meeting #{meeting_id} was cancelled, so it has no {what}.")
    if meeting.starts_at > now:
        raise UserError(
            f"Meeting #{meeting_id} has not been held yet; record its {what} once it has started."
        )
    return meeting


@dataclass(frozen=True)
class AttendanceCount:
    present: int
    out_of: int


@dataclass(frozen=True)
class MeetingLine:
    """One meeting in a listing."""

    meeting: Meeting
    held: bool
    attendance: AttendanceCount | None
    minutes_status: str | None  # None, "draft" or "published"


@dataclass(frozen=True)
class MeetingListing:
    description: str
    lines: list[MeetingLine]
    more: int


def _attendance_count(rows: list[MeetingAttendance], by_id: dict[int, Organisation]) -> AttendanceCount:
    """Out of the organisations the attendance was recorded for: one that joined since was not a member
    at that meeting."""
    counted_ids = {o_id for o_id, o in by_id.items() if counted(o)}
    present = sum(1 for r in rows if r.status == "present" and r.organisation_id in counted_ids)
    return AttendanceCount(present=present, out_of=len({r.organisation_id for r in rows} & counted_ids))


def _scope(text: str, *, now: datetime, timezone: str) -> tuple[datetime | None, datetime | None, bool, str]:
    """``upcoming`` (default), ``past`` or a year: the period, newest first or not, and its description."""
    key = text.strip().lower()
    if key in ("", "upcoming", "next"):
        return now, None, False, "Upcoming meetings"
    if key in ("past", "held"):
        return None, now, True, "Past meetings, newest first"
    if len(key) == 4 and parsing.whole_number(key) is not None and 2000 <= int(key) <= 2100:
        start, end = year_bounds(int(key), timezone)
        return start, end, False, f"Meetings in {key}"
    raise UserError(f"I can't read “{text.strip()}”. Use {LIST_USAGE}.")


def year_bounds(year: int, timezone: str) -> tuple[datetime, datetime]:
    """A calendar year in the working group's timezone, as UTC instants ``[start, end)``."""
    zone = ZoneInfo(timezone)
    return (
        datetime(year, 1, 1, tzinfo=zone).astimezone(UTC),
        datetime(year + 1, 1, 1, tzinfo=zone).astimezone(UTC),
    )


def list_meetings(deps: Deps, *, scope: str) -> MeetingListing:
    now = deps.now()
    start, end, descending, description = _scope(scope, now=now, timezone=deps.settings.itwg_timezone)
    with read_scope(deps.engine) as session:
        found = repository.meetings_between(session, start=start, end=end, descending=descending)
        if start == now:
            found = [m for m in found if m.status == "scheduled"]
        shown = found[:LIST_LIMIT]
        ids = [m.id or 0 for m in shown]
        by_id = {o.id or 0: o for o in organisations.list_all(session)}
        attendance: dict[int, list[MeetingAttendance]] = {}
        for row, _ in repository.attendance(session, meeting_ids=ids):
            attendance.setdefault(row.meeting_id, []).append(row)
        minutes = repository.minutes(session, meeting_ids=ids)
        session.expunge_all()
    lines = []
    for meeting in shown:
        held = is_held(meeting, now=now)
        rows = attendance.get(meeting.id or 0)
        lines.append(
            MeetingLine(
                meeting=meeting,
                held=held,
                attendance=_attendance_count(rows, by_id) if rows else None,
                minutes_status=minutes[meeting.id].status if meeting.id in minutes else None,
            )
        )
    return MeetingListing(description=description, lines=lines, more=len(found) - len(shown))


@dataclass(frozen=True)
class AttendanceLine:
    organisation: Organisation
    status: str | None  # None: not recorded
    attendees: str = ""
    coming: list[str] = field(default_factory=list)  # Slack ids of those who said they are coming
    not_coming: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class MeetingRecord:
    """One meeting with everything it gathered."""

    meeting: Meeting
    held: bool
    agenda: list[tuple[AgendaItem, Person | None]]
    attendance: list[AttendanceLine]
    attendance_recorded: bool
    minutes: MeetingMinutes | None
    decisions: list[Decision]
    action_items: list[tuple[ActionItem, Organisation]]

    @property
    def count(self) -> AttendanceCount:
        lines = [line for line in self.attendance if counted(line.organisation) and line.status]
        return AttendanceCount(
            present=sum(1 for line in lines if line.status == "present"), out_of=len(lines)
        )

    @property
    def open_agenda(self) -> list[tuple[AgendaItem, Person | None]]:
        return [(item, person) for item, person in self.agenda if item.status == repository.PROPOSED]

    @property
    def agenda_shown(self) -> list[tuple[AgendaItem, Person | None]]:
        """The items still on the agenda, in their order (numbered as ``agenda move`` numbers them),
        then those dropped or carried forward."""
        return self.open_agenda + [
            (item, person) for item, person in self.agenda if item.status != repository.PROPOSED
        ]

    @property
    def rsvp_count(self) -> tuple[int, int]:
        return (
            sum(len(line.coming) for line in self.attendance),
            sum(len(line.not_coming) for line in self.attendance),
        )


def record_of(session: Session, meeting: Meeting, *, now: datetime) -> MeetingRecord:
    """Everything about ``meeting``, in a fixed number of queries."""
    meeting_id = meeting.id or 0
    recorded = {
        row.organisation_id: row for row, _ in repository.attendance(session, meeting_ids=[meeting_id])
    }
    answers: dict[int, tuple[list[str], list[str]]] = {}
    for answer, person, organisation in repository.rsvps(session, meeting_id=meeting_id):
        if organisation is None:
            continue
        coming, not_coming = answers.setdefault(organisation.id or 0, ([], []))
        (coming if answer.coming else not_coming).append(person.slack_user_id)
    lines = []
    for organisation in organisations.list_all(session):
        row = recorded.get(organisation.id or 0)
        coming, not_coming = answers.get(organisation.id or 0, ([], []))
        lines.append(
            AttendanceLine(
                organisation=organisation,
                status=row.status if row else None,
                attendees=row.attendees if row else "",
                coming=coming,
                not_coming=not_coming,
            )
        )
    return MeetingRecord(
        meeting=meeting,
        held=is_held(meeting, now=now),
        agenda=repository.agenda_items(session, meeting_ids=[meeting_id]),
        attendance=lines,
        attendance_recorded=bool(recorded),
        minutes=repository.minutes(session, meeting_ids=[meeting_id]).get(meeting_id),
        decisions=repository.decisions(session, meeting_ids=[meeting_id]),
        action_items=repository.action_items(session, meeting_ids=[meeting_id]),
    )


def show_meeting(deps: Deps, *, meeting_id: int) -> MeetingRecord:
    with read_scope(deps.engine) as session:
        return detached(session, record_of(session, get_meeting(session, meeting_id), now=deps.now()))


def detached(session: Session, result: T) -> T:
    """``result`` with its rows kept as read: a read-only scope ends in a rollback, which would
    otherwise expire them."""
    session.expunge_all()
    return result
