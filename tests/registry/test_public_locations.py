"""Where a meeting happens reaches the public pages only when a co-lead marked it public: links
without a scheme and free text can carry passcodes as well as links with one."""

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from storage.db import session_scope
from storage.models import AuditEntry, Meeting
from tests.registry.conftest import add_meeting

PRIVATE_PLACES = {
    "www.zoom.us/j/222?pwd=Zm9vYmFy": ("zoom.us", "j/222", "pwd", "Zm9vYmFy"),
    "zoom.us/j/333?pwd=YmF6cXV4": ("zoom.us", "j/333", "pwd", "YmF6cXV4"),
    "Teams meeting ID 444 555 666, passcode k7Q2x": ("Teams", "444 555 666", "passcode", "k7Q2x"),
    "https://video.example.org/j/777?pwd=c2VjcmV0": ("video.example.org", "j/777", "c2VjcmV0"),
}
VENUE = "Vienna International Centre, Room M3, gate 1 code 4711"


def _public_texts(http) -> str:
    page = http.get("/registry/meetings").get_data(as_text=True)
    feed = http.get("/registry/meetings.ics").get_data(as_text=True)
    return page + feed


def test_no_link_passcode_or_venue_goes_public_unless_marked(http, engine, clock):
    for n, place in enumerate(PRIVATE_PLACES):
        add_meeting(engine, f"Video call {n}", clock() + timedelta(days=10 + n), location=place)
    add_meeting(engine, "Annual meeting", clock() + timedelta(days=60), in_person=True, location=VENUE)
    public = _public_texts(http)
    assert "Video call 3" in public and "Annual meeting" in public and "In person" in public
    for fragments in PRIVATE_PLACES.values():
        for fragment in fragments:
            assert fragment not in public, fragment
    for fragment in ("Vienna International Centre", "4711"):
        assert fragment not in public


def _schedule_with_the_form(bot, *, location: str, public: bool) -> Meeting:
    bot.command("schedule", who="WHO")
    view = bot.opened_views()[-1]
    options = [{"value": "in_person"}] + ([{"value": "location_public"}] if public else [])
    values = {
        "date": {"value": {"type": "datepicker", "selected_date": "2030-09-10"}},
        "time": {"value": {"type": "timepicker", "selected_time": "15:00"}},
        "timezone": {"value": {"type": "plain_text_input", "value": "Europe/Zurich"}},
        "duration": {"value": {"type": "number_input", "value": "120"}},
        "location": {"value": {"type": "plain_text_input", "value": location}},
        "options": {"value": {"type": "checkboxes", "selected_options": options}},
    }
    response = bot.submit(view, values, who="WHO")
    assert response.status == 200 and not response.body
    with session_scope(bot.deps.engine) as session:
        return session.exec(select(Meeting).order_by(Meeting.id.desc())).first()  # type: ignore[union-attr]


def test_a_co_lead_marks_a_location_public_on_the_form_and_withdraws_it_on_reschedule(bot, http):
    private = _schedule_with_the_form(bot, location="Palais Wilson, room 2, door code 1234", public=False)
    assert "Palais Wilson" not in _public_texts(http)
    shown = _schedule_with_the_form(bot, location="Palais des Nations, Geneva", public=True)
    assert shown.location_public and not private.location_public
    public = _public_texts(http)
    assert "Palais des Nations, Geneva" in public.split("BEGIN:VCALENDAR")[0], "on the page"
    assert "LOCATION:Palais des Nations\\, Geneva" in public, "in the public feed"

    bot.command(f"reschedule {shown.id} 2030-09-11 15:00 private-location", who="WHO")
    assert "Its location is not shown publicly." in bot.last_reply_text()
    assert "Palais des Nations" not in _public_texts(http)
    bot.command(f"reschedule {private.id} 2030-09-12 15:00 public-location", who="UNODC")
    assert "Its location may be shown on the public registry." in bot.last_reply_text()
    assert "Palais Wilson" in _public_texts(http)
    with session_scope(bot.deps.engine) as session:
        changes = session.exec(select(AuditEntry).where(AuditEntry.action == "meeting.reschedule")).all()
    assert [c.details["location_public"] for c in changes] == [
        {"from": True, "to": False},
        {"from": False, "to": True},
    ]


def test_the_schedule_form_offers_the_choice_unticked(bot):
    bot.command("schedule", who="WHO")
    view = bot.opened_views()[-1]
    options = next(b for b in view["blocks"] if b.get("block_id") == "options")["element"]
    assert "Location may be shown publicly" in [o["text"]["text"] for o in options["options"]]
    assert "initial_options" not in options


def test_the_schedule_command_can_mark_the_location_public(bot):
    bot.command("schedule 2030-09-10 15:00 Europe/Vienna public-location", who="WHO")
    assert "Its location may be shown on the public registry." in bot.last_reply_text()
    with session_scope(bot.deps.engine) as session:
        [meeting] = session.exec(select(Meeting)).all()
    assert meeting.location_public and meeting.starts_at == datetime(2030, 9, 10, 13, 0, tzinfo=UTC)
