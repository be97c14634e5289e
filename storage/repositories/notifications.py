"""The notification log: claims, outcomes and retries of everything the clock sends.

A row's unique ``key`` is the claim. Inserting it is how one clock says "mine"; a second insert of the
same key fails, whichever process or thread tries. Retries are claimed by a conditional UPDATE that
only one clock can win.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.models import Notification


def claimed_keys(session: Session, *, keys: Iterable[str]) -> set[str]:
    """Which of ``keys`` are already in the log, in one query."""
    keys = list(keys)
    if not keys:
        return set()
    statement = select(Notification.key).where(col(Notification.key).in_(keys))
    return set(session.exec(statement))


def claim(
    session: Session,
    *,
    key: str,
    kind: str,
    due_at: datetime,
    now: datetime,
    status: str = "claimed",
    last_error: str | None = None,
) -> Notification | None:
    """Insert ``key``; None when another clock (or an earlier tick) already holds it."""
    notification = Notification(
        key=key, kind=kind, due_at=due_at, claimed_at=now, status=status, last_error=last_error
    )
    try:
        with session.begin_nested():
            session.add(notification)
            session.flush()
    except IntegrityError:
        return None
    return notification


def find(session: Session, *, key: str) -> Notification | None:
    return session.exec(select(Notification).where(Notification.key == key)).first()


def get(session: Session, *, notification_id: int) -> Notification | None:
    return session.get(Notification, notification_id)


def save_payload(session: Session, *, notification_id: int, payload: dict[str, Any]) -> None:
    session.execute(
        update(Notification).where(col(Notification.id) == notification_id).values(payload=payload)
    )


def mark_sent(session: Session, *, notification_id: int, now: datetime) -> None:
    session.execute(
        update(Notification)
        .where(col(Notification.id) == notification_id)
        .values(status="sent", sent_at=now, next_attempt_at=None)
    )


def mark_failed(
    session: Session,
    *,
    notification_id: int,
    error: str,
    next_attempt_at: datetime | None,
    status: str = "failed",
) -> None:
    """Record a failure; ``next_attempt_at`` None means no further attempt will be made."""
    session.execute(
        update(Notification)
        .where(col(Notification.id) == notification_id)
        .values(status=status, last_error=error[:500], next_attempt_at=next_attempt_at)
    )


def retry_candidates(session: Session, *, now: datetime, limit: int = 200) -> list[Notification]:
    statement = (
        select(Notification)
        .where(
            Notification.status == "failed",
            col(Notification.next_attempt_at).is_not(None),
            col(Notification.next_attempt_at) <= now,
        )
        .order_by(col(Notification.next_attempt_at))
        .limit(limit)
    )
    return list(session.exec(statement))


def claim_retry(session: Session, *, notification_id: int, attempts: int, now: datetime) -> bool:
    """Take a failed notification for another attempt; False when another clock took it first.

    The WHERE clause repeats what the caller saw (still failed, same attempt count), so of two
    clocks issuing this UPDATE only one matches a row.
    """
    result = session.execute(
        update(Notification)
        .where(
            col(Notification.id) == notification_id,
            Notification.status == "failed",
            Notification.attempts == attempts,
        )
        .values(status="claimed", attempts=attempts + 1, claimed_at=now, next_attempt_at=None)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def stale_claims(session: Session, *, claimed_before: datetime, limit: int = 200) -> list[Notification]:
    """Claims no tick finished: still ``claimed`` long after a send takes."""
    statement = (
        select(Notification)
        .where(Notification.status == "claimed", col(Notification.claimed_at) < claimed_before)
        .order_by(col(Notification.claimed_at))
        .limit(limit)
    )
    return list(session.exec(statement))


def settle_stale_claim(
    session: Session, *, notification_id: int, status: str, error: str, next_attempt_at: datetime | None
) -> bool:
    """Move a stale claim on; False when another clock already did (the UPDATE matches once)."""
    result = session.execute(
        update(Notification)
        .where(col(Notification.id) == notification_id, Notification.status == "claimed")
        .values(status=status, last_error=error[:500], next_attempt_at=next_attempt_at)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def interrupted_since(
    session: Session, *, since: datetime | None, limit: int = 20, statuses: tuple[str, ...] = ("interrupted",)
) -> list[Notification]:
    """Notifications not known to have gone out (``interrupted``; with ``statuses``, also e.g. e-mails
    ``rejected`` for good by the mail server), newest first."""
    statement = select(Notification).where(col(Notification.status).in_(statuses))
    if since is not None:
        statement = statement.where(col(Notification.claimed_at) >= since)
    return list(session.exec(statement.order_by(col(Notification.claimed_at).desc()).limit(limit)))


def skipped_since(
    session: Session, *, since: datetime | None, limit: int = 50
) -> tuple[list[Notification], int]:
    """Notifications recorded as skipped (never sent: past their grace, e.g. after the clock was
    stopped), newest due first, with how many there are in all (one query: a window count)."""
    statement = select(Notification, func.count().over()).where(Notification.status == "skipped")
    if since is not None:
        statement = statement.where(col(Notification.due_at) >= since)
    rows = list(session.exec(statement.order_by(col(Notification.due_at).desc()).limit(limit)))
    return [row for row, _ in rows], (int(rows[0][1]) if rows else 0)


def list_all(session: Session) -> list[Notification]:
    return list(session.exec(select(Notification).order_by(col(Notification.id))))
