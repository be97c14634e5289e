"""E-mail through ``itwg serve`` and ``itwg tick --at``, received by a real SMTP server: iMIP
invitations on scheduling, rescheduling and cancelling, and a nudge to an e-mail-only contact,
each sent once however many ticks run."""

import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot.signing import command_body, signed_headers
from storage.db import make_engine, session_scope
from storage.models import Meeting
from storage.repositories import contacts, organisations
from tests.harness import CHANNEL, PEOPLE, SIGNING_SECRET
from tests.itip import itip_errors, needs_libical
from tests.mailbox import attached_ics, calendar_part, smtp_server, text_of
from tests.serving import itwg_serve, post, serve_env

CONTACT = "ext.focal@unfpa.org"
CO_LEAD = PEOPLE["UNODC"]


@pytest.fixture
def mailbox():
    with smtp_server() as server:
        yield server


@pytest.fixture
def env(database_url, slack, mailbox):
    environment = serve_env(slack_api_url=slack.api_url, database_url=database_url) | {
        "ITWG_SMTP_URL": mailbox.url,
        "ITWG_MAIL_FROM": "itwg-bot@unodc.org",
        "ITWG_ORGANIZER_EMAIL": "itwg-secretariat@unodc.org",
    }
    subprocess.run([sys.executable, "-m", "bot", "migrate"], env=environment, check=True, capture_output=True)
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        unfpa = organisations.find_by_acronym(session, text="UNFPA")
        contacts.add(
            session,
            organisation_id=unfpa.id,
            name="Fatima External",
            email=CONTACT,
            is_focal_point=True,
            created_by_person_id=None,
        )
    engine.dispose()
    return environment


def _command(base: str, slack, text: str) -> None:
    replies = len(slack.calls_to("response_url"))
    body = command_body(
        {
            "command": "/itwg",
            "text": text,
            "user_id": CO_LEAD.id,
            "team_id": "T0ITWG",
            "channel_id": CHANNEL,
            "trigger_id": f"t.{time.time_ns()}",
            "response_url": slack.response_url(),
        }
    )
    assert post(base + "/slack/events", body, signed_headers(SIGNING_SECRET, body))[0] == 200
    deadline = time.time() + 30
    while len(slack.calls_to("response_url")) <= replies and time.time() < deadline:
        time.sleep(0.05)
    assert len(slack.calls_to("response_url")) > replies, f"no reply to /itwg {text}"


def _tick(env, at: datetime) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "tick", "--at", at.isoformat()],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def _ticks(env, at: datetime, *, at_once: int = 1) -> None:
    processes = [_tick(env, at) for _ in range(at_once)]
    for process in processes:
        output, _ = process.communicate(timeout=60)
        assert process.returncode == 0, output.decode()


def _invitations(mailbox, address: str) -> list[tuple[str, str, int]]:
    found = []
    for message in mailbox.to(address):
        if message.get_content_type() != "multipart/mixed":
            continue
        method, calendar = calendar_part(message)
        [event] = calendar.walk("VEVENT")
        assert str(calendar["METHOD"]) == method
        [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
        assert attached_ics(message) == part.get_content().encode(), "the same file, attached"
        found.append((method, str(event["UID"]), int(event["SEQUENCE"])))
    return found


@needs_libical
@pytest.mark.slow
def test_invitations_updates_cancellations_and_a_nudge_reach_the_mailbox_once(
    env, slack, mailbox, database_url
):
    soon = lambda: datetime.now(UTC) + timedelta(minutes=1)  # noqa: E731 (the services stamp changes with the real clock)
    with itwg_serve(env) as (base, _process, _logged):
        _command(base, slack, "schedule 2030-06-11 14:00 Europe/Vienna")
        _ticks(env, soon())
        _ticks(env, soon())
        engine = make_engine(database_url)
        with session_scope(engine) as session:
            [meeting] = session.exec(select(Meeting)).all()
            uid, number = meeting.uid, meeting.id
        engine.dispose()
        for address in (CONTACT, CO_LEAD.email):
            assert _invitations(mailbox, address) == [("REQUEST", uid, 0)], address

        _command(base, slack, f"reschedule {number} 2030-06-12 14:00")
        _ticks(env, soon(), at_once=2)
        assert _invitations(mailbox, CONTACT) == [("REQUEST", uid, 0), ("REQUEST", uid, 1)]

        # Fourteen days ahead, UNFPA has shared nothing: its e-mail-only focal point gets a nudge.
        _ticks(env, datetime(2030, 5, 29, 12, 0, tzinfo=UTC), at_once=2)
        _ticks(env, datetime(2030, 5, 29, 12, 0, tzinfo=UTC))
        nudges = [m for m in mailbox.to(CONTACT) if "has not shared" in m["Subject"]]
        assert len(nudges) == 1
        assert "http://localhost:3000/share/" in text_of(nudges[0])
        assert "/unsubscribe/" in text_of(nudges[0])
        assert not [m for m in mailbox.to(CO_LEAD.email) if "has not shared" in m["Subject"]], "on Slack"

        _command(base, slack, f"cancel {number}")
        _ticks(env, soon(), at_once=2)
        _ticks(env, soon())
    assert _invitations(mailbox, CONTACT) == [("REQUEST", uid, 0), ("REQUEST", uid, 1), ("CANCEL", uid, 2)]
    assert _invitations(mailbox, CO_LEAD.email)[-1] == ("CANCEL", uid, 2)
    for message in mailbox.to(CONTACT):
        if message.get_content_type() == "multipart/mixed":
            [alternative, _attachment] = message.iter_parts()
            assert [p.get_content_type() for p in alternative.iter_parts()] == ["text/plain", "text/calendar"]
        assert message["Reply-To"] == "itwg-secretariat@unodc.org"
        assert message["List-Unsubscribe"]
        if message.get_content_type() == "multipart/mixed":
            assert itip_errors(attached_ics(message)) == []
