"""What a meeting's agenda gathers: initiatives shared this cycle and action items still open."""

from datetime import datetime

from sqlmodel import Session, col, select

from storage.models import ActionItem, Initiative, InitiativeTag, Organisation


def initiatives_shared_since(
    session: Session, *, since: datetime | None
) -> list[tuple[Initiative, Organisation]]:
    statement = select(Initiative, Organisation).join(
        Organisation, col(Initiative.lead_organisation_id) == col(Organisation.id)
    )
    if since is not None:
        statement = statement.where(Initiative.shared_at >= since)
    return list(session.exec(statement.order_by(col(Organisation.acronym_key), col(Initiative.title))))


def objectives_of(session: Session, *, initiative_ids: list[int]) -> dict[int, list[str]]:
    """Objective codes per initiative, in one query."""
    if not initiative_ids:
        return {}
    statement = select(InitiativeTag.initiative_id, InitiativeTag.value).where(
        InitiativeTag.kind == "objective", col(InitiativeTag.initiative_id).in_(initiative_ids)
    )
    objectives: dict[int, list[str]] = {}
    for initiative_id, value in session.exec(statement):
        objectives.setdefault(initiative_id, []).append(value)
    return objectives


def open_action_items(session: Session) -> list[tuple[ActionItem, Organisation]]:
    statement = (
        select(ActionItem, Organisation)
        .join(Organisation, col(ActionItem.owner_organisation_id) == col(Organisation.id))
        .where(ActionItem.status == "open")
        .order_by(col(ActionItem.due_date), col(ActionItem.id))
    )
    return list(session.exec(statement))
