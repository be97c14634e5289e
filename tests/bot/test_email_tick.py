"""E-mail in the tick: invitations claimed before they are sent, temporary failures retried with
backoff, permanent refusals recorded once, and nothing at all when e-mail is not configured."""

from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import SecretStr
from sqlmodel import select

from bot.deps import Deps
from bot.tick import tick
from storage.db import session_scope
from storage.models import ActionItem, Meeting, Notification
from storage.repositories import contacts, organisations, people
from tests.mailbox import calendar_part, smtp_server, text_of

NOW = datetime(2030, 1, 15, 9, 0, tzinfo=UTC)
ADDRESS = "outside@unfpa.org"


@pytest.fixture
def mailbox():
    with smtp_server() as server:
        yield server


@pytest.fixture
def mail_deps(deps, mailbox):
    settings = deps.settings.model_copy(
        update={"itwg_smtp_url": SecretStr(mailbox.url), "itwg_mail_from": "itwg-bot@unodc.org"}
    )
    with session_scope(deps.engine) as session:
        unfpa = organisations.find_by_acronym(session, text="UNFPA")
        contacts.add(
            session,
            organisation_id=unfpa.id,
            name="Out Side",
            email=ADDRESS,
            is_focal_point=False,
            created_by_person_id=None,
        )
        session.add(
            Meeting(
                uid="m@test",
                starts_at=datetime(2030, 6, 11, 12, tzinfo=UTC),
                timezone="Europe/Vienna",
                created_at=NOW,
                updated_at=NOW,
            )
        )
    return Deps(settings=settings, engine=deps.engine, now=lambda: NOW)


def _rows(engine) -> list[Notification]:
    with session_scope(engine) as session:
        return list(session.exec(select(Notification).where(Notification.kind == "email-invitation")))


def test_an_invitation_is_sent_once_whatever_ticks_again(mail_deps, client, mailbox):
    report = tick(mail_deps, client, now=NOW + timedelta(minutes=1))
    assert report.sent == [f"invite:m@test:0:mailto:{ADDRESS}"]
    tick(mail_deps, client, now=NOW + timedelta(minutes=2))
    [message] = mailbox.to(ADDRESS)
    method, calendar = calendar_part(message)
    assert method == "REQUEST" and str(calendar.walk("VEVENT")[0]["UID"]) == "m@test"


def test_a_temporary_failure_is_retried_with_backoff_and_sent_once(mail_deps, client, mailbox):
    mailbox.refuse[ADDRESS] = "451 4.3.0 try again later"
    report = tick(mail_deps, client, now=NOW + timedelta(minutes=1))
    assert report.failed and not mailbox.messages
    [row] = _rows(mail_deps.engine)
    assert row.status == "failed" and row.next_attempt_at == NOW + timedelta(minutes=3)
    del mailbox.refuse[ADDRESS]
    tick(mail_deps, client, now=NOW + timedelta(minutes=2))
    assert not mailbox.messages, "not before its retry time"
    tick(mail_deps, client, now=NOW + timedelta(minutes=3))
    tick(mail_deps, client, now=NOW + timedelta(minutes=20))
    assert len(mailbox.to(ADDRESS)) == 1
    assert [r.status for r in _rows(mail_deps.engine)] == ["sent"]


def test_an_email_whose_answer_was_lost_is_recorded_interrupted_and_never_sent_again(
    mail_deps, client, mailbox
):
    """The server kept the message but the connection dropped before its answer: it may have been
    delivered, so it is not sent again; the digest lists it as not known to have gone out."""
    mailbox.drop_answers = 1
    report = tick(mail_deps, client, now=NOW + timedelta(minutes=1))
    assert report.interrupted == [f"invite:m@test:0:mailto:{ADDRESS}"]
    for minutes in (3, 10, 30, 120):
        tick(mail_deps, client, now=NOW + timedelta(minutes=minutes))
    assert len(mailbox.to(ADDRESS)) == 1
    [row] = _rows(mail_deps.engine)
    assert row.status == "interrupted" and "mail server" in row.last_error


