"""Scheduling the working group's meetings: the rules for when, who may, and what a series is.

Meetings are stored in UTC with the IANA timezone they were scheduled in, so a meeting at 10:00 in
Vienna stays at 10:00 in Vienna across a DST change. Local times that do not exist (the hour skipped
when clocks go forward) are refused rather than silently shifted; times that happen twice (the hour
repeated when clocks go back) mean the first of the two.

A quarterly series is four meetings three months apart on the same weekday of the month (e.g. the
second Tuesday), at the same local time. Keeping the weekday rather than the day of the month avoids
the drift of days 29–31, which short months do not have, and keeps a meeting off weekends. A start in
the fifth week of a month (e.g. the fifth Thursday) continues as the last such weekday.
"""

import calendar
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot import invites, parsing
from bot.actor import Actor
from bot.cycles import current_cycle, sharing_status
from bot.deps import Deps
from bot.errors import FieldErrors, UserError
from bot.notifications import Attachment
from storage.db import read_scope, session_scope
from storage.models import Meeting, Organisation, utcnow
from storage.repositories import audit, recipients
from storage.repositories import meetings as meeting_records

TIME_FORM = re.compile(r"^\d{1,2}:\d{2}$")
SERIES_LENGTH = 4
SERIES_MONTHS = 3
DEFAULT_DURATION_MINUTES = 90
MAX_DURATION_MINUTES = 12 * 60
MAX_AHEAD = timedelta(days=5 * 366)
SCHEDULE_USAGE = "`/itwg schedule YYYY-MM-DD HH:MM [timezone] [in-person] [quarterly] [public-location]`"
# Words that say whether a meeting's location (link or venue) may be shown on the public pages.
PUBLIC_LOCATION = ("public-location", "location-public")
PRIVATE_LOCATION = ("private-location", "location-private")


@dataclass(frozen=True)
class MeetingRequest:
    """What a co-lead asked for, parsed and checked, before anything is stored."""

    starts_at: datetime
    timezone: str
    duration_minutes: int = DEFAULT_DURATION_MINUTES
    in_person: bool = False
    location: str | None = None
    location_public: bool = False
    quarterly: bool = False


@dataclass(frozen=True)
class RescheduleRequest:
    """``/itwg reschedule``: the new time, and whether the location may now be published (None: as
    it was)."""

    meeting_id: int
    starts_at: datetime
    timezone: str
    location_public: bool | None = None


@dataclass(frozen=True)
class MeetingChange:
    """One scheduling change, as the channel is told about it and as the invites carry it."""

    kind: str  # "scheduled", "rescheduled" or "cancelled"
    meetings: list[Meeting]
    previous_starts_at: datetime | None = None
    actor_slack_id: str = ""
    attendee_emails: list[str] = field(default_factory=list)


# -- parsing ---------------------------------------------------------------------------------------


def zone_named(name: str) -> ZoneInfo:
    try:
        if "/" not in name and name.upper() != "UTC":
            raise ZoneInfoNotFoundError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        # OSError: a directory of the time-zone database (America/Argentina) is not a zone.
        raise UserError(
            f"I don't know the timezone “{name}”. Use an IANA name such as Europe/Vienna, "
            "America/New_York or UTC."
        ) from None


def parse_day(text: str) -> date:
    try:
        return parsing.iso_date(text)
    except parsing.DateNotWritten:
        raise UserError(f"“{text}” is not a date like 2030-03-14 (YYYY-MM-DD).") from None
    except parsing.DateDoesNotExist:
        raise UserError(f"{text} is not a date that exists; check the month and day.") from None


def parse_clock_time(text: str) -> time:
    if not TIME_FORM.match(text):
        raise UserError(f"“{text}” is not a time like 14:00 (HH:MM, 24-hour).")
    hours, minutes = (int(part) for part in text.split(":"))
    if hours > 23 or minutes > 59:
        raise UserError(f"{text} is not a time of day; use 00:00 to 23:59.")
    return time(hours, minutes)


