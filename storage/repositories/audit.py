"""The audit trail. Callers write it inside the same session as the change it describes."""

from datetime import date, datetime
from typing import Any, Protocol

from sqlmodel import Session, select

from storage.models import AuditEntry


class Author(Protocol):
    """A person who changes something, as the trail names them (``bot.actor.Actor`` is one).

    A protocol rather than the bot's own type, so storage depends on nothing above it.
    """

    @property
    def slack_user_id(self) -> str: ...

    @property
    def person_id(self) -> int | None: ...


def record(
    session: Session,
    *,
    by: Author | str,
    action: str,
    entity: str,
    entity_id: int | str | None,
    details: dict[str, Any] | None = None,
    changes: dict[str, tuple[Any, Any]] | None = None,
) -> AuditEntry:
    """Add one entry; ``by`` is the person, or the name of the process (e.g. ``itwg migrate``) when no
    person made the change. ``changes`` maps each changed field to its (before, after) values, kept
    as ``details["changes"]`` so the history can say from what to what (unchanged pairs are left out)."""
    actor, person_id = (by, None) if isinstance(by, str) else (by.slack_user_id, by.person_id)
    kept = dict(details or {})
    if changes:
        kept["changes"] = {
            name: {"before": _plain(before), "after": _plain(after)}
            for name, (before, after) in changes.items()
            if before != after
        }
    entry = AuditEntry(
        actor=actor,
        actor_person_id=person_id,
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        details=kept,
    )
    session.add(entry)
    return entry


def _plain(value: Any) -> Any:
    """A value as JSON keeps it: dates as ISO text, sets and tuples as sorted lists."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return sorted(_plain(v) for v in value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def latest_for(session: Session, *, entity: str, entity_id: int | str) -> AuditEntry | None:
    statement = (
        select(AuditEntry)
        .where(AuditEntry.entity == entity, AuditEntry.entity_id == str(entity_id))
        .order_by(AuditEntry.id.desc())  # type: ignore[union-attr]
    )
    return session.exec(statement).first()


def list_for(session: Session, *, entity: str, entity_id: int | str) -> list[AuditEntry]:
    statement = (
        select(AuditEntry)
        .where(AuditEntry.entity == entity, AuditEntry.entity_id == str(entity_id))
        .order_by(AuditEntry.id)
    )
    return list(session.exec(statement))
