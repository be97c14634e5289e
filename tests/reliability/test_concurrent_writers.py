"""Sixteen people sharing at once, fifty times each, as every process takes them: the app answers on
sixteen threads once each submission is in the request ledger and the queue, and a worker's threads
store them concurrently. Every share is stored whole, once, and the database never reports itself
locked."""

import logging
import threading

import pytest
from slack_bolt import BoltRequest
from sqlalchemy import func
from sqlmodel import select

from bot.app import create_app, work_queue_of
from bot.deps import Deps
from bot.local_slack import SlackUser
from bot.queue import make_huey, prepare
from bot.signing import signed_headers
from storage.db import session_scope
from storage.models import AuditEntry, Initiative, InitiativeTag
from tests.consumers import running_consumer, wait_until_drained
from tests.handlers.initiative_helpers import VALID, open_share_modal
from tests.harness import SIGNING_SECRET
from tests.reliability.forms import state_values, submission_body

WRITERS = 16
SUBMISSIONS = 50
TOTAL = WRITERS * SUBMISSIONS
# Member organisations' email domains: each writer is mapped to one on first contact.
DOMAINS = ["ilo.org", "unhcr.org", "unicef.org", "iom.int", "undp.org", "unesco.org", "unfpa.org", "who.int"]


def _stored(engine) -> tuple[int, int, int]:
    """Initiatives, their share audit rows, and initiatives with tags: equal when nothing is half-done."""
    with session_scope(engine) as session:
        initiatives = session.exec(select(func.count()).select_from(Initiative)).one()
        audits = session.exec(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "initiative.share")
        ).one()
        tagged = session.exec(select(func.count(func.distinct(InitiativeTag.initiative_id)))).one()
    return initiatives, audits, tagged


@pytest.mark.slow
def test_sixteen_concurrent_writers_store_all_800_shares(
    bot, settings, engine, slack, client, caplog, tmp_path
):
    caplog.set_level(logging.WARNING)
    view = open_share_modal(bot)  # the real modal, as the bot opens it
    writers = [
        slack.add_user(
            SlackUser(id=f"UWRITER{n:02d}", name=f"Writer {n}", email=f"w{n}@{DOMAINS[n % len(DOMAINS)]}")
        )
        for n in range(WRITERS)
    ]
    deps = Deps(settings=settings, engine=engine, now=bot.clock)
    queued = settings.model_copy(update={"itwg_queue_url": f"sqlite:///{tmp_path / 'queue.db'}"})
    huey = make_huey(queued)
    prepare(huey)
    app = create_app(queued, client, huey=huey, deps=deps)
    queue = work_queue_of(app)
    answers: list[tuple[int, str]] = []
    failures: list[BaseException] = []
    start = threading.Barrier(WRITERS)

    def writer(user: SlackUser) -> None:
        try:
            start.wait()
            for n in range(SUBMISSIONS):
                values = state_values(view, {**VALID, "title": f"{user.name} initiative {n}"})
                body = submission_body(view, values, who=user, trigger_id=f"t.{user.id}.{n}")
                response = app.dispatch(BoltRequest(body=body, headers=signed_headers(SIGNING_SECRET, body)))
                answers.append((response.status, response.body or ""))
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=writer, args=(user,)) for user in writers]
    with running_consumer(queue, workers=8):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        wait_until_drained(queue, seconds=180)

    assert failures == []
    assert _stored(engine) == (TOTAL, TOTAL, TOTAL)
    # Every submission was answered at once, with nothing to correct.
    assert answers == [(200, "")] * TOTAL
    assert queue.backlog()["unfinished"] == 0
    with session_scope(engine) as session:
        titles = set(session.exec(select(Initiative.title)))
    assert titles == {f"{user.name} initiative {n}" for user in writers for n in range(SUBMISSIONS)}
    assert len(slack.calls_to("views.publish")) == TOTAL
    logged = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert "database is locked" not in logged.lower()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], logged
