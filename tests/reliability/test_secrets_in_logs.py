"""Tokens and secrets never reach the logs, even at DEBUG, across a whole session of commands."""

import logging
from datetime import UTC, datetime

from bot.clock import sync_members_job, tick_job
from bot.deps import Deps
from bot.slack_client import make_clock_client
from bot.web import create_web
from tests.handlers.initiative_helpers import share
from tests.harness import BOT_TOKEN, SIGNING_SECRET

CALENDAR_SECRET = "calendar-secret-for-tests"  # as conftest's settings configure it


def test_debug_logs_of_a_session_hold_no_token_or_secret(bot, caplog):
    caplog.set_level(logging.DEBUG)
    for who, text in [
        ("ILO", "help"),
        ("ILO", "whoami"),
        ("GUEST", "join UNHCR"),
        ("UNODC", "focal-point <@UILO00001>"),
        ("ILO", "no-such-command"),
    ]:
        bot.command(text, who=who)
    bot.slack.fail("users.info", "invalid_auth")
    bot.command("whoami", who="UNICEF")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert logged, "the session logged nothing at DEBUG: the test would prove nothing"
    assert "users.info" in logged or "Sending a request" in logged
    assert BOT_TOKEN not in logged
    assert SIGNING_SECRET not in logged


def test_debug_logs_of_a_whole_cycle_with_the_clock_hold_no_token_or_secret(bot, settings, caplog):
    """Scheduling, sharing, action items, a digest, the calendar feed, and the clock's jobs sending
    reminders, follow-ups and digests (one refused by Slack) — all logged at DEBUG."""
    caplog.set_level(logging.DEBUG)
    # An in-process CLI run earlier in the session may have raised slack_sdk's own level to INFO.
    caplog.set_level(logging.DEBUG, logger="slack_sdk")
    bot.command("schedule 2030-02-20 10:00", who="UNODC")
    share(bot, who="ILO")
    bot.command("action ILO 2030-02-01 Circulate the draft", who="ILO")
    bot.command("digest", who="UNODC")
    bot.command("digest subscribe weekly monday 09:00", who="WHO")
    web = create_web(bot.app, Deps(settings=settings, engine=bot.deps.engine, now=bot.clock)).test_client()
    assert web.get(f"/calendar/{CALENDAR_SECRET}.ics").status_code == 200
    assert web.get("/healthz").status_code == 200

    deps = Deps(settings=settings, engine=bot.deps.engine, now=bot.clock)
    client = make_clock_client(settings, rate_limit_retries=1)
    sent_before = len(bot.slack.calls_to("chat.postMessage"))
    bot.slack.fail("chat.postMessage", "invalid_auth")
    for moment in [
        datetime(2030, 1, 29, 8, 1, tzinfo=UTC),
        datetime(2030, 2, 4, 8, 1, tzinfo=UTC),
        datetime(2030, 2, 6, 9, 1, tzinfo=UTC),
        datetime(2030, 2, 13, 9, 1, tzinfo=UTC),
    ]:
        bot.clock.set(moment)
        tick_job(deps, client)
    sync_members_job(deps, client)
    assert len(bot.slack.calls_to("chat.postMessage")) > sent_before + 3, "the clock sent things"

    logged = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert "tick" in logged and ("Sending a request" in logged or "chat.postMessage" in logged)
    for secret in (BOT_TOKEN, SIGNING_SECRET, CALENDAR_SECRET):
        assert secret not in logged
