"""Fixtures for the public registry: the web app with the registry on, and initiatives inserted
directly through storage (the registry is read-only, so nothing else writes them)."""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

import pytest
from flask import Flask
from sqlmodel import select

from bot.deps import Deps
from bot.web import create_web
from storage.db import session_scope
from storage.models import Initiative, InitiativePartner, InitiativeTag, Meeting, Organisation


@pytest.fixture
def registry_deps(deps: Deps) -> Deps:
    return replace(deps, settings=deps.settings.model_copy(update={"itwg_public_registry": True}))


@pytest.fixture
def web(bot, registry_deps: Deps) -> Flask:
    return create_web(bot.app, registry_deps)


@pytest.fixture
def http(web: Flask):
    return web.test_client()


def add_initiative(
    engine,
    title: str,
    *,
    lead: str = "ILO",
    visibility: str = "shareable",
    status: str = "ongoing",
    partners: Iterable[str] = (),
    tags: dict[str, Iterable[str]] | None = None,
    summary: str = "",
    scope_global: bool = False,
    start_date: date | None = None,
    end_date: date | None = None,
    link: str | None = None,
    created_at: datetime | None = None,
) -> int:
    with session_scope(engine) as session:
        by_acronym = {o.acronym: o.id for o in session.exec(select(Organisation))}
        moment = created_at or datetime(2029, 6, 1, tzinfo=UTC)
        initiative = Initiative(
            title=title,
            summary=summary,
            status=status,
            lead_organisation_id=by_acronym[lead],
            scope_global=scope_global,
            start_date=start_date,
            end_date=end_date,
            link=link,
            visibility=visibility,
            created_at=moment,
            updated_at=moment,
            shared_at=moment,
            shared_by_organisation_at=moment,
        )
        session.add(initiative)
        session.flush()
        for kind, values in (tags or {}).items():
            for value in values:
                session.add(InitiativeTag(initiative_id=initiative.id, kind=kind, value=value))
        for acronym in partners:
            session.add(InitiativePartner(initiative_id=initiative.id, organisation_id=by_acronym[acronym]))
        return initiative.id


def add_meeting(engine, title: str, starts_at: datetime, **fields) -> int:
    with session_scope(engine) as session:
        meeting = Meeting(
            uid=f"{title}@itwg", title=title, starts_at=starts_at, timezone="Europe/Vienna", **fields
        )
        session.add(meeting)
        session.flush()
        return meeting.id


SECRET_TITLE = "Confidential donor pipeline review"


@dataclass
class Sample:
    family: int
    prisons: int
    clinics: int
    secret: int


@pytest.fixture
def sample(engine) -> Sample:
    """Three shareable initiatives and one working-group-only one that must never be published."""
    family = add_initiative(
        engine,
        "Family skills for prevention in schools",
        lead="UNODC",
        partners=["WHO", "UNICEF"],
        summary="Strengthening families to prevent drug use among children and youth.",
        tags={
            "objective": ["advocacy", "good_practices"],
            "population": ["children", "youth"],
            "continuum": ["prevention"],
            "region": ["africa"],
            "country": ["KE"],
        },
        start_date=date(2029, 1, 1),
        end_date=date(2030, 12, 31),
        link="https://www.unodc.org/family-skills",
        created_at=datetime(2029, 3, 1, tzinfo=UTC),
    )
    prisons = add_initiative(
        engine,
        "Treatment of drug use disorders in prisons",
        lead="WHO",
        status="planned",
        tags={
            "objective": ["normative_guidance"],
            "population": ["criminal_justice"],
            "continuum": ["treatment"],
        },
        scope_global=True,
        created_at=datetime(2029, 4, 1, tzinfo=UTC),
    )
    clinics = add_initiative(
        engine,
        "Stigma-free clinics for women",
        lead="ILO",
        status="completed",
        tags={"objective": ["stigma"], "population": ["women"], "continuum": ["care"], "country": ["CO"]},
        created_at=datetime(2029, 5, 1, tzinfo=UTC),
    )
    secret = add_initiative(
        engine,
        SECRET_TITLE,
        lead="UNODC",
        visibility="working_group",
        partners=["WHO"],
        summary="Internal: which donors to approach first.",
        tags={
            "objective": ["advocacy"],
            "population": ["children"],
            "continuum": ["prevention"],
            "region": ["africa"],
        },
        created_at=datetime(2029, 6, 1, tzinfo=UTC),
    )
    return Sample(family=family, prisons=prisons, clinics=clinics, secret=secret)
