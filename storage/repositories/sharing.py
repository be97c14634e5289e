"""How many initiatives each organisation has shared (or confirmed) since a moment, in one query."""

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from storage.models import Initiative, Person


def shared_counts(session: Session, *, since: datetime | None) -> dict[int, int]:
    """Initiatives led by each organisation whose ``shared_at`` falls at or after ``since``."""
    statement = select(Initiative.lead_organisation_id, func.count()).group_by(
        Initiative.lead_organisation_id
    )
    if since is not None:
        statement = statement.where(Initiative.shared_at >= since)
    return {organisation_id: count for organisation_id, count in session.exec(statement)}


def known_people_counts(session: Session) -> dict[int, int]:
    """How many people the bot knows in each organisation, in one query: an organisation with none
    can be neither nudged nor told anything."""
    statement = (
        select(Person.organisation_id, func.count())
        .where(Person.organisation_id.is_not(None))  # type: ignore[union-attr]
        .group_by(Person.organisation_id)
    )
    return {organisation_id: count for organisation_id, count in session.exec(statement)}
