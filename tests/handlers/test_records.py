"""The meeting record through the real App: listing and showing meetings, agenda items, RSVPs,
attendance, minutes, decisions and publishing, with who may do what."""

import io
import json
import time
from datetime import UTC, datetime, timedelta

import docx
import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View
from sqlmodel import select

from bot import exports
from bot.tick import tick
from storage.db import session_scope
from storage.models import (
    ActionItem,
    AgendaItem,
    AuditEntry,
    Decision,
    Meeting,
    MeetingAttendance,
    MeetingMinutes,
    MeetingRsvp,
    Organisation,
)
from tests.harness import CHANNEL, PEOPLE, message_text

MEETING_AT = datetime(2030, 2, 12, 13, 0, tzinfo=UTC)  # 14:00 in Vienna


def rows(bot, model) -> list:
    with session_scope(bot.deps.engine) as session:
        return list(session.exec(select(model)))


def record_state(bot) -> tuple:
    """Everything the record holds: what a refused request must leave as it was."""
    models = (AgendaItem, MeetingRsvp, MeetingAttendance, MeetingMinutes, Decision, ActionItem)
    return tuple(sorted(str(r.model_dump()) for r in rows(bot, m)) for m in models)


def org_id(bot, acronym: str) -> int:
    with session_scope(bot.deps.engine) as session:
        return session.exec(select(Organisation.id).where(Organisation.acronym == acronym)).one()


def last_view(bot) -> dict:
    view = bot.slack.calls_to("views.update")[-1].params["view"]
    View(**view).validate_json()
    return view


def valid(message: dict) -> dict:
    assert len(message["blocks"]) <= 50
    Block.parse_all(message["blocks"])
    return message


def text_values(**fields: str | None) -> dict:
    return {block: {"value": {"type": "plain_text_input", "value": v}} for block, v in fields.items()}


def select_values(block: str, ids: list[int]) -> dict:
    return {
        block: {
            "value": {"type": "multi_static_select", "selected_options": [{"value": str(i)} for i in ids]}
        }
    }


@pytest.fixture
def meeting(bot) -> int:
    """Meeting #1, scheduled by a co-lead, not yet held."""
    bot.command("schedule 2030-02-12 14:00", who="UNODC")
    [scheduled] = rows(bot, Meeting)
    return scheduled.id


def hold(bot, meeting_id: int) -> None:
    bot.clock.set(MEETING_AT + timedelta(hours=3))


def write_minutes(bot, meeting_id: int, *, who: str = "WHO", **fields: str | None):
    bot.command(f"minutes {meeting_id}", who=who)
    view = last_view(bot)
    assert view["callback_id"] == "meeting_minutes"
    values = text_values(summary=None, decisions=None, actions=None) | text_values(**fields)
    return bot.submit(view, values, who=who)


def test_members_propose_agenda_items_and_rsvp_before_the_meeting(bot, meeting):
    bot.command("agenda add Joint statement for 26 June", who="ILO")
    assert "Added item" in bot.last_reply_text()
    bot.command(f"agenda add #{meeting} Evaluation <!channel> of school programmes", who="UNHCR")
    bot.command(f"rsvp {meeting} yes", who="ILO")
    assert "you are coming" in bot.last_reply_text()
    bot.command(f"rsvp {meeting} no", who="UNICEF")
    bot.command(f"rsvp {meeting} yes", who="UNICEF")  # a change of mind replaces the answer

    bot.command(f"meeting {meeting}", who="OHCHR")  # the observer reads
    shown = valid(bot.replies()[-1])
    text = message_text(shown)
    assert "Joint statement for 26 June" in text and "<@UILO00001>" in text
    assert "&lt;!channel&gt;" in text and "<!channel>" not in text
    assert "*Coming*: 2" in text
    assert {e["action_id"] for b in shown["blocks"] if b["type"] == "actions" for e in b["elements"]} == {
        "meeting_rsvp_yes",
        "meeting_rsvp_no",
    }
    bot.click("meeting_rsvp_no", str(meeting), who="UNHCR")
    assert "not coming" in bot.last_reply_text()
    assert sorted(r.coming for r in rows(bot, MeetingRsvp)) == [False, True, True]

    bot.command("agenda", who="ILO")
    assert "Joint statement for 26 June" in bot.last_reply_text()


