"""Who receives meeting invites and sharing nudges."""

from sqlmodel import Session, col, select

from storage.models import Person


def attendee_emails(session: Session) -> list[str]:
    """Every known person's email, once each; people without one cannot be invited by email."""
    statement = select(Person.email).where(col(Person.email).is_not(None)).order_by(col(Person.email))
    return sorted({email.strip().lower() for email in session.exec(statement) if email and email.strip()})


def people_by_organisation(session: Session) -> dict[int, list[Person]]:
    statement = select(Person).where(col(Person.organisation_id).is_not(None)).order_by(col(Person.id))
    grouped: dict[int, list[Person]] = {}
    for person in session.exec(statement):
        grouped.setdefault(person.organisation_id or 0, []).append(person)
    return grouped


def nudge_recipients(people: list[Person]) -> list[Person]:
    """An organisation's focal points, or everyone known there when it has named none."""
    focal_points = [person for person in people if person.is_focal_point]
    return focal_points or people
