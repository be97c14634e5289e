"""Calendar invites (RFC 5545 / RFC 5546) and the subscribable feeds, built with icalendar.

Each meeting occurrence is its own event with the stable ``Meeting.uid``; a quarterly series is four
such events sharing ``series_uid`` (named in RELATED-TO), so any one can be moved or cancelled
alone and a calendar always holds one entry per occurrence. ``Meeting.sequence`` is raised by every
change, so a calendar that receives the newer file replaces the older entry rather than adding one.
Times carry the meeting's TZID, and ``add_missing_timezones`` adds the VTIMEZONE each TZID needs.
"""

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, vCalAddress, vText

from storage.models import Meeting

PRODID = "-//ITWG on drug prevention and treatment//ITWG bot//EN"
ALARM_BEFORE = timedelta(minutes=15)


def _add_timezones(calendar: Calendar, meetings: Sequence[Meeting]) -> None:
    """VTIMEZONEs covering only the years the meetings fall in.

    icalendar's default span (1970–2038) produces transitions as long RDATE lists that some readers
    (vobject among them) misread, shifting every summer meeting by an hour; a short span reads the
    same everywhere.
    """
    if not meetings:
        return
    years = [meeting.starts_at.year for meeting in meetings]
    calendar.add_missing_timezones(
        first_date=date(min(years) - 1, 1, 1), last_date=date(max(years) + 2, 1, 1)
    )


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
    zone = ZoneInfo(meeting.timezone)
    starts = meeting.starts_at.astimezone(zone)
    event = Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("created", meeting.created_at.astimezone(UTC))
    event.add("last-modified", meeting.updated_at.astimezone(UTC))
    event.add("dtstart", starts)
    event.add("dtend", starts + timedelta(minutes=meeting.duration_minutes))
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
    if not public:
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
    calendar.add_component(
        _event(
            meeting,
            cancelled=cancelled,
            public=False,
            organizer_email=organizer_email,
            attendee_emails=attendee_emails,
            stamp=stamp,
        )
    )
    _add_timezones(calendar, meetings)
    return calendar.to_ical()


def build_feed(
    meetings: Iterable[Meeting],
    *,
    public: bool,
    organizer_email: str | None = None,
    attendee_emails: Sequence[str] = (),
) -> bytes:
    """The subscribable calendar: every meeting, cancelled ones marked so calendars drop them.

    ``public`` leaves out attendees and any link (video calls are for members only). DTSTAMP is each
    meeting's last change, so an unchanged feed is byte-for-byte the same on every fetch.
    """
    meetings = list(meetings)
    calendar = _calendar("PUBLISH", "ITWG meetings (public)" if public else "ITWG meetings")
    for meeting in meetings:
        calendar.add_component(
            _event(
                meeting,
                cancelled=meeting.status == "cancelled",
                public=public,
                organizer_email=None if public else organizer_email,
                attendee_emails=() if public else attendee_emails,
                stamp=meeting.updated_at,
            )
        )
    _add_timezones(calendar, meetings)
    return calendar.to_ical()


def invite_filename(meeting: Meeting) -> str:
    day = meeting.starts_at.astimezone(ZoneInfo(meeting.timezone)).strftime("%Y-%m-%d")
    suffix = "-cancelled" if meeting.status == "cancelled" else ""
    return f"itwg-meeting-{meeting.id}-{day}{suffix}.ics"
