"""Every calendar file the bot writes passes libical's iTIP check, keeps meetings' lengths across
clock changes, carries time zones Outlook reads, and is the same bytes in every process."""

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject

from bot import exports, invites
from bot.deps import Deps
from bot.web import create_web
from storage.db import session_scope
from storage.models import Meeting, Person
from tests.itip import itip_errors, needs_libical

STAMP = datetime(2030, 1, 2, 9, 0, tzinfo=UTC)
ORGANIZER = "itwg-secretariat@unodc.org"

# 90 minutes from 01:30 local on the days the clocks change (2030): spring forward and fall back.
CLOCK_CHANGES = [
    ("Europe/Vienna", datetime(2030, 3, 31, 1, 30)),
    ("Europe/Vienna", datetime(2030, 10, 27, 1, 30)),
    ("America/New_York", datetime(2030, 3, 10, 1, 30)),
    ("America/New_York", datetime(2030, 11, 3, 1, 30)),
]


def _meeting(uid: str, zone: str, local: datetime, **fields) -> Meeting:
    starts = local.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)
    values = {"created_at": STAMP, "updated_at": STAMP, "duration_minutes": 90} | fields
    return Meeting(uid=uid, starts_at=starts, timezone=zone, **values)


def _events(ics: bytes) -> list:
    return list(icalendar.Calendar.from_ical(ics).walk("VEVENT"))


@pytest.mark.parametrize(("zone", "local"), CLOCK_CHANGES, ids=lambda v: str(v))
def test_a_meeting_across_a_clock_change_lasts_its_duration_in_utc(zone, local):
    meeting = _meeting("dst@test", zone, local)
    ics = invites.build_invite(
        [meeting], organizer_email=ORGANIZER, attendee_emails=["a@ilo.org"], stamp=STAMP
    )
    [event] = _events(ics)
    starts, ends = event.decoded("DTSTART"), event.decoded("DTEND")
    assert starts.astimezone(UTC) == meeting.starts_at
    assert ends.astimezone(UTC) - starts.astimezone(UTC) == timedelta(minutes=90)
    # vobject reads the times through the file's own VTIMEZONE, not through its own zone database.
    parsed = vobject.readOne(ics.decode(), validate=True)
    start, end = (parsed.vevent.dtstart.value.astimezone(UTC), parsed.vevent.dtend.value.astimezone(UTC))
    assert (start, end - start) == (meeting.starts_at, timedelta(minutes=90))


@pytest.mark.parametrize(
    ("zone", "spring", "autumn"),
    [
        ("Europe/Vienna", ("3", "-1SU", "020000"), ("10", "-1SU", "030000")),
        ("America/New_York", ("3", "2SU", "020000"), ("11", "1SU", "020000")),
    ],
)
def test_time_zones_are_yearly_rules_with_onsets_in_local_time_before_the_change(zone, spring, autumn):
    ics = invites.build_invite(
        [_meeting("tz@test", zone, datetime(2030, 6, 4, 14, 0))],
        organizer_email=ORGANIZER,
        attendee_emails=["a@ilo.org"],
        stamp=STAMP,
    ).decode()
    assert "RDATE" not in ics
    [timezone] = icalendar.Calendar.from_ical(ics).walk("VTIMEZONE")
    assert str(timezone["TZID"]) == zone
    for name, (month, day, onset) in (("DAYLIGHT", spring), ("STANDARD", autumn)):
        [component] = timezone.walk(name)
        rule = component["RRULE"]
        assert rule["FREQ"] == ["YEARLY"] and str(rule["BYMONTH"][0]) == month and rule["BYDAY"] == [day]
        assert component.decoded("DTSTART").strftime("%H%M%S") == onset
    # The rules, read back as a tzinfo, agree with the zone database in every year they cover.
    tzinfo = vobject.readOne(ics).vtimezone.gettzinfo()
    for year in (2029, 2030, 2031):
        for month in range(1, 13):
            wall = datetime(year, month, 15, 12, 0)
            assert wall.replace(tzinfo=tzinfo).utcoffset() == wall.replace(tzinfo=ZoneInfo(zone)).utcoffset()


