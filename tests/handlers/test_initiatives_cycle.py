"""Carrying initiatives forward to the coming meeting, who has shared, and Slack's redeliveries."""

import json
from datetime import UTC, datetime, timedelta

from tests.handlers.initiative_helpers import (
    VALID,
    add_meetings,
    audit_actions,
    initiatives,
    open_share_modal,
    share,
)
from tests.handlers.test_app_home import actions_of, open_home
from tests.harness import CHANNEL, message_text
from tests.reliability.forms import state_values

FEBRUARY = datetime(2030, 2, 1, 10, 0, tzinfo=UTC)
MAY = datetime(2030, 5, 1, 10, 0, tzinfo=UTC)
HOME = {"type": "view", "view_id": "VHOME"}


def status_line(bot, acronym: str) -> str:
    bot.command("status", who="UNODC")
    return next(line for line in bot.last_reply_text().splitlines() if f"*{acronym}*" in line)


def test_earlier_initiatives_are_confirmed_for_the_coming_meeting_in_one_click(bot):
    add_meetings(bot, FEBRUARY, MAY)
    share(bot, who="ILO")
    bot.clock.set(FEBRUARY + timedelta(days=3))
    assert "not yet" in status_line(bot, "ILO"), "January's share does not count for May's meeting"
    view = open_home(bot, "ILO")
    assert "1 to confirm" in message_text(view)
    assert {"initiative_confirm_ongoing", "initiative_confirm_completed", "initiative_confirm_paused"} <= set(
        actions_of(view)
    )

    bot.click("initiative_confirm_completed", "1", who="ILO", container=HOME)
    [confirmed] = initiatives(bot)
    assert confirmed.status == "completed" and confirmed.shared_at == bot.clock()
    assert audit_actions(bot, 1) == ["initiative.share", "initiative.confirm"]
    assert "1 shared" in status_line(bot, "ILO")
    home = bot.slack.calls_to("views.publish")[-1].params["view"]
    assert "Shared for the coming meeting" in message_text(home)
    assert "initiative_confirm_completed" not in actions_of(home)
    announcement = bot.posts(CHANNEL)[-1]
    assert "confirmed for the coming meeting" in message_text(announcement)
    assert announcement["thread_ts"] != bot.posts(CHANNEL)[1]["thread_ts"], "May's cycle has its own thread"


def test_only_the_lead_organisation_or_co_leads_may_confirm(bot):
    share(bot, who="ILO")
    bot.click("initiative_confirm_paused", "1", who="UNICEF")
    assert "Only people of ILO" in bot.last_reply_text()
    assert initiatives(bot)[0].status == "ongoing"
    bot.command("confirm-initiative 1 paused", who="WHO")
    assert "confirmed for the coming meeting as *Paused*" in bot.last_reply_text()
    assert initiatives(bot)[0].status == "paused"
    bot.command("confirm-initiative 1 cancelled", who="ILO")
    assert "ongoing, completed or paused" in bot.last_reply_text()


def test_status_counts_each_organisation_and_never_counts_the_observer_missing(bot):
    add_meetings(bot, FEBRUARY)
    share(bot, who="ILO")
    share(bot, who="ILO", title="Second one")
    bot.command("status", who="UNICEF")
    text = bot.last_reply_text()
    assert f"<!date^{int(FEBRUARY.timestamp())}^" in text
    assert "*1 of 16*" in text
    assert "*ILO* — 2 shared" in text
    assert "*UNICEF* — not yet" in text
    assert "*OHCHR* (observer) — none shared, not expected" in text
    share(bot, who="OHCHR", title="Rights-based treatment")
    assert "*OHCHR* (observer) — 1 shared" in status_line(bot, "OHCHR")


def test_a_submission_delivered_twice_stores_one_initiative(bot):
    view = open_share_modal(bot)
    values = state_values(view, VALID)
    first = bot.submit(view, values, trigger_id="trigger.submit.1")
    again = bot.submit(view, values, trigger_id="trigger.submit.1")
    assert first.status == again.status == 200
    assert len(initiatives(bot)) == 1
    assert len(bot.posts(CHANNEL)) == 2, "one thread opening and one announcement"


def test_an_invalid_submission_delivered_twice_answers_errors_first_and_stores_nothing(bot):
    view = open_share_modal(bot)
    values = state_values(view, {**VALID, "objectives": []})
    first = bot.submit(view, values, trigger_id="trigger.submit.2")
    assert json.loads(first.body)["response_action"] == "errors"
    bot.submit(view, values, trigger_id="trigger.submit.2")
    assert initiatives(bot) == []


def test_a_confirmation_click_delivered_twice_confirms_once(bot):
    add_meetings(bot, FEBRUARY, MAY)
    share(bot, who="ILO")
    bot.clock.set(FEBRUARY + timedelta(days=3))
    published = len(bot.slack.calls_to("views.publish"))
    for _ in range(2):
        bot.click("initiative_confirm_ongoing", "1", who="ILO", container=HOME, trigger_id="trigger.click.1")
    assert audit_actions(bot, 1) == ["initiative.share", "initiative.confirm"]
    assert len(bot.slack.calls_to("views.publish")) == published + 1
