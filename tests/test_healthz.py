"""``/healthz`` answers within a second whatever the database is doing."""

import sqlite3
import time

import pytest
from sqlalchemy.engine import make_url

from bot.web import create_web
from tests.conftest import TEST_DATABASE_URL


@pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="SQLite's file-wide write lock")
def test_healthz_answers_degraded_within_a_second_while_sqlite_is_write_locked(bot, database_url):
    web = create_web(bot.app, bot.deps).test_client()
    assert web.get("/healthz").get_json()["status"] == "ok"
    holder = sqlite3.connect(make_url(database_url).database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        for _ in range(3):  # each call answers in time, not only the first
            started = time.monotonic()
            response = web.get("/healthz")
            assert time.monotonic() - started < 1.0
            assert response.status_code == 200
            assert response.get_json()["status"] == "degraded"
    finally:
        holder.rollback()
        holder.close()
    deadline = time.monotonic() + 20
    while web.get("/healthz").get_json()["status"] != "ok":
        assert time.monotonic() < deadline, "healthz never recovered once the lock was released"


def test_healthz_says_ok_with_the_backlog_when_the_database_answers(bot):
    body = create_web(bot.app, bot.deps).test_client().get("/healthz").get_json()
    assert body["status"] == "ok" and body["database"] is True
    assert body["queue"]["unfinished"] == 0
