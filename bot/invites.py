"""Calendar invites (RFC 5545 / RFC 5546) and the subscribable feeds, built with icalendar.

Each meeting occurrence is its own event with the stable ``Meeting.uid``; a quarterly series is four
such events sharing ``series_uid`` (named in RELATED-TO), so any one can be moved or cancelled
alone and a calendar always holds one entry per occurrence. ``Meeting.sequence`` is raised by every
change, so a calendar that receives the newer file replaces the older entry rather than adding one.
Times carry the meeting's TZID, each with an RRULE-based VTIMEZONE (``bot.vtimezone``); the end is
the start plus the duration in UTC, so a meeting across a clock change keeps its length.

Invitations (REQUEST / CANCEL) name the organizer and every attendee. Feeds are PUBLISH: RFC 5546
wants an ORGANIZER there and forbids ATTENDEE, so they name the organizer only. Equal data gives
equal bytes in any process: zones are written in name order, stamps come from the records.
"""

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, vCalAddress, vText

from bot.vtimezone import vtimezones
from storage.models import Meeting

PRODID = "-//ITWG on drug prevention and treatment//ITWG bot//EN"
ALARM_BEFORE = timedelta(minutes=15)


def _assemble(calendar: Calendar, events: Sequence[Event], meetings: Sequence[Meeting]) -> bytes:
    """VTIMEZONEs first (covering only the years the meetings fall in), then the events."""
    zones = {meeting.timezone for meeting in meetings if meeting.timezone not in ("UTC", "Etc/UTC")}
    if zones:
        years = [meeting.starts_at.year for meeting in meetings]
        for timezone in vtimezones(zones, first_year=min(years) - 1, last_year=max(years) + 1):
            calendar.add_component(timezone)
    for event in events:
        calendar.add_component(event)
    return calendar.to_ical()


def _in_zone(instant: datetime, zone: ZoneInfo) -> datetime:
    """``instant`` in the meeting's zone, or in UTC when its wall-clock time occurs twice (the hour
    the clocks go back): RFC 5545 reads such a local time as its first occurrence."""
    local = instant.astimezone(zone)
    first_reading = local.replace(fold=0).astimezone(UTC)
    return local if first_reading == instant.astimezone(UTC) else instant.astimezone(UTC)


def meeting_end(meeting: Meeting) -> datetime:
    """Start plus duration on the UTC time line: a 90-minute meeting lasts 90 minutes even when the
    clocks change during it."""
    ends = meeting.starts_at.astimezone(UTC) + timedelta(minutes=meeting.duration_minutes)
    return _in_zone(ends, ZoneInfo(meeting.timezone))


def is_url(text: str | None) -> bool:
    return bool(text) and text.strip().lower().startswith(("http://", "https://"))  # type: ignore[union-attr]


def _calendar(method: str | None, name: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    return calendar


def _address(email: str, *, role: str | None = None) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if role:
        address.params["ROLE"] = role
        address.params["PARTSTAT"] = "NEEDS-ACTION"
        address.params["RSVP"] = "TRUE"
        address.params["CUTYPE"] = "INDIVIDUAL"
    return address


def _event(
    meeting: Meeting,
    *,
    cancelled: bool,
    public: bool,
    organizer_email: str | None,
    attendee_emails: Sequence[str],
    stamp: datetime,
) -> Event:
    starts = _in_zone(meeting.starts_at, ZoneInfo(meeting.timezone))
    event = Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("created", meeting.created_at.astimezone(UTC))
    event.add("last-modified", meeting.updated_at.astimezone(UTC))
    event.add("dtstart", starts)
    event.add("dtend", meeting_end(meeting))
    event.add("summary", f"{meeting.title} (in person)" if meeting.in_person else meeting.title)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    if meeting.series_uid:
        event.add("related-to", meeting.series_uid)
    # The public feed shows where only when a co-lead marked the location public: a link without a
    # scheme or a line of text ("Teams meeting ID …, passcode …") can carry a passcode as well as a URL.
    where = meeting.location if meeting.location_public or not public else None
    if where:
        event.add("location", where)
    if where and is_url(where):
        event.add("url", where.strip())
        event.add("description", vText(f"Join: {where.strip()}"))
    if organizer_email:
        organizer = _address(organizer_email)
        organizer.params["CN"] = "ITWG secretariat"
        event.add("organizer", organizer)
    for email in attendee_emails:
        event.add("attendee", _address(email, role="REQ-PARTICIPANT"), encode=False)
    if not cancelled:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"{meeting.title} starts in 15 minutes")
        alarm.add("trigger", -ALARM_BEFORE)
        event.add_component(alarm)
    return event


def build_invite(
    meetings: Sequence[Meeting],
    *,
    organizer_email: str,
    attendee_emails: Sequence[str],
    stamp: datetime,
) -> bytes:
    """One iTIP message for one meeting: REQUEST when it stands, CANCEL when it is cancelled."""
    if len(meetings) != 1:
        raise ValueError("an iTIP message carries one meeting (one UID); build one per occurrence")
    meeting = meetings[0]
    cancelled = meeting.status == "cancelled"
    calendar = _calendar("CANCEL" if cancelled else "REQUEST")
    event = _event(
        meeting,
        cancelled=cancelled,
        public=False,
        organizer_email=organizer_email,
        attendee_emails=attendee_emails,
        stamp=stamp,
    )
    return _assemble(calendar, [event], meetings)


def build_feed(meetings: Iterable[Meeting], *, public: bool, organizer_email: str) -> bytes:
    """The subscribable calendar: every meeting, cancelled ones marked so calendars drop them.

    ``public`` leaves out any link (video calls are for members only). Neither feed lists attendees
    (PUBLISH forbids them). DTSTAMP is each meeting's last change, so an unchanged feed is
    byte-for-byte the same on every fetch, in every process.
    """
    meetings = sorted(meetings, key=lambda m: (m.starts_at, m.uid))
    calendar = _calendar("PUBLISH", "ITWG meetings (public)" if public else "ITWG meetings")
    events = [
        _event(
            meeting,
            cancelled=meeting.status == "cancelled",
            public=public,
            organizer_email=organizer_email,
            attendee_emails=(),
            stamp=meeting.updated_at,
        )
        for meeting in meetings
    ]
    return _assemble(calendar, events, meetings)


def invite_filename(meeting: Meeting) -> str:
    day = meeting.starts_at.astimezone(ZoneInfo(meeting.timezone)).strftime("%Y-%m-%d")
    suffix = "-cancelled" if meeting.status == "cancelled" else ""
    return f"itwg-meeting-{meeting.id}-{day}{suffix}.ics"
