"""The subscribable calendar feeds on the web process."""

from datetime import UTC, datetime

import icalendar
import vobject
from pydantic import SecretStr

from bot.deps import Deps
from bot.web import create_web
from storage.db import session_scope
from storage.models import Meeting, Person


def _web(bot, **overrides):
    settings = bot.deps.settings.model_copy(update=overrides)
    return create_web(
        bot.app, Deps(settings=settings, engine=bot.deps.engine, now=bot.deps.now)
    ).test_client()


def _meetings(engine):
    with session_scope(engine) as session:
        session.add(Person(slack_user_id="UPERSON01", email="member@ilo.org"))
        session.add(
            Meeting(
                uid="video@test",
                starts_at=datetime(2030, 6, 11, 12, 0, tzinfo=UTC),
                timezone="Europe/Vienna",
                location="https://video.example.org/secret-room",
            )
        )
        session.add(
            Meeting(
                uid="cancelled@test",
                starts_at=datetime(2030, 9, 10, 12, 0, tzinfo=UTC),
                timezone="Europe/Vienna",
                status="cancelled",
                sequence=1,
            )
        )


def test_members_feed_needs_the_secret_and_lists_every_meeting(bot):
    _meetings(bot.deps.engine)
    web = _web(bot)
    response = web.get("/calendar/calendar-secret-for-tests.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    text = response.get_data(as_text=True)
    vobject.readOne(text, validate=True)
    events = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(text).walk("VEVENT")}
    assert set(events) == {"video@test", "cancelled@test"}
    assert str(events["cancelled@test"]["STATUS"]) == "CANCELLED"
    assert "secret-room" in text
    assert "ATTENDEE" not in text, "a PUBLISH feed names no attendees"
    assert "ORGANIZER" in text
    assert web.get("/calendar/calendar-secret-for-test.ics").status_code == 404
    assert web.get("/calendar/.ics").status_code == 404
    assert web.get("/calendar/calendar-secret-for-tests.ics").get_data() == response.get_data(), "stable"


def test_members_feed_is_404_when_no_secret_is_configured(bot):
    web = _web(bot, itwg_calendar_secret=None)
    assert web.get("/calendar/None.ics").status_code == 404
    assert web.get("/calendar/.ics").status_code == 404
    web = _web(bot, itwg_calendar_secret=SecretStr(""))
    assert web.get("/calendar/.ics").status_code == 404


def test_public_feed_exists_only_with_the_registry_and_shows_no_attendees_or_links(bot):
    _meetings(bot.deps.engine)
    assert _web(bot).get("/registry/meetings.ics").status_code == 404
    response = _web(bot, itwg_public_registry=True).get("/registry/meetings.ics")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    vobject.readOne(text, validate=True)
    assert "ATTENDEE" not in text and "member@ilo.org" not in text
    assert "ORGANIZER" in text, "PUBLISH requires one; it is the secretariat's address"
    assert "video.example.org" not in text and "URL:" not in text