def test_co_leads_order_edit_drop_and_carry_items_forward(bot, meeting):
    bot.command("schedule 2030-05-12 14:00", who="UNODC")
    for text in ("First topic", "Second topic", "Third topic"):
        bot.command(f"agenda add {text}", who="ILO")
    first, second, third = (i.id for i in sorted(rows(bot, AgendaItem), key=lambda i: i.id))
    bot.command(f"agenda drop {first} Covered by e-mail", who="ILO")
    assert "Only the co-leads" in bot.last_reply_text()
    bot.command(f"agenda move {third} 1", who="WHO")
    bot.command(f"agenda edit {second} Second topic, revised", who="UNODC")
    bot.command(f"agenda drop {first} Covered by e-mail", who="WHO")
    bot.command(f"meeting {meeting}", who="ILO")
    text = bot.last_reply_text()
    assert text.index("Third topic") < text.index("Second topic, revised")
    assert "dropped: Covered by e-mail" in text

    hold(bot, meeting)
    bot.command(f"meeting {meeting}", who="WHO")
    [carry] = [
        e
        for b in bot.replies()[-1]["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "agenda_carry"
    ]
    bot.click("agenda_carry", carry["value"], who="WHO")
    assert "Carried 2 items" in bot.last_reply_text()
    bot.command("meeting 2", who="ILO")
    assert "Third topic" in bot.last_reply_text() and "Covered" not in bot.last_reply_text()


def test_attendance_form_is_prefilled_from_rsvps_and_the_observer_is_not_counted(bot, meeting):
    bot.command(f"rsvp {meeting} yes", who="ILO")
    bot.command(f"rsvp {meeting} no", who="UNHCR")
    bot.command(f"attendance {meeting}", who="UNODC")
    assert "has not been held yet" in bot.last_told_text()
    hold(bot, meeting)
    bot.command(f"attendance {meeting}", who="ILO")
    assert "Only the co-leads" in bot.last_told_text()

    bot.command(f"attendance {meeting}", who="UNODC")
    view = last_view(bot)
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert [o["value"] for o in blocks["present"]["element"]["initial_options"]] == [str(org_id(bot, "ILO"))]
    assert [o["value"] for o in blocks["excused"]["element"]["initial_options"]] == [
        str(org_id(bot, "UNHCR"))
    ]
    assert blocks["attendees"]["element"]["initial_value"] == "ILO: Ike Focal"

    before = record_state(bot)
    both = select_values("present", [org_id(bot, "ILO")]) | select_values("excused", [org_id(bot, "ILO")])
    assert (
        "not both" in bot.refusal(bot.submit(view, both | text_values(attendees=""), who="UNODC"))["excused"]
    )
    bad = select_values("present", []) | select_values("excused", []) | text_values(attendees="Nobody here")
    assert "ORG: names" in bot.refusal(bot.submit(view, bad, who="UNODC"))["attendees"]
    assert record_state(bot) == before

    present = [org_id(bot, a) for a in ("ILO", "UNODC", "WHO", "OHCHR")]
    values = (
        select_values("present", present)
        | select_values("excused", [org_id(bot, "UNHCR")])
        | text_values(attendees="ILO: Ike Focal\nWHO: Wen Lead")
    )
    bot.submit(view, values, who="UNODC")
    assert "3 of 16 organisations present" in bot.last_reply_text()
    statuses = {r.organisation_id: r.status for r in rows(bot, MeetingAttendance)}
    assert len(statuses) == 17 and statuses[org_id(bot, "UNICEF")] == "absent"
    bot.command("meetings past", who="OHCHR")
    assert "3 of 16 organisations present" in bot.last_reply_text()
    assert "no minutes yet" in bot.last_reply_text()


def test_minutes_with_decisions_and_action_items_then_publish_in_the_meetings_thread(bot, meeting):
    bot.command("share-initiative", who="ILO")  # nothing needs it; the thread exists or not
    hold(bot, meeting)
    response = write_minutes(
        bot,
        meeting,
        summary="We discussed the joint statement.",
        decisions="Issue a joint statement on 26 June\n\nMeet in person in Geneva in October",
        actions="ILO 2030-03-31 Circulate the draft statement",
    )
    assert response.status == 200 and not response.body
    assert "Saved the draft minutes" in bot.last_reply_text()
    [minutes] = rows(bot, MeetingMinutes)
    assert minutes.status == "draft"
    assert sorted(d.text for d in rows(bot, Decision)) == [
        "Issue a joint statement on 26 June",
        "Meet in person in Geneva in October",
    ]
    [item] = rows(bot, ActionItem)
    assert item.meeting_id == meeting and item.title == "Circulate the draft statement"

    bot.command(f"minutes {meeting} publish", who="ILO")
    assert "Only the co-leads" in bot.last_reply_text()
    posts_before = len(bot.posts(CHANNEL))
    bot.command(f"minutes {meeting} publish", who="WHO")  # either co-lead
    assert "published" in bot.last_reply_text() and "thread" in bot.last_reply_text()
    posts = bot.posts(CHANNEL)[posts_before:]
    minutes_post = posts[-1]
    assert minutes_post.get("thread_ts")
    assert "Issue a joint statement on 26 June" in message_text(minutes_post)
    valid(minutes_post)
    [minutes] = rows(bot, MeetingMinutes)
    assert minutes.status == "published" and minutes.message_ts

    bot.command(f"meeting {meeting}", who="OHCHR")
    text = bot.last_reply_text()
    assert "(published)" in text and "Meet in person in Geneva" in text and "Circulate the draft" in text

    bot.command(f"minutes {meeting} unpublish", who="UNODC")
    assert rows(bot, MeetingMinutes)[0].status == "draft"
    assert bot.slack.calls_to("chat.delete")
    actions = [e.action for e in rows(bot, AuditEntry)]
    for action in ("minutes.save", "decision.record", "minutes.publish", "minutes.unpublish"):
        assert action in actions


def test_editing_minutes_keeps_decisions_still_listed_and_removes_the_others(bot, meeting):
    hold(bot, meeting)
    write_minutes(bot, meeting, decisions="Keep this\nDrop this")
    write_minutes(bot, meeting, decisions="Keep this\nAdd this")
    assert sorted(d.text for d in rows(bot, Decision)) == ["Add this", "Keep this"]


def test_decision_command_and_message_shortcut(bot, meeting):
    bot.command(f"decision {meeting} Too early", who="WHO")
    assert "has not been held yet" in bot.last_reply_text()
    hold(bot, meeting)
    bot.command(f"decision {meeting} Adopt the workplan", who="UNICEF")
    assert "Only the co-leads" in bot.last_reply_text()
    bot.command(f"decision {meeting}   ", who="WHO")
    assert "Say what was decided" in bot.last_reply_text()
    assert rows(bot, Decision) == []
    bot.command(f"decision #{meeting} Adopt the workplan", who="WHO")
    assert "Recorded for meeting" in bot.last_reply_text()

    user = PEOPLE["UNODC"]
    ts = "1894000000.000300"
    bot.interaction(
        {
            "type": "message_action",
            "callback_id": "record_decision",
            "trigger_id": f"trigger.{time.time_ns()}",
            "team": {"id": user.team_id},
            "user": {"id": user.id, "team_id": user.team_id, "name": user.name},
            "channel": {"id": CHANNEL, "name": "itwg"},
            "message_ts": ts,
            "message": {
                "type": "message",
                "user": "UILO00001",
                "ts": ts,
                "text": "We agree to R&amp;D pilots",
            },
            "response_url": bot.slack.response_url(),
        }
    )
    view = last_view(bot)
    assert view["callback_id"] == "meeting_decision"
    values = {"meeting": {"value": {"type": "static_select", "selected_option": {"value": str(meeting)}}}}
    values |= text_values(decision="We agree to R&D pilots")
    bot.submit(view, values, who="UNODC")
    decisions = sorted(rows(bot, Decision), key=lambda d: d.id)
    assert [d.text for d in decisions] == ["Adopt the workplan", "We agree to R&D pilots"]
    assert decisions[1].source_link and decisions[0].source_link is None


@pytest.mark.parametrize(
    ("text", "who", "expected"),
    [
        ("meeting 99", "ILO", "no meeting #99"),
        ("meeting next", "ILO", "Give the meeting's number"),
        ("meetings someday", "ILO", "I can't read"),
        ("minutes 99", "WHO", "no meeting #99"),
        ("minutes 1", "WHO", "has not been held yet"),
        ("minutes 1", "ILO", "Only the co-leads"),
        ("minutes 1", "OHCHR", "Only the co-leads"),
        ("minutes 1 unpublish", "UNICEF", "Only the co-leads"),
        ("attendance 1", "OHCHR", "Only the co-leads"),
        ("decision 1 Adopt it", "OHCHR", "Only the co-leads"),
        ("agenda carry 1", "ILO", "Only the co-leads"),
        ("agenda carry 1", "WHO", "has not been held yet"),
        ("minutes 1 publish", "WHO", "has not been held yet"),
        ("decision 99 Something", "WHO", "no meeting #99"),
        ("rsvp 1 maybe", "ILO", "Answer yes or no"),
        ("rsvp 99 yes", "ILO", "no meeting #99"),
        ("agenda add #99 Topic", "ILO", "no meeting #99"),
        ("agenda add", "ILO", "Say what the item is"),
        ("agenda drop 42 reason", "WHO", "no agenda item"),
    ],
)
def test_bad_input_gets_a_specific_message_and_stores_nothing(bot, meeting, text, who, expected):
    bot.command("schedule 2030-05-12 14:00", who="UNODC")
    bot.command(f"agenda add #{meeting} A topic for the first meeting", who="ILO")
    before = record_state(bot)
    bot.command(text, who=who)
    assert expected in bot.last_told_text()
    assert record_state(bot) == before


def test_rsvp_after_the_start_and_publishing_without_minutes_or_the_registry_are_refused(bot, meeting):
    hold(bot, meeting)
    bot.command(f"rsvp {meeting} yes", who="ILO")
    assert "already started" in bot.last_reply_text()
    bot.command(f"minutes {meeting} publish", who="WHO")
    assert "no minutes yet" in bot.last_reply_text()
    write_minutes(bot, meeting, summary="Draft")
    bot.command(f"minutes {meeting} publish public", who="WHO")
    assert "registry is off" in bot.last_reply_text()
    assert rows(bot, MeetingMinutes)[0].status == "draft"
    assert rows(bot, MeetingRsvp) == []


def test_exports_carry_the_record_and_co_leads_get_the_report_privately(bot, meeting):
    hold(bot, meeting)
    bot.command(f"action #{meeting} ILO 2030-03-31 Circulate the draft statement", who="WHO")
    [item] = rows(bot, ActionItem)
    assert item.meeting_id == meeting
    bot.command("actions", who="ILO")
    assert f"meeting #{meeting}" in bot.last_reply_text()
    bot.command("action #99 ILO 2030-03-31 Nothing", who="WHO")
    assert "no meeting #99" in bot.last_reply_text()
    write_minutes(bot, meeting, decisions="Adopt the workplan")
    bot.command(f"done {item.id} Circulated", who="ILO")

    bot.command("export json", who="ILO")
    [upload] = [u for u in bot.slack.uploads.values() if (u.get("filename") or "").endswith(".json")]
    document = json.loads(upload["content"])
    [exported] = document["meetings"]
    assert (exported["number"], exported["decisions"], exported["minutes"]) == (
        meeting,
        ["Adopt the workplan"],
        "draft",
    )
    [action] = document["action_items"]
    assert (action["meeting"], action["closed_by"]) == (meeting, "Ike Focal")
    data = exports.collect(bot.deps, public=False)
    csv_rows = {row["record"]: row for row in exports.csv_rows(data)}
    assert (
        csv_rows["meeting"]["decisions"] == "Adopt the workplan" and csv_rows["meeting"]["minutes"] == "draft"
    )
    assert csv_rows["action item"]["meeting"] == f"#{meeting}" and csv_rows["action item"]["closed_by"]
    assert "  - Decision: Adopt the workplan" in exports.to_markdown(data)

    bot.command("report 2030", who="ILO")
    assert "prepared by the co-leads" in bot.last_reply_text()
    bot.command("report 20x0", who="WHO")
    assert "four digits" in bot.last_reply_text()
    bot.command("report 2030", who="WHO")
    assert "in your direct messages" in bot.last_reply_text()
    [report] = [u for u in bot.slack.uploads.values() if (u.get("filename") or "") == "itwg-report-2030.docx"]
    assert not bot.slack.calls_to("files.upload")
    paragraphs = [p.text for p in docx.Document(io.BytesIO(report["content"])).paragraphs]
    assert "Adopt the workplan (meeting #1, 12 February 2030)" in paragraphs


def test_home_tab_shows_the_next_meeting_and_the_last_ones_published_minutes(bot, meeting):
    bot.command("schedule 2030-05-12 14:00", who="UNODC")
    hold(bot, meeting)
    write_minutes(bot, meeting, summary="We agreed on a joint statement.")

    def home() -> str:
        bot.event({"type": "app_home_opened", "user": PEOPLE["UNHCR"].id, "tab": "home"})
        view = bot.slack.calls_to("views.publish")[-1].params["view"]
        View(**view).validate_json()
        return message_text(view)

    assert "Next meeting #2" in home() and "minutes in draft" in home()
    bot.command(f"minutes {meeting} publish", who="UNODC")
    shown = home()
    assert f"Last meeting #{meeting}" in shown and "We agreed on a joint statement." in shown

    write_minutes(bot, meeting, summary="We agreed on a joint statement.\nILO drafts it & <WHO> reviews.")
    assert ">We agreed on a joint statement.\n>ILO drafts it &amp; &lt;WHO&gt; reviews." in home()


def test_the_reminder_carries_rsvp_buttons_that_record_the_answer(bot, meeting, client):
    tick(bot.deps, client, now=MEETING_AT - timedelta(days=1) + timedelta(minutes=1))
    [reminder] = [p for p in bot.posts(CHANNEL) if "in 1 day" in p["text"]]
    valid(reminder)
    [buttons] = [b for b in reminder["blocks"] if b["type"] == "actions"]
    assert [e["action_id"] for e in buttons["elements"]] == ["meeting_rsvp_yes", "meeting_rsvp_no"]
    bot.click("meeting_rsvp_yes", buttons["elements"][0]["value"], who="UNICEF")
    assert [r.coming for r in rows(bot, MeetingRsvp)] == [True]


def test_text_typed_in_the_record_never_pings_anyone(bot, meeting):
    hold(bot, meeting)
    write_minutes(bot, meeting, summary="Hello <!channel> & all", decisions="Tell <!here> about <@U123>")
    bot.command(f"minutes {meeting} publish", who="WHO")
    bot.command(f"meeting {meeting}", who="ILO")
    for message in (bot.posts(CHANNEL)[-1], bot.replies()[-1]):
        shown = message_text(valid(message))
        assert "&lt;!channel&gt; &amp; all" in shown and "&lt;!here&gt;" in shown
        assert "<!channel>" not in shown and "<!here>" not in shown and "<@U123>" not in shown


def test_a_wrong_line_in_the_minutes_form_is_shown_beside_it_and_nothing_is_stored(bot, meeting):
    hold(bot, meeting)
    before = record_state(bot)
    response = write_minutes(
        bot,
        meeting,
        summary="Fine",
        decisions="Adopt it",
        actions="ILO 2030-03-31 Fine\nNOPE 2030-03-31 Bad owner",
    )
    assert bot.refusal(response)["actions"].startswith("Line 2")
    response = write_minutes(bot, meeting, actions="ILO 2029-03-31 In the past")
    assert "in the past" in bot.refusal(response)["actions"]
    assert record_state(bot) == before


def test_people_named_for_an_organisation_not_marked_present_are_refused(bot, meeting):
    hold(bot, meeting)
    bot.command(f"attendance {meeting}", who="WHO")
    view = last_view(bot)
    before = record_state(bot)
    values = (
        select_values("present", [org_id(bot, "ILO")])
        | select_values("excused", [org_id(bot, "UNHCR")])
        | text_values(attendees="ILO: Ike Focal\nUNICEF: Cleo Member")
    )
    assert "UNICEF: not marked present" in bot.refusal(bot.submit(view, values, who="WHO"))["attendees"]
    assert record_state(bot) == before


def test_minutes_published_again_replace_their_post_in_the_thread(bot, meeting):
    hold(bot, meeting)
    write_minutes(bot, meeting, summary="First version")
    bot.command(f"minutes {meeting} publish", who="WHO")
    [first] = [c for c in bot.slack.calls_to("chat.postMessage") if "First version" in message_text(c.params)]
    write_minutes(bot, meeting, summary="Corrected version")
    bot.command(f"minutes {meeting} publish", who="UNODC")
    minutes_posts = [p for p in bot.posts(CHANNEL) if p["text"].startswith("Minutes of")]
    assert len(minutes_posts) == 1
    [update] = bot.slack.calls_to("chat.update")
    assert update.params["ts"] == first.response["ts"] and "Corrected version" in message_text(update.params)
    assert rows(bot, MeetingMinutes)[0].message_ts == first.response["ts"]
    bot.command(f"minutes {meeting} unpublish", who="WHO")
    assert [c.params["ts"] for c in bot.slack.calls_to("chat.delete")] == [first.response["ts"]]


def test_minutes_can_be_written_for_a_meeting_with_more_decisions_than_a_form_field_holds(bot, meeting):
    hold(bot, meeting)
    for n in range(40):
        bot.command(f"decision {meeting} Decision {n}: " + "adopt the joint workplan " * 4, who="WHO")
    bot.command(f"minutes {meeting}", who="UNODC")
    view = last_view(bot)
    inputs = [b["element"] for b in view["blocks"] if b["type"] == "input"]
    assert all(len(e.get("initial_value", "")) <= 3000 and e.get("max_length", 3000) <= 3000 for e in inputs)
    assert "40 decisions already recorded" in message_text(view)
    response = bot.submit(
        view,
        text_values(summary="We adopted the workplan.", decisions="One more decision", actions=None),
        who="UNODC",
    )
    assert not response.body
    assert "Saved the draft minutes of meeting #1 (41 decisions" in bot.last_reply_text()
    assert rows(bot, MeetingMinutes)[0].summary == "We adopted the workplan."


def _big_meeting(bot, meeting: int) -> None:
    """A meeting with 60 agenda items, 40 decisions and 20 action items, texts near their longest."""
    bot.command("schedule 2030-05-12 14:00", who="UNODC")
    for n in range(60):
        text = f"Item {n}: R&D " + "evaluation of school programmes " * 6
        bot.command(f"agenda add #{meeting} {text}", who="ILO")
    hold(bot, meeting)
    for n in range(40):
        text = f"Decision {n}: " + "adopt the joint workplan of the group " * 5
        bot.command(f"decision {meeting} {text}", who="WHO")
    for n in range(20):
        bot.command(f"action #{meeting} ILO 2030-03-31 Item {n} " + "circulate the draft " * 9, who="WHO")
    bot.command(f"attendance {meeting}", who="WHO")
    everyone = rows(bot, Organisation)
    people = "\n".join(
        f"{o.acronym}: " + ", ".join(f"Person {n} of {o.acronym}" for n in range(6)) for o in everyone
    )
    values = select_values("present", [o.id for o in everyone]) | text_values(attendees=people)
    bot.submit(last_view(bot), values | select_values("excused", []), who="WHO")


def _untouched(message: dict) -> None:
    """Accepted by Slack as rendered: no text clipped, no block dropped to fit."""
    valid(message)
    for block in message["blocks"]:
        text = block.get("text") or {}
        assert len(text.get("text", "")) < 3000  # Slack's limit; the last-resort fitting cuts at it
    assert "more not shown here" not in message_text(message)


def test_a_long_meeting_record_shows_what_it_leaves_out_and_keeps_its_buttons(bot, meeting):
    _big_meeting(bot, meeting)
    write_minutes(bot, meeting, summary="We discussed it all. " * 140)
    bot.command(f"meeting {meeting}", who="UNODC")
    shown = bot.replies()[-1]
    _untouched(shown)
    text = message_text(shown)
    assert "…and 45 more" in text and "…and 30 more" in text and "…and 10 more" in text
    assert [b for b in shown["blocks"] if b["type"] == "actions"][-1]["elements"][0]["action_id"] == (
        "minutes_publish"
    )


def test_published_minutes_of_a_long_meeting_are_posted_whole_or_say_what_is_left_out(bot, meeting):
    _big_meeting(bot, meeting)
    write_minutes(bot, meeting, summary="We discussed it all. " * 138)
    bot.command(f"minutes {meeting} publish", who="WHO")
    post = bot.posts(CHANNEL)[-1]
    _untouched(post)
    text = message_text(post)
    assert "20. Decision 19:" in text and "…and 20 more" in text
    assert "…and 10 more" in text


def test_a_dropped_items_own_marks_cannot_end_its_strike_through(bot, meeting):
    bot.command("agenda add Budget ~2031~ *draft* & notes", who="ILO")
    [item] = rows(bot, AgendaItem)
    bot.command(f"agenda drop {item.id} Covered by e-mail", who="WHO")
    bot.command(f"meeting {meeting}", who="ILO")
    zwj = "\u200d"
    struck = f"~Budget {zwj}~{zwj}2031{zwj}~{zwj} {zwj}*{zwj}draft{zwj}*{zwj} &amp; notes~"
    assert struck in bot.last_reply_text()


def test_the_decision_shortcut_names_meetings_by_their_own_date(bot):
    bot.command("schedule 2030-02-13 00:30", who="UNODC")  # 23:30 UTC the evening before
    bot.clock.set(datetime(2030, 2, 14, 9, 0, tzinfo=UTC))
    user = PEOPLE["WHO"]
    bot.interaction(
        {
            "type": "message_action",
            "callback_id": "record_decision",
            "trigger_id": f"trigger.{time.time_ns()}",
            "team": {"id": user.team_id},
            "user": {"id": user.id, "team_id": user.team_id, "name": user.name},
            "channel": {"id": CHANNEL, "name": "itwg"},
            "message_ts": "1894000000.000300",
            "message": {"type": "message", "user": "UILO00001", "ts": "1894000000.000300", "text": "Agreed"},
            "response_url": bot.slack.response_url(),
        }
    )
    [block] = [b for b in last_view(bot)["blocks"] if b.get("block_id") == "meeting"]
    assert [o["text"]["text"] for o in block["element"]["options"]] == ["#1, 13 Feb 2030"]


def test_an_action_item_cannot_come_from_a_cancelled_meeting(bot, meeting):
    bot.command(f"cancel {meeting}", who="UNODC")
    before = record_state(bot)
    bot.command(f"action #{meeting} ILO 2030-03-31 Circulate the draft statement", who="WHO")
    assert f"Meeting #{meeting} was cancelled" in bot.last_reply_text()
    assert record_state(bot) == before


def test_a_long_agenda_pre_read_says_how_many_more_items_there_are(bot, meeting):
    for n in range(60):
        bot.command(f"agenda add Item {n}: R&D " + "evaluation of school programmes " * 6, who="ILO")
    bot.command("agenda", who="ILO")
    shown = bot.replies()[-1]
    _untouched(shown)
    assert "15. Item 14:" in message_text(shown) and "…and 45 more" in message_text(shown)


def test_a_decision_recorded_while_the_minutes_form_is_open_is_kept_when_it_is_saved(bot, meeting):
    hold(bot, meeting)
    bot.command(f"decision {meeting} Adopt the workplan", who="WHO")
    bot.command(f"minutes {meeting}", who="UNODC")
    view = last_view(bot)
    bot.clock.set(bot.clock() + timedelta(minutes=2))
    bot.command(f"decision {meeting} Meet in Geneva in October", who="WHO")  # the other co-lead
    values = text_values(summary="We met.", decisions="Adopt the workplan", actions=None)
    bot.submit(view, values, who="UNODC")
    assert sorted(d.text for d in rows(bot, Decision)) == ["Adopt the workplan", "Meet in Geneva in October"]
    write_minutes(bot, meeting, who="UNODC", decisions="Meet in Geneva in October")
    assert [d.text for d in rows(bot, Decision)] == ["Meet in Geneva in October"]


def test_an_organisation_that_joined_after_a_meeting_is_not_counted_in_its_attendance(bot, meeting):
    hold(bot, meeting)
    bot.command(f"attendance {meeting}", who="WHO")
    values = select_values("present", [org_id(bot, "ILO"), org_id(bot, "WHO")]) | select_values("excused", [])
    bot.submit(last_view(bot), values | text_values(attendees=""), who="WHO")
    bot.command('org add WFP "World Food Programme" member wfp.org', who="WHO")

    bot.command("meetings past", who="ILO")
    assert "2 of 16 organisations present" in bot.last_reply_text()
    bot.command(f"meeting {meeting}", who="ILO")
    assert "2 of 16 organisations present" in bot.last_reply_text()
    assert "WFP" not in bot.last_reply_text()
    bot.command("report 2030", who="WHO")
    [upload] = [u for u in bot.slack.uploads.values() if u.get("filename") == "itwg-report-2030.docx"]
    tables = docx.Document(io.BytesIO(upload["content"])).tables
    cells = {cell.text for table in tables for row in table.rows for cell in row.cells}
    assert "2 of 16" in cells and "2 of 17" not in cells


def test_the_meeting_numbers_its_agenda_as_agenda_move_does(bot, meeting):
    for text in ("Alpha", "Bravo", "Charlie"):
        bot.command(f"agenda add {text}", who="ILO")
    alpha, bravo, charlie = sorted(i.id for i in rows(bot, AgendaItem))
    bot.command(f"agenda drop {alpha} Covered by e-mail", who="WHO")
    bot.command(f"agenda move {charlie} 1", who="WHO")
    assert f"Item {charlie} is now number 1" in bot.last_reply_text()
    bot.command(f"meeting {meeting}", who="ILO")
    text = bot.last_reply_text()
    assert f"1. Charlie (item {charlie}" in text and f"2. Bravo (item {bravo}" in text
    assert f"• ~Alpha~ (item {alpha}, dropped: Covered by e-mail)" in text
