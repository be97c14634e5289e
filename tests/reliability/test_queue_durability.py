"""What the request ledger and the queue promise, tested on real processes: a share Slack was
answered 200 for is stored exactly once, whatever is killed, stopped or redelivered meanwhile.

Each test runs ``itwg serve`` and ``itwg worker`` as subprocesses on the test database (SQLite by
default; PostgreSQL with TEST_DATABASE_URL) and prints its figures. The burst tests are slow:
``make test-all`` runs them.
"""

import json
import sqlite3
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlmodel import col, func, select

from bot.failures import DATABASE_DOWN
from bot.signing import interaction_body, signed_headers
from storage.db import read_scope
from storage.models import Initiative, RequestTask
from storage.repositories.request_tasks import RUNNING, UNFINISHED
from tests.handlers.initiative_helpers import VALID, open_share_modal
from tests.harness import SIGNING_SECRET
from tests.reliability.bursts import (
    SETTLE_SECONDS,
    Deployment,
    add_writers,
    confirmations,
    deployment,
    send_burst,
    start_burst,
    stored,
    submissions,
    unfinished,
    wait_for,
)
from tests.reliability.forms import retry_headers, state_values, submission_body

BURST = 200
# Answers after which the burst is interrupted: well into it, with sixteen deliveries in flight.
KILL_AFTER = 60


def _claimed(engine: Engine) -> int:
    """Ledger rows a worker holds right now."""
    with read_scope(engine) as session:
        return session.exec(
            select(func.count()).select_from(RequestTask).where(RequestTask.state == RUNNING)
        ).one()


def _unfinished_rows(engine: Engine) -> list[tuple]:
    with read_scope(engine) as session:
        rows = session.exec(select(RequestTask).where(col(RequestTask.state).in_(UNFINISHED)))
        return [(t.id, t.key, t.state, t.attempts, t.received_at, t.lease_until) for t in rows]


def _handed_out_again(logged: str) -> int:
    return logged.count("handing out task")


def _report(name: str, **figures) -> None:
    print(f"\n[figures] {name}: " + ", ".join(f"{key}={value}" for key, value in figures.items()))


# -- 1. SIGKILL mid-burst ---------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("killed", ["web", "worker", "both"])
def test_a_process_killed_mid_burst_loses_and_repeats_no_acknowledged_share(
    killed, served, bot, engine, slack, database_url
):
    """200 shares, 16 at a time; once 60 are answered (and a worker holds tasks), SIGKILL the web
    process, the worker or both, and start them again as the platform would. Slack redelivers what
    got no answer. Every share answered 200 is stored, none twice, and the ledger empties."""
    tag = f"kill-{killed}"
    view = open_share_modal(bot)
    items = submissions(view, add_writers(slack), BURST, tag=tag)
    with deployment(served, threads=4) as running:
        burst, sending = start_burst(running.bases, items)
        assert wait_for(lambda: burst.answered >= KILL_AFTER and _claimed(engine) > 0, 120), "no progress"
        killed_at = time.monotonic()
        port = running.kill_web() if killed in ("web", "both") else None
        if killed in ("worker", "both"):
            running.kill_worker()
        orphaned = _claimed(engine) if killed != "web" else 0  # held by the dead worker, lease running
        answered_at_kill = burst.answered
        if port is not None:
            running.restart_web(port)
        if killed != "web":
            running.start_worker()
        restarted = time.monotonic() - killed_at
        sending.join(timeout=SETTLE_SECONDS)
        assert not sending.is_alive(), "the burst never finished"
        acked = burst.acked
        settled = wait_for(
            lambda: (now := stored(engine, tag)).unfinished == 0 and acked <= set(now.titles), SETTLE_SECONDS
        )
        recovery = time.monotonic() - killed_at
        result = stored(engine, tag)
        sent = confirmations(slack)
        logged = running.output()
        leftover = _unfinished_rows(engine)
    if leftover or not acked <= set(result.titles):
        print("\n".join(["unfinished:", *map(str, leftover), "logged:", logged[-20000:]]))
    _report(
        f"kill {killed} ({make_url(database_url).get_backend_name()})",
        acked=len(acked),
        stored=sum(result.titles.values()),
        duplicates=len(result.duplicates),
        redelivered=burst.redelivered,
        found_in_ledger=logged.count("was delivered again"),
        answered_at_kill=answered_at_kill,
        orphaned=orphaned,
        handed_out_again=_handed_out_again(logged),
        rerun=result.rerun,
        confirmed_twice=sum(1 for n in sent.values() if n > 1),
        restart_s=round(restarted, 1),
        recovery_s=round(recovery, 1),
        burst_s=round(burst.seconds(), 1),
        logged_kib=len(logged) // 1024,
    )
    assert settled, f"still unfinished: {result.unfinished}; missing {sorted(acked - set(result.titles))[:5]}"
    assert result.duplicates == {}
    assert acked <= set(result.titles), "every share answered 200 is stored"
    assert set(result.titles) <= {item.title for item in items}
    # Slack's redeliveries reach the restarted web process: every share was acknowledged in the end.
    assert acked == {item.title for item in items}, {t: a for t, a in burst.answers.items() if t not in acked}
    # Each stored share was confirmed; a task run again after its worker died may repeat its message once.
    assert set(sent) >= set(result.titles)
    assert all(sent[title] <= 2 for title in result.titles), sent.most_common(3)
    assert sum(1 for title in result.titles if sent[title] == 2) <= result.rerun
    if orphaned:
        assert result.rerun >= orphaned, "what the dead worker held was carried out again"
        assert _handed_out_again(logged) >= orphaned, "the sweep handed it out"
    assert "database is locked" not in logged.lower()


