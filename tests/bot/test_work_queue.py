"""The queue under the request path, on each backend it can use: a command acknowledged by one app is
carried out by a consumer, once; what a dead worker held is handed out again by the sweep; Slack's
redeliveries change nothing."""

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from slack_bolt import App
from sqlmodel import select

from bot.app import create_app, work_queue_of
from bot.deps import Deps
from bot.queue import make_huey, prepare, queue_url
from bot.settings import Settings
from bot.signing import command_body, signed_headers
from bot.work_queue import WorkQueue
from storage.db import session_scope
from storage.models import RequestTask
from storage.repositories import request_tasks
from tests.consumers import running_consumer, wait_until_drained
from tests.harness import CHANNEL, SIGNING_SECRET

# A Redis database picked by this test process's id, so test runs side by side seldom share one.
REDIS_URL = f"redis://127.0.0.1:6379/{1 + os.getpid() % 15}"


def test_the_queue_lives_beside_sqlite_in_postgresql_or_where_configured():
    sqlite = Settings(_env_file=None, database_url="sqlite:////srv/itwg/itwg.db")
    assert queue_url(sqlite) == "sqlite:////srv/itwg/itwg-queue.db"
    postgres = Settings(_env_file=None, database_url="postgres://itwg:pw@db.internal:5432/itwg")
    assert queue_url(postgres) == "postgresql://itwg:pw@db.internal:5432/itwg"
    explicit = postgres.model_copy(update={"itwg_queue_url": REDIS_URL})
    assert queue_url(explicit) == REDIS_URL


def _backends() -> list[str]:
    backends = ["sqlite", "redis"]
    if os.environ.get("TEST_DATABASE_URL"):
        backends.append("postgresql")
    return backends


@pytest.fixture(params=_backends())
def queued_app(request, settings, engine, client, tmp_path) -> Iterator[App]:
    """The app with a real queue: a SQLite file, a Redis database, or the PostgreSQL database."""
    url = {
        "sqlite": f"sqlite:///{tmp_path / 'queue.db'}",
        "redis": REDIS_URL,
        "postgresql": settings.database_url,
    }[request.param]
    configured = settings.model_copy(update={"itwg_queue_url": url, "itwg_task_lease_seconds": 2})
    huey = make_huey(configured)
    prepare(huey)
    huey.flush()
    app = create_app(configured, client, huey=huey, deps=Deps(settings=configured, engine=engine))
    yield app
    huey.flush()


def _whoami(slack, trigger_id: str | None = None) -> tuple[str, dict[str, str]]:
    body = command_body(
        {
            "command": "/itwg",
            "text": "whoami",
            "user_id": "UILO00001",
            "team_id": "T0ITWG",
            "channel_id": CHANNEL,
            "trigger_id": trigger_id or f"t.{uuid.uuid4().hex}",
            "response_url": slack.response_url(),
        }
    )
    return body, signed_headers(SIGNING_SECRET, body)


def _dispatch(app: App, body: str, headers: dict[str, str]):
    from slack_bolt import BoltRequest

    return app.dispatch(BoltRequest(body=body, headers=headers))


def _run_consumer(queue: WorkQueue) -> None:
    with running_consumer(queue):
        wait_until_drained(queue)


def _ledger(engine) -> list[RequestTask]:
    with session_scope(engine) as session:
        return list(session.exec(select(RequestTask)))


def test_an_acknowledged_command_waits_in_the_queue_until_a_worker_carries_it_out(queued_app, slack, engine):
    queue = work_queue_of(queued_app)
    response = _dispatch(queued_app, *_whoami(slack))
    assert (response.status, response.body) == (200, "")
    assert slack.calls_to("response_url") == [], "the web side does none of the work"
    assert queue.backlog()["unfinished"] == 1 and queue.huey.pending_count() == 1

    _run_consumer(queue)
    [reply] = slack.calls_to("response_url")
    assert "Ike Focal" in reply.params["text"]
    [task] = _ledger(engine)
    assert task.state == "done" and task.body == "", "a finished task keeps only its key"
    assert queue.backlog()["unfinished"] == 0


def test_a_redelivered_request_is_queued_and_carried_out_once(queued_app, slack, engine):
    queue = work_queue_of(queued_app)
    body, headers = _whoami(slack, trigger_id="t.redelivered")
    assert _dispatch(queued_app, body, headers).status == 200
    retried = {**headers, "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout"}
    assert _dispatch(queued_app, body, retried).status == 200
    assert len(_ledger(engine)) == 1 and queue.huey.pending_count() == 1
    _run_consumer(queue)
    assert len(slack.calls_to("response_url")) == 1


def test_what_a_dead_worker_held_is_handed_out_again_by_the_sweep_and_done_once(queued_app, slack, engine):
    queue = work_queue_of(queued_app)
    _dispatch(queued_app, *_whoami(slack))
    [task] = _ledger(engine)
    # A worker took the message and claimed the row, then died: the queue is empty, the row running.
    queue.huey.flush()
    with session_scope(engine) as session:
        claimed = request_tasks.claim(
            session, task_id=task.id, now=datetime.now(UTC) - timedelta(seconds=5), lease=queue.lease
        )
    assert claimed is not None
    assert queue.sweep() == 1, "its lease ran out, so the sweep hands it out again"
    assert queue.sweep() == 0, "once per lease"
    _run_consumer(queue)
    assert len(slack.calls_to("response_url")) == 1
    [task] = _ledger(engine)
    assert (task.state, task.attempts) == ("done", 2)


def test_a_task_handed_out_twice_is_carried_out_once(queued_app, slack, engine):
    queue = work_queue_of(queued_app)
    _dispatch(queued_app, *_whoami(slack))
    [task] = _ledger(engine)
    queue.carry_out_task(task.id)  # the same row on the queue a second time
    assert queue.huey.pending_count() == 2
    _run_consumer(queue)
    assert len(slack.calls_to("response_url")) == 1


def test_a_socket_mode_request_goes_through_the_ledger_like_an_http_one(bot, slack, engine):
    """Socket Mode delivers payloads already parsed and unsigned; the ledger keeps them as JSON."""
    from slack_bolt import BoltRequest

    body = {
        "command": "/itwg",
        "text": "whoami",
        "user_id": "UILO00001",
        "team_id": "T0ITWG",
        "channel_id": CHANNEL,
        "trigger_id": "t.socket",
        "response_url": slack.response_url(),
    }
    response = bot.app.dispatch(BoltRequest(body=body, mode="socket_mode"))
    assert response.status == 200
    [reply] = slack.calls_to("response_url")
    assert "Ike Focal" in reply.params["text"]
    [task] = _ledger(engine)
    assert (task.key, task.state) == ("trigger:t.socket:run_subcommand", "done")


def test_a_lazy_part_asked_for_over_http_is_refused(bot, slack):
    """Only the queue may ask Bolt for a lazy part alone: a replayed request with Bolt's lazy headers
    added would otherwise run its work again, outside the ledger."""
    body, headers = _whoami(slack)
    lazy = {**headers, "x-slack-bolt-lazy-only": "1", "x-slack-bolt-lazy-function-name": "run_subcommand"}
    assert _dispatch(bot.app, body, lazy).status == 401
    assert slack.calls_to("response_url") == []
