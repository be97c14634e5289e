"""The digest and opportunities cost a fixed number of SQL queries, whatever the data size."""

from collections.abc import Callable

from sqlalchemy import Engine, event

from bench.digest import NOW, populate, prepare
from bot import digest as digests
from bot import opportunities
from storage.db import session_scope


def _statements(engine: Engine, work: Callable[[], object]) -> list[str]:
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        work()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def _digest(engine: Engine, settings) -> digests.Digest:
    with session_scope(engine) as session:
        return digests.build(session, now=NOW, settings=settings)


def _opportunities(engine: Engine) -> list[opportunities.OpportunityGroup]:
    with session_scope(engine) as session:
        return opportunities.find(session, today=NOW.date(), limit=5)


def test_query_count_is_the_same_at_100_and_at_10000_initiatives(engine, settings):
    organisations = prepare(engine)
    populate(engine, organisations, initiatives=100, action_items=1_000)
    small: dict[str, object] = {}
    digest_small = _statements(engine, lambda: small.update(digest=_digest(engine, settings)))
    found_small = _statements(engine, lambda: small.update(groups=_opportunities(engine)))

    populate(engine, organisations, initiatives=9_900, action_items=9_000, first_id=101, seed=11)
    large: dict[str, object] = {}
    digest_large = _statements(engine, lambda: large.update(digest=_digest(engine, settings)))
    found_large = _statements(engine, lambda: large.update(groups=_opportunities(engine)))

    assert small["digest"].total.total == 100 and large["digest"].total.total == 10_000
    assert small["groups"] and large["groups"], "both sizes exercise the full opportunities path"
    assert len(digest_small) == len(digest_large) <= 16
    assert len(found_small) == len(found_large) == 3
