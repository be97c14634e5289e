"""Meetings: the scheduled occurrences that divide the working group's year into cycles."""

from datetime import datetime

from sqlmodel import Session, col, select

from storage.models import Meeting


def last_held(session: Session, *, now: datetime) -> Meeting | None:
    """The most recent scheduled meeting that has started by ``now``."""
    statement = (
        select(Meeting)
        .where(Meeting.status == "scheduled", Meeting.starts_at <= now)
        .order_by(Meeting.starts_at.desc())  # type: ignore[union-attr]
        .limit(1)
    )
    return session.exec(statement).first()


def next_scheduled(session: Session, *, now: datetime) -> Meeting | None:
    """The next scheduled meeting that has not started yet."""
    statement = (
        select(Meeting)
        .where(Meeting.status == "scheduled", Meeting.starts_at > now)
        .order_by(Meeting.starts_at)
        .limit(1)
    )
    return session.exec(statement).first()


def get(session: Session, *, meeting_id: int) -> Meeting | None:
    return session.get(Meeting, meeting_id)


def by_request_keys(session: Session, *, request_keys: list[str]) -> list[Meeting]:
    """The meetings these requests created, in the order they start."""
    if not request_keys:
        return []
    found = select(Meeting).where(col(Meeting.request_key).in_(request_keys)).order_by(col(Meeting.starts_at))
    return list(session.exec(found))


def add(session: Session, *, meeting: Meeting) -> Meeting:
    session.add(meeting)
    session.flush()
    return meeting


def starting_between(session: Session, *, start: datetime, end: datetime) -> list[Meeting]:
    """Scheduled meetings starting in ``[start, end]``: the bounded window the clock looks at."""
    statement = (
        select(Meeting)
        .where(Meeting.status == "scheduled", Meeting.starts_at >= start, Meeting.starts_at <= end)
        .order_by(Meeting.starts_at)
    )
    return list(session.exec(statement))


def for_feed(session: Session, *, since: datetime) -> list[Meeting]:
    """Every meeting (cancelled ones too) starting at or after ``since``, for the calendar feeds."""
    statement = select(Meeting).where(Meeting.starts_at >= since).order_by(Meeting.starts_at)
    return list(session.exec(statement))


def changed_since(session: Session, *, since: datetime, starting_after: datetime) -> list[Meeting]:
    """Meetings (cancelled ones too) changed at or after ``since`` that have not started by
    ``starting_after``: the ones whose invitations may still be due."""
    statement = (
        select(Meeting)
        .where(Meeting.updated_at >= since, Meeting.starts_at > starting_after)
        .order_by(col(Meeting.updated_at), col(Meeting.id))
    )
    return list(session.exec(statement))
