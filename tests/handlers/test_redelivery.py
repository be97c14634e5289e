"""Slack's retries and duplicate deliveries are answered with 200 and change nothing."""

from sqlmodel import select

from bot.signing import command_body, signed_headers
from storage.db import session_scope
from storage.models import AuditEntry
from tests.harness import CHANNEL, SIGNING_SECRET


def test_retried_command_is_handled_once(bot):
    body = command_body(
        {
            "command": "/itwg",
            "text": "join UNHCR",
            "user_id": "UGUEST001",
            "team_id": "TOTHER",
            "channel_id": CHANNEL,
            "trigger_id": "trigger.join.1",
            "response_url": bot.slack.response_url(),
        }
    )
    assert bot.dispatch(body).status == 200
    retry = signed_headers(SIGNING_SECRET, body)
    retry["x-slack-retry-num"] = "1"
    retry["x-slack-retry-reason"] = "http_timeout"
    assert bot.dispatch(body, retry).status == 200
    assert len(bot.replies()) == 1
    with session_scope(bot.deps.engine) as session:
        joins = session.exec(select(AuditEntry).where(AuditEntry.action == "join_request.create")).all()
    assert len(joins) == 1
