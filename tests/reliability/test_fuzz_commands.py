"""Whatever is typed after /itwg: a 200, an answer, no traceback, nothing half-stored."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func
from sqlmodel import select

from handlers import catalogue
from storage.db import session_scope
from storage.models import ActionItem, AuditEntry

NAMES = [s.name for s in catalogue()]
words = st.one_of(
    st.sampled_from([*NAMES, "ILO", "who", "2030-02-30", "31/02/2030", "<!channel>", "<@U123>", "#7", "-1"]),
    st.text(min_size=0, max_size=30),
)
command_text = st.lists(words, min_size=0, max_size=5).map(" ".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=command_text)
def test_any_command_text_gets_an_answer_and_no_traceback(bot, text):
    before = len(bot.slack.calls)
    response = bot.command(text, who="ILO")
    assert response.status == 200
    answers = [
        call.params
        for call in bot.slack.calls[before:]
        if call.method in ("response_url", "views.open", "chat.postMessage", "chat.postEphemeral")
    ]
    assert answers, f"no answer to /itwg {text!r}"
    shown = str(answers)
    assert "Traceback" not in shown
    assert "Something went wrong" not in shown, f"/itwg {text!r} hit an unexpected error"


def test_audit_rows_only_come_with_completed_writes(bot):
    bot.command("join", who="GUEST")
    bot.command("join NOPE", who="GUEST")
    with session_scope(bot.deps.engine) as session:
        joins = session.exec(select(func.count()).where(AuditEntry.action == "person.join")).one()
    assert joins == 0


@pytest.mark.parametrize(
    "text",
    [
        "cancel ²",
        "cancel 99999999999999999999",
        "reschedule ² 2030-06-12 14:00",
        "reschedule 99999999999999999999 2030-06-12 14:00",
        "done ²",
        "done 99999999999999999999",
        "edit-initiative ١٢",
        "confirm-initiative 99999999999999999999",
    ],
)
def test_numbers_that_are_not_plain_digits_or_too_large_get_a_usage_message(bot, text):
    """str.isdigit() accepts "²" (which int() refuses), and 20 digits overflow a database integer."""
    bot.command(text, who="WHO")
    reply = bot.last_reply_text()
    assert "Something went wrong" not in reply and "Traceback" not in reply


def test_a_mention_too_long_to_be_a_slack_user_is_refused_and_nothing_is_stored(bot):
    bot.command(f"action <@U{'0' * 45}> 2030-03-31 Draft the brief", who="WHO")
    assert "Choose a person" in bot.last_reply_text()
    with session_scope(bot.deps.engine) as session:
        assert session.exec(select(func.count()).select_from(ActionItem)).one() == 0
