"""Due dates: only YYYY-MM-DD, only real dates, never in the past."""

from datetime import date

import pytest

from bot.action_items import parse_command, parse_due_date, parse_item_number
from bot.errors import UserError

TODAY = date(2030, 1, 15)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31/02/2030", "I can't read the date “31/02/2030”: write it as YYYY-MM-DD, e.g. 2030-01-29."),
        ("2030-02-30", "2030-02-30 is not a real date: write it as YYYY-MM-DD, e.g. 2030-01-29."),
        ("2030-2-3", "write it as YYYY-MM-DD"),
        ("", "Give a due date as YYYY-MM-DD"),
        ("2030-01-14", "2030-01-14 is in the past: give today (2030-01-15) or a later date as YYYY-MM-DD."),
    ],
)
def test_rejected_dates_name_the_accepted_form(text, expected):
    with pytest.raises(UserError) as raised:
        parse_due_date(text, today=TODAY)
    assert expected in str(raised.value)


def test_today_leap_day_and_later_are_accepted():
    assert parse_due_date("2030-01-15", today=TODAY) == TODAY
    assert parse_due_date(" 2032-02-29 ", today=TODAY) == date(2032, 2, 29)


def test_item_numbers_with_or_without_hash():
    assert parse_item_number("#12", usage="x") == 12
    assert parse_item_number("12", usage="x") == 12
    with pytest.raises(UserError):
        parse_item_number("twelve", usage="x")


def test_command_parts():
    draft = parse_command("<@U123ABC|ana> 2030-02-01 Write  the note")
    assert (draft.assignee_user_id, draft.owner_text, draft.due_text, draft.title) == (
        "U123ABC",
        None,
        "2030-02-01",
        "Write  the note",
    )
    assert parse_command("ilo 2030-02-01").title == ""
