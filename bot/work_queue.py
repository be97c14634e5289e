"""Bolt's lazy listeners carried by the task queue: the seam between acknowledging and doing.

A listener is registered the way Bolt intends, ``app.command(...)(ack=..., lazy=[...])``. Its ack part
runs while Slack waits (checks, the loading view); Bolt then hands each lazy part to the app's lazy
listener runner, which here is ``QueuedRunner``: it writes the request to the request ledger and puts
the ledger row's id on the Huey queue, before Bolt answers Slack (``process_before_response``). A
worker takes the id, claims the row with a lease and re-dispatches the request to the same app with
Bolt's ``x-slack-bolt-lazy-only`` headers, as Bolt's AWS Lambda adapter does, so exactly that lazy
part runs.

Why both a ledger and a queue: Huey deletes a message when a worker takes it, so a worker killed
mid-task would lose it. The ledger row stays until the work is done; a lease that runs out (its
worker died) or a message the queue never got lets ``sweep`` hand the row out again, and the row's
unique key makes Slack's redeliveries, to any web process, change nothing.

The same ledger and queue carry jobs that come from no Slack request: work the web pages hand on
(``WorkQueue.put_job``), such as announcing in the channel a share made on the e-mail sharing page.
A job is a row whose function is ``job:NAME`` and whose body is its JSON payload; its key, chosen by
the caller, is its idempotency key. It goes through the ledger rather than as a bare Huey task for
the same reasons as a lazy part: a bare task taken by a worker that dies is gone, and a queue that
could not be written would lose it, while the row survives both and the sweep hands it out again.
A job that cannot be done yet (Slack refused, or asked to be called later) raises ``RetryLater``:
its row goes back to the queue with a delay growing with each attempt (or the one Slack asked for)
and a Huey task scheduled for then; after ``MAX_JOB_ATTEMPTS`` it is recorded as failed.
"""

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from huey import Huey
from huey.exceptions import TaskLockedException
from slack_bolt import Ack, App, BoltRequest, BoltResponse
from slack_bolt.kwargs_injection import build_required_kwargs
from slack_bolt.lazy_listener import LazyListenerRunner
from slack_bolt.util.utils import get_arg_names_of_callable, get_name_for_callable

from bot.deps import Deps
from bot.failures import describe_failure
from bot.signing import signed_headers
from storage.db import read_scope, session_scope
from storage.repositories import request_tasks

logger = logging.getLogger(__name__)

# Context keys a lazy part can read: the ledger key of its request (services use it to find a record
# an earlier, interrupted attempt already stored) and what the ack part left for it.
REQUEST_KEY = "request_key"
HANDED_ON = "handed_on"
QUEUED = "itwg_queued"
ANSWER = "itwg_answer"
# Finished ledger rows are kept this long, for Slack's redeliveries (which come within minutes).
KEEP_FINISHED = timedelta(days=2)
TASK_NAME = "itwg.carry_out"
SWEEP_LOCK = "itwg.sweep"
# Headers that would make Bolt run a lazy part directly: only the queue may send them.
LAZY_HEADERS = ("x-slack-bolt-lazy-only", "x-slack-bolt-lazy-function-name")
# Jobs: the function name's prefix in the ledger, and how often and how patiently they are retried
# (2, 4, 8 … seconds, at most five minutes apart: about half an hour in all).
JOB = "job:"
MAX_JOB_ATTEMPTS = 10
FIRST_RETRY_SECONDS = 2.0
LONGEST_RETRY_SECONDS = 300.0

Job = Callable[[dict[str, Any], int], None]


class RetryLater(Exception):
    """Raised by a job that could not be done this time and may be next time; ``after`` is how
    long to wait when the other side said so (Slack's ``Retry-After``), else the queue's backoff."""

    def __init__(self, reason: str, *, after: float | None = None) -> None:
        super().__init__(reason)
        self.after = after


def retry_delay(attempt: int, after: float | None = None) -> float:
    """Seconds before attempt ``attempt + 1``: what the other side asked for, else doubling."""
    if after is not None:
        return max(float(after), 0.0)
    return min(FIRST_RETRY_SECONDS * 2 ** max(attempt - 1, 0), LONGEST_RETRY_SECONDS)


