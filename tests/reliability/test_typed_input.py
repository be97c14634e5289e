"""Input a person can type or a client can forge that used to reach an error: each gets a specific
message, nothing is stored, and nothing is logged as a failure."""

import json
import logging

import pytest
from sqlmodel import select

from storage.db import session_scope
from storage.models import ActionItem, Initiative, Meeting
from tests.handlers.initiative_helpers import initiatives, share
from tests.harness import CHANNEL, PEOPLE

UNEXPECTED = "Something went wrong"


@pytest.fixture(autouse=True)
def no_failure_logged(caplog):
    """Every test here ends with no traceback and no "Something went wrong" anywhere."""
    caplog.set_level(logging.INFO)
    yield
    assert "Traceback" not in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text


def _told_nothing_unexpected(bot) -> None:
    assert UNEXPECTED not in json.dumps([call.params for call in bot.slack.calls])


def _rows(bot, model) -> list:
    with session_scope(bot.deps.engine) as session:
        return list(session.exec(select(model)))


def _schedule_values(timezone: str) -> dict:
    return {
        "date": {"value": {"type": "datepicker", "selected_date": "2030-06-11"}},
        "time": {"value": {"type": "timepicker", "selected_time": "14:00"}},
        "timezone": {"value": {"type": "plain_text_input", "value": timezone}},
        "duration": {"value": {"type": "number_input", "value": "90"}},
        "location": {"value": {"type": "plain_text_input", "value": None}},
        "options": {"value": {"type": "checkboxes", "selected_options": []}},
    }


def test_a_time_zone_directory_is_refused_by_schedule_reschedule_and_the_form(bot):
    bot.command("schedule 2030-06-11 14:00 America/Argentina", who="WHO")
    assert "I don't know the timezone “America/Argentina”" in bot.last_reply_text()
    bot.command("schedule 2030-06-11 14:00", who="WHO")
    [meeting] = _rows(bot, Meeting)
    bot.command(f"reschedule {meeting.id} 2030-06-12 14:00 America/Argentina", who="WHO")
    assert "I don't know the timezone “America/Argentina”" in bot.last_reply_text()
    assert _rows(bot, Meeting)[0].starts_at == meeting.starts_at
    bot.command("schedule", who="WHO")
    view = bot.opened_views()[-1]
    errors = bot.refusal(bot.submit(view, _schedule_values("America/Argentina"), who="WHO"))
    assert "I don't know the timezone" in errors["timezone"]
    assert len(_rows(bot, Meeting)) == 1
    _told_nothing_unexpected(bot)


@pytest.mark.parametrize("day", ["0001-01-01", "1000-06-30"])
def test_a_digest_since_the_distant_past_is_refused_in_words(bot, day):
    bot.command(f"digest since {day}", who="UNODC")
    assert "too far back" in bot.last_reply_text()
    assert not bot.slack.calls_to("chat.postMessage")
    _told_nothing_unexpected(bot)


def test_record_numbers_beyond_the_databases_integer_are_no_such_record(bot):
    bot.command("action ILO 2030-03-01 Circulate the draft", who="ILO")
    before = [(i.id, i.status) for i in _rows(bot, ActionItem)]
    bot.command("done 99999999999 finished", who="ILO")
    assert "item's number" in bot.last_reply_text()
    for action_id in ("action_item_snooze", "action_item_done", "action_item_reassign"):
        bot.click(action_id, "99999999999", who="ILO")
    bot.click("initiative_confirm_ongoing", "99999999999", who="ILO")
    bot.click("opportunity_connect", "99999999999,1", who="ILO")
    assert "no longer matches" in bot.last_told_text()
    assert [(i.id, i.status) for i in _rows(bot, ActionItem)] == before
    _told_nothing_unexpected(bot)


def test_a_forged_partner_beyond_the_databases_integer_is_refused_beside_its_field(bot):
    errors = bot.refusal(share(bot, partners=["99999999999"]))
    assert "Choose organisations from the list" in " ".join(errors.values())
    assert initiatives(bot) == []


