"""Public readers never hold up members: their reads take no write lock, at most a few run at once,
and a database that cannot answer them gives 503 with Retry-After, never a 500."""

import sqlite3
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import replace

import pytest
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from bench.registry import populate
from bot.web import create_web
from storage.db import make_engine
from tests.conftest import TEST_DATABASE_URL
from tests.handlers.initiative_helpers import initiatives, share
from tests.registry.conftest import add_initiative

SQLITE_ONLY = pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="SQLite's file-wide write lock")


@SQLITE_ONLY
@pytest.mark.parametrize("path", ["/registry.csv", "/registry", "/registry.json", "/registry/meetings.ics"])
def test_public_reads_answer_while_a_writer_holds_the_write_lock(http, engine, database_url, path):
    add_initiative(engine, "Family skills", tags={"objective": ["advocacy"]})
    holder = sqlite3.connect(make_url(database_url).database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        response = http.get(path)
        assert response.status_code == 200
        assert time.monotonic() - started < 5, "a read never waits for the write lock"
    finally:
        holder.rollback()
        holder.close()


def test_a_database_that_cannot_answer_gives_503_with_retry_after(bot, registry_deps):
    unreachable = make_engine("postgresql://postgres@127.0.0.1:9/none?connect_timeout=2")
    http = create_web(bot.app, replace(registry_deps, engine=unreachable)).test_client()
    for path in ("/registry", "/registry.csv", "/registry/meetings.ics"):
        response = http.get(path)
        assert response.status_code == 503, path
        assert response.headers["Retry-After"].isdigit()
    assert http.get("/healthz").status_code == 200


@pytest.mark.slow
def test_sixteen_public_downloads_beside_member_shares(bot, registry_deps, engine):
    """10,000 shareable initiatives; 16 clients download the CSV over and over while members share:
    every download is served or asked to retry (never a 500), every share is stored, and /healthz
    keeps answering within a second."""
    populate(engine, 10_000)
    server = make_server("127.0.0.1", 0, create_web(bot.app, registry_deps), threaded=True)
    threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    statuses: Counter[int] = Counter()
    stop = threading.Event()

    def download() -> None:
        while not stop.is_set():
            try:
                with urllib.request.urlopen(base + "/registry.csv", timeout=60) as response:
                    response.read()
                    statuses[response.status] += 1
            except urllib.error.HTTPError as error:
                statuses[error.code] += 1

    clients = [threading.Thread(target=download) for _ in range(16)]
    for client in clients:
        client.start()
    try:
        health_times = []
        for number in range(5):
            share(bot, who="ILO", title=f"Shared while downloading {number}")
            started = time.monotonic()
            with urllib.request.urlopen(base + "/healthz", timeout=30) as response:
                response.read()
            health_times.append(time.monotonic() - started)
    finally:
        stop.set()
        for client in clients:
            client.join(timeout=120)
        server.shutdown()
    titles = {initiative.title for initiative in initiatives(bot)}
    assert {f"Shared while downloading {n}" for n in range(5)} <= titles
    assert set(statuses) <= {200, 503} and statuses[200] > 0, statuses
    assert max(health_times) < 1.5, health_times
