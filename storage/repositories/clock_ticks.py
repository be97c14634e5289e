"""When the clock last ticked (one row per clock name), for catching up after it was stopped."""

from datetime import datetime

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col

from storage.models import ClockTick

CLOCK = "clock"


def last_tick(session: Session) -> datetime | None:
    row = session.get(ClockTick, CLOCK)
    return row.ticked_at if row else None


def record_tick(session: Session, *, now: datetime) -> None:
    """Move the mark forward to ``now``, in one statement; never back (``itwg tick --at`` an earlier
    moment leaves it alone)."""
    insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else postgresql_insert
    statement = insert(ClockTick).values(name=CLOCK, ticked_at=now)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["name"],
            set_={"ticked_at": statement.excluded.ticked_at},
            where=col(ClockTick.ticked_at) < statement.excluded.ticked_at,
        )
    )
