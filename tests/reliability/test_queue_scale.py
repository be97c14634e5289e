"""Two web processes and two workers on one PostgreSQL database, as a platform scales them: 500 shares
spread over both web processes are each stored once, and the four processes stay well inside
PostgreSQL's default connection limit (max_connections = 100)."""

import threading
import time

import psycopg
import pytest
from sqlalchemy.engine import make_url

from tests.conftest import TEST_DATABASE_URL
from tests.handlers.initiative_helpers import open_share_modal
from tests.reliability.bursts import (
    SETTLE_SECONDS,
    add_writers,
    confirmations,
    deployment,
    send_burst,
    stored,
    submissions,
    wait_for,
)

pytestmark = pytest.mark.skipif(
    not TEST_DATABASE_URL, reason="several web processes and workers need PostgreSQL: set TEST_DATABASE_URL"
)

SHARES = 500
# PostgreSQL's default max_connections is 100, 3 of them reserved for superusers; leave room for
# the clock process, a migration and an operator's psql.
CONNECTION_BUDGET = 90


class ConnectionSampler(threading.Thread):
    """The number of connections to the test database, from pg_stat_activity, every 50 ms."""

    def __init__(self, database_url: str) -> None:
        super().__init__(daemon=True)
        url = make_url(database_url)
        self.database = url.database
        self.dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.peak = 0
        self.peak_server = 0
        self.stopping = threading.Event()

    def run(self) -> None:
        with psycopg.connect(self.dsn, autocommit=True) as connection:
            while not self.stopping.wait(0.05):
                mine, everyone = connection.execute(
                    "select count(*) filter (where datname = %s), count(*) filter (where backend_type ="
                    " 'client backend') from pg_stat_activity",
                    (self.database,),
                ).fetchone()
                self.peak = max(self.peak, mine)
                self.peak_server = max(self.peak_server, everyone)

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=10)


@pytest.mark.slow
def test_two_web_processes_and_two_workers_store_500_shares_once_within_the_connection_budget(
    served,
    bot,
    engine,
    slack,
    database_url,
):
    tag = "scale"
    view = open_share_modal(bot)
    items = submissions(view, add_writers(slack), SHARES, tag=tag)
    sampler = ConnectionSampler(database_url)
    sampler.start()
    with deployment(served, webs=2, workers=2, threads=4) as running:
        burst = send_burst(running.bases, items)
        settled = wait_for(lambda: stored(engine, tag).unfinished == 0, SETTLE_SECONDS)
        settled_in = time.monotonic() - (burst.finished or 0)
        result = stored(engine, tag)
        sent = confirmations(slack)
        logged = running.output()
    sampler.stop()
    print(
        f"\n[figures] scale (postgresql): acked={len(burst.acked)}, stored={sum(result.titles.values())}, "
        f"duplicates={len(result.duplicates)}, burst_s={burst.seconds():.1f}, "
        f"acks_per_s={len(burst.acked) / burst.seconds():.0f}, settled_after_burst_s={settled_in:.1f}, "
        f"handed_out_again={logged.count('handing out task')}, rerun={result.rerun}, "
        f"peak_connections={sampler.peak} (server-wide {sampler.peak_server})"
    )
    assert burst.acked == {item.title for item in items}
    assert settled, f"still unfinished: {result.unfinished}"
    assert result.duplicates == {}
    assert set(result.titles) == burst.acked
    assert all(sent[item.title] >= 1 for item in items)
    assert sampler.peak < CONNECTION_BUDGET, f"{sampler.peak} connections at the peak"