def test_a_permanent_refusal_is_recorded_and_never_retried(mail_deps, client, mailbox):
    mailbox.refuse[ADDRESS] = "550 5.1.1 no such mailbox"
    tick(mail_deps, client, now=NOW + timedelta(minutes=1))
    del mailbox.refuse[ADDRESS]
    tick(mail_deps, client, now=NOW + timedelta(hours=3))
    assert not mailbox.messages
    [row] = _rows(mail_deps.engine)
    assert row.status == "rejected" and row.next_attempt_at is None and "550" in row.last_error


def test_without_smtp_settings_nothing_is_emailed(deps, mail_deps, client, mailbox):
    off = Deps(settings=deps.settings, engine=deps.engine, now=lambda: NOW)
    report = tick(off, client, now=NOW + timedelta(minutes=1))
    assert report.sent == [] and not mailbox.messages and _rows(deps.engine) == []


def test_contacts_outside_slack_get_reminders_and_followups_by_email_unless_they_opted_out(
    mail_deps, client, mailbox
):
    with session_scope(mail_deps.engine) as session:
        unfpa = organisations.find_by_acronym(session, text="UNFPA")
        contacts.add(
            session,
            organisation_id=unfpa.id,
            name="Opted Out",
            email="gone@unfpa.org",
            is_focal_point=False,
            created_by_person_id=None,
        )
        contacts.opt_out(session, email="gone@unfpa.org", now=NOW)
        session.add(
            ActionItem(title="Send the mapping", owner_organisation_id=unfpa.id, due_date=date(2030, 6, 13))
        )
    # A day before the meeting, and three days before the item is due (past 09:00 in Vienna).
    tick(mail_deps, client, now=datetime(2030, 6, 10, 12, tzinfo=UTC))
    tick(mail_deps, client, now=datetime(2030, 6, 10, 12, 1, tzinfo=UTC))
    received = {m["Subject"]: text_of(m) for m in mailbox.to(ADDRESS)}
    assert sorted(received) == [
        "ITWG action item #1 is due soon: Send the mapping",
        "ITWG meeting in 1 day: Tue 11 Jun 2030, 14:00 Europe/Vienna",
    ]
    assert "#1 Send the mapping" in received["ITWG action item #1 is due soon: Send the mapping"]
    assert mailbox.to("gone@unfpa.org") == []


def test_no_invitation_goes_to_an_address_that_opted_out(mail_deps, client, mailbox):
    with session_scope(mail_deps.engine) as session:
        contacts.opt_out(session, email=ADDRESS, now=NOW)
    report = tick(mail_deps, client, now=NOW + timedelta(minutes=1))
    assert report.sent == [] and mailbox.messages == []


def test_nobody_of_a_retired_organisation_is_emailed(mail_deps, client, mailbox):
    with session_scope(mail_deps.engine) as session:
        unfpa = organisations.find_by_acronym(session, text="UNFPA")
        ilo = organisations.find_by_acronym(session, text="ILO")
        for organisation, email in ((unfpa, "slack@unfpa.org"), (ilo, "slack@ilo.org")):
            people.create(
                session,
                slack_user_id=f"U{organisation.acronym}9",
                slack_team_id="T1",
                display_name=email,
                email=email,
                timezone=None,
                organisation_id=organisation.id,
            )
        session.add(
            ActionItem(title="Send the mapping", owner_organisation_id=unfpa.id, due_date=date(2030, 6, 13))
        )
        unfpa.retired_at = NOW
        session.add(unfpa)
    for now in (
        NOW + timedelta(minutes=1),  # invitations
        datetime(2030, 5, 28, 12, 1, tzinfo=UTC),  # sharing nudges
        datetime(2030, 6, 10, 12, tzinfo=UTC),  # reminders and follow-ups
        datetime(2030, 6, 10, 12, 1, tzinfo=UTC),
    ):
        tick(mail_deps, client, now=now)
    assert mailbox.to(ADDRESS) == [] and mailbox.to("slack@unfpa.org") == []
    assert mailbox.to("slack@ilo.org"), "others are still invited"
