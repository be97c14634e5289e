"""Meetings: the scheduled occurrences that divide the working group's year into cycles."""

from datetime import datetime

from sqlmodel import Session, select

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
