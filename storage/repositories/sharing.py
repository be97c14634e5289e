"""How many initiatives each organisation has shared (or confirmed) since a moment, in one query."""

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from storage.models import Initiative


def shared_counts(session: Session, *, since: datetime | None) -> dict[int, int]:
    """Initiatives led by each organisation whose ``shared_at`` falls at or after ``since``."""
    statement = select(Initiative.lead_organisation_id, func.count()).group_by(
        Initiative.lead_organisation_id
    )
    if since is not None:
        statement = statement.where(Initiative.shared_at >= since)
    return {organisation_id: count for organisation_id, count in session.exec(statement)}
