"""How many initiatives each organisation has shared (or confirmed) since a moment, in one query."""

from datetime import datetime

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from storage.models import Initiative, Person


def shared_counts(session: Session, *, since: datetime | None) -> dict[int, int]:
    """Initiatives led by each organisation whose ``shared_at`` falls at or after ``since``."""
    statement = select(Initiative.lead_organisation_id, func.count()).group_by(
        Initiative.lead_organisation_id
    )
    if since is not None:
        statement = statement.where(Initiative.shared_at >= since)
    return {organisation_id: count for organisation_id, count in session.exec(statement)}


def known_people_counts(session: Session) -> dict[int, tuple[int, int]]:
    """Per organisation, how many people the bot knows and how many of them it can direct-message
    (Slack has not refused to), in one query: an organisation with none of either can be neither
    nudged nor told anything."""
    reachable = func.sum(case((col(Person.dm_refused_at).is_(None), 1), else_=0))
    statement = (
        select(Person.organisation_id, func.count(), reachable)
        .where(col(Person.organisation_id).is_not(None))
        .group_by(Person.organisation_id)
    )
    return {
        organisation_id: (known, int(open_ or 0)) for organisation_id, known, open_ in session.exec(statement)
    }
