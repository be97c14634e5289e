"""How the digest's cost grows with the working group's history.

Builds 20 organisations with 1,000 initiatives and 50,000 action items, times the digest, then does
the same with ten times the data and prints both times and their ratio (target: at most 3).

The data grows the way a working group's records grow: ten times the data is ten times the history.
Each organisation has a realistic number of initiatives running and action items open at any moment;
older initiatives are completed and older action items closed. What a digest reads for "now" (this
cycle, overdue, due soon, opportunities among current initiatives) therefore stays about the same
size, and the queries reach it through indexes; only the all-time counts by status, objective and
population read every initiative.

    python bench/digest.py            # 1,000 / 50,000 then 10,000 / 500,000 (a few minutes)
    python bench/digest.py --quick    # 200 / 5,000 then 2,000 / 50,000 (well under a minute)
    python bench/digest.py --database-url postgresql://…/scratch   # PostgreSQL (the database is emptied)
"""

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, insert, text
from sqlmodel import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.databases import fresh_engine
from bot import digest as digests
from bot import membership
from bot.settings import Settings
from storage.db import session_scope
from storage.models import ActionItem, Initiative, InitiativeTag, Meeting, Organisation, Person
from storage.repositories.opportunities import ACTIVE_STATUSES

ORGANISATIONS = 20
NOW = datetime(2030, 3, 1, 12, tzinfo=UTC)
ACTIVE_PER_ORGANISATION = 12
OPEN_ACTIONS_PER_ORGANISATION = 25
OBJECTIVES = ("advocacy", "stigma", "good_practices", "normative_guidance")
POPULATIONS = ("children", "youth", "women", "criminal_justice", "displaced_refugees", "general_population")
CONTINUUM = ("prevention", "treatment", "care", "rehabilitation_recovery", "health_social_consequences")
REGIONS = ("africa", "americas", "asia_pacific", "europe", "middle_east")
COUNTRIES = tuple(f"C{n:02d}" for n in range(40))
BATCH = 5_000


def prepare(engine: Engine) -> list[tuple[int, int]]:
    """The working group's organisations topped up to 20 with stand-ins, a person in each, and a
    meeting held 40 days ago and one in 50 days. Returns (organisation id, person id) pairs."""
    membership.load(engine)
    with session_scope(engine) as session:
        ids = list(session.exec(select(Organisation.id).order_by(Organisation.id)))
        for n in range(len(ids), ORGANISATIONS):
            extra = Organisation(
                acronym=f"ORG{n}", acronym_key=f"ORG{n}", name=f"Organisation {n}", role="member"
            )
            session.add(extra)
            session.flush()
            ids.append(extra.id)
        people = []
        for n, organisation_id in enumerate(ids):
            person = Person(
                slack_user_id=f"UBENCH{n:04d}", organisation_id=organisation_id, display_name=f"P{n}"
            )
            session.add(person)
            session.flush()
            people.append(person.id)
        session.add(Meeting(uid="bench-held", starts_at=NOW - timedelta(days=40), timezone="Europe/Vienna"))
        session.add(Meeting(uid="bench-next", starts_at=NOW + timedelta(days=50), timezone="Europe/Vienna"))
    return list(zip(ids, people, strict=True))  # type: ignore[return-value]


def _insert(engine: Engine, table, rows: list[dict]) -> None:
    with engine.begin() as connection:
        for start in range(0, len(rows), BATCH):
            connection.execute(insert(table), rows[start : start + BATCH])


