"""Organisations of the working group."""

from collections.abc import Iterable

from sqlmodel import Session, select

from storage.models import Organisation


def acronym_key(text: str) -> str:
    return text.strip().upper()


def list_all(session: Session) -> list[Organisation]:
    return list(session.exec(select(Organisation).order_by(Organisation.acronym_key)))


def get(session: Session, *, organisation_id: int) -> Organisation | None:
    return session.get(Organisation, organisation_id)


def find_by_acronym(session: Session, *, text: str) -> Organisation | None:
    """Match an acronym or alias case-insensitively (the group has ~20 organisations)."""
    key = acronym_key(text)
    if not key:
        return None
    for organisation in list_all(session):
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
    """Insert new organisations and refresh existing ones; returns (created, updated)."""
    existing = {o.acronym_key: o for o in list_all(session)}
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
        if organisation is None:
            session.add(Organisation(acronym_key=key, **values))
            created += 1
        elif any(getattr(organisation, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(organisation, k, v)
            session.add(organisation)
            updated += 1
    return created, updated