def local_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a wall-clock time, refusing times a DST change skips.

    zoneinfo accepts a skipped time and quietly gives it an offset; converting to UTC and back then
    lands on a different wall-clock time, which is how a gap shows itself.
    """
    local = datetime.combine(day, at, tzinfo=zone)
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise UserError(
            f"{day.isoformat()} {at.strftime('%H:%M')} does not exist in {zone.key}: clocks skip that "
            "hour for daylight saving time. Pick a time outside the skipped hour."
        )
    return instant


def check_future(instant: datetime, *, now: datetime) -> None:
    if instant <= now:
        raise UserError("That time has already passed; give a date and time in the future.")
    if instant > now + MAX_AHEAD:
        raise UserError("That is more than five years ahead; give a date within the next five years.")


def parse_schedule_args(text: str, *, default_timezone: str, now: datetime) -> MeetingRequest:
    """``YYYY-MM-DD HH:MM [timezone] [in-person] [quarterly] [public-location]`` in any order after
    date and time."""
    words = text.split()
    if len(words) < 2:
        raise UserError(f"Say when, e.g. {SCHEDULE_USAGE}, or use `/itwg schedule` alone for a form.")
    day, at = parse_day(words[0]), parse_clock_time(words[1])
    timezone_name, in_person, quarterly, location_public = default_timezone, False, False, False
    for word in words[2:]:
        flag = word.lower()
        if flag in ("in-person", "inperson", "in_person"):
            in_person = True
        elif flag == "quarterly":
            quarterly = True
        elif flag in PUBLIC_LOCATION:
            location_public = True
        else:
            timezone_name = zone_named(word).key
    zone = zone_named(timezone_name)
    starts_at = local_instant(day, at, zone)
    check_future(starts_at, now=now)
    return MeetingRequest(
        starts_at=starts_at,
        timezone=zone.key,
        in_person=in_person,
        quarterly=quarterly,
        location_public=location_public,
    )


def parse_reschedule(deps: Deps, text: str) -> RescheduleRequest:
    """``N YYYY-MM-DD HH:MM [timezone] [public-location|private-location]``; without a timezone the
    meeting's own one is meant."""
    words = text.split()
    usage = (
        "`/itwg reschedule N YYYY-MM-DD HH:MM [timezone] [public-location|private-location]`, "
        "e.g. `/itwg reschedule 3 2030-06-12 14:00`"
    )
    flags = [w.lower() for w in words[3:] if w.lower() in PUBLIC_LOCATION + PRIVATE_LOCATION]
    rest = [w for w in words[3:] if w.lower() not in PUBLIC_LOCATION + PRIVATE_LOCATION]
    if len(words) < 3 or len(rest) > 1 or len(set(flags)) > 1:
        raise UserError(f"Use {usage}.")
    meeting_id = parse_meeting_id(words[0])
    day, at = parse_day(words[1]), parse_clock_time(words[2])
    if rest:
        zone = zone_named(rest[0])
    else:
        with session_scope(deps.engine) as session:
            zone = ZoneInfo(_changeable(session, meeting_id).timezone)
    starts_at = local_instant(day, at, zone)
    check_future(starts_at, now=deps.now())
    location_public = (flags[0] in PUBLIC_LOCATION) if flags else None
    return RescheduleRequest(meeting_id, starts_at, zone.key, location_public)


def parse_meeting_id(text: str) -> int:
    number = parsing.record_number(text)
    if number is None:
        raise UserError(f"“{text}” is not a meeting number; `/itwg next` shows it as #N.")
    return number


def parse_duration(text: str) -> int:
    minutes = parsing.whole_number(text.strip().lower().removesuffix("min").removesuffix("m"))
    if minutes is None or not 15 <= minutes <= MAX_DURATION_MINUTES:
        raise UserError("Give the duration in minutes, between 15 and 720, e.g. 90.")
    return minutes


# -- series ----------------------------------------------------------------------------------------


def add_months_same_weekday(day: date, months: int) -> date:
    """The same weekday-of-month ``months`` later (2nd Tuesday → 2nd Tuesday; 5th → last)."""
    week = (day.day - 1) // 7  # 0-based: which occurrence of that weekday in its month
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    first_weekday, days_in_month = calendar.monthrange(year, month)
    first = 1 + (day.weekday() - first_weekday) % 7
    candidate = first + 7 * week
    while candidate > days_in_month:
        candidate -= 7
    return date(year, month, candidate)


def occurrences(request: MeetingRequest) -> list[datetime]:
    if not request.quarterly:
        return [request.starts_at]
    zone = ZoneInfo(request.timezone)
    local = request.starts_at.astimezone(zone)
    return [
        local_instant(add_months_same_weekday(local.date(), SERIES_MONTHS * n), local.time(), zone)
        for n in range(SERIES_LENGTH)
    ]


# -- changes ---------------------------------------------------------------------------------------