def populate(
    engine: Engine,
    organisations: list[tuple[int, int]],
    *,
    initiatives: int,
    action_items: int,
    first_id: int = 1,
    seed: int = 7,
) -> None:
    """Bulk-insert ``initiatives`` (with tags, ids from ``first_id``) and ``action_items`` spread over
    a history that grows with their number."""
    rng = random.Random(seed)
    active_total = ORGANISATIONS * ACTIVE_PER_ORGANISATION
    history_days = max(initiatives // 2, 60)
    initiative_rows, tag_rows = [], []
    for n in range(initiatives):
        organisation_id, person_id = organisations[n % len(organisations)]
        current = n >= initiatives - active_total
        age = rng.randint(0, 700) if current else rng.randint(700, history_days + 700)
        created = NOW - timedelta(days=age, hours=rng.randint(0, 23))
        start = created.date()
        status = rng.choice(ACTIVE_STATUSES) if current else "completed"
        end = start + timedelta(days=rng.randint(365, 1100)) if current else start + timedelta(days=300)
        touched = min(created + timedelta(days=rng.randint(0, 400)), NOW) if current else created
        initiative_rows.append(
            {
                "id": first_id + n,
                "title": f"Initiative {n}",
                "summary": "",
                "status": status,
                "lead_organisation_id": organisation_id,
                "scope_global": rng.random() < 0.1,
                "start_date": start,
                "end_date": end,
                "visibility": "shareable" if n % 3 == 0 else "working_group",
                "shared_by_person_id": person_id,
                "created_at": created,
                "updated_at": touched,
                "shared_at": touched,
                "shared_by_organisation_at": touched,
            }
        )
        tags = {("objective", v) for v in rng.sample(OBJECTIVES, rng.randint(1, 2))}
        tags |= {("population", v) for v in rng.sample(POPULATIONS, rng.randint(1, 2))}
        tags |= {("continuum", rng.choice(CONTINUUM))}
        tags |= {("country", rng.choice(COUNTRIES))}
        if rng.random() < 0.3:
            tags.add(("region", rng.choice(REGIONS)))
        tag_rows += [{"initiative_id": first_id + n, "kind": kind, "value": value} for kind, value in tags]
    _insert(engine, Initiative, initiative_rows)
    _insert(engine, InitiativeTag, tag_rows)

    open_total = ORGANISATIONS * OPEN_ACTIONS_PER_ORGANISATION
    today = NOW.date()
    action_rows = []
    for n in range(action_items):
        organisation_id, _person = organisations[n % len(organisations)]
        still_open = n >= action_items - open_total
        due = (
            today + timedelta(days=rng.randint(-30, 60))
            if still_open
            else today - timedelta(days=rng.randint(1, max(action_items // 50, 30)))
        )
        closed = None if still_open else datetime.combine(due, datetime.min.time(), UTC) + timedelta(days=2)
        action_rows.append(
            {
                "title": f"Action {n}",
                "notes": "",
                "owner_organisation_id": organisation_id,
                "due_date": due,
                "status": "open" if still_open else "done",
                "closed_at": min(closed, NOW) if closed else None,
                "created_at": NOW - timedelta(days=400),
                "updated_at": NOW - timedelta(days=400),
            }
        )
    _insert(engine, ActionItem, action_rows)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT setval('initiative_id_seq', (SELECT max(id) FROM initiative))"))
            connection.execute(text("ANALYZE"))
        else:
            connection.execute(text("ANALYZE"))


def digest_seconds(engine: Engine, settings: Settings, *, repeat: int) -> float:
    """Best wall time of ``repeat`` digests (built and rendered): the least disturbed by other load."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        with session_scope(engine) as session:
            digest = digests.build(session, now=NOW, settings=settings)
        digests.render(digest)
        times.append(time.perf_counter() - started)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the data, well under a minute")
    parser.add_argument("--database-url", default=None, help="scratch PostgreSQL database (it is emptied)")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    base_initiatives, base_actions = (200, 5_000) if args.quick else (1_000, 50_000)
    settings = Settings(_env_file=None)
    results = []
    with tempfile.TemporaryDirectory() as directory:
        for factor in (1, 10):
            initiatives, actions = base_initiatives * factor, base_actions * factor
            engine = fresh_engine(args.database_url, Path(directory) / f"bench{factor}.db")
            started = time.perf_counter()
            populate(engine, prepare(engine), initiatives=initiatives, action_items=actions)
            loaded = time.perf_counter() - started
            digest_seconds(engine, settings, repeat=1)  # warm caches and the connection pool
            seconds = digest_seconds(engine, settings, repeat=args.repeat)
            engine.dispose()
            results.append(seconds)
            print(
                f"{ORGANISATIONS} organisations, {initiatives:,} initiatives, {actions:,} action items: "
                f"digest {seconds * 1000:.1f} ms (best of {args.repeat}; data loaded in {loaded:.1f} s)"
            )
    ratio = results[1] / results[0]
    print(f"ratio for ten times the data: {ratio:.2f} (target <= 3)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
