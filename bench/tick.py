"""What one tick of the clock costs as the records grow, and how fast it sends.

1. A quiet tick: 100,000 rows (50,000 meetings and 50,000 action items, plus a notification log of a
   tenth of that) with nothing due at the instant, then ten times that (1,000,000 rows). The rows are
   what years of history look like: past meetings, cancelled and far-future ones, closed items, open
   items due far ahead or long overdue. Prints one tick's wall time (median of several) and its SQL
   query count at both sizes, and their ratios. The tick asks each notification source for a bounded
   window around now, so the target is the same handful of index-backed queries and a flat time.
2. A busy tick on the large database: 1,000 action-item follow-ups due at the instant, sent to the
   fake Slack (bot/local_slack.py) by the clock's own client; prints sends per second. Then another
   1,000 with the fake answering 429 (Retry-After 1) to one chat.postMessage in 25, and checks that
   every notification was posted exactly once (chat.postMessage calls counted per key) and logged sent.

Queries are counted with a ``before_cursor_execute`` listener; SQLite's ``BEGIN`` statements and
savepoints are transaction control and not counted. ``--explain`` prints each distinct statement of
both ticks with its plan (``EXPLAIN QUERY PLAN`` on SQLite, ``EXPLAIN`` on PostgreSQL) and flags any
that scans a growing table. The last line names the headline ratio.

    python bench/tick.py                  # 100,000 then 1,000,000 rows; 1,000 due (a few minutes)
    python bench/tick.py --quick          # 10,000 then 100,000 rows; 200 due (under a minute)
    python bench/tick.py --explain        # also print every query's plan
    python bench/tick.py --database-url postgresql://…/scratch   # PostgreSQL (the database is emptied)
"""

import argparse
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from sqlalchemy import Engine, event, insert, text
from sqlmodel import SQLModel, col, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.databases import fresh_engine
from bot import membership
from bot.deps import Deps
from bot.local_slack import LocalSlack
from bot.settings import Settings
from bot.slack_client import make_clock_client
from bot.tick import TickReport, collect, tick
from storage.db import session_scope
from storage.models import ActionItem, DigestSubscription, Meeting, Notification, Organisation, Person
from storage.repositories import notifications as notification_log

NOW = datetime(2030, 3, 5, 12, 0, tzinfo=UTC)  # a Tuesday; 09:00 in Vienna was 08:00 UTC
PEOPLE = 100
BATCH = 10_000
CHANNEL = "CBENCHTICK"
GROWING_TABLES = ("meeting", "actionitem", "notification")
RATE_LIMITED_EVERY = 25  # one chat.postMessage in this many is answered 429
QUIET_REPEATS = 30
TIME_TARGET = 2.0


# -- the data ------------------------------------------------------------------------------------------
def prepare(engine: Engine) -> list[tuple[int, int]]:
    """The working group's organisations, ``PEOPLE`` people across them and two co-leads' monthly
    digests (not due at ``NOW``). Returns (person id, organisation id) pairs."""
    membership.load(engine)
    with session_scope(engine) as session:
        organisations = list(session.exec(select(Organisation).order_by(col(Organisation.id))))
        people = []
        for n in range(PEOPLE):
            organisation = organisations[n % len(organisations)]
            person = Person(
                slack_user_id=f"UTICK{n:05d}",
                organisation_id=organisation.id,
                display_name=f"Person {n}",
                timezone="Europe/Vienna",
            )
            session.add(person)
            session.flush()
            people.append((person.id or 0, organisation.id or 0))
        co_leads = [o.id for o in organisations if o.role == "co_lead"]
        for person_id, organisation_id in people:
            if organisation_id in co_leads:
                session.add(
                    DigestSubscription(
                        person_id=person_id,
                        frequency="monthly",
                        day_of_month=1,
                        at_time="09:00",
                        timezone="Europe/Vienna",
                        created_at=NOW - timedelta(days=400),
                    )
                )
                co_leads.remove(organisation_id)
    return people


def _meetings(start: int, count: int) -> Iterator[dict[str, Any]]:
    """Mostly past meetings (one in 20 cancelled), one in 20 far ahead, and one in 2,000 cancelled
    within the reminder window (a near miss: only its status keeps it from being due)."""
    for n in range(start, start + count):
        if n % 2000 == 0:
            starts_at, status = NOW + timedelta(hours=1 + n % (14 * 24)), "cancelled"
        elif n % 20 == 1:
            starts_at, status = NOW + timedelta(days=30, hours=n), "scheduled"
        else:
            status = "cancelled" if n % 20 == 0 else "scheduled"
            starts_at = NOW - timedelta(days=3, minutes=17 * n)
        yield {
            "uid": f"bench-{n}@itwg",
            "title": f"Meeting {n}",
            "starts_at": starts_at,
            "timezone": "Europe/Vienna",
            "status": status,
            "created_at": starts_at - timedelta(days=30),
            "updated_at": starts_at - timedelta(days=30),
        }