def require_co_lead(actor: Actor, what: str) -> None:
    if not actor.is_co_lead:
        raise UserError(f"Only the co-leads (UNODC and WHO) can {what}.")


def new_uid() -> str:
    return f"{uuid.uuid4()}@itwg-bot"


def schedule(
    deps: Deps, *, actor: Actor, request: MeetingRequest, request_key: str | None = None
) -> MeetingChange:
    """Store one meeting, or a quarterly series of four, each with its own id and UID.

    Each meeting remembers ``request_key`` (numbered within a series): the same request carried out
    again (after a worker died) finds them and stores nothing more.
    """
    require_co_lead(actor, "schedule meetings")
    check_future(request.starts_at, now=deps.now())
    starts = occurrences(request)
    series_uid = new_uid() if request.quarterly else None
    now = deps.now()
    keys = [f"{request_key}#{n}" if request_key else None for n in range(len(starts))]
    with session_scope(deps.engine) as session:
        created = meeting_records.by_request_keys(session, request_keys=[k for k in keys if k])
        if created:
            return MeetingChange(
                kind="scheduled",
                meetings=created,
                actor_slack_id=actor.slack_user_id,
                attendee_emails=recipients.attendee_emails(session),
            )
        for starts_at, key in zip(starts, keys, strict=True):
            meeting = meeting_records.add(
                session,
                meeting=Meeting(
                    uid=new_uid(),
                    series_uid=series_uid,
                    starts_at=starts_at,
                    timezone=request.timezone,
                    duration_minutes=request.duration_minutes,
                    in_person=request.in_person,
                    location=request.location,
                    location_public=request.location_public,
                    created_by_person_id=actor.person_id,
                    created_at=now,
                    updated_at=now,
                    request_key=key,
                ),
            )
            audit.record(
                session,
                by=actor,
                action="meeting.schedule",
                entity="meeting",
                entity_id=meeting.id,
                details={
                    "starts_at": starts_at.isoformat(),
                    "timezone": request.timezone,
                    "location_public": request.location_public,
                },
            )
            created.append(meeting)
        emails = recipients.attendee_emails(session)
    return MeetingChange(
        kind="scheduled", meetings=created, actor_slack_id=actor.slack_user_id, attendee_emails=emails
    )


def _changeable(session, meeting_id: int) -> Meeting:
    meeting = meeting_records.get(session, meeting_id=meeting_id)
    if meeting is None:
        raise UserError(f"There is no meeting #{meeting_id}; `/itwg next` shows the next one's number.")
    if meeting.status == "cancelled":
        raise UserError(f"Meeting #{meeting_id} was cancelled; schedule a new one instead.")
    return meeting


def _record_change(
    session, *, actor: Actor, meeting: Meeting, now: datetime, action: str, details: dict[str, Any]
) -> None:
    """Every change raises SEQUENCE (so calendars replace the entry) and is audited with the change."""
    meeting.sequence += 1
    meeting.updated_at = now
    session.add(meeting)
    audit.record(
        session,
        by=actor,
        action=action,
        entity="meeting",
        entity_id=meeting.id,
        details=details,
    )


def reschedule(
    deps: Deps,
    *,
    actor: Actor,
    meeting_id: int,
    starts_at: datetime,
    timezone: str,
    location_public: bool | None = None,
) -> MeetingChange:
    """Move one meeting; its UID stays and its SEQUENCE rises, so calendars move the entry.
    ``location_public``, when given, says anew whether its location may be published."""
    require_co_lead(actor, "reschedule meetings")
    check_future(starts_at, now=deps.now())
    with session_scope(deps.engine) as session:
        meeting = _changeable(session, meeting_id)
        previous = meeting.starts_at
        if previous <= deps.now():
            raise UserError(f"Meeting #{meeting_id} has already started; schedule a new one instead.")
        details: dict[str, Any] = {
            "from": previous.isoformat(),
            "to": starts_at.isoformat(),
            "timezone": timezone,
        }
        if location_public is not None and location_public != meeting.location_public:
            details["location_public"] = {"from": meeting.location_public, "to": location_public}
            meeting.location_public = location_public
        meeting.starts_at = starts_at
        meeting.timezone = timezone
        _record_change(
            session,
            actor=actor,
            meeting=meeting,
            now=deps.now(),
            action="meeting.reschedule",
            details=details,
        )
        emails = recipients.attendee_emails(session)
    return MeetingChange(
        kind="rescheduled",
        meetings=[meeting],
        previous_starts_at=previous,
        actor_slack_id=actor.slack_user_id,
        attendee_emails=emails,
    )


