"""Databases for benchmark runs: a migrated, empty one (a SQLite file of its own, or the given URL
emptied), or a scratch PostgreSQL database created for the run and dropped after it."""

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from storage.db import make_engine
from storage.migrate import upgrade_to_head


def fresh_engine(url: str | None, sqlite_path: Path) -> Engine:
    if url is None:
        url = f"sqlite:///{sqlite_path}"
        upgrade_to_head(url)
        return make_engine(url)
    upgrade_to_head(url)
    engine = make_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    return engine


@contextmanager
def scratch_postgres(server: str = "postgresql://postgres@127.0.0.1:5432/postgres") -> Iterator[str]:
    """A new, empty PostgreSQL database on ``server`` for one run (its URL), dropped afterwards."""
    name = f"itwg_bench_{os.getpid()}_{int(time.time())}"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