def utcnow() -> datetime:
    return datetime.now(UTC)


def request_key(body: dict[str, Any]) -> str | None:
    """What identifies one person's action across Slack's redeliveries: the event or trigger id."""
    if body.get("type") == "event_callback" and body.get("event_id"):
        return "event:" + body["event_id"]
    if body.get("trigger_id"):
        return "trigger:" + body["trigger_id"]
    return None


def hand_on(context: Any, **values: Any) -> None:
    """From an ack part, leave JSON-able values (an opened view) for the lazy parts of its request."""
    context.setdefault(HANDED_ON, {}).update(values)


def handed_on(context: Any, name: str) -> Any:
    return (context.get(HANDED_ON) or {}).get(name)


def _accepted(request: BoltRequest) -> bool:
    """Whether the ack part let the request through: answered 200 without inline errors, and had
    nothing stop it (a form it could not open)."""
    if handed_on(request.context, "stop"):
        return False
    response: BoltResponse | None = request.context.ack.response if request.context.ack else None
    if response is None or response.status != 200:
        return False
    body = response.body
    return not (isinstance(body, str) and body.startswith("{") and '"errors"' in body)


class _Answer:
    """What Slack will be told about a request, shared with (never copied into) the copies of the
    request Bolt makes for its lazy parts: a part that cannot be queued changes it."""

    def __init__(self, ack: Ack) -> None:
        self.ack = ack

    def __deepcopy__(self, memo: dict[int, Any]) -> "_Answer":
        return self

    def nothing_queued(self, body: dict[str, Any], reason: str) -> None:
        """Tell the person nothing was done, where Slack shows an answer: beside the modal's first
        field, or as the command's reply; anything else gets a 500 (events are redelivered)."""
        if body.get("type") == "view_submission":
            blocks = (body.get("view") or {}).get("blocks") or []
            first = next(
                (b["block_id"] for b in blocks if b.get("type") == "input" and b.get("block_id")), None
            )
            if first:
                self.ack(response_action="errors", errors={first: reason})
                return
        if body.get("command"):
            self.ack(text=reason, response_type="ephemeral")
            return
        self.ack.response = BoltResponse(status=500, body="")


def keep_answer(req: BoltRequest, resp: BoltResponse, next: Callable) -> None:
    """Global middleware: let the lazy parts' runner reach the request's answer (``_Answer``)."""
    req.context[ANSWER] = _Answer(req.context.ack)
    next()


class QueuedRunner(LazyListenerRunner):
    """Bolt's lazy listener runner, writing lazy parts to the ledger and the queue."""

    def __init__(self, queue: "WorkQueue") -> None:
        self.logger = logging.getLogger("itwg.bolt")
        self.queue = queue

    def start(self, function: Callable[..., None], request: BoltRequest) -> None:
        if not _accepted(request):
            return
        try:
            self.queue.put(get_name_for_callable(function), request)
        except Exception as error:
            logger.exception("could not write a request to the ledger; Slack is told nothing was done")
            request.context[ANSWER].nothing_queued(request.body, describe_failure(error))

    def run(self, function: Callable[..., None], request: BoltRequest) -> None:
        """Run a lazy part in a worker. Listeners tell people about their own failures; what still
        escapes is logged with its traceback, and the task counts as done (never repeated)."""
        try:
            function(
                **build_required_kwargs(
                    logger=self.logger,
                    required_arg_names=get_arg_names_of_callable(function),
                    request=request,
                    response=None,
                    this_func=function,
                )
            )
        except Exception:
            logger.exception("lazy part %s failed", get_name_for_callable(function))


