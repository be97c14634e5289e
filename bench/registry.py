"""How the public registry's first page scales: time at 1,000 and 10,000 shareable initiatives.

    python -m bench.registry            # 1,000 and 10,000 initiatives, several timed requests each
    python -m bench.registry --quick    # fewer requests (a smoke run for CI)

Prints the median time of a filtered first page (``/registry?objective=advocacy``) at each size and
their ratio, for a first visit (the chart's counts computed) and a repeat visit (counts reused while
the selection is unchanged). The page runs a fixed number of queries, so the target is a ratio of at
most 2; the exit status is 1 when either ratio misses it.
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import Engine, insert
from sqlmodel import select

from bot import membership, vocabulary
from bot.deps import Deps
from bot.registry import create_blueprint
from bot.settings import Settings
from storage.db import make_engine, session_scope
from storage.migrate import upgrade_to_head
from storage.models import Initiative, InitiativePartner, InitiativeTag, Organisation

SIZES = (1_000, 10_000)
TARGET_RATIO = 2.0
FIRST_PAGE = "/registry?objective=advocacy"
AREAS = list(vocabulary.CONTINUUM.values())


def populate(engine: Engine, count: int, *, visibility: str = "shareable", seed: int = 7) -> None:
    """Insert ``count`` initiatives with four tags and a partner each, in bulk (three statements)."""
    chooser = random.Random(seed)
    start = datetime(2028, 1, 1, tzinfo=UTC)
    with session_scope(engine) as session:
        organisation_ids = list(session.exec(select(Organisation.id)))
        leads = [chooser.choice(organisation_ids) for _ in range(count)]
        rows = [
            {
                "title": f"Initiative on {chooser.choice(AREAS).lower()} #{offset}",
                "summary": "Generated for measuring the public registry.",
                "status": chooser.choice(list(vocabulary.INITIATIVE_STATUSES)),
                "lead_organisation_id": lead,
                "scope_global": offset % 5 == 0,
                "start_date": date(2028, 1, 1) + timedelta(days=offset % 365),
                "visibility": visibility,
                "created_at": start + timedelta(minutes=offset),
                "updated_at": start + timedelta(minutes=offset),
                "shared_at": start + timedelta(minutes=offset),
                "shared_by_organisation_at": start + timedelta(minutes=offset),
            }
            for offset, lead in enumerate(leads)
        ]
        returning = insert(Initiative).returning(Initiative.id, sort_by_parameter_order=True)  # type: ignore[arg-type]
        ids = list(session.execute(returning, rows).scalars())
        tags, partners = [], []
        for id_, lead in zip(ids, leads, strict=True):
            for kind, codes in (
                ("objective", vocabulary.OBJECTIVES),
                ("population", vocabulary.POPULATIONS),
                ("continuum", vocabulary.CONTINUUM),
                ("region", {"africa": "", "europe": "", "asia": ""}),
            ):
                tags.append({"initiative_id": id_, "kind": kind, "value": chooser.choice(list(codes))})
            partner = chooser.choice([o for o in organisation_ids if o != lead])
            partners.append({"initiative_id": id_, "organisation_id": partner})
        session.execute(insert(InitiativeTag), tags)
        session.execute(insert(InitiativePartner), partners)


def registry_web(engine: Engine) -> Flask:
    """The registry alone on a bare Flask app: what ``itwg serve`` mounts, without Slack."""
    settings = Settings(_env_file=None, itwg_public_registry=True)  # type: ignore[call-arg]
    web = Flask("bench")
    web.register_blueprint(create_blueprint(Deps(settings=settings, engine=engine)))
    return web


def first_page_seconds(count: int, *, repeats: int, folder: Path) -> tuple[float, float]:
    """Median seconds for the filtered first page: on a fresh app (chart counted), then repeated."""
    url = f"sqlite:///{folder / f'registry-{count}.db'}"
    upgrade_to_head(url)
    engine = make_engine(url)
    membership.load(engine)
    populate(engine, count)
    registry_web(engine).test_client().get(FIRST_PAGE)  # warm SQLite's pages and compiled statements
    fresh, repeated = [], []
    for _ in range(repeats):
        client = registry_web(engine).test_client()
        fresh.append(_timed(client))
        repeated.append(_timed(client))
    engine.dispose()
    return statistics.median(fresh), statistics.median(repeated)


def _timed(client) -> float:
    began = time.perf_counter()
    response = client.get(FIRST_PAGE)
    elapsed = time.perf_counter() - began
    assert response.status_code == 200, response.status_code
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer timed requests")
    args = parser.parse_args(argv)
    repeats = 3 if args.quick else 15
    with tempfile.TemporaryDirectory() as folder:
        seconds = {count: first_page_seconds(count, repeats=repeats, folder=Path(folder)) for count in SIZES}
    small, large = SIZES
    for label, index in (("first visit", 0), ("repeat visit", 1)):
        for count in SIZES:
            print(
                f"{label:<12} first page at {count:>6,} initiatives: {seconds[count][index] * 1000:7.1f} ms"
            )
    ratios = [seconds[large][index] / seconds[small][index] for index in (0, 1)]
    print(
        f"ratio {large:,} / {small:,}: {ratios[0]:.2f} first visit, {ratios[1]:.2f} repeat visit "
        f"(target at most {TARGET_RATIO:g})"
    )
    return 0 if max(ratios) <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
