"""Everything an export contains, read in a fixed number of queries (no query per initiative)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from storage.models import (
    ActionItem,
    Decision,
    Initiative,
    InitiativePartner,
    InitiativeTag,
    Meeting,
    MeetingAttendance,
    MeetingMinutes,
    Organisation,
    Person,
)


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
    meeting_id: int | None = None
    assignee: str | None = None  # the person's name, else their Slack id
    closed_by: str | None = None


@dataclass(frozen=True)
class MeetingExtras:
    """What a meeting's record adds to its export: attendance by organisation, decisions, minutes."""

    attendance: dict[str, str] = field(default_factory=dict)
    decisions: list[str] = field(default_factory=list)
    minutes: str = "none"  # none, draft or published


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
    assignee, closer = aliased(Person), aliased(Person)
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
            ActionItem.meeting_id,
            func.coalesce(func.nullif(assignee.display_name, ""), assignee.slack_user_id),
            func.coalesce(func.nullif(closer.display_name, ""), closer.slack_user_id),
        )
        .join(Organisation, col(Organisation.id) == ActionItem.owner_organisation_id)
        .join(assignee, col(ActionItem.assignee_person_id) == assignee.id, isouter=True)
        .join(closer, col(ActionItem.closed_by_person_id) == closer.id, isouter=True)
        .order_by(col(ActionItem.due_date), col(ActionItem.id))
    )
    return [ActionItemRecord(*row) for row in session.exec(statement)]


def meetings(session: Session) -> list[Meeting]:
    return list(session.exec(select(Meeting).order_by(col(Meeting.starts_at), col(Meeting.id))))


def meeting_extras(session: Session) -> dict[int, MeetingExtras]:
    """Every meeting's attendance, decisions and minutes status, in three queries."""
    extras: dict[int, MeetingExtras] = defaultdict(MeetingExtras)
    attendance = (
        select(MeetingAttendance.meeting_id, Organisation.acronym, MeetingAttendance.status)
        .join(Organisation, col(Organisation.id) == MeetingAttendance.organisation_id)
        .order_by(col(Organisation.acronym_key))
    )
    for meeting_id, acronym, status in session.exec(attendance):
        extras[meeting_id].attendance[acronym] = status
    for meeting_id, text in session.exec(
        select(Decision.meeting_id, Decision.text).order_by(col(Decision.id))
    ):
        extras[meeting_id].decisions.append(text)
    minutes = dict(session.exec(select(MeetingMinutes.meeting_id, MeetingMinutes.status)).all())
    for meeting_id, status in minutes.items():
        extras[meeting_id] = MeetingExtras(
            extras[meeting_id].attendance, extras[meeting_id].decisions, status
        )
    return dict(extras)
