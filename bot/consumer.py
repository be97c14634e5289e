"""A worker: Huey's consumer carrying out acknowledged work, and the sweep that recovers what a dead
worker left unfinished.

The consumer runs in the process's main thread (it installs signal handlers); SIGTERM stops it
gracefully, letting tasks in hand finish. The sweep runs beside it on an APScheduler interval: it is
how a task taken by a worker that was killed gets done at all (Huey has already removed it from the
queue), so every worker runs it, and a lock keeps two from sweeping at once.
"""

import logging
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler

from bot.work_queue import WorkQueue

logger = logging.getLogger(__name__)

# An idle SqliteHuey consumer polls; capping its back-off keeps work waiting at most this long.
# (PostgresHuey and RedisHuey are woken by the enqueue itself.)
MAX_POLL_DELAY = 0.1
# How long SIGTERM waits for tasks in hand; a platform allows about 30 s before SIGKILL.
SHUTDOWN_SECONDS = 20


def sweep_interval(queue: WorkQueue) -> float:
    """Often enough that a lost task waits little beyond its lease; never busier than every second."""
    return min(max(queue.lease.total_seconds() / 4, 1.0), 30.0)


def start_sweeping(queue: WorkQueue) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone=UTC)
    scheduler.add_job(
        queue.sweep,
        "interval",
        seconds=sweep_interval(queue),
        next_run_time=datetime.now(UTC),
        id="itwg-sweep",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=60,
    )
    scheduler.start()
    return scheduler


def run_consumer(queue: WorkQueue, *, workers: int) -> None:
    """Carry out tasks with ``workers`` threads until SIGTERM or Ctrl-C; blocks."""
    sweeping = start_sweeping(queue)
    consumer = queue.huey.create_consumer(
        workers=workers,
        worker_type="thread",
        periodic=False,
        initial_delay=0.02,
        backoff=1.5,
        max_delay=MAX_POLL_DELAY,
        graceful_signal="TERM",
        shutdown_timeout=SHUTDOWN_SECONDS,
        flush_locks=True,
    )
    logger.info("worker carrying out tasks with %d threads", workers)
    try:
        consumer.run()
    finally:
        sweeping.shutdown(wait=False)
