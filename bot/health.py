"""``/healthz``'s answer, within a deadline whatever the database is doing.

A load balancer or an operator asks ``/healthz`` to learn whether the process can work. The database
check begins a write transaction on SQLite (``storage.db``), so while another process holds the write
lock it would wait out the whole busy timeout (15 s). The checks therefore run beside the request,
one at a time, and a check still running at the deadline is itself the answer: ``degraded``.
"""

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

logger = logging.getLogger(__name__)

# Well under the second a health check may take; a healthy database answers in milliseconds.
DEADLINE_SECONDS = 0.5
DEGRADED = {"status": "degraded", "database": False, "queue": None}


class HealthCheck:
    """Runs ``probe`` (the body of a healthy answer) in a thread of its own and waits at most
    ``deadline`` for it. A probe stuck on the database is shared by the callers that come while it
    runs, so a locked database never piles up threads or connections."""

    def __init__(self, probe: Callable[[], dict[str, Any]], *, deadline: float = DEADLINE_SECONDS) -> None:
        self._probe = probe
        self._deadline = deadline
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="itwg-health")
        self._lock = threading.Lock()
        self._running: Future | None = None

    def __call__(self) -> dict[str, Any]:
        with self._lock:
            if self._running is None or self._running.done():
                self._running = self._executor.submit(self._probe)
            running = self._running
        try:
            return running.result(timeout=self._deadline)
        except FutureTimeout:
            logger.warning("health check: no answer from the database within %.1f s", self._deadline)
            return dict(DEGRADED)
