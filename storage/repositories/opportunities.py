"""Collaboration opportunities: pairs of initiatives of different organisations that share tags.

The pairs come from one self-join of ``initiativetag`` restricted to initiatives that can still be
joined (not completed, not ended), led by different organisations, with overlapping dates; the
database counts, filters and ranks them and hands back only the best few.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, exists, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from storage.models import Initiative, InitiativePartner, InitiativeTag, Organisation, Person

ACTIVE_STATUSES = ("planned", "ongoing", "paused")
GEOGRAPHY_KINDS = ("region", "country")
MATCH_KINDS = ("objective", "population", "continuum", *GEOGRAPHY_KINDS)


@dataclass(frozen=True)
class PairScore:
    first_id: int
    second_id: int
    shared: int


@dataclass(frozen=True)
class SharedTag:
    first_id: int
    second_id: int
    kind: str
    value: str


@dataclass(frozen=True)
class InitiativeCard:
    initiative_id: int
    title: str
    organisation_id: int
    organisation: str
    scope_global: bool
    start_date: date | None
    end_date: date | None
    link: str | None
    shared_by_slack_id: str | None


def _active_tags(today: date):
    return (
        select(
            InitiativeTag.initiative_id,
            InitiativeTag.kind,
            InitiativeTag.value,
            col(Initiative.lead_organisation_id).label("organisation_id"),
            Initiative.scope_global,
            Initiative.start_date,
            Initiative.end_date,
        )
        .join(Initiative, col(Initiative.id) == InitiativeTag.initiative_id)
        .where(
            col(Initiative.status).in_(ACTIVE_STATUSES),
            or_(col(Initiative.end_date).is_(None), col(Initiative.end_date) >= today),
            col(InitiativeTag.kind).in_(MATCH_KINDS),
        )
        .cte("active_tag")
    )


def _kind_count(tags, kinds: tuple[str, ...]):
    return func.sum(case((tags.c.kind.in_(kinds), 1), else_=0))


def _partners_already(a, b):
    """The lead of either initiative is already a partner on the other: they work together."""
    return exists().where(
        or_(
            and_(
                InitiativePartner.initiative_id == a.c.initiative_id,
                InitiativePartner.organisation_id == b.c.organisation_id,
            ),
            and_(
                InitiativePartner.initiative_id == b.c.initiative_id,
                InitiativePartner.organisation_id == a.c.organisation_id,
            ),
        )
    )


def ranked_pairs(session: Session, *, today: date, limit: int) -> list[PairScore]:
    """The ``limit`` best-sharing pairs: at least one objective, one population, and a place in
    common (a global initiative overlaps every place), ranked by how many tags they share. Leads
    that are already partners on one of the two initiatives are not introduced to each other."""
    active = _active_tags(today)
    a = active.alias("a")
    b = active.alias("b")
    objectives = _kind_count(a, ("objective",))
    populations = _kind_count(a, ("population",))
    places = _kind_count(a, GEOGRAPHY_KINDS)
    shared = func.count()
    statement = (
        select(a.c.initiative_id, b.c.initiative_id, shared)
        .select_from(a)
        .join(
            b,
            and_(
                a.c.kind == b.c.kind,
                a.c.value == b.c.value,
                a.c.initiative_id < b.c.initiative_id,
                a.c.organisation_id != b.c.organisation_id,
                or_(a.c.start_date.is_(None), b.c.end_date.is_(None), a.c.start_date <= b.c.end_date),
                or_(b.c.start_date.is_(None), a.c.end_date.is_(None), b.c.start_date <= a.c.end_date),
                ~_partners_already(a, b),
            ),
        )
        .group_by(a.c.initiative_id, b.c.initiative_id, a.c.scope_global, b.c.scope_global)
        .having(
            and_(
                objectives > 0,
                populations > 0,
                or_(places > 0, a.c.scope_global.is_(True), b.c.scope_global.is_(True)),
            )
        )
        .order_by(shared.desc(), a.c.initiative_id, b.c.initiative_id)
        .limit(limit)
    )
    return [PairScore(int(x), int(y), int(n)) for x, y, n in session.exec(statement)]


def shared_tags(session: Session, *, initiative_ids: Iterable[int]) -> list[SharedTag]:
    """Every tag two of the given initiatives have in common (to explain why they matched)."""
    ids = sorted(set(initiative_ids))
    if not ids:
        return []
    a = aliased(InitiativeTag)
    b = aliased(InitiativeTag)
    statement = (
        select(a.initiative_id, b.initiative_id, a.kind, a.value)
        .join(
            b,
            and_(a.kind == b.kind, a.value == b.value, col(a.initiative_id) < col(b.initiative_id)),
        )
        .where(
            col(a.initiative_id).in_(ids),
            col(b.initiative_id).in_(ids),
            col(a.kind).in_(MATCH_KINDS),
        )
        .order_by(a.kind, a.value)
    )
    return [SharedTag(*row) for row in session.exec(statement)]


def initiative_cards(session: Session, *, initiative_ids: Iterable[int]) -> dict[int, InitiativeCard]:
    ids = sorted(set(initiative_ids))
    if not ids:
        return {}
    statement = (
        select(
            Initiative.id,
            Initiative.title,
            Organisation.id,
            Organisation.acronym,
            Initiative.scope_global,
            Initiative.start_date,
            Initiative.end_date,
            Initiative.link,
            Person.slack_user_id,
        )
        .join(Organisation, col(Organisation.id) == Initiative.lead_organisation_id)
        .join(Person, col(Person.id) == Initiative.shared_by_person_id, isouter=True)
        .where(col(Initiative.id).in_(ids))
    )
    return {row[0]: InitiativeCard(*row) for row in session.exec(statement)}
