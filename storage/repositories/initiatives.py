"""Initiatives with their tags and partners, and the channel threads that announce them."""

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import and_, delete, func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from storage.models import AnnouncementThread, Initiative, InitiativePartner, InitiativeTag

Tag = tuple[str, str]


def get(session: Session, *, initiative_id: int) -> Initiative | None:
    return session.get(Initiative, initiative_id)


def by_request_key(session: Session, *, request_key: str) -> Initiative | None:
    return session.exec(select(Initiative).where(Initiative.request_key == request_key)).first()


def create(
    session: Session, *, fields: dict[str, Any], tags: Iterable[Tag], partner_ids: Iterable[int]
) -> Initiative:
    initiative = Initiative(**fields)
    session.add(initiative)
    session.flush()
    assert initiative.id is not None
    _replace_links(session, initiative_id=initiative.id, tags=tags, partner_ids=partner_ids)
    return initiative


def update(
    session: Session,
    *,
    initiative: Initiative,
    fields: dict[str, Any],
    tags: Iterable[Tag] | None = None,
    partner_ids: Iterable[int] | None = None,
) -> Initiative:
    """Change the record in place; tags and partners, when given, replace the old ones."""
    for name, value in fields.items():
        setattr(initiative, name, value)
    session.add(initiative)
    session.flush()
    assert initiative.id is not None
    if tags is not None or partner_ids is not None:
        _replace_links(session, initiative_id=initiative.id, tags=tags, partner_ids=partner_ids)
    return initiative


def _replace_links(
    session: Session, *, initiative_id: int, tags: Iterable[Tag] | None, partner_ids: Iterable[int] | None
) -> None:
    if tags is not None:
        session.exec(delete(InitiativeTag).where(InitiativeTag.initiative_id == initiative_id))  # type: ignore[call-overload]
        for kind, value in sorted(set(tags)):
            session.add(InitiativeTag(initiative_id=initiative_id, kind=kind, value=value))
    if partner_ids is not None:
        session.exec(delete(InitiativePartner).where(InitiativePartner.initiative_id == initiative_id))  # type: ignore[call-overload]
        for organisation_id in sorted(set(partner_ids)):
            session.add(InitiativePartner(initiative_id=initiative_id, organisation_id=organisation_id))
    session.flush()


def tags_for(session: Session, *, initiative_ids: Sequence[int]) -> dict[int, list[Tag]]:
    """Every initiative's tags in one query."""
    found: dict[int, list[Tag]] = {i: [] for i in initiative_ids}
    if not initiative_ids:
        return found
    statement = (
        select(InitiativeTag)
        .where(InitiativeTag.initiative_id.in_(initiative_ids))  # type: ignore[attr-defined]
        .order_by(InitiativeTag.initiative_id, InitiativeTag.kind, InitiativeTag.value)
    )
    for tag in session.exec(statement):
        found[tag.initiative_id].append((tag.kind, tag.value))
    return found


def partners_for(session: Session, *, initiative_ids: Sequence[int]) -> dict[int, list[int]]:
    """Every initiative's partner organisation ids in one query."""
    found: dict[int, list[int]] = {i: [] for i in initiative_ids}
    if not initiative_ids:
        return found
    statement = select(InitiativePartner).where(
        InitiativePartner.initiative_id.in_(initiative_ids)  # type: ignore[attr-defined]
    )
    for partner in session.exec(statement):
        found[partner.initiative_id].append(partner.organisation_id)
    return found


def search(
    session: Session,
    *,
    organisation_id: int | None = None,
    title_words: str | None = None,
    tags: Sequence[Tag] = (),
    offset: int = 0,
    limit: int = 10,
) -> tuple[list[Initiative], int]:
    """One page of initiatives, newest first, and how many match in all.

    ``organisation_id`` matches the lead or a partner. ``title_words`` and ``tags`` are alternatives:
    an initiative matches when its title contains the words or it carries any of the tags.
    """
    conditions = []
    if organisation_id is not None:
        partnered = select(InitiativePartner.initiative_id).where(
            InitiativePartner.organisation_id == organisation_id
        )
        conditions.append(
            or_(
                Initiative.lead_organisation_id == organisation_id,
                Initiative.id.in_(partnered),  # type: ignore[union-attr]
            )
        )
    if title_words is not None:
        alternatives = [func.lower(Initiative.title).contains(title_words.lower(), autoescape=True)]
        if tags:
            tagged = select(InitiativeTag.initiative_id).where(
                or_(*(and_(InitiativeTag.kind == k, InitiativeTag.value == v) for k, v in tags))
            )
            alternatives.append(Initiative.id.in_(tagged))  # type: ignore[union-attr]
        conditions.append(or_(*alternatives))
    total = session.exec(select(func.count()).select_from(Initiative).where(*conditions)).one()
    statement = (
        select(Initiative)
        .where(*conditions)
        .order_by(Initiative.created_at.desc(), Initiative.id.desc())  # type: ignore[attr-defined,union-attr]
        .offset(offset)
        .limit(limit)
    )
    return list(session.exec(statement)), total


def list_led_by(session: Session, *, organisation_id: int, limit: int) -> tuple[list[Initiative], int]:
    """An organisation's own initiatives, most recently shared first, and how many it leads in all."""
    condition = Initiative.lead_organisation_id == organisation_id
    total = session.exec(select(func.count()).select_from(Initiative).where(condition)).one()
    statement = (
        select(Initiative)
        .where(condition)
        .order_by(Initiative.shared_at.desc(), Initiative.id.desc())  # type: ignore[attr-defined,union-attr]
        .limit(limit)
    )
    return list(session.exec(statement)), total


def find_thread(session: Session, *, cycle_key: str, channel: str) -> AnnouncementThread | None:
    statement = select(AnnouncementThread).where(
        AnnouncementThread.cycle_key == cycle_key, AnnouncementThread.channel == channel
    )
    return session.exec(statement).first()


def add_thread(session: Session, *, cycle_key: str, channel: str, ts: str) -> AnnouncementThread | None:
    """Record the cycle's thread; None when another request recorded one first."""
    try:
        with session.begin_nested():
            thread = AnnouncementThread(cycle_key=cycle_key, channel=channel, ts=ts)
            session.add(thread)
            session.flush()
    except IntegrityError:
        return None
    return thread
