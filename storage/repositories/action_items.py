"""Action items: what meetings decide, owned by an organisation until someone closes them."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from storage.models import ActionItem, Meeting, Organisation, Person, utcnow

OPEN = "open"
DONE = "done"


@dataclass(frozen=True)
class ActionItemRow:
    """An item with the organisation that owns it and the person it is assigned to, if any."""

    item: ActionItem
    organisation: Organisation
    assignee: Person | None
    closed_by: Person | None


@dataclass(frozen=True)
class ListFilter:
    """Which items a listing shows; every field left at its default narrows nothing."""

    include_closed: bool = False
    organisation_id: int | None = None
    due_before: date | None = None
    # "Mine": assigned to this person, or unassigned and owned by their organisation.
    responsible_person_id: int | None = None
    responsible_organisation_id: int | None = None


def create(
    session: Session,
    *,
    title: str,
    notes: str,
    owner_organisation_id: int,
    assignee_person_id: int | None,
    due_date: date,
    meeting_id: int | None,
    source_link: str | None,
    created_by_person_id: int,
    now: datetime,
    request_key: str | None = None,
) -> ActionItem:
    item = ActionItem(
        request_key=request_key,
        title=title,
        notes=notes,
        owner_organisation_id=owner_organisation_id,
        assignee_person_id=assignee_person_id,
        due_date=due_date,
        meeting_id=meeting_id,
        source_link=source_link,
        created_by_person_id=created_by_person_id,
        created_at=now,
        updated_at=now,
    )
    session.add(item)
    session.flush()
    return item


def by_request_key(session: Session, *, request_key: str) -> ActionItem | None:
    return session.exec(select(ActionItem).where(ActionItem.request_key == request_key)).first()


def get_for_update(session: Session, *, action_item_id: int) -> ActionItem | None:
    """The item, locked until the transaction ends so two people cannot close it at once."""
    statement = select(ActionItem).where(ActionItem.id == action_item_id).with_for_update()
    return session.exec(statement).first()


def update(session: Session, *, item: ActionItem, now: datetime | None = None, **changes) -> ActionItem:
    for name, value in changes.items():
        setattr(item, name, value)
    item.updated_at = now or utcnow()
    session.add(item)
    session.flush()
    return item


def _rows():
    """Items with owner, assignee and closer, the columns every listing and reply shows."""
    assignee, closer = aliased(Person), aliased(Person)
    return (
        select(ActionItem, Organisation, assignee, closer)
        .join(Organisation, ActionItem.owner_organisation_id == Organisation.id)
        .join(assignee, ActionItem.assignee_person_id == assignee.id, isouter=True)
        .join(closer, ActionItem.closed_by_person_id == closer.id, isouter=True)
    )


def _filtered(statement, listing: ListFilter):
    if not listing.include_closed:
        statement = statement.where(ActionItem.status == OPEN)
    if listing.organisation_id is not None:
        statement = statement.where(ActionItem.owner_organisation_id == listing.organisation_id)
    if listing.due_before is not None:
        statement = statement.where(ActionItem.due_date < listing.due_before)
    if listing.responsible_person_id is not None:
        assigned_to_me = ActionItem.assignee_person_id == listing.responsible_person_id
        if listing.responsible_organisation_id is None:
            statement = statement.where(assigned_to_me)
        else:
            unassigned_of_mine = and_(
                col(ActionItem.assignee_person_id).is_(None),
                ActionItem.owner_organisation_id == listing.responsible_organisation_id,
            )
            statement = statement.where(or_(assigned_to_me, unassigned_of_mine))
    return statement


def count(session: Session, *, listing: ListFilter) -> int:
    statement = _filtered(select(func.count()).select_from(ActionItem), listing)
    return session.exec(statement).one()


def page(session: Session, *, listing: ListFilter, offset: int, limit: int) -> list[ActionItemRow]:
    """One page of items, open ones first, soonest due first, with owners and assignees joined."""
    statement = (
        _rows()
        .order_by(col(ActionItem.status).desc(), ActionItem.due_date, ActionItem.id)
        .offset(offset)
        .limit(limit)
    )
    statement = _filtered(statement, listing)
    return [ActionItemRow(*row) for row in session.exec(statement)]


def get_row(session: Session, *, action_item_id: int) -> ActionItemRow | None:
    statement = _rows().where(ActionItem.id == action_item_id)
    found = session.exec(statement).first()
    return ActionItemRow(*found) if found else None


def open_due_between_with_recipients(
    session: Session, *, first_day: date, last_day: date
) -> list[tuple[ActionItem, Organisation, Person]]:
    """Open items due in ``[first_day, last_day]``, one row per person to remind, in one query.

    The recipient is the assigned person, or, for an unassigned item, every person of the owner
    organisation; an unassigned item of an organisation nobody has joined yields no row.
    """
    recipient = aliased(Person)
    statement = (
        select(ActionItem, Organisation, recipient)
        .join(Organisation, ActionItem.owner_organisation_id == Organisation.id)
        .join(
            recipient,
            or_(
                recipient.id == ActionItem.assignee_person_id,
                and_(
                    col(ActionItem.assignee_person_id).is_(None),
                    recipient.organisation_id == ActionItem.owner_organisation_id,
                ),
            ),
        )
        .where(
            ActionItem.status == OPEN,
            ActionItem.due_date >= first_day,
            ActionItem.due_date <= last_day,
        )
        .order_by(ActionItem.id, recipient.id)
    )
    return list(session.exec(statement))


def meeting_choices(session: Session, *, now: datetime, each_side: int) -> list[Meeting]:
    """Meetings an item may come from: the latest held and the next upcoming, soonest first."""
    held = select(Meeting).where(Meeting.status == "scheduled", Meeting.starts_at <= now)
    upcoming = select(Meeting).where(Meeting.status == "scheduled", Meeting.starts_at > now)
    recent = list(session.exec(held.order_by(col(Meeting.starts_at).desc()).limit(each_side)))
    following = list(session.exec(upcoming.order_by(Meeting.starts_at).limit(each_side)))
    return [*reversed(recent), *following]


def get_meeting(session: Session, *, meeting_id: int) -> Meeting | None:
    return session.get(Meeting, meeting_id)