def _action_items(start: int, count: int, people: list[tuple[int, int]]) -> Iterator[dict[str, Any]]:
    """Eight in ten closed (some due right around now), one open and due far ahead, one long overdue."""
    today = NOW.date()
    for n in range(start, start + count):
        person_id, organisation_id = people[n % len(people)]
        kind = n % 10
        if kind < 8:
            due, status = today + timedelta(days=30 - n % 3000), "done"
        elif kind == 8:
            due, status = today + timedelta(days=10 + n % 1000), "open"
        else:
            due, status = today - timedelta(days=5 + n % 1000), "open"
        closed_at = datetime.combine(due, datetime.min.time(), UTC) if status == "done" else None
        yield {
            "title": f"Action {n}",
            "notes": "",
            "owner_organisation_id": organisation_id,
            "assignee_person_id": person_id if n % 2 else None,
            "due_date": due,
            "status": status,
            "closed_at": min(closed_at, NOW) if closed_at else None,
            "created_at": NOW - timedelta(days=400),
            "updated_at": NOW - timedelta(days=400),
        }


def _history(start: int, count: int) -> Iterator[dict[str, Any]]:
    """The notification log of past ticks: sent, some skipped, some failed and given up."""
    for n in range(start, start + count):
        due_at = NOW - timedelta(days=3, minutes=7 * n)
        status = "failed" if n % 50 == 0 else "skipped" if n % 50 == 1 else "sent"
        yield {
            "key": f"history:{n}",
            "kind": "action-due-soon",
            "status": status,
            "attempts": 5 if status == "failed" else 1,
            "last_error": "channel_not_found" if status == "failed" else None,
            "due_at": due_at,
            "claimed_at": due_at,
            "next_attempt_at": None,
            "sent_at": due_at if status == "sent" else None,
            "payload": {},
        }


def _insert(engine: Engine, table: type[SQLModel], rows: Iterable[dict[str, Any]]) -> None:
    """Bulk insert in batches of ``BATCH`` rows (executemany), one transaction."""
    statement = insert(table)  # type: ignore[arg-type]
    with engine.begin() as connection:
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH:
                connection.execute(statement, batch)
                batch = []
        if batch:
            connection.execute(statement, batch)