@pytest.mark.parametrize(
    ("action_id", "expected"),
    [
        ("action_item_snooze", "does not say which action item"),
        ("action_item_done", "does not say which action item"),
        ("action_item_reassign", "does not say which action item"),
        ("initiative_confirm_ongoing", "does not say which initiative"),
        ("initiative_edit", "does not say which initiative"),
        ("meeting_rsvp_yes", "does not say which meeting"),
        ("agenda_carry", "does not say which meeting"),
        ("minutes_publish", "does not say which meeting"),
        ("join_request_approve", "names no join request"),
    ],
)
@pytest.mark.parametrize("value", ["abc", "", None, "-3"])
def test_a_button_whose_value_is_not_a_number_is_refused_in_words(bot, action_id, expected, value):
    user = PEOPLE["ILO"]
    action = {"type": "button", "action_id": action_id, "block_id": "b", "action_ts": "1.0"}
    if value is not None:
        action["value"] = value
    response = bot.interaction(
        {
            "type": "block_actions",
            "team": {"id": user.team_id},
            "user": {"id": user.id, "team_id": user.team_id},
            "trigger_id": "trigger.button",
            "response_url": bot.slack.response_url(),
            "container": {"type": "message", "channel_id": CHANNEL, "message_ts": "1.1"},
            "channel": {"id": CHANNEL},
            "actions": [action],
        }
    )
    assert response.status == 200
    assert expected in bot.last_told_text()
    _told_nothing_unexpected(bot)


def test_page_buttons_without_a_value_show_the_first_page(bot):
    bot.click("action_items_page_next", "", who="ILO")
    assert "Open action items" in bot.last_reply_text()
    _told_nothing_unexpected(bot)


@pytest.mark.parametrize(
    "metadata",
    ["", "not json", "[1]", '{"item_id": "1"}', '{"item_id": 99999999999}', '{"item_id": null}', "{}"],
)
def test_a_done_form_with_missing_or_malformed_metadata_closes_nothing(bot, metadata):
    bot.command("action ILO 2030-03-01 Circulate the draft", who="ILO")
    [item] = _rows(bot, ActionItem)
    bot.click("action_item_done", str(item.id), who="ILO")
    view = {**bot.opened_views()[-1], "private_metadata": metadata}
    outcome = {"outcome": {"value": {"type": "plain_text_input", "value": "Circulated"}}}
    errors = bot.refusal(bot.submit(view, outcome, who="ILO"))
    assert "does not say which action item" in errors["outcome"]
    assert _rows(bot, ActionItem)[0].status == "open"
    _told_nothing_unexpected(bot)


@pytest.mark.parametrize("response_url", [5, "ftp://example.org/x", "not a url"])
def test_a_done_form_whose_response_url_was_tampered_with_answers_by_direct_message(bot, response_url):
    bot.command("action ILO 2030-03-01 Circulate the draft", who="ILO")
    [item] = _rows(bot, ActionItem)
    bot.click("action_item_done", str(item.id), who="ILO")
    view = bot.opened_views()[-1]
    view = {**view, "private_metadata": json.dumps({"item_id": item.id, "response_url": response_url})}
    outcome = {"outcome": {"value": {"type": "plain_text_input", "value": "Circulated"}}}
    bot.submit(view, outcome, who="ILO")
    assert _rows(bot, ActionItem)[0].status == "done"
    [told] = [
        c.params for c in bot.slack.calls_to("chat.postMessage") if c.params["channel"] == PEOPLE["ILO"].id
    ]
    assert "closed" in told["text"]


def test_control_and_bidirectional_override_characters_are_stripped_from_what_is_typed(bot):
    share(
        bot,
        title="Family\u202e skills\u0007 for\u2066 youth\x85",
        summary="First line\r\nsecond\u202d line\x1b[31m",
    )
    [initiative] = initiatives(bot)
    assert initiative.title == "Family skills for youth"
    assert initiative.summary == "First line\nsecond line[31m"
    bot.command("action ILO 2030-03-01 Read\u202e backwards\u2069 title", who="ILO")
    [item] = _rows(bot, ActionItem)
    assert item.title == "Read backwards title"


def test_a_title_sent_with_a_newline_is_stored_on_one_line(bot):
    share(bot, title="Family skills\nfor youth")
    assert [i.title for i in _rows(bot, Initiative)] == ["Family skills for youth"]
