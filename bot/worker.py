"""The worker: the process that does what Slack's requests ask for, after the web process acked them.

``itwg serve`` starts one as its child (``itwg worker``) and feeds it the requests it acknowledged,
one JSON line each, on the child's standard input. The worker runs them through the same listeners
as any Bolt app, several at a time, and claims each in the database first, so a request Slack
delivered twice (to this or to another web process) is carried out once.

It runs at a lower CPU priority than the web process: when the machine is busy, answering Slack
within its 3 seconds comes first, and the work follows as soon as there is room.
"""

import logging
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App, BoltRequest

from bot.handoff import Delivery
from handlers.views.failures import report_refused_submission

logger = logging.getLogger(__name__)

# Listeners mostly wait on Slack and the database; a few at a time keep modals opening promptly
# while one slow call is outstanding.
WORKER_THREADS = 8
# Niceness of the worker relative to the web process (0 = equal, 19 = only idle time).
WORKER_NICENESS = 19


def handle(app: App, delivery: Delivery) -> None:
    """Run one acknowledged request through the worker's listeners; never raises."""
    try:
        request = BoltRequest(body=delivery.body, headers=delivery.headers)
        response = app.dispatch(request)
        if request.body.get("type") == "view_submission":
            report_refused_submission(app.client, request.body, response)
    except Exception:
        logger.exception("a handed-off request failed in the worker")


def run(app: App, lines: Iterable[str], *, threads: int = WORKER_THREADS) -> None:
    """Handle every request read from ``lines`` until they end, then finish what is in flight."""
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="itwg-worker") as pool:
        for line in lines:
            if line.strip():
                pool.submit(handle, app, Delivery.from_line(line))


class WorkerProcess:
    """The web process's handle on its worker child: ``send`` queues and returns at once; a feeder
    thread writes to the child, and starts a new child if the old one has gone.

    State lives here because the child, its pipe and the queue between them must outlive any one
    request.
    """

    def __init__(self, command: list[str], *, env: dict[str, str] | None = None) -> None:
        self._command = command
        self._env = env
        self._queue: queue.SimpleQueue[Delivery | None] = queue.SimpleQueue()
        self._child: subprocess.Popen | None = None
        self._feeder = threading.Thread(target=self._feed, name="itwg-worker-feeder", daemon=True)

    def start(self) -> "WorkerProcess":
        self._child = self._spawn()
        self._feeder.start()
        return self

    def alive(self) -> bool:
        return self._child is not None and self._child.poll() is None

    def send(self, delivery: Delivery) -> None:
        self._queue.put(delivery)

    def stop(self, timeout: float = 10) -> None:
        """Let the child finish what it was given, then end it."""
        self._queue.put(None)
        self._feeder.join(timeout)
        if self._child is not None:
            try:
                self._child.wait(timeout)
            except subprocess.TimeoutExpired:
                self._child.kill()

    def _spawn(self) -> subprocess.Popen:
        child = subprocess.Popen(self._command, stdin=subprocess.PIPE, env=self._env, text=True)
        logger.info("worker started (pid %s)", child.pid)
        return child

    def _feed(self) -> None:
        while (delivery := self._queue.get()) is not None:
            self._write(delivery.to_line())
        if self._child is not None and self._child.stdin is not None:
            self._child.stdin.close()

    def _write(self, line: str) -> None:
        for _ in range(2):
            child = self._child
            try:
                child.stdin.write(line)
                child.stdin.flush()
                return
            except (BrokenPipeError, ValueError, OSError):
                logger.error(
                    "worker (pid %s) exited with %s; requests it had not finished are lost; starting another",
                    child.pid,
                    child.poll(),
                )
                self._child = self._spawn()
        logger.error("could not hand a request to a new worker; it is lost")


def worker_command(*, niceness: int = WORKER_NICENESS) -> list[str]:
    return [sys.executable, "-m", "bot", "worker", "--nice", str(niceness)]


def lower_priority(niceness: int) -> None:
    if niceness > 0 and hasattr(os, "nice"):
        os.nice(niceness)
