"""Records inserted straight through storage, so digest, opportunity and export tests control every
number without going through the sharing, action-item or meeting flows."""

from datetime import UTC, date, datetime

from sqlmodel import Session

from storage.db import session_scope
from storage.models import ActionItem, Initiative, InitiativeTag, Meeting, Person
from storage.repositories import organisations, people
from tests.harness import PEOPLE


def at(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def org_id(session: Session, acronym: str) -> int:
    organisation = organisations.find_by_acronym(session, text=acronym)
    assert organisation is not None and organisation.id is not None
    return organisation.id


def person(session: Session, who: str) -> Person:
    """The harness user ``who`` (e.g. "ILO") as a person of that organisation."""
    user = PEOPLE[who]
    existing = people.get_by_slack_id(session, slack_user_id=user.id)
    if existing is not None:
        return existing
    return people.create(
        session,
        slack_user_id=user.id,
        slack_team_id=user.team_id,
        display_name=user.name,
        email=user.email,
        timezone=user.tz,
        organisation_id=org_id(session, who) if who != "GUEST" else None,
    )


def initiative(
    session: Session,
    org: str,
    title: str,
    *,
    status: str = "ongoing",
    created: datetime | None = None,
    updated: datetime | None = None,
    shared: datetime | None = None,
    objectives: tuple[str, ...] = (),
    populations: tuple[str, ...] = (),
    continuum: tuple[str, ...] = (),
    regions: tuple[str, ...] = (),
    countries: tuple[str, ...] = (),
    scope_global: bool = False,
    start: date | None = None,
    end: date | None = None,
    visibility: str = "working_group",
    link: str | None = None,
    shared_by: str | None = None,
    summary: str = "",
) -> Initiative:
    created = created or at(2029, 1, 1)
    record = Initiative(
        title=title,
        summary=summary,
        status=status,
        lead_organisation_id=org_id(session, org),
        scope_global=scope_global,
        start_date=start,
        end_date=end,
        link=link,
        visibility=visibility,
        shared_by_person_id=person(session, shared_by).id if shared_by else None,
        created_at=created,
        updated_at=updated or created,
        shared_at=shared or updated or created,
        shared_by_organisation_at=shared or updated or created,
    )
    session.add(record)
    session.flush()
    for kind, values in (
        ("objective", objectives),
        ("population", populations),
        ("continuum", continuum),
        ("region", regions),
        ("country", countries),
    ):
        for value in values:
            session.add(InitiativeTag(initiative_id=record.id, kind=kind, value=value))
    session.flush()
    return record


def action_item(
    session: Session,
    org: str,
    title: str,
    *,
    due: date,
    status: str = "open",
    closed: datetime | None = None,
    outcome: str | None = None,
) -> ActionItem:
    item = ActionItem(
        title=title,
        owner_organisation_id=org_id(session, org),
        due_date=due,
        status=status,
        closed_at=closed,
        outcome=outcome,
    )
    session.add(item)
    session.flush()
    return item


def meeting(
    session: Session, uid: str, starts: datetime, *, status: str = "scheduled", title: str = "ITWG meeting"
) -> Meeting:
    record = Meeting(uid=uid, title=title, starts_at=starts, timezone="Europe/Vienna", status=status)
    session.add(record)
    session.flush()
    return record


# The known fixture: now is 2030-03-01 12:00 UTC; the last meeting was held on 1 February.
NOW = at(2030, 3, 1)
LAST_MEETING = at(2030, 2, 1, 10)


def known_fixture(engine) -> None:
    with session_scope(engine) as session:
        meeting(session, "held@itwg", LAST_MEETING, title="Q1 meeting")
        meeting(session, "cancelled@itwg", at(2030, 2, 20), status="cancelled")
        meeting(session, "next@itwg", at(2030, 4, 1, 10), title="Q2 meeting")
        initiative(
            session,
            "ILO",
            "Youth employment & prevention",
            created=at(2029, 6, 1),
            updated=at(2030, 2, 10),
            objectives=("advocacy",),
            populations=("youth",),
            countries=("KE",),
            shared_by="ILO",
        )
        initiative(
            session,
            "UNICEF",
            "Family skills",
            status="planned",
            created=at(2030, 2, 15),
            objectives=("advocacy", "good_practices"),
            populations=("children", "youth"),
            countries=("KE",),
            shared_by="UNICEF",
        )
        initiative(
            session,
            "UNHCR",
            "Treatment in camps",
            created=at(2029, 1, 1),
            updated=at(2029, 5, 1),
            objectives=("normative_guidance",),
            populations=("displaced_refugees",),
            countries=("UG",),
        )
        initiative(
            session,
            "OHCHR",
            "Rights-based services",
            status="completed",
            created=at(2030, 2, 20),
            objectives=("stigma",),
            populations=("criminal_justice",),
            scope_global=True,
        )
        action_item(session, "ILO", "Send the youth study", due=date(2030, 2, 20))
        action_item(session, "ILO", "Draft joint note", due=date(2030, 3, 10))
        action_item(session, "UNICEF", "Share toolkit", due=date(2030, 3, 15))
        action_item(session, "UNICEF", "Plan webinar", due=date(2030, 3, 16))
        action_item(session, "WHO", "Circulate guidance draft", due=date(2030, 2, 28))
        action_item(
            session,
            "UNHCR",
            "Map services",
            due=date(2030, 2, 5),
            status="done",
            closed=at(2030, 2, 10),
            outcome="Map published",
        )
        action_item(session, "UNHCR", "Old task", due=date(2030, 1, 5), status="done", closed=at(2030, 1, 10))
