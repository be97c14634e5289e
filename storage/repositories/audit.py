"""The audit trail. Callers write it inside the same session as the change it describes."""

from typing import Any

from sqlmodel import Session, select

from storage.models import AuditEntry


def record(
    session: Session,
    *,
    actor: str,
    actor_person_id: int | None,
    action: str,
    entity: str,
    entity_id: int | str | None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        actor=actor,
        actor_person_id=actor_person_id,
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        details=details or {},
    )
    session.add(entry)
    return entry


def list_for(session: Session, *, entity: str, entity_id: int | str) -> list[AuditEntry]:
    statement = (
        select(AuditEntry)
        .where(AuditEntry.entity == entity, AuditEntry.entity_id == str(entity_id))
        .order_by(AuditEntry.id)
    )
    return list(session.exec(statement))
