"""Which digest subscriptions are delivered by e-mail (a row each) rather than by direct message."""

from collections.abc import Iterable

from sqlmodel import Session, col, select

from storage.models import DigestByEmail


def set_by_email(session: Session, *, subscription_id: int, by_email: bool) -> None:
    row = session.get(DigestByEmail, subscription_id)
    if by_email and row is None:
        session.add(DigestByEmail(subscription_id=subscription_id))
    elif not by_email and row is not None:
        session.delete(row)
    session.flush()


def emailed(session: Session, *, subscription_ids: Iterable[int]) -> set[int]:
    ids = list(subscription_ids)
    if not ids:
        return set()
    statement = select(DigestByEmail.subscription_id).where(col(DigestByEmail.subscription_id).in_(ids))
    return set(session.exec(statement))
