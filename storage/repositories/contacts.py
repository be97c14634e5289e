"""E-mail contacts, opt-outs and used sharing links: who the bot reaches by e-mail, and who asked not."""

from datetime import date, datetime

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.models import ActionItem, Contact, EmailOptOut, Organisation, Person, ShareLinkUse


def normalise(email: str) -> str:
    return email.strip().lower()


def get(session: Session, *, contact_id: int) -> Contact | None:
    return session.get(Contact, contact_id)


def by_email(session: Session, *, email: str) -> Contact | None:
    return session.exec(select(Contact).where(Contact.email == normalise(email))).first()


def add(
    session: Session,
    *,
    organisation_id: int,
    name: str,
    email: str,
    is_focal_point: bool,
    created_by_person_id: int | None,
) -> Contact:
    contact = Contact(
        organisation_id=organisation_id,
        name=name,
        email=normalise(email),
        is_focal_point=is_focal_point,
        created_by_person_id=created_by_person_id,
    )
    session.add(contact)
    session.flush()
    return contact


def remove(session: Session, *, contact: Contact) -> None:
    session.delete(contact)
    session.flush()


def listed(session: Session, *, organisation_id: int | None = None) -> list[tuple[Contact, Organisation]]:
    """Contacts with their organisation, by organisation then name."""
    statement = select(Contact, Organisation).join(
        Organisation, col(Contact.organisation_id) == Organisation.id
    )
    if organisation_id is not None:
        statement = statement.where(Contact.organisation_id == organisation_id)
    return list(session.exec(statement.order_by(col(Organisation.acronym_key), col(Contact.name))))


def slack_person_by_email(session: Session, *, email: str) -> Person | None:
    """The Slack person with this address, if any: then the contact is that person."""
    statement = select(Person).where(func.lower(col(Person.email)) == normalise(email))
    return session.exec(statement.order_by(col(Person.id))).first()


def email_only(session: Session) -> dict[int, list[Contact]]:
    """Contacts no Slack person shares an address with, by organisation, opted-out ones and those of
    retired organisations left out."""
    slack_emails = {
        normalise(email) for email in session.exec(select(Person.email).where(col(Person.email).is_not(None)))
    }
    opted_out = opted_out_emails(session)
    grouped: dict[int, list[Contact]] = {}
    statement = (
        select(Contact)
        .join(Organisation, col(Contact.organisation_id) == Organisation.id)
        .where(col(Organisation.retired_at).is_(None))
        .order_by(col(Contact.id))
    )
    for contact in session.exec(statement):
        if contact.email not in slack_emails and contact.email not in opted_out:
            grouped.setdefault(contact.organisation_id, []).append(contact)
    return grouped


def all_emails(session: Session) -> set[str]:
    """Every contact's address but those of retired organisations."""
    statement = (
        select(Contact.email)
        .join(Organisation, col(Contact.organisation_id) == Organisation.id)
        .where(col(Organisation.retired_at).is_(None))
    )
    return set(session.exec(statement))


def opted_out_emails(session: Session) -> set[str]:
    return set(session.exec(select(EmailOptOut.email)))


def is_opted_out(session: Session, *, email: str) -> bool:
    return session.get(EmailOptOut, normalise(email)) is not None


def opt_out(session: Session, *, email: str, now: datetime) -> bool:
    """Record the opt-out; False when the address had already opted out."""
    try:
        with session.begin_nested():
            session.add(EmailOptOut(email=normalise(email), at=now))
            session.flush()
    except IntegrityError:
        return False
    return True


def opt_in(session: Session, *, email: str) -> bool:
    row = session.get(EmailOptOut, normalise(email))
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def use_share_link(session: Session, *, nonce: str, contact_id: int, now: datetime) -> bool:
    """Spend a sharing link; False when it was already used (the insert is the claim)."""
    try:
        with session.begin_nested():
            session.add(ShareLinkUse(nonce=nonce, contact_id=contact_id, used_at=now))
            session.flush()
    except IntegrityError:
        return False
    return True


def share_link_used(session: Session, *, nonce: str) -> bool:
    return session.get(ShareLinkUse, nonce) is not None


def unassigned_open_items(
    session: Session, *, organisation_ids: list[int], first_day: date, last_day: date
) -> list[tuple[ActionItem, Organisation]]:
    """Open, unassigned items of these organisations due in ``[first_day, last_day]`` (one query):
    what their e-mail contacts are followed up about."""
    if not organisation_ids:
        return []
    statement = (
        select(ActionItem, Organisation)
        .join(Organisation, col(ActionItem.owner_organisation_id) == Organisation.id)
        .where(
            ActionItem.status == "open",
            col(ActionItem.assignee_person_id).is_(None),
            col(ActionItem.owner_organisation_id).in_(organisation_ids),
            ActionItem.due_date >= first_day,
            ActionItem.due_date <= last_day,
        )
        .order_by(col(ActionItem.id))
    )
    return list(session.exec(statement))