@needs_libical
def test_invitations_and_cancellations_pass_the_itip_check():
    for zone, local in CLOCK_CHANGES:
        meeting = _meeting(f"{zone}-{local:%m}@test", zone, local, location="https://video.example.org/r")
        request = invites.build_invite(
            [meeting], organizer_email=ORGANIZER, attendee_emails=["a@ilo.org", "b@who.int"], stamp=STAMP
        )
        assert itip_errors(request) == []
        meeting.status, meeting.sequence = "cancelled", 1
        cancel = invites.build_invite(
            [meeting], organizer_email=ORGANIZER, attendee_emails=["a@ilo.org"], stamp=STAMP
        )
        assert "METHOD:CANCEL" in cancel.decode()
        assert itip_errors(cancel) == []


def _stored(engine) -> None:
    with session_scope(engine) as session:
        session.add(Person(slack_user_id="UPERSON01", email="member@ilo.org"))
        for index, (zone, local) in enumerate(CLOCK_CHANGES):
            session.add(_meeting(f"m{index}@test", zone, local, location="https://video.example.org/room"))
        session.add(_meeting("gone@test", "Asia/Tokyo", datetime(2030, 5, 1, 9, 0), status="cancelled"))


@needs_libical
def test_both_feeds_are_publish_with_an_organizer_and_no_attendee_and_pass_the_itip_check(bot):
    _stored(bot.deps.engine)
    bot.clock.set(datetime(2030, 1, 5, tzinfo=UTC))
    settings = bot.deps.settings.model_copy(update={"itwg_public_registry": True})
    web = create_web(bot.app, Deps(settings=settings, engine=bot.deps.engine, now=bot.deps.now)).test_client()
    for path in ("/calendar/calendar-secret-for-tests.ics", "/registry/meetings.ics"):
        feed = web.get(path).get_data()
        text = feed.decode()
        assert "METHOD:PUBLISH" in text and "ATTENDEE" not in text
        assert all(f"mailto:{settings.itwg_organizer_email}" in str(e["ORGANIZER"]) for e in _events(feed))
        assert len(_events(feed)) == 5
        assert itip_errors(feed) == [], path
        for event in _events(feed):
            length = event.decoded("DTEND").astimezone(UTC) - event.decoded("DTSTART").astimezone(UTC)
            assert length == timedelta(minutes=90)


@needs_libical
def test_the_export_passes_the_itip_check(bot):
    _stored(bot.deps.engine)
    data = exports.collect(bot.deps, public=False)
    ics = exports.to_ics(data, organizer_email=ORGANIZER)
    assert len(_events(ics.encode())) == 5
    assert itip_errors(ics) == []


BUILD_IN_A_FRESH_PROCESS = """
import sys
from datetime import UTC, datetime
from bot import invites
from storage.models import Meeting
stamp = datetime(2030, 1, 2, 9, 0, tzinfo=UTC)
zones = ["Europe/Vienna", "America/New_York", "Asia/Tokyo", "Africa/Nairobi", "Australia/Sydney"]
meetings = [
    Meeting(uid=f"m{i}@test", starts_at=datetime(2030, 1 + i, 3, 12, tzinfo=UTC), timezone=zone,
            created_at=stamp, updated_at=stamp)
    for i, zone in enumerate(zones)
]
sys.stdout.buffer.write(invites.build_feed(meetings, public=False, organizer_email="o@unodc.org"))
"""


def test_the_same_meetings_give_the_same_feed_bytes_in_any_process():
    outputs = set()
    for seed in ("1", "2", "3"):
        environment = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", BUILD_IN_A_FRESH_PROCESS], env=environment, capture_output=True, check=True
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1
    assert next(iter(outputs)).count(b"BEGIN:VTIMEZONE") == 5