# -- 2. SIGTERM after a burst, Slack slow -------------------------------------------------------------------


@pytest.mark.slow
def test_every_process_stopped_after_a_burst_leaves_the_rest_queued(served, bot, engine, slack, database_url):
    """Slack answers every call in 0.3 s, so the worker is far behind when a platform restart stops
    every process with SIGTERM right after a burst of 200 shares. Nothing is lost or abandoned: what
    the worker held it finishes, the rest waits in the ledger and the queue, and a worker started
    later carries it out, each share once, each confirmed once."""
    tag = "sigterm"
    view = open_share_modal(bot)
    items = submissions(view, add_writers(slack), BURST, tag=tag)
    slack.latency = 0.3
    # A lease far longer than a task, so that nothing here depends on the sweep.
    env = {**served, "ITWG_TASK_LEASE_SECONDS": "60"}
    with deployment(env, threads=2) as running:
        burst = send_burst(running.bases, items)
        stopping = time.monotonic()
        statuses = running.terminate_all()
        stopped_in = time.monotonic() - stopping
        left = stored(engine, tag)
        held = _claimed(engine)
        restarted = time.monotonic()
        running.worker_threads = 8
        running.start_worker()
        settled = wait_for(lambda: stored(engine, tag).unfinished == 0, SETTLE_SECONDS)
        finished_in = time.monotonic() - restarted
        result = stored(engine, tag)
        sent = confirmations(slack)
    _report(
        f"sigterm ({make_url(database_url).get_backend_name()})",
        acked=len(burst.acked),
        stored_before_stop=sum(left.titles.values()),
        waiting_after_stop=left.unfinished,
        held_after_stop=held,
        stored=sum(result.titles.values()),
        duplicates=len(result.duplicates),
        rerun=result.rerun,
        stop_s=round(stopped_in, 1),
        new_worker_s=round(finished_in, 1),
        burst_s=round(burst.seconds(), 1),
    )
    assert burst.acked == {item.title for item in items}
    assert set(statuses.values()) == {0}, statuses
    assert left.unfinished > 0, "the worker was behind when stopped (else this tests nothing)"
    assert held == 0, "a stopped worker finishes what it holds and abandons nothing"
    assert settled, f"still unfinished: {result.unfinished}"
    assert result.duplicates == {}
    assert set(result.titles) == burst.acked
    assert result.rerun == 0, "no task was run twice"
    assert {title: sent[title] for title in result.titles} == dict.fromkeys(result.titles, 1)


