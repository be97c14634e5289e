"""Scheduling through /itwg and the modal: who may, what is stored, what the channel receives."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
import vobject
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View
from sqlmodel import select

from storage.db import session_scope
from storage.models import ActionItem, AuditEntry, Initiative, InitiativeTag, Meeting
from storage.repositories import organisations
from tests.harness import CHANNEL


def stored_meetings(bot) -> list[Meeting]:
    with session_scope(bot.deps.engine) as session:
        return list(session.exec(select(Meeting).order_by(Meeting.id)))


def invite_files(bot) -> list[str]:
    return [
        upload["content"].decode()
        for upload in bot.slack.uploads.values()
        if (upload.get("filename") or "").endswith(".ics")
    ]


def parse_both(text: str) -> tuple:
    """Read an invite with two independent parsers; both must accept it."""
    strict = vobject.readOne(text, validate=True)
    calendar = icalendar.Calendar.from_ical(text)
    expanded = recurring_ical_events.of(calendar).between(datetime(2029, 1, 1), datetime(2032, 1, 1))
    return strict, calendar, expanded


def test_co_lead_schedules_a_meeting_and_the_channel_gets_a_valid_invite(bot):
    bot.command("whoami", who="ILO")
    bot.command("whoami", who="GUEST")
    bot.command("schedule 2030-06-11 14:00", who="UNODC")
    [meeting] = stored_meetings(bot)
    assert meeting.starts_at == datetime(2030, 6, 11, 12, 0, tzinfo=UTC), "14:00 CEST is 12:00 UTC"
    assert meeting.timezone == "Europe/Vienna" and meeting.sequence == 0
    reply = bot.last_reply_text()
    assert f"#{meeting.id}" in reply and "<!date^" in reply
    Block.parse_all(bot.replies()[-1]["blocks"])

    [complete] = bot.slack.calls_to("files.completeUploadExternal")
    assert complete.params["channel_id"] == CHANNEL
    assert f"#{meeting.id}" in complete.params["initial_comment"]
    assert not bot.slack.calls_to("files.upload")

    [text] = invite_files(bot)
    strict, calendar, expanded = parse_both(text)
    assert calendar["METHOD"] == "REQUEST"
    assert strict.vevent.uid.value == meeting.uid
    assert strict.vevent.dtstart.value.astimezone(UTC) == meeting.starts_at
    assert expanded[0]["DTSTART"].dt.astimezone(UTC) == meeting.starts_at
    event = calendar.walk("VEVENT")[0]
    assert int(event["SEQUENCE"]) == 0
    assert event["DTSTAMP"].dt.tzinfo is not None and event["DTSTAMP"].dt.utcoffset().total_seconds() == 0
    assert str(event["ORGANIZER"]) == "mailto:itwg-secretariat@unodc.org"
    attendees = {str(a) for a in event.get("ATTENDEE")}
    assert attendees == {"mailto:uma.lead@unodc.org", "mailto:focal.point@ilo.org"}, (
        "no attendee for the guest"
    )
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Vienna"
    assert event.walk("VALARM")


def test_member_cannot_schedule_and_nothing_is_stored_or_sent(bot):
    bot.command("schedule 2030-06-11 14:00", who="ILO")
    assert "Only the co-leads" in bot.last_reply_text()
    assert stored_meetings(bot) == []
    assert not bot.slack.calls_to("files.getUploadURLExternal")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("schedule 2030-02-30 10:00", "not a date that exists"),
        ("schedule 2030-03-31 02:30 Europe/Vienna", "does not exist in Europe/Vienna"),
        ("schedule 2030-03-10 02:30 America/New_York", "does not exist in America/New_York"),
        ("schedule 2030-06-11 14:00 Mars/Olympus", "I don't know the timezone"),
        ("schedule 2029-12-01 10:00", "already passed"),
        ("schedule 9999-12-31 10:00 quarterly", "five years"),
        ("schedule 2030-06-11 24:10", "not a time of day"),
        ("schedule 11/06/2030 14:00", "YYYY-MM-DD"),
        ("schedule 2030-06-11", "Say when"),
        ("reschedule 99 2030-06-11 14:00", "no meeting #99"),
        ("cancel 99", "no meeting #99"),
        ("cancel next", "not a meeting number"),
        ("cancel ²", "not a meeting number"),  # a digit to str.isdigit, not to int()
    ],
)
def test_bad_input_gets_a_short_message_and_changes_nothing(bot, text, expected):
    bot.command(text, who="WHO")
    assert expected in bot.last_reply_text()
    assert stored_meetings(bot) == []
    assert not bot.slack.calls_to("files.getUploadURLExternal")


def test_reschedule_and_cancel_keep_the_uid_and_raise_the_sequence(bot):
    bot.command("schedule 2030-06-11 14:00", who="UNODC")
    [meeting] = stored_meetings(bot)
    bot.command(f"reschedule {meeting.id} 2030-06-12 15:30", who="WHO")  # either co-lead may change it
    assert "moved" in bot.last_reply_text()
    [moved] = stored_meetings(bot)
    assert moved.uid == meeting.uid and moved.sequence == 1
    assert moved.starts_at == datetime(2030, 6, 12, 13, 30, tzinfo=UTC), "read in the meeting's timezone"

    bot.command(f"cancel {meeting.id}", who="UNODC")
    [cancelled] = stored_meetings(bot)
    assert cancelled.status == "cancelled" and cancelled.sequence == 2

    texts = invite_files(bot)
    assert len(texts) == 3
    parsed = [parse_both(text) for text in texts]
    assert {strict.vevent.uid.value for strict, _, _ in parsed} == {meeting.uid}
    assert [int(cal.walk("VEVENT")[0]["SEQUENCE"]) for _, cal, _ in parsed] == [0, 1, 2]
    assert [str(cal["METHOD"]) for _, cal, _ in parsed] == ["REQUEST", "REQUEST", "CANCEL"]
    assert str(parsed[2][1].walk("VEVENT")[0]["STATUS"]) == "CANCELLED"
    assert "CANCELLED" in bot.slack.calls_to("files.completeUploadExternal")[-1].params["initial_comment"]

    bot.command(f"reschedule {meeting.id} 2030-06-20 10:00", who="UNODC")
    assert "was cancelled" in bot.last_reply_text()
    with session_scope(bot.deps.engine) as session:
        actions = [e.action for e in session.exec(select(AuditEntry).where(AuditEntry.entity == "meeting"))]
    assert actions == ["meeting.schedule", "meeting.reschedule", "meeting.cancel"]


def test_member_cannot_move_or_cancel(bot):
    bot.command("schedule 2030-06-11 14:00", who="UNODC")
    [meeting] = stored_meetings(bot)
    bot.command(f"cancel {meeting.id}", who="UNHCR")
    assert "Only the co-leads" in bot.last_reply_text()
    bot.command(f"reschedule {meeting.id} 2030-06-12 14:00", who="UNHCR")
    assert "Only the co-leads" in bot.last_reply_text()
    [unchanged] = stored_meetings(bot)
    assert unchanged.status == "scheduled" and unchanged.sequence == 0


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("2030-03-31 10:00 Europe/Vienna", datetime(2030, 3, 31, 8, 0, tzinfo=UTC)),  # first CEST day
        ("2030-03-30 10:00 Europe/Vienna", datetime(2030, 3, 30, 9, 0, tzinfo=UTC)),
        ("2030-10-27 10:00 Europe/Vienna", datetime(2030, 10, 27, 9, 0, tzinfo=UTC)),  # back to CET
        ("2030-10-27 02:30 Europe/Vienna", datetime(2030, 10, 27, 0, 30, tzinfo=UTC)),  # repeated: first
        ("2030-03-10 09:00 America/New_York", datetime(2030, 3, 10, 13, 0, tzinfo=UTC)),  # EDT starts
        ("2030-11-03 09:00 America/New_York", datetime(2030, 11, 3, 14, 0, tzinfo=UTC)),  # EST again
        ("2030-11-02 09:00 America/New_York", datetime(2030, 11, 2, 13, 0, tzinfo=UTC)),
    ],
)
def test_dst_days_give_the_right_utc_instant_in_storage_and_in_both_parsers(bot, text, utc):
    bot.command(f"schedule {text}", who="UNODC")
    [meeting] = stored_meetings(bot)
    assert meeting.starts_at == utc
    [invite] = invite_files(bot)
    strict, _, expanded = parse_both(invite)
    assert strict.vevent.dtstart.value.astimezone(UTC) == utc
    assert expanded[0]["DTSTART"].dt.astimezone(UTC) == utc


def test_quarterly_series_keeps_the_weekday_of_month_and_each_occurrence_stands_alone(bot):
    # 2030-01-31 is the fifth Thursday of January: the series continues on the last Thursday.
    bot.command("schedule 2030-01-31 14:00 Europe/Vienna quarterly in-person", who="UNODC")
    series = stored_meetings(bot)
    assert len(series) == 4
    local_days = [m.starts_at.astimezone(ZoneInfo("Europe/Vienna")) for m in series]
    assert [d.date() for d in local_days] == [
        date(2030, 1, 31),
        date(2030, 4, 25),
        date(2030, 7, 25),
        date(2030, 10, 31),
    ]
    assert {d.weekday() for d in local_days} == {3} and {d.hour for d in local_days} == {14}
    assert series[0].starts_at.hour == 13 and series[1].starts_at.hour == 12, "same wall clock across DST"
    assert len({m.uid for m in series}) == 4 and len({m.series_uid for m in series}) == 1
    assert all(m.in_person for m in series)
    invites = invite_files(bot)
    assert len(invites) == 4
    for text in invites:
        strict, _, expanded = parse_both(text)
        assert len(expanded) == 1 and strict.vevent.related_to.value == series[0].series_uid

    bot.command(f"cancel {series[1].id}", who="WHO")
    bot.command(f"reschedule {series[2].id} 2030-07-30 14:00", who="WHO")
    statuses = [(m.status, m.sequence) for m in stored_meetings(bot)]
    assert statuses == [("scheduled", 0), ("cancelled", 1), ("scheduled", 1), ("scheduled", 0)]


def test_quarterly_second_tuesday_stays_second_tuesday():
    from bot.meetings import add_months_same_weekday

    assert add_months_same_weekday(date(2030, 6, 11), 3) == date(2030, 9, 10)
    assert add_months_same_weekday(date(2030, 11, 12), 3) == date(2031, 2, 11)


def test_next_shows_the_number_the_date_for_every_reader_and_who_has_not_shared(bot):
    bot.command("next", who="ILO")
    assert "No meeting is scheduled" in bot.last_reply_text()
    bot.command("schedule 2030-06-11 14:00", who="UNODC")
    [meeting] = stored_meetings(bot)
    with session_scope(bot.deps.engine) as session:
        ilo = organisations.find_by_acronym(session, text="ILO")
        session.add(Initiative(title="Skills", status="ongoing", lead_organisation_id=ilo.id))
    bot.command("next", who="UNHCR")
    Block.parse_all(bot.replies()[-1]["blocks"])
    text = bot.last_reply_text()
    assert f"#{meeting.id}" in text and f"<!date^{int(meeting.starts_at.timestamp())}^" in text
    missing = text.split("Not shared yet for it")[1]
    assert "UNHCR" in missing and "UNICEF" in missing
    assert "ILO" not in missing and "OHCHR" not in missing


def test_agenda_groups_by_objective_lists_overdue_items_and_sends_a_markdown_file(bot):
    bot.command("schedule 2030-06-11 14:00", who="UNODC")
    with session_scope(bot.deps.engine) as session:
        ilo = organisations.find_by_acronym(session, text="ILO")
        who = organisations.find_by_acronym(session, text="WHO")
        skills = Initiative(title="Skills <for> recovery", status="ongoing", lead_organisation_id=ilo.id)
        guidance = Initiative(title="Treatment standards", status="planned", lead_organisation_id=who.id)
        session.add_all([skills, guidance])
        session.flush()
        session.add(InitiativeTag(initiative_id=skills.id, kind="objective", value="stigma"))
        session.add(InitiativeTag(initiative_id=guidance.id, kind="objective", value="normative_guidance"))
        session.add(
            ActionItem(title="Draft the brief", owner_organisation_id=ilo.id, due_date=date(2030, 1, 2))
        )
        session.add(ActionItem(title="Map services", owner_organisation_id=who.id, due_date=date(2030, 5, 2)))
    bot.command("agenda", who="UNICEF")
    reply = bot.replies()[-1]
    Block.parse_all(reply["blocks"])
    text = bot.last_reply_text()
    assert "Reducing stigma" in text and "Skills &lt;for&gt; recovery" in text
    assert "Normative guidance" in text and "Treatment standards" in text
    assert "2 open" not in text and "(2, 1 overdue)" in text
    assert "UNICEF" in text.split("Still to share")[1] and "ILO" not in text.split("Still to share")[1]
    assert "2 initiatives shared" in text
    [markdown] = [u for u in bot.slack.uploads.values() if u["filename"].endswith(".md")]
    body = markdown["content"].decode()
    assert "Meeting #1: Tuesday 11 June 2030, 14:00 Europe/Vienna (12:00 UTC)" in body
    assert "### Reducing stigma and discrimination in access to services" in body
    assert "**Skills \\<for\\> recovery** (ILO, ongoing)" in body, "user text is escaped for Markdown"
    assert "**Overdue** Draft the brief (ILO, due 2030-01-02)" in body
    assert markdown["channel_id"].startswith("D"), "the file goes to the person who asked"


def test_schedule_without_arguments_opens_a_valid_modal_and_submission_schedules(bot):
    bot.command("schedule", who="WHO")
    [view] = bot.opened_views()
    View(**view).validate_json()
    assert view["callback_id"] == "meeting_schedule"
    values = {
        "date": {"value": {"type": "datepicker", "selected_date": "2030-09-10"}},
        "time": {"value": {"type": "timepicker", "selected_time": "15:00"}},
        "timezone": {"value": {"type": "plain_text_input", "value": "Africa/Nairobi"}},
        "duration": {"value": {"type": "number_input", "value": "120"}},
        "location": {"value": {"type": "plain_text_input", "value": "https://video.example.org/itwg"}},
        "options": {"value": {"type": "checkboxes", "selected_options": [{"value": "quarterly"}]}},
    }
    response = bot.submit(view, values, who="WHO")
    assert response.status == 200 and "errors" not in (response.body or "")
    series = stored_meetings(bot)
    assert len(series) == 4
    assert series[0].starts_at == datetime(2030, 9, 10, 12, 0, tzinfo=UTC)
    assert series[0].duration_minutes == 120 and series[0].location == "https://video.example.org/itwg"
    assert bot.slack.calls_to("chat.postEphemeral"), "the co-lead is told what happened"


def test_modal_submission_with_a_dst_gap_answers_field_errors_and_stores_nothing(bot):
    bot.command("schedule", who="WHO")
    [view] = bot.opened_views()
    values = {
        "date": {"value": {"type": "datepicker", "selected_date": "2030-03-31"}},
        "time": {"value": {"type": "timepicker", "selected_time": "02:30"}},
        "timezone": {"value": {"type": "plain_text_input", "value": "Europe/Vienna"}},
        "duration": {"value": {"type": "number_input", "value": "90"}},
        "location": {"value": {"type": "plain_text_input", "value": None}},
        "options": {"value": {"type": "checkboxes", "selected_options": []}},
    }
    response = bot.submit(view, values, who="WHO")
    assert '"response_action": "errors"' in response.body and "daylight saving" in response.body
    values["timezone"]["value"]["value"] = "Nowhere/City"
    response = bot.submit(view, values, who="WHO")
    assert "timezone" in response.body and "I don't know the timezone" in response.body
    assert stored_meetings(bot) == []


def test_member_opening_the_modal_is_told_in_it_and_a_forged_submission_is_refused(bot):
    bot.command("schedule", who="ILO")
    [update] = bot.slack.calls_to("views.update")
    assert "Only the co-leads" in str(update.params["view"])
    [refused] = bot.opened_views()
    assert not [block for block in refused["blocks"] if block["type"] == "input"]
    bot.command("schedule", who="UNODC")
    view = bot.opened_views()[-1]
    values = {
        "date": {"value": {"type": "datepicker", "selected_date": "2030-09-10"}},
        "time": {"value": {"type": "timepicker", "selected_time": "15:00"}},
        "timezone": {"value": {"type": "plain_text_input", "value": "Europe/Vienna"}},
        "duration": {"value": {"type": "number_input", "value": "90"}},
        "location": {"value": {"type": "plain_text_input", "value": None}},
        "options": {"value": {"type": "checkboxes", "selected_options": []}},
    }
    response = bot.submit(view, values, who="ILO")
    assert "Only the co-leads" in bot.refusal(response)["date"]
    assert stored_meetings(bot) == []


def test_not_in_channel_keeps_the_meeting_and_tells_the_co_lead(bot):
    bot.slack.fail("files.completeUploadExternal", "not_in_channel")
    bot.command("schedule 2030-06-11 14:00", who="UNODC")
    assert len(stored_meetings(bot)) == 1
    assert "not_in_channel" in bot.last_reply_text()


def test_a_long_agenda_stays_within_block_kit_limits_and_the_file_has_everything(bot):
    with session_scope(bot.deps.engine) as session:
        ilo = organisations.find_by_acronym(session, text="ILO")
        for n in range(120):
            initiative = Initiative(
                title=f"Initiative {n} " + "x" * 130, status="ongoing", lead_organisation_id=ilo.id
            )
            session.add(initiative)
            session.flush()
            session.add(InitiativeTag(initiative_id=initiative.id, kind="objective", value="advocacy"))
            session.add(
                ActionItem(
                    title=f"Item {n} " + "y" * 280, owner_organisation_id=ilo.id, due_date=date(2030, 1, 1)
                )
            )
    bot.command("agenda", who="ILO")
    reply = bot.replies()[-1]
    Block.parse_all(reply["blocks"])
    assert len(reply["blocks"]) <= 50
    assert all(len(b["text"]["text"]) <= 3000 for b in reply["blocks"] if b["type"] == "section")
    assert "…and 105 more" in bot.last_reply_text() and "…and 108 more" in bot.last_reply_text()
    [markdown] = [u for u in bot.slack.uploads.values() if u["filename"].endswith(".md")]
    assert markdown["content"].decode().count("Initiative ") == 120


def test_a_meeting_that_has_started_cannot_be_moved_or_cancelled(bot):
    with session_scope(bot.deps.engine) as session:
        held = Meeting(uid="held@test", starts_at=datetime(2030, 1, 10, 9, 0, tzinfo=UTC), timezone="UTC")
        session.add(held)
        session.flush()
        held_id = held.id
    bot.command(f"cancel {held_id}", who="UNODC")
    assert "already started" in bot.last_reply_text()
    bot.command(f"reschedule {held_id} 2030-06-12 14:00", who="UNODC")
    assert "already started" in bot.last_reply_text()
    [meeting] = stored_meetings(bot)
    assert meeting.status == "scheduled" and meeting.sequence == 0
    assert not bot.slack.calls_to("files.getUploadURLExternal")


def test_agenda_counts_an_item_overdue_from_midnight_in_the_working_groups_timezone(bot):
    with session_scope(bot.deps.engine) as session:
        ilo = organisations.find_by_acronym(session, text="ILO")
        session.add(
            ActionItem(title="Draft the brief", owner_organisation_id=ilo.id, due_date=date(2030, 5, 2))
        )
    bot.clock.set(datetime(2030, 5, 2, 23, 30, tzinfo=UTC))  # already 3 May in Vienna
    bot.command("agenda", who="UNICEF")
    assert "(1, 1 overdue)" in bot.last_reply_text()
