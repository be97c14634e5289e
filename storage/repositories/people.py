"""People known to the bot, keyed by their Slack user id."""

from datetime import datetime

from sqlalchemy import update as sql_update
from sqlmodel import Session, col, select

from storage.models import Organisation, Person, utcnow


def get_by_slack_id(session: Session, *, slack_user_id: str, team_id: str | None = None) -> Person | None:
    """The person with this user id in ``team_id``'s workspace (or one recorded with no team); without
    a team (a mention carries none), the first person known by that user id."""
    statement = select(Person).where(Person.slack_user_id == slack_user_id).order_by(Person.id)
    found = list(session.exec(statement))
    if not team_id:
        return found[0] if found else None
    for wanted in (team_id, ""):
        for person in found:
            if person.slack_team_id == wanted:
                return person
    return None


def get(session: Session, *, person_id: int) -> Person | None:
    return session.get(Person, person_id)


def create(
    session: Session,
    *,
    slack_user_id: str,
    slack_team_id: str | None,
    display_name: str,
    email: str | None,
    timezone: str | None,
    organisation_id: int | None,
) -> Person:
    person = Person(
        slack_user_id=slack_user_id,
        slack_team_id=slack_team_id or "",
        display_name=display_name,
        email=email,
        timezone=timezone,
        organisation_id=organisation_id,
    )
    session.add(person)
    session.flush()
    return person


def update(session: Session, *, person: Person, **changes) -> Person:
    for name, value in changes.items():
        setattr(person, name, value)
    person.updated_at = utcnow()
    session.add(person)
    session.flush()
    return person


def list_by_organisation(session: Session, *, organisation_id: int) -> list[Person]:
    statement = select(Person).where(Person.organisation_id == organisation_id).order_by(Person.id)
    return list(session.exec(statement))


def list_with_organisation(session: Session) -> list[tuple[Person, Organisation | None]]:
    statement = (
        select(Person, Organisation)
        .join(Organisation, Person.organisation_id == Organisation.id, isouter=True)
        .order_by(Person.id)
    )
    return list(session.exec(statement))


def mark_direct_messages(session: Session, *, slack_user_id: str, refused_at: datetime | None) -> None:
    """Record that Slack refused a direct message to this user id (or, with None, took one)."""
    statement = sql_update(Person).where(col(Person.slack_user_id) == slack_user_id)
    if refused_at is None:
        statement = statement.where(col(Person.dm_refused_at).is_not(None))
    session.execute(statement.values(dm_refused_at=refused_at))
