"""Who receives meeting invites and sharing nudges."""

from typing import TypeVar

from sqlmodel import Session, col, select

from storage.models import Contact, Organisation, Person

Someone = TypeVar("Someone", Person, Contact)


def attendee_emails(session: Session) -> list[str]:
    """Every known person's email, once each; people without one cannot be invited by email, nor people
    of a retired organisation."""
    statement = (
        select(Person.email)
        .outerjoin(Organisation, col(Person.organisation_id) == Organisation.id)
        .where(col(Person.email).is_not(None), col(Organisation.retired_at).is_(None))
        .order_by(col(Person.email))
    )
    return sorted({email.strip().lower() for email in session.exec(statement) if email and email.strip()})


def people_by_organisation(session: Session) -> dict[int, list[Person]]:
    statement = select(Person).where(col(Person.organisation_id).is_not(None)).order_by(col(Person.id))
    grouped: dict[int, list[Person]] = {}
    for person in session.exec(statement):
        grouped.setdefault(person.organisation_id or 0, []).append(person)
    return grouped


def nudge_recipients(people: list[Someone]) -> list[Someone]:
    """An organisation's focal points, or everyone known there when it has named none (Slack people
    and e-mail contacts alike)."""
    focal_points = [person for person in people if person.is_focal_point]
    return focal_points or people