class WorkQueue:
    """One app's ledger and Huey queue: puts acknowledged work in, carries it out, sweeps it up."""

    def __init__(self, huey: Huey, deps: Deps) -> None:
        self.huey = huey
        self.deps = deps
        self.lease = timedelta(seconds=deps.settings.itwg_task_lease_seconds)
        self.app: App | None = None
        self.jobs: dict[str, Job] = {}
        # Retries cover the worker's own bookkeeping failing (the database away for a moment).
        self.carry_out_task = huey.task(retries=5, retry_delay=2, name=TASK_NAME)(self.carry_out)
        # Known to Huey from the start, so a starting consumer clears it (``flush_locks``): a worker
        # killed while sweeping would otherwise hold it for ever (TTLs need Redis 7.4).
        self.sweep_lock = huey.lock_task(SWEEP_LOCK)

    def attach(self, app: App) -> None:
        """Make ``app`` the one whose lazy parts this queue carries, and its runner this queue's."""
        self.app = app
        app.listener_runner.lazy_listener_runner = QueuedRunner(self)

    def add_job(self, name: str, job: Job) -> None:
        """Let workers carry out jobs called ``name``: ``job(payload, attempt)``, attempt from 1."""
        self.jobs[name] = job

    # -- the web process ----------------------------------------------------------------------------
    def put_job(self, name: str, *, key: str, payload: dict[str, Any]) -> int | None:
        """Write a job to the ledger and the queue; None when one with ``key`` was there already.

        Raises when the ledger cannot be written (the caller must not say the work will be done); a
        queue that cannot be written is only logged, as for ``put``: the sweep finds the row.
        """
        assert name in self.jobs, f"no job called {name}"
        return self._record_and_queue(
            key=f"{JOB}{name}:{key}",
            function=JOB + name,
            body=json.dumps(payload),
            headers={},
            context={"mode": "job"},
        )

    def put(self, function: str, request: BoltRequest) -> int | None:
        """Write a lazy part to the ledger and the queue; None when the request was there already.

        Raises when the ledger cannot be written, so Slack is not told "done" for work that could be
        lost. A queue that cannot be written is only logged: the sweep finds the row.
        """
        key = request_key(request.body) or f"unkeyed:{utcnow().timestamp()}:{id(request)}"
        socket_mode = request.mode == "socket_mode"
        return self._record_and_queue(
            key=f"{key}:{function}",
            function=function,
            body=json.dumps(request.body) if socket_mode else request.raw_body,
            headers={
                name: list(values) for name, values in request.headers.items() if name not in LAZY_HEADERS
            },
            context={HANDED_ON: request.context.get(HANDED_ON) or {}, "mode": request.mode},
        )

    def _record_and_queue(
        self, *, key: str, function: str, body: str, headers: dict[str, Any], context: dict[str, Any]
    ) -> int | None:
        """The ledger row first (raising if it cannot be written), then the queue (only logged if it
        cannot be: the sweep finds the row); None when a row with ``key`` was there already."""
        with session_scope(self.deps.engine) as session:
            task_id = request_tasks.record(
                session,
                key=key,
                function=function,
                body=body,
                headers=headers,
                context=context,
                now=utcnow(),
                lease=self.lease,
            )
        if task_id is None:
            logger.info("%s was delivered again; its %s is already queued", key, function)
            return None
        try:
            self.carry_out_task(task_id)
        except Exception:
            logger.exception("could not queue task %s; the sweep will hand it out", task_id)
        return task_id

    # -- a worker -----------------------------------------------------------------------------------
    def carry_out(self, task_id: int) -> None:
        """Claim a ledger row and run its lazy part; a row already done or held by a live worker is
        left alone, so a task handed out twice is carried out once."""
        assert self.app is not None, "WorkQueue.attach(app) first"
        with session_scope(self.deps.engine) as session:
            task = request_tasks.claim(session, task_id=task_id, now=utcnow(), lease=self.lease)
        if task is None:
            return
        if task.function.startswith(JOB):
            self._run_job(task_id, task.function.removeprefix(JOB), task.body, task.attempts)
            return
        request = self._request_of(task.body, task.headers, task.context, task.function, task.key)
        self.app.dispatch(request)
        with session_scope(self.deps.engine) as session:
            request_tasks.finish(session, task_id=task_id, now=utcnow())

    def _run_job(self, task_id: int, name: str, body: str, attempt: int) -> None:
        """Run a claimed job; done, put back for later (``RetryLater``), or failed for good."""
        job = self.jobs.get(name)
        try:
            if job is None:
                raise LookupError(f"no job called {name} in this worker")
            job(json.loads(body), attempt)
        except RetryLater as error:
            self._later(task_id, name, attempt, str(error), retry_delay(attempt, error.after))
            return
        except Exception as error:
            logger.exception("job %s (task %s) failed", name, task_id)
            self._later(task_id, name, attempt, describe_failure(error), retry_delay(attempt))
            return
        with session_scope(self.deps.engine) as session:
            request_tasks.finish(session, task_id=task_id, now=utcnow())

    def _later(self, task_id: int, name: str, attempt: int, reason: str, delay: float) -> None:
        if attempt >= MAX_JOB_ATTEMPTS:
            logger.error("job %s (task %s) gave up after %d attempts: %s", name, task_id, attempt, reason)
            with session_scope(self.deps.engine) as session:
                request_tasks.finish(session, task_id=task_id, now=utcnow(), state=request_tasks.FAILED)
            return
        logger.warning("job %s (task %s) will be tried again in %.0f s: %s", name, task_id, delay, reason)
        with session_scope(self.deps.engine) as session:
            request_tasks.postpone(session, task_id=task_id, until=utcnow() + timedelta(seconds=delay))
        try:
            self.carry_out_task.schedule(args=(task_id,), delay=delay)
        except Exception:
            logger.exception("could not schedule job %s again; the sweep will hand it out", task_id)

    def _request_of(
        self, body: str, headers: dict[str, list[str]], context: dict[str, Any], function: str, key: str
    ) -> BoltRequest:
        """The acknowledged request again, asking Bolt for one lazy part. Re-signed with the app's own
        secret, since Slack's signature has expired while the request waited (its body was verified
        before it was written); only a request built here carries the ``QUEUED`` mark."""
        lazy = {"x-slack-bolt-lazy-only": ["1"], "x-slack-bolt-lazy-function-name": [function]}
        extra = {HANDED_ON: context.get(HANDED_ON) or {}, REQUEST_KEY: key, QUEUED: True}
        if context.get("mode") == "socket_mode":
            return BoltRequest(body=json.loads(body), headers=lazy, context=extra, mode="socket_mode")
        secret = self.deps.settings.secret("slack_signing_secret") or ""
        fresh = {name: [value] for name, value in signed_headers(secret, body).items()}
        return BoltRequest(body=body, headers={**headers, **fresh, **lazy}, context=extra)

    def sweep(self) -> int:
        """Hand out again what was acknowledged but never finished: rows whose lease ran out. Run by
        every worker now and then; a lock keeps two from sweeping at once. Returns how many."""
        try:
            with self.sweep_lock:
                # A queued task whose lease ran out is most likely still waiting its turn in the
                # queue: it is handed out again only once the queue is empty (so its message was
                # lost), or a backlog longer than a lease would be queued again, whole, every lease.
                # What a dead worker held is handed out at once.
                queue_empty = self.huey.pending_count() == 0
                now = utcnow()
                with session_scope(self.deps.engine) as session:
                    due = request_tasks.due_again(session, now=now, lease=self.lease, queued=queue_empty)
                    request_tasks.forget_finished(session, before=now - KEEP_FINISHED)
                for task_id in due:
                    logger.warning("handing out task %s again: its worker stopped before finishing", task_id)
                    self.carry_out_task(task_id)
                return len(due)
        except TaskLockedException:
            return 0

    def backlog(self) -> dict[str, Any]:
        """What ``/healthz`` shows: unfinished tasks, the age of the oldest, and the queue's length."""
        with read_scope(self.deps.engine) as session:
            unfinished, oldest = request_tasks.backlog(session)
        age = (utcnow() - oldest).total_seconds() if oldest else 0.0
        return {
            "unfinished": unfinished,
            "oldest_seconds": round(age, 1),
            "queued": self.huey.pending_count(),
        }


def only_from_queue(req: BoltRequest, resp: BoltResponse, next: Callable) -> BoltResponse | None:
    """Global middleware: a request asking for a lazy part must come from the queue, never over HTTP
    (a replayed Slack request with Bolt's lazy headers added would otherwise run work again)."""
    if req.lazy_only and not req.context.get(QUEUED):
        return BoltResponse(status=401, body="")
    next()
    return None
