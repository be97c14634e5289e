"""Join requests: people asking to be recorded in an organisation, and the decisions on them."""

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from storage.models import JoinRequest, Organisation, Person

PENDING = "pending"


def create(
    session: Session,
    *,
    person_id: int,
    organisation_id: int,
    reason: str,
    now: datetime,
    request_key: str | None = None,
) -> JoinRequest:
    request = JoinRequest(
        person_id=person_id,
        organisation_id=organisation_id,
        reason=reason,
        created_at=now,
        request_key=request_key,
    )
    session.add(request)
    session.flush()
    return request


def get(session: Session, *, request_id: int) -> JoinRequest | None:
    return session.get(JoinRequest, request_id)


def pending_of(session: Session, *, person_id: int) -> JoinRequest | None:
    statement = select(JoinRequest).where(JoinRequest.person_id == person_id, JoinRequest.status == PENDING)
    return session.exec(statement.order_by(col(JoinRequest.id).desc())).first()


def latest_decided(session: Session, *, person_id: int, organisation_id: int) -> JoinRequest | None:
    """The person's most recently decided request to join this organisation, if any."""
    statement = select(JoinRequest).where(
        JoinRequest.person_id == person_id,
        JoinRequest.organisation_id == organisation_id,
        JoinRequest.status != PENDING,
    )
    return session.exec(statement.order_by(col(JoinRequest.id).desc())).first()


def list_pending(
    session: Session, *, organisation_ids: list[int] | None = None
) -> list[tuple[JoinRequest, Person, Organisation]]:
    """Pending requests, oldest first, with who asked and for which organisation; all of them when
    ``organisation_ids`` is None."""
    statement = (
        select(JoinRequest, Person, Organisation)
        .join(Person, col(Person.id) == JoinRequest.person_id)
        .join(Organisation, col(Organisation.id) == JoinRequest.organisation_id)
        .where(JoinRequest.status == PENDING)
        .order_by(col(JoinRequest.id))
    )
    if organisation_ids is not None:
        statement = statement.where(col(JoinRequest.organisation_id).in_(organisation_ids))
    return list(session.exec(statement))


def decide(
    session: Session,
    *,
    request: JoinRequest,
    status: str,
    by_person_id: int | None,
    now: datetime,
    decision_key: str | None = None,
) -> bool:
    """Settle a pending request; False when someone else settled it first (two approvers clicking at
    once: only one decision is kept)."""
    result = session.execute(
        update(JoinRequest)
        .where(col(JoinRequest.id) == request.id, col(JoinRequest.status) == PENDING)
        .values(status=status, decided_by_person_id=by_person_id, decided_at=now, decision_key=decision_key)
    )
    session.refresh(request)
    return result.rowcount == 1


def close_pending(
    session: Session, *, person_id: int, status: str, by_person_id: int | None, now: datetime
) -> None:
    """Settle every pending request of a person (a co-lead placed them directly)."""
    session.execute(
        update(JoinRequest)
        .where(col(JoinRequest.person_id) == person_id, col(JoinRequest.status) == PENDING)
        .values(status=status, decided_by_person_id=by_person_id, decided_at=now)
    )
