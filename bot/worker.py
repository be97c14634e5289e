"""The worker: the process that does what Slack's requests ask for, after the web process acked them.

``itwg serve`` starts one as its child (``itwg worker``) and feeds it the requests it acknowledged,
one numbered JSON line each, on the child's standard input; the worker reports on its standard
output which requests it has done (``ack N M …``). It runs them through the same listeners as any Bolt app,
several at a time, and claims each in the database first, so a request Slack delivered twice (to
this or to another web process, or handed again to a new worker) is carried out once.

It runs at a lower CPU priority than the web process: when the machine is busy, answering Slack
within its 3 seconds comes first, and the work follows as soon as there is room.
"""

import itertools
import logging
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TextIO

from slack_bolt import App, BoltRequest

from bot.handoff import Delivery
from handlers.views.failures import report_refused_submission

logger = logging.getLogger(__name__)

# Listeners mostly wait on Slack and the database; a few at a time keep modals opening promptly
# while one slow call is outstanding.
WORKER_THREADS = 8
# Niceness of the worker relative to the web process (0 = equal, 19 = only idle time).
WORKER_NICENESS = 19
# How many workers one request may be handed to before it is given up (see WorkerProcess).
MAX_HANDOVERS = 3
# On stop, how long to wait for the worker to report everything done, and then for it to exit:
# together inside the 30 s a platform usually allows between SIGTERM and SIGKILL.
STOP_GRACE_SECONDS = 10
# How often the worker reports what it has done (see run).
ACK_INTERVAL_SECONDS = 0.1


def handle(app: App, delivery: Delivery) -> None:
    """Run one acknowledged request through the worker's listeners; never raises."""
    try:
        request = BoltRequest(body=delivery.body, headers=delivery.headers)
        response = app.dispatch(request)
        if request.body.get("type") == "view_submission":
            report_refused_submission(app.client, request.body, response)
    except Exception:
        logger.exception("a handed-off request failed in the worker")


def frame(seq: int, delivery: Delivery) -> str:
    """One line on the worker's input: a sequence number, then the request."""
    return f"{seq} {delivery.to_json()}\n"


def unframe(line: str) -> tuple[int, Delivery]:
    seq, _, payload = line.partition(" ")
    return int(seq), Delivery.from_json(payload)


def run(app: App, lines: Iterable[str], acks: TextIO, *, threads: int = WORKER_THREADS) -> None:
    """Handle every request read from ``lines`` until they end, then finish what is in flight.

    Requests done are acknowledged on ``acks`` in lines ``ack N M …``, gathered over
    ``ACK_INTERVAL_SECONDS``: until then the web process keeps them, to hand them to a new worker
    should this one die. Gathering spares the web process a wake-up per request.
    """
    done: list[int] = []
    lock = threading.Lock()
    finished = threading.Event()

    def handle_then_record(seq: int, delivery: Delivery) -> None:
        handle(app, delivery)
        with lock:
            done.append(seq)

    def report() -> None:
        with lock:
            batch = done.copy()
            done.clear()
        if batch:
            acks.write("ack " + " ".join(map(str, batch)) + "\n")
            acks.flush()

    def report_until_finished() -> None:
        while not finished.wait(ACK_INTERVAL_SECONDS):
            report()

    reporter = threading.Thread(target=report_until_finished, name="itwg-worker-acks", daemon=True)
    reporter.start()
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="itwg-worker") as pool:
        for line in lines:
            if line.strip():
                pool.submit(handle_then_record, *unframe(line))
    finished.set()
    reporter.join()
    report()


