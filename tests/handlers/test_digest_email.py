"""``/itwg digest subscribe weekly email``: the co-leads' digest by e-mail, listing e-mails the mail
server refused for good."""

from datetime import UTC, datetime

import pytest
from pydantic import SecretStr

from bot.tick import tick
from storage.db import session_scope
from storage.models import Notification
from storage.repositories import contacts
from tests.harness import PEOPLE
from tests.mailbox import smtp_server, text_of


@pytest.fixture
def mailbox():
    with smtp_server() as server:
        yield server


@pytest.fixture
def settings(settings, mailbox):
    return settings.model_copy(
        update={"itwg_smtp_url": SecretStr(mailbox.url), "itwg_mail_from": "itwg-bot@unodc.org"}
    )


def test_a_co_lead_gets_the_digest_by_email_with_refused_emails_listed(bot, client, mailbox):
    bot.command("digest subscribe weekly monday 09:00 email", who="UNODC")
    assert "by e-mail to uma.lead@unodc.org" in bot.last_reply_text()
    with session_scope(bot.deps.engine) as session:
        session.add(
            Notification(
                key="invite:m@test:0:mailto:typo@unfpa.orgg",
                kind="email-invitation",
                status="rejected",
                last_error="550 no such domain",
                due_at=datetime(2030, 1, 16, tzinfo=UTC),
                claimed_at=datetime(2030, 1, 16, tzinfo=UTC),
            )
        )
    report = tick(bot.deps, client, now=datetime(2030, 1, 21, 8, 5, tzinfo=UTC))  # Monday 09:05 in Vienna
    assert len(report.sent) == 1 and report.sent[0].startswith("digest:")
    [message] = mailbox.to(PEOPLE["UNODC"].email)
    assert message["Subject"] == "ITWG status digest, 21 Jan 2030"
    text = text_of(message)
    assert "E-mails refused by the mail server" in text and "typo@unfpa.orgg: 550 no such domain" in text
    assert not [c for c in bot.slack.calls_to("chat.postMessage") if "digest" in str(c.params).lower()]


def test_unsubscribing_ends_the_emailed_digest(bot, client, mailbox):
    bot.command("digest subscribe weekly email", who="UNODC")
    bot.command("digest unsubscribe", who="UNODC")
    assert "no longer receive" in bot.last_reply_text()
    tick(bot.deps, client, now=datetime(2030, 1, 21, 8, 5, tzinfo=UTC))
    assert mailbox.messages == []


def test_after_the_unsubscribe_link_the_digest_comes_as_a_direct_message_again(bot, client, mailbox):
    bot.command("digest subscribe weekly email", who="UNODC")
    with session_scope(bot.deps.engine) as session:
        contacts.opt_out(session, email=PEOPLE["UNODC"].email, now=bot.deps.now())
    report = tick(bot.deps, client, now=datetime(2030, 1, 21, 8, 5, tzinfo=UTC))
    assert len(report.sent) == 1 and mailbox.messages == []
    [dm] = [
        c for c in bot.slack.calls_to("chat.postMessage") if c.params.get("channel") == PEOPLE["UNODC"].id
    ]
    assert "digest" in str(dm.params).lower()


def test_a_co_lead_who_stopped_email_is_told_so_instead_of_promised_an_emailed_digest(bot):
    bot.command("email off", who="UNODC")
    bot.command("digest subscribe weekly email", who="UNODC")
    assert "You stopped e-mail from the bot to uma.lead@unodc.org" in bot.last_reply_text()
    assert "by e-mail" not in bot.last_reply_text()
    bot.command("digest unsubscribe", who="UNODC")
    assert "You had no digest subscription" in bot.last_reply_text()
    bot.command("email on", who="UNODC")
    bot.command("digest subscribe weekly email", who="UNODC")
    assert "by e-mail to uma.lead@unodc.org" in bot.last_reply_text()
