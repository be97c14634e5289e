"""Organisations of the working group."""

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session, col, select

from storage.models import Organisation


def acronym_key(text: str) -> str:
    return text.strip().upper()


def list_all(session: Session, *, include_retired: bool = False) -> list[Organisation]:
    """The working group's organisations by acronym; retired ones only when asked for."""
    statement = select(Organisation).order_by(Organisation.acronym_key)
    if not include_retired:
        statement = statement.where(col(Organisation.retired_at).is_(None))
    return list(session.exec(statement))


def get(session: Session, *, organisation_id: int) -> Organisation | None:
    return session.get(Organisation, organisation_id)


def find_by_acronym(session: Session, *, text: str, include_retired: bool = False) -> Organisation | None:
    """Match an acronym or alias case-insensitively (the group has ~20 organisations)."""
    key = acronym_key(text)
    if not key:
        return None
    for organisation in list_all(session, include_retired=include_retired):
        if organisation.acronym_key == key or key in (acronym_key(a) for a in organisation.aliases):
            return organisation
    return None


def find_by_email(session: Session, *, email: str) -> Organisation | None:
    """Map an email address to an organisation by its domain, including subdomains."""
    domain = email.rsplit("@", 1)[-1].strip().lower()
    if not domain or "@" not in email:
        return None
    for organisation in list_all(session):
        for known in organisation.email_domains:
            known = known.lower()
            if domain == known or domain.endswith("." + known):
                return organisation
    return None


def upsert_many(session: Session, *, entries: Iterable[dict]) -> tuple[int, int]:
    """Insert new organisations and refresh existing ones, but never one the co-leads changed in Slack
    (nor bring back one they retired); returns (created, updated)."""
    existing = {o.acronym_key: o for o in list_all(session, include_retired=True)}
    created = updated = 0
    for entry in entries:
        key = acronym_key(entry["acronym"])
        values = {
            "acronym": entry["acronym"],
            "name": entry["name"],
            "role": entry["role"],
            "email_domains": [d.lower() for d in entry.get("email_domains", [])],
            "aliases": list(entry.get("aliases", [])),
        }
        organisation = existing.get(key)
        if organisation is not None and organisation.managed_in_slack:
            continue
        if organisation is None:
            session.add(Organisation(acronym_key=key, **values))
            created += 1
        elif any(getattr(organisation, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(organisation, k, v)
            session.add(organisation)
            updated += 1
    return created, updated


def create(session: Session, *, acronym: str, name: str, role: str, email_domains: list[str]) -> Organisation:
    organisation = Organisation(
        acronym=acronym,
        acronym_key=acronym_key(acronym),
        name=name,
        role=role,
        email_domains=email_domains,
        managed_in_slack=True,
    )
    session.add(organisation)
    session.flush()
    return organisation


def update(session: Session, *, organisation: Organisation, **changes: Any) -> Organisation:
    """Change an organisation from Slack; it is then the co-leads', no longer the data file's."""
    for name, value in changes.items():
        setattr(organisation, name, value)
    organisation.managed_in_slack = True
    session.add(organisation)
    session.flush()
    return organisation