def cancel(deps: Deps, *, actor: Actor, meeting_id: int) -> MeetingChange:
    require_co_lead(actor, "cancel meetings")
    with session_scope(deps.engine) as session:
        meeting = _changeable(session, meeting_id)
        if meeting.starts_at <= deps.now():
            raise UserError(f"Meeting #{meeting_id} has already started; it can no longer be cancelled.")
        meeting.status = "cancelled"
        _record_change(
            session,
            actor=actor,
            meeting=meeting,
            now=deps.now(),
            action="meeting.cancel",
            details={"starts_at": meeting.starts_at.isoformat()},
        )
        emails = recipients.attendee_emails(session)
    return MeetingChange(
        kind="cancelled", meetings=[meeting], actor_slack_id=actor.slack_user_id, attendee_emails=emails
    )


def local_label(meeting: Meeting) -> str:
    """The meeting's own wall-clock time, e.g. ``Tue 11 Jun 2030, 14:00 Europe/Vienna``."""
    local = meeting.starts_at.astimezone(ZoneInfo(meeting.timezone))
    return f"{local:%a %d %b %Y, %H:%M} {meeting.timezone}"


def invite_files(change: MeetingChange, *, organizer_email: str) -> list[Attachment]:
    """The calendar invite of each meeting the change touches, addressed to the members: what the
    channel is sent so that calendars add, move or cancel the entry."""
    return [
        Attachment(
            filename=invites.invite_filename(meeting),
            title=f"Calendar invite: ITWG meeting #{meeting.id}",
            content=invites.build_invite(
                [meeting],
                organizer_email=organizer_email,
                attendee_emails=change.attendee_emails,
                stamp=meeting.updated_at or utcnow(),
            ).decode("utf-8"),
        )
        for meeting in change.meetings
    ]


# -- reading ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NextMeeting:
    meeting: Meeting | None
    still_to_share: list[Organisation]


def next_meeting(deps: Deps) -> NextMeeting:
    with session_scope(deps.engine) as session:
        cycle = current_cycle(session, now=deps.now())
        missing = [s.organisation for s in sharing_status(session, cycle=cycle) if s.missing]
    return NextMeeting(meeting=cycle.next_meeting, still_to_share=missing)


def feed_meetings(deps: Deps) -> list[Meeting]:
    """Meetings from a year ago onward (feeds are PUBLISH: they name no attendees): a read that never
    takes SQLite's write lock, so calendar clients polling the feed never hold up a member's write."""
    with read_scope(deps.engine) as session:
        return meeting_records.for_feed(session, since=deps.now() - timedelta(days=366))


# -- the scheduling form ---------------------------------------------------------------------------


def request_from_form(
    *,
    day: str | None,
    at: str | None,
    timezone: str | None,
    duration: str | None,
    location: str | None,
    in_person: bool,
    quarterly: bool,
    now: datetime,
    location_public: bool = False,
) -> MeetingRequest:
    """Check the modal's fields, reporting every problem against the field it belongs to."""
    errors: dict[str, str] = {}

    def check(block_id: str, parse, value):
        try:
            return parse(value)
        except UserError as error:
            errors[block_id] = str(error)
            return None

    parsed_day = check("date", lambda v: parse_day(v or ""), day)
    parsed_time = check("time", lambda v: parse_clock_time(v or ""), at)
    zone = check("timezone", lambda v: zone_named((v or "").strip()), timezone)
    minutes = check("duration", lambda v: parse_duration(v or str(DEFAULT_DURATION_MINUTES)), duration)
    where = (location or "").strip() or None
    if where and len(where) > 500:
        errors["location"] = "Keep the link or venue under 500 characters."
    if parsed_day and parsed_time and zone and not errors.keys() & {"date", "time"}:
        try:
            starts_at = local_instant(parsed_day, parsed_time, zone)
            check_future(starts_at, now=now)
        except UserError as error:
            errors["time"] = str(error)
    if errors:
        raise FieldErrors(errors)
    assert parsed_day and parsed_time and zone and minutes
    return MeetingRequest(
        starts_at=local_instant(parsed_day, parsed_time, zone),
        timezone=zone.key,
        duration_minutes=minutes,
        in_person=in_person,
        location=where,
        location_public=location_public,
        quarterly=quarterly,
    )
