"""The clock process and ``itwg tick`` as an operator runs them."""

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from apscheduler.jobstores.memory import MemoryJobStore
from sqlmodel import select

from bot import clock
from bot.slack_client import make_clock_client
from storage.db import session_scope
from storage.models import Meeting, Notification
from tests.harness import CHANNEL

ROOT = Path(__file__).resolve().parents[2]


def test_the_scheduler_holds_two_importable_jobs_with_explicit_misfire_rules(deps, settings):
    client = make_clock_client(settings)
    scheduler = clock.build_scheduler(deps, client)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {clock.TICK_JOB_ID, clock.SYNC_JOB_ID}
    tick_job = jobs[clock.TICK_JOB_ID]
    assert tick_job.func is clock.tick_job and tick_job.func_ref == "bot.clock:tick_job"
    assert tick_job.coalesce and tick_job.max_instances == 1
    assert tick_job.misfire_grace_time == clock.TICK_MISFIRE_GRACE_SECONDS
    assert tick_job.trigger.interval.total_seconds() == 60
    assert jobs[clock.SYNC_JOB_ID].func_ref == "bot.clock:sync_members_job"
    assert all(isinstance(store, MemoryJobStore) for store in scheduler._jobstores.values())


def test_clock_retry_handlers_include_rate_limits(settings):
    from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

    client = make_clock_client(settings)
    assert any(isinstance(handler, RateLimitErrorRetryHandler) for handler in client.retry_handlers)


def test_the_sync_job_maps_channel_members(deps, slack, settings):
    clock.sync_members_job(deps, make_clock_client(settings))
    assert slack.calls_to("conversations.members")


def _run_itwg(*args: str, env: dict[str, str]):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ITWG_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={**base, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_itwg_tick_dry_run_prints_what_it_would_send_and_sends_nothing(engine, database_url, slack, tmp_path):
    starts = datetime(2030, 6, 11, 12, 0, tzinfo=UTC)
    with session_scope(engine) as session:
        session.add(Meeting(uid="cli@test", starts_at=starts, timezone="Europe/Vienna"))
    at = (starts - timedelta(days=7)).isoformat()
    env = {"DATABASE_URL": database_url, "ITWG_CHANNEL": CHANNEL, "SLACK_API_URL": slack.api_url}
    result = _run_itwg("tick", "--at", at, "--dry-run", env=env)
    assert result.returncode == 0, result.stderr
    assert "would send reminder:cli@test:7d:" in result.stdout
    assert "itwg-agenda-meeting-" in result.stdout and "would send 1" in result.stdout
    assert slack.calls == []
    with session_scope(engine) as session:
        assert list(session.exec(select(Notification))) == []


def test_itwg_tick_rejects_a_malformed_time(tmp_path):
    result = _run_itwg(
        "tick", "--at", "next tuesday", "--dry-run", env={"DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    )
    assert result.returncode == 2 and "ISO 8601" in result.stderr


def test_procfile_runs_the_clock_as_its_own_process():
    procfile = (ROOT / "Procfile").read_text()
    assert "clock: itwg clock" in procfile
    assert "web: itwg serve" in procfile


def _statuses(engine) -> list[str]:
    with session_scope(engine) as session:
        return [row.status for row in session.exec(select(Notification))]


def test_itwg_clock_ticks_at_start_and_sends_what_is_due(engine, database_url, slack):
    """The real clock process: real time, real scheduler, the local Slack stand-in."""
    import time as wallclock

    from tests.harness import BOT_TOKEN

    starts = datetime.now(UTC) + timedelta(days=1) - timedelta(minutes=5)
    with session_scope(engine) as session:
        session.add(Meeting(uid="clock@test", starts_at=starts, timezone="Europe/Vienna"))
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ITWG_", "DATABASE_URL"))}
    env = {
        **base,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database_url,
        "ITWG_CHANNEL": CHANNEL,
        "SLACK_API_URL": slack.api_url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "clock"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline = wallclock.monotonic() + 60
        # Until the clock has marked it sent: Slack sees the post a moment before that.
        while _statuses(engine) != ["sent"] and wallclock.monotonic() < deadline:
            wallclock.sleep(0.2)
    finally:
        process.terminate()
        output = process.communicate(timeout=20)[0].decode()
    [post] = slack.calls_to("chat.postMessage")
    assert "in 1 day" in post.params["text"], output
    assert BOT_TOKEN not in output
    with session_scope(engine) as session:
        assert [row.status for row in session.exec(select(Notification))] == ["sent"]


def test_itwg_tick_sends_and_a_second_run_at_the_same_moment_sends_nothing(engine, database_url, slack):
    from tests.harness import BOT_TOKEN

    starts = datetime(2030, 6, 11, 12, 0, tzinfo=UTC)
    with session_scope(engine) as session:
        session.add(Meeting(uid="cli-send@test", starts_at=starts, timezone="Europe/Vienna"))
    env = {
        "DATABASE_URL": database_url,
        "ITWG_CHANNEL": CHANNEL,
        "SLACK_API_URL": slack.api_url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
    }
    at = (starts - timedelta(days=1)).isoformat()
    first = _run_itwg("tick", "--at", at, env=env)
    assert first.returncode == 0, first.stderr
    assert "sent reminder:cli-send@test:1d:" in first.stdout and "sent 1" in first.stdout
    second = _run_itwg("tick", "--at", at, env=env)
    assert "sent 0" in second.stdout
    assert len(slack.calls_to("chat.postMessage")) == 1
