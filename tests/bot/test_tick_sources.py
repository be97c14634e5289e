"""Action-item follow-ups and scheduled digests go out through the real tick, once each."""

from datetime import UTC, datetime

import pytest

from bot.slack_client import make_clock_client
from bot.tick import tick
from tests.harness import message_text


@pytest.fixture
def clock_client(settings):
    return make_clock_client(settings)


def _dms_to(slack, user_id: str) -> list[dict]:
    return [c.params for c in slack.calls_to("chat.postMessage") if c.params.get("channel") == user_id]


def test_action_item_follow_ups_reach_the_assignee_once_each(bot, clock_client):
    bot.command("action <@UILO00001> 2030-01-25 Circulate the draft joint statement", who="UNODC")
    assert "#1" in bot.last_reply_text()

    # Three days before the due date, 09:00 in Zurich (the assignee's timezone) is 08:00 UTC.
    early = tick(bot.deps, clock_client, now=datetime(2030, 1, 22, 7, 59, tzinfo=UTC))
    assert not any(key.startswith("action-") for key in early.sent)
    due_soon = tick(bot.deps, clock_client, now=datetime(2030, 1, 22, 8, 0, tzinfo=UTC))
    assert any(key.startswith("action-due-soon:1:") for key in due_soon.sent)
    again = tick(bot.deps, clock_client, now=datetime(2030, 1, 22, 8, 1, tzinfo=UTC))
    assert not any(key.startswith("action-") for key in again.sent)
    dms = _dms_to(bot.slack, "UILO00001")
    assert len(dms) == 1
    assert "Circulate the draft joint statement" in message_text(dms[0])

    overdue = tick(bot.deps, clock_client, now=datetime(2030, 1, 26, 8, 0, tzinfo=UTC))
    assert any(key.startswith("action-overdue:1:") for key in overdue.sent)
    assert len(_dms_to(bot.slack, "UILO00001")) == 2


def test_closed_item_gets_no_overdue_reminder(bot, clock_client):
    bot.command("action ILO 2030-01-25 Send the mapping to the co-leads", who="ILO")
    bot.command("done 1 Sent on time", who="ILO")
    report = tick(bot.deps, clock_client, now=datetime(2030, 1, 26, 8, 0, tzinfo=UTC))
    assert not any(key.startswith("action-") for key in report.sent)


def test_a_weekly_digest_subscription_is_delivered_by_the_tick_once_a_week(bot, clock_client):
    bot.command("digest subscribe weekly monday 09:00", who="UNODC")
    # 2030-01-21 is a Monday; 09:00 in Vienna is 08:00 UTC.
    before = tick(bot.deps, clock_client, now=datetime(2030, 1, 21, 7, 59, tzinfo=UTC))
    assert not any(key.startswith("digest:") for key in before.sent)
    first = tick(bot.deps, clock_client, now=datetime(2030, 1, 21, 8, 0, tzinfo=UTC))
    assert [key for key in first.sent if key.startswith("digest:")]
    repeat = tick(bot.deps, clock_client, now=datetime(2030, 1, 21, 8, 5, tzinfo=UTC))
    assert not any(key.startswith("digest:") for key in repeat.sent)
    dms = _dms_to(bot.slack, "UUNODC001")
    assert len(dms) == 1
    assert "digest" in message_text(dms[0]).lower()
    assert not [c for c in bot.slack.calls_to("chat.postMessage") if c.params.get("channel") == "CITWG0001"]

    next_week = tick(bot.deps, clock_client, now=datetime(2030, 1, 28, 8, 0, tzinfo=UTC))
    assert [key for key in next_week.sent if key.startswith("digest:")]
    assert len(_dms_to(bot.slack, "UUNODC001")) == 2