# -- 3. Redelivery while the database is write-locked -------------------------------------------------------

# Slack gives up on an answer after 3 s and redelivers.
SLACK_TIMEOUT = 3.0
# Held less than SQLite's busy timeout (storage.db: 15 s), and than the slowest redelivery.
SHORT_LOCK = 6.0


class WriteLock:
    """Another connection holding the database's write lock: SQLite's ``BEGIN IMMEDIATE``, or on
    PostgreSQL an exclusive lock on the ledger (rows cannot be added; reads go on)."""

    def __init__(self, database_url: str) -> None:
        url = make_url(database_url)
        self.sqlite = url.get_backend_name() == "sqlite"
        if self.sqlite:
            self.connection = sqlite3.connect(url.database, isolation_level=None, timeout=30)
            self.connection.execute("BEGIN IMMEDIATE")
        else:
            dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
            self.connection = psycopg.connect(dsn)
            self.connection.execute("LOCK TABLE request_task IN EXCLUSIVE MODE")
        self.taken = time.monotonic()

    def held_for(self) -> float:
        return time.monotonic() - self.taken

    def release(self) -> None:
        if self.sqlite:
            self.connection.execute("COMMIT")
        else:
            self.connection.commit()
        self.connection.close()


class Delivery(threading.Thread):
    def __init__(self, base: str, body: str, headers: dict[str, str]) -> None:
        super().__init__(daemon=True)
        self.args_ = (base + "/slack/events", body, headers)
        self.answer: tuple[int, bytes] | None = None
        self.at: float | None = None

    def run(self) -> None:
        url, body, headers = self.args_
        request = urllib.request.Request(url, data=body.encode(), headers=headers, method="POST")
        with urllib.request.urlopen(request, timeout=60) as response:
            self.answer = (response.status, response.read())
        self.at = time.monotonic()


def _same_trigger_again(body: str) -> str:
    """The same submission as a new body (a field added): only its trigger id says it is the same."""
    payload = json.loads(urllib.parse.parse_qs(body)["payload"][0])
    return interaction_body({**payload, "is_enterprise_install": False})


def _ledger_rows(engine: Engine, trigger: str) -> int:
    with read_scope(engine) as session:
        return session.exec(
            select(func.count())
            .select_from(RequestTask)
            .where(RequestTask.key.startswith(f"trigger:{trigger}:"))  # type: ignore[attr-defined]
        ).one()


def _stored_title(engine: Engine, title: str) -> int:
    with read_scope(engine) as session:
        return session.exec(
            select(func.count()).select_from(Initiative).where(Initiative.title == title)
        ).one()


@pytest.fixture
def locked_share(served, bot, engine, slack) -> Iterator[tuple[Deployment, str, str, str]]:
    view = open_share_modal(bot)
    trigger = f"t.locked.{time.time_ns()}"
    title = f"Shared while locked {trigger}"
    body = submission_body(view, state_values(view, {**VALID, "title": title}), who="ILO", trigger_id=trigger)
    with deployment(served, threads=2) as running:
        yield running, body, title, trigger


