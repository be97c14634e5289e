"""Tokens and secrets never reach the logs, even at DEBUG, across a whole session of commands."""

import logging

from tests.harness import BOT_TOKEN, SIGNING_SECRET


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
