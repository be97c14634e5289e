"""Remembering Slack requests already handled, so retries and redeliveries change nothing."""

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from storage.models import ProcessedRequest


def claim(session: Session, *, key: str) -> bool:
    """Record ``key``; False when it was already recorded (this request is a redelivery)."""
    try:
        with session.begin_nested():
            session.add(ProcessedRequest(key=key))
            session.flush()
    except IntegrityError:
        return False
    return True


def seen(session: Session, *, key: str) -> bool:
    return session.get(ProcessedRequest, key) is not None
