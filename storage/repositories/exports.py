"""Everything an export contains, read in five queries (no query per initiative)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, col, select

from storage.models import ActionItem, Initiative, InitiativePartner, InitiativeTag, Meeting, Organisation


@dataclass
class InitiativeRecord:
    initiative: Initiative
    lead: str
    partners: list[str] = field(default_factory=list)
    tags: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


@dataclass(frozen=True)
class ActionItemRecord:
    id: int
    title: str
    organisation: str
    status: str
    due_date: date
    closed_at: datetime | None
    outcome: str | None
    notes: str
    source_link: str | None


def initiatives(session: Session, *, shareable_only: bool) -> list[InitiativeRecord]:
    statement = (
        select(Initiative, Organisation.acronym)
        .join(Organisation, col(Organisation.id) == Initiative.lead_organisation_id)
        .order_by(col(Initiative.id))
    )
    if shareable_only:
        statement = statement.where(Initiative.visibility == "shareable")
    records = {i.id: InitiativeRecord(initiative=i, lead=acronym) for i, acronym in session.exec(statement)}
    if not records:
        return []
    tag_statement = select(InitiativeTag).order_by(
        col(InitiativeTag.initiative_id), col(InitiativeTag.kind), col(InitiativeTag.value)
    )
    for tag in session.exec(tag_statement):
        if tag.initiative_id in records:
            records[tag.initiative_id].tags[tag.kind].append(tag.value)
    partner_statement = (
        select(InitiativePartner.initiative_id, Organisation.acronym)
        .join(Organisation, col(Organisation.id) == InitiativePartner.organisation_id)
        .order_by(col(Organisation.acronym_key))
    )
    for initiative_id, acronym in session.exec(partner_statement):
        if initiative_id in records:
            records[initiative_id].partners.append(acronym)
    return list(records.values())


def action_items(session: Session) -> list[ActionItemRecord]:
    statement = (
        select(
            ActionItem.id,
            ActionItem.title,
            Organisation.acronym,
            ActionItem.status,
            ActionItem.due_date,
            ActionItem.closed_at,
            ActionItem.outcome,
            ActionItem.notes,
            ActionItem.source_link,
        )
        .join(Organisation, col(Organisation.id) == ActionItem.owner_organisation_id)
        .order_by(col(ActionItem.due_date), col(ActionItem.id))
    )
    return [ActionItemRecord(*row) for row in session.exec(statement)]


def meetings(session: Session) -> list[Meeting]:
    return list(session.exec(select(Meeting).order_by(col(Meeting.starts_at), col(Meeting.id))))
