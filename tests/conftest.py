"""Shared fixtures: a migrated database (SQLite, or PostgreSQL with TEST_DATABASE_URL), the local
Slack stand-in, and the real App wired to both."""

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from slack_sdk import WebClient
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from bot import membership
from bot.app import create_app
from bot.deps import Deps
from bot.local_slack import LocalSlack
from bot.queue import make_huey
from bot.settings import Settings
from bot.slack_client import make_client
from storage.db import make_engine, normalise_database_url
from storage.migrate import upgrade_to_head
from tests.harness import BOT_TOKEN, CHANNEL, PEOPLE, SIGNING_SECRET, BotHarness, Clock

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


def _admin_url(url: str) -> str:
    return normalise_database_url(url)


@pytest.fixture(scope="session")
def database_template(tmp_path_factory) -> Iterator[str]:
    """A migrated database created once per test session.

    SQLite: a file each test copies. PostgreSQL: a fresh database of its own (so parallel runs never
    meet), emptied between tests.
    """
    if TEST_DATABASE_URL:
        admin = make_engine(_admin_url(TEST_DATABASE_URL)).execution_options(isolation_level="AUTOCOMMIT")
        name = f"itwg_test_{uuid.uuid4().hex[:10]}"
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(_admin_url(TEST_DATABASE_URL)).set(database=name)
        rendered = url.render_as_string(hide_password=False)
        upgrade_to_head(rendered)
        yield rendered
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        path = tmp_path_factory.mktemp("template") / "template.db"
        upgrade_to_head(f"sqlite:///{path}")
        yield str(path)


@pytest.fixture
def database_url(database_template: str, tmp_path: Path) -> str:
    if TEST_DATABASE_URL:
        engine = make_engine(database_template)
        tables = ", ".join(
            f'"{t.name}"' for t in SQLModel.metadata.sorted_tables if t.name != "alembic_version"
        )
        with engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        engine.dispose()
        return database_template
    path = tmp_path / "itwg.db"
    shutil.copyfile(database_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    membership.load(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def slack() -> Iterator[LocalSlack]:
    with LocalSlack() as server:
        for user in PEOPLE.values():
            server.add_user(user)
        server.channel_members[CHANNEL] = [u.id for u in PEOPLE.values()]
        yield server


@pytest.fixture
def settings(database_url: str, slack: LocalSlack) -> Settings:
    return Settings(
        _env_file=None,
        slack_bot_token=SecretStr(BOT_TOKEN),
        slack_signing_secret=SecretStr(SIGNING_SECRET),
        slack_api_url=slack.api_url,
        database_url=database_url,
        itwg_channel=CHANNEL,
        itwg_calendar_secret=SecretStr("calendar-secret-for-tests"),
    )


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def deps(settings: Settings, engine: Engine, clock: Clock) -> Deps:
    return Deps(settings=settings, engine=engine, now=clock)


@pytest.fixture
def client(settings: Settings) -> WebClient:
    """The listeners' client as the app makes it, pointed at the local Slack."""
    return make_client(settings)


@pytest.fixture
def bot(settings: Settings, deps: Deps, slack: LocalSlack, client: WebClient, clock: Clock) -> BotHarness:
    """The app as every process runs it, its queue running tasks at once (Huey's immediate mode): a
    request's ack part, then its lazy parts through the request ledger, so that a dispatch returns
    once all the work is done."""
    app = create_app(settings, client, huey=make_huey(settings, immediate=True), deps=deps)
    return BotHarness(app=app, slack=slack, deps=deps, clock=clock)
