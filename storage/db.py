"""Engine and unit-of-work sessions.

SQLite locks the whole file for a write, so every connection gets WAL, a busy timeout and foreign keys,
and every unit of work is one short transaction (``session_scope``).
"""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, event, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, create_engine

SQLITE_BUSY_TIMEOUT_MS = 15_000
READ_ONLY_OPTION = "itwg_read_only"
# Enough connections for every listener thread (bot.app.LISTENER_THREADS) plus the request-handling
# threads that check for redeliveries before acking: a listener waiting for SQLite's write lock holds
# its connection, and an ack must never queue behind it for a connection of its own.
POOL_SIZE = 16
POOL_OVERFLOW = 64


def normalise_database_url(url: str) -> str:
    """Point bare ``postgresql://`` (and Heroku-style ``postgres://``) URLs at the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def make_engine(url: str, *, echo: bool = False, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS) -> Engine:
    url = normalise_database_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
            pool_size=POOL_SIZE,
            max_overflow=POOL_OVERFLOW,
        )
        event.listen(engine, "connect", _sqlite_connection_setup(busy_timeout_ms))
        event.listen(engine, "begin", _begin_on_sqlite)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW)


def impatient_engine(engine: Engine) -> Engine:
    """For writes worth doing only if they cost no wait (a cache a reader fills): on SQLite, an
    engine on the same file that gives up at once while another connection holds the write lock;
    elsewhere (row locks only) the engine itself."""
    if engine.dialect.name != "sqlite":
        return engine
    return make_engine(engine.url.render_as_string(hide_password=False), busy_timeout_ms=0)


def _sqlite_connection_setup(busy_timeout_ms: int):
    def configure(dbapi_connection, _record) -> None:
        # Let SQLAlchemy own transactions: pysqlite's implicit BEGIN would defeat BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return configure


def _begin_on_sqlite(connection) -> None:
    # Units of work take the write lock at BEGIN: a deferred transaction that reads then writes can
    # fail with "database is locked" without waiting for the busy timeout when another writer got
    # there first. Read-only scopes begin deferred, so readers never queue behind writers (WAL).
    if connection.get_execution_options().get(READ_ONLY_OPTION):
        connection.exec_driver_sql("BEGIN")
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error, always close."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def read_scope(engine: Engine) -> Iterator[Session]:
    """A read-only unit of work: never takes SQLite's write lock, always rolled back.

    Closing (rather than rolling back the session) ends the transaction without expiring what was
    read, so the records it returns stay readable after the scope, as with ``session_scope``."""
    session = Session(engine.execution_options(**{READ_ONLY_OPTION: True}), expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()


def database_answers(engine: Engine) -> bool:
    """Whether a unit of work could run now: on SQLite this begins a write transaction, so it waits
    while another connection holds the write lock (``bot.health`` bounds that wait)."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:
        return False
