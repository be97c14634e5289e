"""The request ledger: acknowledged Slack work, claimed by workers with a lease until done."""

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from storage.models import RequestTask

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
UNFINISHED = (QUEUED, RUNNING)


def record(
    session: Session,
    *,
    key: str,
    function: str,
    body: str,
    headers: dict[str, list[str]],
    context: dict[str, Any],
    now: datetime,
    lease: timedelta,
) -> int | None:
    """Write one request's lazy part; None when ``key`` is already there (a redelivery)."""
    task = RequestTask(
        key=key,
        function=function,
        body=body,
        headers=headers,
        context=context,
        received_at=now,
        lease_until=now + lease,
    )
    try:
        with session.begin_nested():
            session.add(task)
            session.flush()
    except IntegrityError:
        return None
    return task.id


def claim(session: Session, *, task_id: int, now: datetime, lease: timedelta) -> RequestTask | None:
    """Take the task for this worker: queued, or running under a lease that ran out (its worker died).

    One conditional update, so of two workers handed the same task only one gets it.
    """
    taken = session.execute(
        update(RequestTask)
        .where(
            col(RequestTask.id) == task_id,
            or_(
                col(RequestTask.state) == QUEUED,
                (col(RequestTask.state) == RUNNING) & (col(RequestTask.lease_until) < now),
            ),
        )
        .values(state=RUNNING, attempts=RequestTask.attempts + 1, lease_until=now + lease)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return session.get(RequestTask, task_id)


def finish(session: Session, *, task_id: int, now: datetime, state: str = DONE) -> None:
    """Mark the task done (or failed) and forget what the request said; its key stays for redeliveries."""
    session.execute(
        update(RequestTask)
        .where(col(RequestTask.id) == task_id)
        .values(state=state, finished_at=now, body="", headers={}, context={})
    )


def postpone(session: Session, *, task_id: int, until: datetime) -> None:
    """Put a claimed task back in the queue, to be carried out again at ``until`` (a job that asked to
    be tried later); what it carries is kept. The sweep hands it out too, once ``until`` has passed."""
    session.execute(
        update(RequestTask)
        .where(col(RequestTask.id) == task_id, col(RequestTask.state) == RUNNING)
        .values(state=QUEUED, lease_until=until)
    )


def due_again(
    session: Session, *, now: datetime, lease: timedelta, queued: bool = True, limit: int = 500
) -> list[int]:
    """Unfinished tasks whose lease ran out: taken by a worker that died, and (with ``queued``) never
    taken, which the queue may have lost. Each is put back in the queued state with its lease renewed,
    so it is handed out again once per lease, and the message handed out can claim it at once: a task
    left running under the renewed lease could only be claimed once that ran out too, which a worker
    with nothing else to do never waits for."""
    states = UNFINISHED if queued else (RUNNING,)
    ids = list(
        session.exec(
            select(RequestTask.id)
            .where(col(RequestTask.state).in_(states), col(RequestTask.lease_until) < now)
            .order_by(col(RequestTask.id))
            .limit(limit)
        )
    )
    if ids:
        session.execute(
            update(RequestTask)
            .where(col(RequestTask.id).in_(ids), col(RequestTask.state).in_(states))
            .values(state=QUEUED, lease_until=now + lease)
        )
    return [task_id for task_id in ids if task_id is not None]


def forget_finished(session: Session, *, before: datetime) -> int:
    """Drop finished tasks older than ``before``; Slack redelivers within minutes, never days later."""
    result = session.execute(
        delete(RequestTask).where(
            col(RequestTask.state).in_((DONE, FAILED)), col(RequestTask.finished_at) < before
        )
    )
    return result.rowcount or 0  # type: ignore[attr-defined]


def backlog(session: Session) -> tuple[int, datetime | None]:
    """How many tasks are unfinished, and when the oldest of them was received."""
    count, oldest = session.execute(
        select(func.count(), func.min(RequestTask.received_at)).where(col(RequestTask.state).in_(UNFINISHED))
    ).one()
    return int(count), oldest
