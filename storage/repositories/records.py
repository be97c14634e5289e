"""The meeting record: agenda items, RSVPs, attendance, minutes and decisions, read a meeting (or a
year of meetings) at a time in a fixed number of queries."""

from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from storage.models import (
    ActionItem,
    AgendaItem,
    AuditEntry,
    Decision,
    Meeting,
    MeetingAttendance,
    MeetingMinutes,
    MeetingRsvp,
    Organisation,
    Person,
)

PROPOSED = "proposed"
DROPPED = "dropped"
CARRIED = "carried"


def meetings_between(
    session: Session, *, start: datetime | None, end: datetime | None, descending: bool = False
) -> list[Meeting]:
    """Scheduled and cancelled meetings starting in ``[start, end)``, in order of time."""
    statement = select(Meeting)
    if start is not None:
        statement = statement.where(Meeting.starts_at >= start)
    if end is not None:
        statement = statement.where(Meeting.starts_at < end)
    order = col(Meeting.starts_at).desc() if descending else col(Meeting.starts_at)
    return list(session.exec(statement.order_by(order, col(Meeting.id))))


def agenda_items(session: Session, *, meeting_ids: list[int]) -> list[tuple[AgendaItem, Person | None]]:
    if not meeting_ids:
        return []
    statement = (
        select(AgendaItem, Person)
        .join(Person, col(AgendaItem.proposed_by_person_id) == col(Person.id), isouter=True)
        .where(col(AgendaItem.meeting_id).in_(meeting_ids))
        .order_by(col(AgendaItem.meeting_id), col(AgendaItem.position), col(AgendaItem.id))
    )
    return list(session.exec(statement))


def agenda_item(session: Session, *, item_id: int) -> AgendaItem | None:
    return session.get(AgendaItem, item_id)


def agenda_item_by_request_key(session: Session, *, request_key: str) -> AgendaItem | None:
    return session.exec(select(AgendaItem).where(AgendaItem.request_key == request_key)).first()


def next_position(session: Session, *, meeting_id: int) -> int:
    positions = session.exec(select(AgendaItem.position).where(AgendaItem.meeting_id == meeting_id))
    return max(positions, default=0) + 1


def add(session: Session, *, record: AgendaItem | Decision) -> AgendaItem | Decision:
    session.add(record)
    session.flush()
    return record


def save(session: Session, *, record: object) -> None:
    session.add(record)
    session.flush()


def rsvps(session: Session, *, meeting_id: int) -> list[tuple[MeetingRsvp, Person, Organisation | None]]:
    statement = (
        select(MeetingRsvp, Person, Organisation)
        .join(Person, col(MeetingRsvp.person_id) == col(Person.id))
        .join(Organisation, col(Person.organisation_id) == col(Organisation.id), isouter=True)
        .where(MeetingRsvp.meeting_id == meeting_id)
        .order_by(col(Person.display_name))
    )
    return list(session.exec(statement))


def rsvp(session: Session, *, meeting_id: int, person_id: int) -> MeetingRsvp | None:
    return session.get(MeetingRsvp, (meeting_id, person_id))


def attendance(session: Session, *, meeting_ids: list[int]) -> list[tuple[MeetingAttendance, Organisation]]:
    if not meeting_ids:
        return []
    statement = (
        select(MeetingAttendance, Organisation)
        .join(Organisation, col(MeetingAttendance.organisation_id) == col(Organisation.id))
        .where(col(MeetingAttendance.meeting_id).in_(meeting_ids))
        .order_by(col(MeetingAttendance.meeting_id), col(Organisation.acronym_key))
    )
    return list(session.exec(statement))


def replace_attendance(session: Session, *, meeting_id: int, rows: list[MeetingAttendance]) -> None:
    session.exec(delete(MeetingAttendance).where(col(MeetingAttendance.meeting_id) == meeting_id))  # type: ignore[call-overload]
    session.add_all(rows)
    session.flush()


def minutes(session: Session, *, meeting_ids: list[int]) -> dict[int, MeetingMinutes]:
    if not meeting_ids:
        return {}
    statement = select(MeetingMinutes).where(col(MeetingMinutes.meeting_id).in_(meeting_ids))
    return {m.meeting_id: m for m in session.exec(statement)}


def minutes_for_update(session: Session, *, meeting_id: int) -> MeetingMinutes | None:
    statement = select(MeetingMinutes).where(MeetingMinutes.meeting_id == meeting_id).with_for_update()
    return session.exec(statement).first()


def decisions(session: Session, *, meeting_ids: list[int]) -> list[Decision]:
    if not meeting_ids:
        return []
    statement = (
        select(Decision)
        .where(col(Decision.meeting_id).in_(meeting_ids))
        .order_by(col(Decision.meeting_id), col(Decision.id))
    )
    return list(session.exec(statement))


def decision_by_request_key(session: Session, *, request_key: str) -> Decision | None:
    return session.exec(select(Decision).where(Decision.request_key == request_key)).first()


def remove(session: Session, *, record: object) -> None:
    session.delete(record)
    session.flush()


def action_items(session: Session, *, meeting_ids: list[int]) -> list[tuple[ActionItem, Organisation]]:
    if not meeting_ids:
        return []
    statement = (
        select(ActionItem, Organisation)
        .join(Organisation, col(ActionItem.owner_organisation_id) == col(Organisation.id))
        .where(col(ActionItem.meeting_id).in_(meeting_ids))
        .order_by(col(ActionItem.meeting_id), col(ActionItem.id))
    )
    return list(session.exec(statement))


def all_action_items(session: Session) -> list[tuple[ActionItem, Organisation]]:
    """Every action item with its owner: the yearly report sorts them into completed, open and overdue."""
    statement = select(ActionItem, Organisation).join(
        Organisation, col(ActionItem.owner_organisation_id) == col(Organisation.id)
    )
    return list(session.exec(statement.order_by(col(ActionItem.id))))


def audit_entries(session: Session, *, action: str) -> list[AuditEntry]:
    statement = select(AuditEntry).where(AuditEntry.action == action).order_by(col(AuditEntry.id))
    return list(session.exec(statement))