class WorkerProcess:
    """The web process's handle on its worker child.

    ``send`` queues and returns at once. A feeder thread numbers each request, keeps it until the
    worker acknowledges it, and writes it to the child; a reader thread takes the acknowledgements.
    When the child dies, a new one is started and given everything not yet acknowledged, so what
    was waiting in the pipe, or still being imported for, is not lost. What the dead worker had
    already claimed in the database is not done twice: the new worker's claim finds it taken. A
    request handed to ``MAX_HANDOVERS`` workers that all died is given up, so one request that
    kills its worker cannot keep killing the next.

    State lives here because the child, its pipes and the requests between them outlive any one
    request.
    """

    def __init__(self, command: list[str], *, env: dict[str, str] | None = None) -> None:
        self._command = command
        self._env = env
        self._queue: queue.SimpleQueue[Delivery | None] = queue.SimpleQueue()
        self._sequence = itertools.count(1)
        # Lock order: _write_lock, then _acks_lock.
        self._write_lock = threading.Lock()
        self._acks_lock = threading.Lock()
        self._all_acked = threading.Condition(self._acks_lock)
        self._unacked: dict[int, str] = {}
        self._handovers: dict[int, int] = {}
        self._stopping = False
        self._child: subprocess.Popen | None = None
        self._feeder = threading.Thread(target=self._feed, name="itwg-worker-feeder", daemon=True)

    def start(self) -> "WorkerProcess":
        with self._write_lock:
            self._child = self._spawn()
        self._feeder.start()
        return self

    def alive(self) -> bool:
        return self._child is not None and self._child.poll() is None

    def send(self, delivery: Delivery) -> None:
        self._queue.put(delivery)

    def stop(self) -> None:
        """Let the child finish everything handed over, then end it (see ``STOP_GRACE_SECONDS``)."""
        self._queue.put(None)
        self._feeder.join(STOP_GRACE_SECONDS * 2)
        child = self._child
        if child is not None:
            try:
                child.wait(STOP_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                child.kill()

    def _spawn(self) -> subprocess.Popen:
        child = subprocess.Popen(
            self._command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=self._env,
            text=True,
            # Same session as the web process on purpose: with Linux's autogroup scheduling, a process
            # in a session of its own competes as its own group, and its niceness stops counting.
        )
        threading.Thread(target=self._read_acks, args=(child,), name="itwg-worker-acks", daemon=True).start()
        logger.info("worker started (pid %s)", child.pid)
        return child

    def _feed(self) -> None:
        while (delivery := self._queue.get()) is not None:
            seq = next(self._sequence)
            line = frame(seq, delivery)
            with self._acks_lock:
                self._unacked[seq] = line
            with self._write_lock:
                if not self._write(line):
                    self._replace()
        with self._acks_lock:
            self._stopping = True
            self._all_acked.wait_for(lambda: not self._unacked, timeout=STOP_GRACE_SECONDS)
            if self._unacked:
                logger.error("stopping with %d request(s) the worker has not finished", len(self._unacked))
        with self._write_lock:
            self._child.stdin.close()

    def _write(self, line: str) -> bool:
        child = self._child
        try:
            child.stdin.write(line)
            child.stdin.flush()
            return True
        except (OSError, ValueError):  # the child has gone; ValueError: its pipe is already closed
            return False

    def _replace(self) -> None:
        """Start a new child and hand it everything not yet acknowledged (under ``_write_lock``)."""
        old = self._child
        if old is not None:
            logger.error("worker (pid %s) exited with %s; starting another", old.pid, old.poll())
        with self._acks_lock:
            for seq in list(self._unacked):
                self._handovers[seq] = self._handovers.get(seq, 0) + 1
                if self._handovers[seq] > MAX_HANDOVERS:
                    logger.error("giving up request %d: %d workers died with it", seq, MAX_HANDOVERS)
                    del self._unacked[seq], self._handovers[seq]
            pending = [self._unacked[seq] for seq in sorted(self._unacked)]
            self._all_acked.notify_all()
        try:
            self._child = self._spawn()
        except OSError:
            logger.exception("could not start a worker; retrying with the next request")
            return
        for line in pending:
            if not self._write(line):
                return  # this one died too; its reader starts the next

    def _read_acks(self, child: subprocess.Popen) -> None:
        for line in child.stdout:
            if line.startswith("ack "):
                with self._acks_lock:
                    for seq in map(int, line[4:].split()):
                        self._unacked.pop(seq, None)
                        self._handovers.pop(seq, None)
                    if not self._unacked:
                        self._all_acked.notify_all()
        child.wait()
        with self._write_lock:
            with self._acks_lock:
                finished = self._stopping and not self._unacked
            if child is self._child and not finished:
                self._replace()


def worker_command(*, niceness: int = WORKER_NICENESS) -> list[str]:
    return [sys.executable, "-m", "bot", "worker", "--nice", str(niceness)]


def lower_priority(niceness: int) -> None:
    if niceness > 0 and hasattr(os, "nice"):
        os.nice(niceness)
