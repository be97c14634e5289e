"""Running a queue's consumer inside a test, as a worker would, and waiting for it to finish."""

import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager

from bot.work_queue import WorkQueue


@contextmanager
def running_consumer(queue: WorkQueue, *, workers: int = 2) -> Iterator[None]:
    """Huey's consumer with ``workers`` threads, stopped gracefully on leaving. ``start`` must run in
    the main thread (it installs signal handlers), so it runs here; pytest's handlers are put back."""
    handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    consumer = queue.huey.create_consumer(
        workers=workers, worker_type="thread", periodic=False, max_delay=0.05
    )
    consumer.start()
    try:
        yield
    finally:
        consumer.stop(graceful=True)
        for signum, handler in handlers.items():
            signal.signal(signum, handler)


def wait_until_drained(queue: WorkQueue, *, seconds: float = 60) -> None:
    """Until the queue is empty and no task is unfinished (or ``seconds`` pass)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and (queue.huey.pending_count() or queue.backlog()["unfinished"]):
        time.sleep(0.02)
