"""The request ledger's lease: a task is claimed once, and what a dead worker held is claimable by
the message the sweep hands out for it."""

from datetime import UTC, datetime, timedelta

from storage.db import session_scope
from storage.repositories import request_tasks

LEASE = timedelta(seconds=3)
NOW = datetime(2030, 1, 15, 9, 0, tzinfo=UTC)


def _record(engine, key: str = "trigger:t.1:save_form") -> int:
    with session_scope(engine) as session:
        task_id = request_tasks.record(
            session, key=key, function="save_form", body="{}", headers={}, context={}, now=NOW, lease=LEASE
        )
    assert task_id is not None
    return task_id


def _claim(engine, task_id: int, now: datetime) -> bool:
    with session_scope(engine) as session:
        return request_tasks.claim(session, task_id=task_id, now=now, lease=LEASE) is not None


def _due(engine, now: datetime) -> list[int]:
    with session_scope(engine) as session:
        return request_tasks.due_again(session, now=now, lease=LEASE)


def test_a_redelivered_request_is_recorded_once(engine):
    _record(engine)
    with session_scope(engine) as session:
        again = request_tasks.record(
            session,
            key="trigger:t.1:save_form",
            function="save_form",
            body="{}",
            headers={},
            context={},
            now=NOW,
            lease=LEASE,
        )
    assert again is None


def test_a_task_is_claimed_once_while_its_worker_holds_it(engine):
    task_id = _record(engine)
    assert _claim(engine, task_id, NOW)
    assert not _claim(engine, task_id, NOW + timedelta(seconds=1))
    assert _due(engine, NOW + timedelta(seconds=1)) == []


def test_what_a_dead_worker_held_is_claimed_by_the_message_the_sweep_hands_out(engine):
    task_id = _record(engine)
    assert _claim(engine, task_id, NOW)  # then its worker is killed
    swept_at = NOW + LEASE + timedelta(seconds=1)
    assert _due(engine, swept_at) == [task_id]
    # The sweep's message is taken at once, by an idle worker: it must not wait out another lease.
    assert _claim(engine, task_id, swept_at + timedelta(milliseconds=5))
    assert _due(engine, swept_at + timedelta(seconds=1)) == [], "claimed again, under a new lease"
    assert not _claim(engine, task_id, swept_at + timedelta(seconds=1))


def test_a_finished_task_is_never_handed_out_or_claimed_again(engine):
    task_id = _record(engine)
    assert _claim(engine, task_id, NOW)
    with session_scope(engine) as session:
        request_tasks.finish(session, task_id=task_id, now=NOW + timedelta(seconds=1))
    later = NOW + timedelta(minutes=5)
    assert _due(engine, later) == []
    assert not _claim(engine, task_id, later)


def test_while_the_queue_holds_messages_only_what_a_dead_worker_held_is_handed_out_again(engine):
    waiting = _record(engine, "trigger:t.waiting:save_form")
    held = _record(engine, "trigger:t.held:save_form")
    assert _claim(engine, held, NOW)  # then its worker is killed
    later = NOW + LEASE + timedelta(seconds=1)
    with session_scope(engine) as session:
        assert request_tasks.due_again(session, now=later, lease=LEASE, queued=False) == [held]
    assert _due(engine, later) == [waiting], "once the queue is empty, a lost message is made good"
