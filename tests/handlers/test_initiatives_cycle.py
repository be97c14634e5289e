"""Carrying initiatives forward to the coming meeting, who has shared (a co-lead's share for another
organisation is not that organisation sharing), and Slack's redeliveries."""

import json
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from bot.slack_client import make_clock_client
from bot.tick import tick
from storage.db import session_scope
from storage.models import AuditEntry
from storage.repositories import organisations
from tests.bot.test_tick import STARTS, add_meeting
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


def _lead(bot, acronym: str) -> str:
    with session_scope(bot.deps.engine) as session:
        organisation = organisations.find_by_acronym(session, text=acronym)
        assert organisation is not None
        return str(organisation.id)


def _nudged_at_14_days(bot, settings) -> set[str]:
    add_meeting(bot.deps.engine)
    before = len(bot.posts())
    tick(bot.deps, make_clock_client(settings), now=STARTS - timedelta(days=14, minutes=-1))
    return {p["channel"] for p in bot.posts()[before:] if p["channel"] != CHANNEL}


def _audit(bot, action: str) -> AuditEntry:
    with session_scope(bot.deps.engine) as session:
        return session.exec(select(AuditEntry).where(AuditEntry.action == action)).one()


def test_a_co_leads_share_for_another_organisation_waits_for_that_organisations_confirmation(bot, settings):
    bot.command("focal-point", who="ILO")
    share(bot, who="UNODC", lead=_lead(bot, "ILO"), title="Skills shared by the co-leads")
    told = message_text(bot.posts("UUNODC001")[-1])
    assert "ILO's initiative is shared with the working group" in told
    assert "This does not count as *ILO* sharing this cycle" in told
    assert "`/itwg confirm-initiative 1 ongoing`" in told and "on ILO's behalf" in told
    assert _audit(bot, "initiative.share").details == {
        "title": "Skills shared by the co-leads",
        "counts_as_sharing": False,
        "for_organisation": "ILO",
    }

    assert "*ILO* — not yet" in status_line(bot, "ILO")
    bot.command("initiatives ILO", who="UNICEF")
    assert "Skills shared by the co-leads" in bot.last_reply_text(), "it is listed all the same"
    bot.command("digest", who="UNODC")
    digest = message_text(bot.posts("UUNODC001")[-1])
    assert "ILO" in next(line for line in digest.splitlines() if "Not yet shared" in line)
    view = open_home(bot, "ILO")
    assert "1 to confirm" in message_text(view) and "initiative_confirm_ongoing" in actions_of(view)
    assert "UILO00001" in _nudged_at_14_days(bot, settings), "ILO is still reminded to share"

    bot.click("initiative_confirm_ongoing", "1", who="ILO", container=HOME)
    assert "*ILO* — 1 shared" in status_line(bot, "ILO")
    assert "on_behalf_of" not in _audit(bot, "initiative.confirm").details


def test_a_co_lead_may_confirm_explicitly_on_the_organisations_behalf(bot):
    share(bot, who="WHO", lead=_lead(bot, "ILO"))
    assert "*ILO* — not yet" in status_line(bot, "ILO")
    bot.command("confirm-initiative 1 ongoing", who="WHO")
    reply = bot.last_reply_text()
    assert "you confirmed it on ILO's behalf, which counts as ILO sharing this cycle" in reply
    assert "*ILO* — 1 shared" in status_line(bot, "ILO")
    assert _audit(bot, "initiative.confirm").details["on_behalf_of"] == "ILO"
    bot.command("history initiative 1", who="ILO")
    assert "on behalf of ILO" in bot.last_reply_text()


def test_a_co_leads_share_for_its_own_organisation_counts(bot):
    share(bot, who="UNODC")
    assert "*UNODC* — 1 shared" in status_line(bot, "UNODC")
    told = message_text(bot.posts("UUNODC001")[-1])
    assert "your initiative is shared" in told and "does not count" not in told
