"""How many initiatives each organisation has shared (or confirmed) since a moment, in one query.

What "shared since" means is said once, here: the lead organisation itself shared, really changed or
confirmed the initiative at or after the moment, or a co-lead confirmed it explicitly on its behalf
(``Initiative.shared_by_organisation_at``). A co-lead sharing an initiative for another organisation
is not that organisation sharing.
"""

from datetime import datetime

from sqlalchemy import ColumnElement, case, func
from sqlmodel import Session, col, select

from storage.models import Initiative, Person


def shared_since(since: datetime | None) -> ColumnElement[bool]:
    """The condition "its organisation has shared it since ``since``" (ever, when ``since`` is None)."""
    stamp = col(Initiative.shared_by_organisation_at)
    return stamp.is_not(None) if since is None else stamp >= since


def counts_as_shared(initiative: Initiative, *, since: datetime | None) -> bool:
    """``shared_since`` for an initiative already read."""
    stamp = initiative.shared_by_organisation_at
    return stamp is not None and (since is None or stamp >= since)


def shared_counts(session: Session, *, since: datetime | None) -> dict[int, int]:
    """Initiatives led by each organisation that it has shared since ``since``."""
    statement = (
        select(Initiative.lead_organisation_id, func.count())
        .where(shared_since(since))
        .group_by(Initiative.lead_organisation_id)
    )
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
