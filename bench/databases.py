"""A migrated, empty database for a benchmark run: a SQLite file of its own, or the given URL emptied."""

from pathlib import Path

from sqlalchemy import Engine, text
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