def populate(engine: Engine, people: list[tuple[int, int]], *, start: int, count: int) -> None:
    """Add ``count`` rows numbered from ``start``: half meetings, half action items, and a notification
    log a tenth that size. Nothing added is due at ``NOW``."""
    _insert(engine, Meeting, _meetings(start // 2, count // 2))
    _insert(engine, ActionItem, _action_items(start // 2, count - count // 2, people))
    _insert(engine, Notification, _history(start // 10, count // 10))
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))


def add_due_followups(engine: Engine, people: list[tuple[int, int]], *, count: int, due_date: date) -> None:
    """``count`` open items, each assigned to one person, whose 3-days-before follow-up is due at 09:00
    local time on ``due_date - 3 days``."""
    rows = (
        {
            "title": f"Follow-up due {due_date.isoformat()} #{n}",
            "notes": "",
            "owner_organisation_id": people[n % len(people)][1],
            "assignee_person_id": people[n % len(people)][0],
            "due_date": due_date,
            "status": "open",
            "created_at": NOW - timedelta(days=30),
            "updated_at": NOW - timedelta(days=30),
        }
        for n in range(count)
    )
    _insert(engine, ActionItem, rows)


# -- measuring -------------------------------------------------------------------------------------------
class Statements:
    """Every SQL statement the engine sends while active, with its parameters (for EXPLAIN)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.seen: list[tuple[str, Any]] = []

    def _record(self, _conn, _cursor, statement, parameters, _context, _executemany) -> None:
        self.seen.append((statement, parameters))

    def __enter__(self) -> "Statements":
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._record)

    @property
    def queries(self) -> list[tuple[str, Any]]:
        """Statements that do work: SQLite's BEGIN and savepoints are transaction control."""
        control = ("BEGIN", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")
        return [(s, p) for s, p in self.seen if not s.lstrip().upper().startswith(control)]


def tick_queries(deps: Deps, client, *, now: datetime) -> tuple[TickReport, list[tuple[str, Any]]]:
    """One tick at ``now`` and the queries it ran."""
    with Statements(deps.engine) as statements:
        report = tick(deps, client, now=now)
    return report, statements.queries


def quiet_tick(deps: Deps, client) -> tuple[float, float, list[tuple[str, Any]]]:
    """Best and median wall time of ``QUIET_REPEATS`` ticks at ``NOW`` (after one to warm up) and the
    queries of one; every tick must find nothing to send. The best is the least disturbed by other
    load on the machine, so it is what the ratio compares."""
    report, queries = tick_queries(deps, client, now=NOW)
    times = []
    for _ in range(QUIET_REPEATS):
        started = time.perf_counter()
        report = tick(deps, client, now=NOW)
        times.append(time.perf_counter() - started)
        if report.sent or report.skipped or report.failed:
            raise SystemExit(f"expected nothing due at {NOW}, the tick did: {report.lines[:3]}")
    return min(times), statistics.median(times), queries


def expected_posts(deps: Deps, *, now: datetime) -> dict[tuple[str, str], str]:
    """(channel, text) of every message due and unsent at ``now``, mapped to its notification key."""
    with session_scope(deps.engine) as session:
        due = collect(session, now=now, settings=deps.settings)
        already = notification_log.claimed_keys(session, keys=[n.key for n in due])
    expected = {(n.channel, n.render()["text"]): n.key for n in due if n.key not in already}
    if len(expected) != len([n for n in due if n.key not in already]):
        raise SystemExit("two due notifications would post the same text to the same channel")
    return expected


def busy_tick(deps: Deps, slack: LocalSlack, client, *, now: datetime, rate_limited: bool) -> dict[str, Any]:
    """Run the tick that sends what is due at ``now``; check each key was posted once and logged sent."""
    expected = expected_posts(deps, now=now)
    answered = Counter[str]()
    lock = threading.Lock()

    def throttle(method: str, _params: dict[str, Any]) -> None:
        if method != "chat.postMessage":
            return
        with lock:
            answered["ok"] += 1
            if answered["ok"] % RATE_LIMITED_EVERY == 0:
                slack.rate_limit("chat.postMessage", times=1, retry_after=1)

    slack.clear()
    if rate_limited:
        slack.listeners.append(throttle)
    try:
        started = time.perf_counter()
        report, queries = tick_queries(deps, client, now=now)
        seconds = time.perf_counter() - started
    finally:
        if rate_limited:
            slack.listeners.remove(throttle)
    per_key = Counter(
        expected.get((call.params.get("channel", ""), call.params.get("text", "")), "unexpected")
        for call in slack.calls_to("chat.postMessage")
    )
    with session_scope(deps.engine) as session:
        logged = Counter(
            session.exec(select(Notification.status).where(col(Notification.key).in_(expected.values())))
        )
    counts = Counter(per_key[key] for key in expected.values())
    exactly_once = counts == Counter({1: len(expected)}) and "unexpected" not in per_key
    return {
        "due": len(expected),
        "sent": len(report.sent),
        "seconds": seconds,
        "queries": queries,
        "throttled": len(slack.calls_to("rate_limited:chat.postMessage")),
        "posts_per_key": counts,
        "unexpected": per_key.get("unexpected", 0),
        "logged": logged,
        "ok": exactly_once
        and logged == Counter({"sent": len(expected)})
        and len(report.sent) == len(expected),
    }


# -- plans -----------------------------------------------------------------------------------------------
def explain(engine: Engine, queries: list[tuple[str, Any]]) -> list[str]:
    """Each distinct statement with its plan; a line naming any scan of a growing table."""
    lines, scans, done = [], [], set()
    sqlite = engine.dialect.name == "sqlite"
    for statement, parameters in queries:
        if statement in done or not statement.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE")):
            continue
        done.add(statement)
        prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN (COSTS OFF) "
        with engine.connect() as connection:
            plan = [row[-1] for row in connection.exec_driver_sql(prefix + statement, parameters)]
            connection.rollback()
        shown = " ".join(statement.split())
        lines.append(f"  {shown[:150]}{' …' if len(shown) > 150 else ''}")
        lines += [f"      {step[:150]}{' …' if len(step) > 150 else ''}" for step in plan]
        for step in plan:
            words = step.replace("Seq Scan on", "SCAN").split()
            if "SCAN" in words and words[words.index("SCAN") + 1] in GROWING_TABLES and "INDEX" not in words:
                scans.append(f"{shown[:80]}: {step.strip()}")
    lines.append(
        "  every growing table (meeting, actionitem, notification) is reached through an index"
        if not scans
        else "  SCANS of growing tables:\n    " + "\n    ".join(scans)
    )
    return lines


# -- running ---------------------------------------------------------------------------------------------
def _describe_busy(label: str, result: dict[str, Any]) -> str:
    queries = len(result["queries"])
    once = ", ".join(f"{n:,} key(s) posted {times}×" for times, n in sorted(result["posts_per_key"].items()))
    return (
        f"{label}: {result['sent']:,} of {result['due']:,} sent in {result['seconds']:.2f} s = "
        f"{result['sent'] / result['seconds']:.0f} sends/s; {result['throttled']} answered 429; "
        f"chat.postMessage per key: {once}; unexpected posts: {result['unexpected']}; "
        f"log: {dict(result['logged'])}; {queries:,} queries ({queries / max(result['due'], 1):.1f} per "
        f"notification); {'delivered exactly once' if result['ok'] else 'NOT DELIVERED EXACTLY ONCE'}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 / 100,000 rows and 200 due")
    parser.add_argument("--explain", action="store_true", help="print every query's plan")
    parser.add_argument("--database-url", default=None, help="scratch PostgreSQL database (it is emptied)")
    args = parser.parse_args(argv)
    small, due_count = (10_000, 200) if args.quick else (100_000, 1_000)
    sizes = (small, small * 10)
    with tempfile.TemporaryDirectory() as directory, LocalSlack() as slack:
        engine = fresh_engine(args.database_url, Path(directory) / "tick.db")
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            slack_bot_token=SecretStr("xoxb-bench-token"),
            slack_api_url=slack.api_url,
            database_url=str(engine.url.render_as_string(hide_password=False)),
            itwg_channel=CHANNEL,
        )
        deps = Deps(settings=settings, engine=engine, now=lambda: NOW)
        client = make_clock_client(settings)
        database = "SQLite" if engine.dialect.name == "sqlite" else "PostgreSQL"
        people = prepare(engine)
        quiet: dict[int, tuple[float, float, list[tuple[str, Any]]]] = {}
        built = 0
        for size in sizes:
            started = time.perf_counter()
            populate(engine, people, start=built, count=size - built)
            loaded = time.perf_counter() - started
            built = size
            quiet[size] = quiet_tick(deps, client)
            best, median, queries = quiet[size]
            print(
                f"{database}, {size:,} rows ({size // 2:,} meetings + {size - size // 2:,} action items, "
                f"{size // 10:,} logged notifications; built in {loaded:.1f} s), nothing due: "
                f"tick {best * 1000:.2f} ms best, {median * 1000:.2f} ms median of {QUIET_REPEATS}; "
                f"{len(queries)} queries",
                flush=True,
            )
        (small_time, _, small_queries), (large_time, _, large_queries) = quiet[sizes[0]], quiet[sizes[1]]
        time_ratio = large_time / small_time
        print(
            f"ratio {sizes[1]:,} / {sizes[0]:,} rows: best time {time_ratio:.2f} "
            f"(target at most {TIME_TARGET:g}), "
            f"queries {len(large_queries)} / {len(small_queries)} = "
            f"{len(large_queries) / len(small_queries):.2f}",
            flush=True,
        )

        add_due_followups(engine, people, count=due_count, due_date=NOW.date() + timedelta(days=3))
        plain = busy_tick(deps, slack, client, now=NOW, rate_limited=False)
        print(_describe_busy(f"{due_count:,} follow-ups due at {sizes[1]:,} rows", plain), flush=True)
        later = NOW + timedelta(days=1)
        add_due_followups(engine, people, count=due_count, due_date=later.date() + timedelta(days=3))
        throttled = busy_tick(deps, slack, client, now=later, rate_limited=True)
        print(
            _describe_busy(
                f"{due_count:,} more with 429 (Retry-After 1) on 1 chat.postMessage in {RATE_LIMITED_EVERY}",
                throttled,
            ),
            flush=True,
        )
        if args.explain:
            print(f"plans at {sizes[1]:,} rows ({database}), quiet tick then busy tick:")
            print("\n".join(explain(engine, large_queries + plain["queries"])))
        engine.dispose()
    flat = time_ratio <= TIME_TARGET and len(large_queries) == len(small_queries)
    print(
        f"headline: quiet tick at 10x the data: time ratio {time_ratio:.2f}, "
        f"queries {len(small_queries)} -> {len(large_queries)}; "
        f"{plain['sent'] / plain['seconds']:.0f} sends/s; exactly once under 429s: "
        f"{'yes' if throttled['ok'] else 'NO'}"
    )
    return 0 if flat and plain["ok"] and throttled["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
