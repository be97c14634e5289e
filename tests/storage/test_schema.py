"""Migrations, membership loading and timestamps behave the same on SQLite and PostgreSQL."""

from datetime import UTC, datetime, timedelta, timezone

from sqlmodel import select

from bot import membership
from storage.db import session_scope
from storage.migrate import upgrade_to_head
from storage.models import Organisation, Person
from storage.repositories import organisations


def test_migrate_twice_is_harmless_and_membership_loads_once(database_url, engine):
    upgrade_to_head(database_url)
    assert membership.load(engine) == (0, 0)
    with session_scope(engine) as session:
        rows = session.exec(select(Organisation)).all()
    assert len(rows) == 17
    roles = {o.acronym: o.role for o in rows}
    assert roles["UNODC"] == roles["WHO"] == "co_lead"
    assert roles["OHCHR"] == "observer"
    assert roles["UNICEF"] == "member"


def test_acronyms_and_aliases_match_case_insensitively(engine):
    with session_scope(engine) as session:
        assert organisations.find_by_acronym(session, text="un-habitat").acronym == "UN-Habitat"
        assert organisations.find_by_acronym(session, text="cicad").acronym == "CICAD/OAS"
        assert organisations.find_by_acronym(session, text="nope") is None


def test_email_domain_maps_including_subdomains(engine):
    with session_scope(engine) as session:
        assert organisations.find_by_email(session, email="a@who.int").acronym == "WHO"
        assert organisations.find_by_email(session, email="b@geneva.unhcr.org").acronym == "UNHCR"
        assert organisations.find_by_email(session, email="c@gmail.com") is None
        assert organisations.find_by_email(session, email="c@notwho.int") is None


def test_times_are_stored_in_utc_and_read_back_aware(engine):
    vienna_noon = datetime(2030, 7, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    with session_scope(engine) as session:
        person = Person(slack_user_id="UTIME0001", created_at=vienna_noon, updated_at=vienna_noon)
        session.add(person)
    with session_scope(engine) as session:
        stored = session.exec(select(Person).where(Person.slack_user_id == "UTIME0001")).one()
    assert stored.created_at.tzinfo is not None
    assert stored.created_at == datetime(2030, 7, 1, 10, 0, tzinfo=UTC)
    assert stored.created_at.utcoffset() == timedelta(0)
