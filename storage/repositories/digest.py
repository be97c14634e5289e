"""The digest's numbers, each an aggregate or a bounded list computed in SQL.

Every function here is one query whatever the number of initiatives or action items, so a digest
costs the same number of round trips for a working group of ten records or of a hundred thousand.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, case, func, literal, union_all
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from storage.models import ActionItem, DigestSubscription, Initiative, InitiativeTag, Organisation, Person


@dataclass(frozen=True)
class Counts:
    """How many initiatives, and of those how many were new or (only) changed in the period."""

    total: int
    new: int
    changed: int


@dataclass(frozen=True)
class TagStatusCount:
    kind: str
    value: str
    status: str
    counts: Counts


@dataclass(frozen=True)
class InitiativeChange:
    initiative_id: int
    title: str
    status: str
    organisation: str
    link: str | None
    is_new: bool
    updated_at: datetime


@dataclass(frozen=True)
class ActionCounts:
    overdue: int = 0
    due_soon: int = 0
    completed: int = 0


@dataclass(frozen=True)
class ActionRow:
    action_item_id: int
    title: str
    organisation: str
    due_date: date
    status: str
    closed_at: datetime | None
    outcome: str | None


def _is_new(since: datetime | None) -> ColumnElement[bool]:
    if since is None:
        return literal(True)
    return col(Initiative.created_at) >= since


def _is_changed(since: datetime | None) -> ColumnElement[bool]:
    if since is None:
        return literal(False)
    return and_(col(Initiative.created_at) < since, col(Initiative.updated_at) >= since)


def _count_where(condition: ColumnElement[bool]):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def initiative_status_counts(session: Session, *, since: datetime | None) -> dict[str, Counts]:
    """Initiatives per status, with how many are new or changed since ``since`` (None: all new)."""
    statement = select(
        Initiative.status, func.count(), _count_where(_is_new(since)), _count_where(_is_changed(since))
    ).group_by(Initiative.status)
    return {status: Counts(int(t), int(n), int(c)) for status, t, n, c in session.exec(statement)}


def initiative_tag_counts(
    session: Session, *, since: datetime | None, kinds: tuple[str, ...]
) -> list[TagStatusCount]:
    """Initiatives per (tag kind, value, status): the objective and population breakdowns at once."""
    statement = (
        select(
            InitiativeTag.kind,
            InitiativeTag.value,
            Initiative.status,
            func.count(),
            _count_where(_is_new(since)),
            _count_where(_is_changed(since)),
        )
        .join(Initiative, col(Initiative.id) == InitiativeTag.initiative_id)
        .where(col(InitiativeTag.kind).in_(kinds))
        .group_by(InitiativeTag.kind, InitiativeTag.value, Initiative.status)
    )
    return [
        TagStatusCount(kind, value, status, Counts(int(t), int(n), int(c)))
        for kind, value, status, t, n, c in session.exec(statement)
    ]


def changed_initiatives(session: Session, *, since: datetime | None, limit: int) -> list[InitiativeChange]:
    """The most recently touched initiatives created or changed in the period, newest first."""
    statement = (
        select(
            Initiative.id,
            Initiative.title,
            Initiative.status,
            Organisation.acronym,
            Initiative.link,
            _is_new(since),
            Initiative.updated_at,
        )
        .join(Organisation, col(Organisation.id) == Initiative.lead_organisation_id)
        .order_by(col(Initiative.updated_at).desc(), col(Initiative.id).desc())
        .limit(limit)
    )
    if since is not None:
        statement = statement.where(col(Initiative.updated_at) >= since)
    return [
        InitiativeChange(i, title, status, acronym, link, bool(is_new), updated)
        for i, title, status, acronym, link, is_new, updated in session.exec(statement)
    ]


def _closed_in_period(since: datetime | None) -> ColumnElement[bool]:
    done = col(ActionItem.status) == "done"
    return done if since is None else and_(done, col(ActionItem.closed_at) >= since)


def action_item_counts(
    session: Session, *, today: date, soon_until: date, since: datetime | None
) -> dict[int, ActionCounts]:
    """Per owning organisation: open items overdue, open items due by ``soon_until``, items closed
    in the period. Three index-friendly ranges in one UNION ALL rather than a scan of every item."""
    # "+ 0" keeps SQLite from walking the owner index to avoid a sort: with statistics saying status
    # has two values it would otherwise read every item instead of the small indexed range.
    owner = (col(ActionItem.owner_organisation_id) + 0).label("owner_organisation_id")
    is_open = col(ActionItem.status) == "open"
    parts = [
        select(literal("overdue").label("bucket"), owner, func.count())
        .where(is_open, col(ActionItem.due_date) < today)
        .group_by(owner.element),
        select(literal("due_soon").label("bucket"), owner, func.count())
        .where(is_open, col(ActionItem.due_date) >= today, col(ActionItem.due_date) <= soon_until)
        .group_by(owner.element),
        select(literal("completed").label("bucket"), owner, func.count())
        .where(_closed_in_period(since))
        .group_by(owner.element),
    ]
    found: dict[int, dict[str, int]] = {}
    for bucket, organisation_id, count in session.exec(union_all(*parts)):  # type: ignore[call-overload]
        found.setdefault(organisation_id, {})[bucket] = int(count)
    return {organisation_id: ActionCounts(**buckets) for organisation_id, buckets in found.items()}


def _action_rows(statement) -> list[ActionRow]:
    return [ActionRow(*row) for row in statement]


def _action_columns():
    return select(
        ActionItem.id,
        ActionItem.title,
        Organisation.acronym,
        ActionItem.due_date,
        ActionItem.status,
        ActionItem.closed_at,
        ActionItem.outcome,
    ).join(Organisation, col(Organisation.id) == ActionItem.owner_organisation_id)


def open_action_items_due_by(session: Session, *, until: date, limit: int) -> list[ActionRow]:
    """Open items due on or before ``until`` (overdue first), at most ``limit``."""
    statement = (
        _action_columns()
        .where(col(ActionItem.status) == "open", col(ActionItem.due_date) <= until)
        .order_by(col(ActionItem.due_date), col(ActionItem.id))
        .limit(limit)
    )
    return _action_rows(session.exec(statement))


def completed_action_items(session: Session, *, since: datetime | None, limit: int) -> list[ActionRow]:
    statement = (
        _action_columns()
        .where(_closed_in_period(since))
        .order_by(col(ActionItem.closed_at).desc(), col(ActionItem.id).desc())
        .limit(limit)
    )
    return _action_rows(session.exec(statement))


def subscription_for(session: Session, *, person_id: int) -> DigestSubscription | None:
    return session.exec(select(DigestSubscription).where(DigestSubscription.person_id == person_id)).first()


def save_subscription(session: Session, *, person_id: int, **values: object) -> DigestSubscription:
    """Create or replace a person's one subscription."""
    subscription = subscription_for(session, person_id=person_id) or DigestSubscription(
        person_id=person_id, frequency="weekly", timezone="UTC"
    )
    for name, value in values.items():
        setattr(subscription, name, value)
    session.add(subscription)
    session.flush()
    return subscription


def delete_subscription(session: Session, *, person_id: int) -> bool:
    subscription = subscription_for(session, person_id=person_id)
    if subscription is None:
        return False
    session.delete(subscription)
    session.flush()
    return True


def subscriptions_of_co_leads(session: Session) -> list[tuple[DigestSubscription, Person]]:
    """Subscriptions whose person still belongs to a co-lead organisation (one query)."""
    statement = (
        select(DigestSubscription, Person)
        .join(Person, col(Person.id) == DigestSubscription.person_id)
        .join(Organisation, col(Organisation.id) == Person.organisation_id)
        .where(Organisation.role == "co_lead")
        .order_by(col(DigestSubscription.id))
    )
    return list(session.exec(statement))
