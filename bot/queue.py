"""The task queue that carries acknowledged Slack work to the workers: one Huey, chosen by configuration.

One code path serves every size. With nothing configured, the queue is a SQLite file beside the SQLite
database (no server to run); with a PostgreSQL database it lives in that database (LISTEN/NOTIFY wakes
the workers); ``ITWG_QUEUE_URL`` names another place, Redis included, and always wins.
"""

from pathlib import Path

from huey import Huey, MemoryHuey, PostgresHuey, RedisHuey, SqliteHuey
from sqlalchemy.engine import make_url

from bot.settings import Settings
from storage.db import normalise_database_url

QUEUE_NAME = "itwg"
# The queue's tables when it shares the PostgreSQL database (created by Huey, not by migrations).
POSTGRES_TABLE_PREFIX = "itwg_queue"


def _postgres_dsn(url: str) -> str:
    """psycopg's own DSN for a SQLAlchemy-style URL (``postgresql+psycopg://`` or ``postgres://``)."""
    parsed = make_url(normalise_database_url(url)).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)


def queue_url(settings: Settings) -> str:
    """Where the queue lives, as a URL: the explicit setting, else derived from the database's."""
    if settings.itwg_queue_url:
        return settings.itwg_queue_url
    database = make_url(normalise_database_url(settings.database_url))
    if database.get_backend_name() == "postgresql":
        return _postgres_dsn(settings.database_url)
    path = Path(database.database or "itwg.db")
    return f"sqlite:///{path.with_name(path.stem + '-queue.db')}"


def make_huey(settings: Settings, *, immediate: bool = False) -> Huey:
    """The queue for ``settings``; ``immediate`` runs every task in the caller's thread (console, tests).

    Results are not kept: a task's outcome is in the database and in what it sent to Slack. Building
    one connects to nothing: a web process starts, and says its database is down, even when it is;
    ``prepare`` creates the queue's tables.
    """
    if immediate:
        return MemoryHuey(QUEUE_NAME, immediate=True, results=False, utc=True)
    url = queue_url(settings)
    if url.startswith(("redis://", "rediss://")):
        return RedisHuey(QUEUE_NAME, url=url, results=False, utc=True)
    if make_url(normalise_database_url(url)).get_backend_name() == "postgresql":
        return PostgresHuey(
            QUEUE_NAME,
            dsn=_postgres_dsn(url),
            results=False,
            utc=True,
            table_prefix=POSTGRES_TABLE_PREFIX,
            create_tables=False,
        )
    filename = url.removeprefix("sqlite:///")
    return SqliteHuey(QUEUE_NAME, filename=filename, results=False, utc=True, create_tables=False)


def prepare(huey: Huey) -> None:
    """Create the queue's tables if they are missing (SQLite and PostgreSQL; Redis needs none)."""
    initialize = getattr(huey.storage, "initialize_schema", None)
    if initialize is not None:
        initialize()
