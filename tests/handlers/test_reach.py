"""Organisations the bot cannot reach (nobody there is known) are named by `/itwg status`, the
digest and the tick, instead of silently getting no nudge."""

import logging
from datetime import UTC, datetime, timedelta

from bot.slack_client import make_clock_client
from bot.tick import tick
from tests.bot.test_tick import add_meeting
from tests.harness import message_text

STARTS = datetime(2030, 6, 11, 12, 0, tzinfo=UTC)


def _cannot_reach(text: str) -> str:
    return next(line for line in text.splitlines() if "Cannot reach" in line)


def test_status_and_digest_name_the_organisations_nobody_known_belongs_to(bot):
    for who in ("ILO", "UNHCR", "UNODC"):
        bot.command("whoami", who=who)
    bot.command("status", who="ILO")
    line = _cannot_reach(bot.last_reply_text())
    assert "UNICEF" in line and "OHCHR" in line and "WHO" in line
    assert "ILO" not in line and "UNHCR" not in line and "UNODC" not in line

    bot.command("digest", who="UNODC")
    digest = message_text(bot.posts("UUNODC001")[-1])
    line = _cannot_reach(digest)
    assert "UNICEF" in line and "ILO" not in line


def test_the_tick_logs_whom_its_nudges_could_not_reach(bot, settings, caplog):
    add_meeting(bot.deps.engine)
    bot.command("whoami", who="ILO")
    caplog.set_level(logging.WARNING, logger="bot.tick")
    report = tick(bot.deps, make_clock_client(settings), now=STARTS - timedelta(days=14, minutes=-1))
    assert any(p["channel"] == "UILO00001" for p in bot.posts()), "ILO is nudged"
    (line,) = [n for n in report.lines if n.startswith("cannot reach")]
    assert "UNHCR" in line and "ILO" not in line.split(":")[0]
    assert "cannot reach" in caplog.text and "UNHCR" in caplog.text


def test_an_organisation_whose_people_slack_will_not_message_is_named(bot, settings):
    add_meeting(bot.deps.engine)
    bot.command("whoami", who="ILO")
    bot.slack.fail("chat.postMessage", "cannot_dm_bot", times=2)  # the nudge and the reminder
    tick(bot.deps, make_clock_client(settings), now=STARTS - timedelta(days=14, minutes=-1))
    bot.command("status", who="ILO")
    assert "ILO (nobody with a direct-message channel)" in _cannot_reach(bot.last_reply_text())
    tick(bot.deps, make_clock_client(settings), now=STARTS - timedelta(days=14, minutes=-10))
    bot.command("status", who="ILO")
    assert "ILO (" not in _cannot_reach(bot.last_reply_text()), "a message that went through clears it"