@pytest.mark.slow
@pytest.mark.parametrize("redelivery", ["retry-header", "same-trigger"])
def test_a_redelivery_while_the_database_is_locked_is_carried_out_once(
    redelivery, locked_share, engine, slack, database_url
):
    """The first delivery waits for the write lock; Slack gives up after 3 s and delivers again
    (the same body with X-Slack-Retry-Num, or a new body with the same trigger id); the lock goes
    after 6 s. Both deliveries are answered 200 once the ledger is written, and the share is stored
    once, confirmed once, announced once."""
    running, body, title, trigger = locked_share
    base = running.bases[0]
    again = body if redelivery == "retry-header" else _same_trigger_again(body)
    headers = (
        retry_headers(again, 1) if redelivery == "retry-header" else signed_headers(SIGNING_SECRET, again)
    )
    lock = WriteLock(database_url)
    try:
        first = Delivery(base, body, signed_headers(SIGNING_SECRET, body))
        first.start()
        first.join(timeout=SLACK_TIMEOUT)
        assert first.is_alive(), "the first delivery waits for the lock, past Slack's patience"
        second = Delivery(base, again, headers)
        second.start()
        second.join(timeout=max(SHORT_LOCK - lock.held_for(), 0))
        assert first.is_alive() and second.is_alive(), "both wait for the lock"
        assert _ledger_rows(engine, trigger) == 0
    finally:
        lock.release()
    released = time.monotonic()
    first.join(timeout=30)
    second.join(timeout=30)
    assert first.answer == (200, b"") and second.answer == (200, b"")
    settled = wait_for(lambda: unfinished(engine) == 0 and confirmations(slack)[title] >= 1, SETTLE_SECONDS)
    result = _stored_title(engine, title)
    announced = [
        c
        for c in slack.calls_to("chat.postMessage")
        if c.params.get("thread_ts") and title in json.dumps(c.params)
    ]
    _report(
        f"locked {redelivery} ({make_url(database_url).get_backend_name()})",
        lock_s=round(released - lock.taken, 1),
        answered_after_release_s=round(max(first.at or 0, second.at or 0) - released, 2),
        stored=result,
        ledger_rows=_ledger_rows(engine, trigger),
        confirmations=confirmations(slack)[title],
        announcements=len(announced),
    )
    assert settled
    assert result == 1
    assert _ledger_rows(engine, trigger) == 1
    assert confirmations(slack)[title] == 1
    assert len(announced) == 1


@pytest.mark.slow
def test_a_lock_held_past_the_busy_timeout_stores_nothing_until_a_redelivery_finds_it_free(
    locked_share, engine, slack, database_url
):
    """SQLite gives up waiting after its busy timeout (15 s). Deliveries that waited that long are
    answered with the form's "database isn't answering, nothing was saved" and leave nothing behind;
    the redelivery that comes once the lock is gone is carried out, once."""
    if make_url(database_url).get_backend_name() != "sqlite":
        pytest.skip("PostgreSQL has no busy timeout: a locked write waits for the lock (the test above)")
    running, body, title, trigger = locked_share
    base = running.bases[0]
    lock = WriteLock(database_url)
    try:
        first = Delivery(base, body, signed_headers(SIGNING_SECRET, body))
        first.start()
        first.join(timeout=SLACK_TIMEOUT)
        second = Delivery(base, body, retry_headers(body, 1))
        second.start()
        first.join(timeout=60)
        second.join(timeout=60)
        held = lock.held_for()
        assert _ledger_rows(engine, trigger) == 0
    finally:
        lock.release()
    for delivery in (first, second):
        assert delivery.answer is not None
        status, answer = delivery.answer
        assert status == 200
        assert json.loads(answer) == {"response_action": "errors", "errors": {"title": DATABASE_DOWN}}
    assert _stored_title(engine, title) == 0 and confirmations(slack)[title] == 0
    third = Delivery(base, body, retry_headers(body, 2))
    third.start()
    third.join(timeout=30)
    assert third.answer == (200, b"")
    assert wait_for(lambda: confirmations(slack)[title] >= 1, SETTLE_SECONDS)
    assert wait_for(lambda: unfinished(engine) == 0, SETTLE_SECONDS)
    _report(
        "locked past busy timeout (sqlite)",
        lock_s=round(held, 1),
        refused=2,
        stored=_stored_title(engine, title),
        confirmations=confirmations(slack)[title],
    )
    assert _stored_title(engine, title) == 1
    assert _ledger_rows(engine, trigger) == 1
    assert confirmations(slack)[title] == 1
