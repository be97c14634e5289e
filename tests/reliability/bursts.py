"""Bursts of share submissions over HTTP to real ``itwg serve`` and ``itwg worker`` processes, which
the tests kill, stop and restart as a platform would; and what the database holds afterwards.

Slack is modelled as it behaves: a delivery that gets no answer (the web process died, or is being
restarted) is delivered again, the same body with ``X-Slack-Retry-Num``, once the web process
answers again. A submission counts as acknowledged when one of its deliveries was answered 200 with
an empty body (the modal closes); only those are promised to the person.
"""

import re
import subprocess
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, func
from sqlmodel import col, select

from bot.local_slack import LocalSlack, SlackUser
from bot.signing import signed_headers
from storage.db import read_scope
from storage.models import Initiative, RequestTask
from storage.repositories.request_tasks import UNFINISHED
from tests.handlers.initiative_helpers import VALID
from tests.harness import SIGNING_SECRET
from tests.reliability.forms import retry_headers, state_values, submission_body
from tests.serving import free_port, output_of, post, start, stop, wait_until_answering

# Member organisations' email domains: each writer is mapped to one on first contact.
DOMAINS = ["ilo.org", "unhcr.org", "unicef.org", "iom.int", "undp.org", "unesco.org", "unfpa.org", "who.int"]
CONCURRENCY = 16
# A short lease, so that what a killed worker held is handed out again within seconds.
LEASE_SECONDS = 3
# How long a test waits for the workers to finish everything.
SETTLE_SECONDS = 240
# How many times a delivery is tried in all, as Slack does (the first and three retries).
DELIVERIES = 4


def wait_for(condition: Callable[[], Any], seconds: float, *, every: float = 0.2) -> bool:
    """Poll ``condition`` until it holds or ``seconds`` pass; whether it held."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return bool(condition())


def add_writers(slack: LocalSlack, count: int = CONCURRENCY) -> list[SlackUser]:
    return [
        slack.add_user(
            SlackUser(id=f"UWRITER{n:02d}", name=f"Writer {n}", email=f"w{n}@{DOMAINS[n % len(DOMAINS)]}")
        )
        for n in range(count)
    ]


@dataclass
class Submission:
    title: str
    body: str
    user: SlackUser


def submissions(view: dict[str, Any], writers: list[SlackUser], total: int, *, tag: str) -> list[Submission]:
    """``total`` valid share submissions of ``view``, round-robin over ``writers``, titled uniquely."""
    made = []
    for n in range(total):
        user = writers[n % len(writers)]
        title = f"{tag} share {n:04d}"
        values = state_values(view, {**VALID, "title": title})
        body = submission_body(view, values, who=user, trigger_id=f"t.{tag}.{n}")
        made.append(Submission(title=title, body=body, user=user))
    return made


@dataclass
class Burst:
    """What Slack saw: each title's answers, in order (status, or the error that replaced one)."""

    answers: dict[str, list[str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    answered: int = 0
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None

    @property
    def acked(self) -> set[str]:
        return {title for title, answers in self.answers.items() if "200" in answers}

    @property
    def redelivered(self) -> int:
        return sum(len(answers) - 1 for answers in self.answers.values())

    def seconds(self) -> float:
        return (self.finished or time.monotonic()) - self.started


def deliver(bases: Callable[[int], str], item: Submission, number: int, burst: Burst) -> None:
    """Deliver one submission the way Slack does; retries go to whichever web process answers then."""
    answers: list[str] = []
    for attempt in range(DELIVERIES):
        headers = (
            signed_headers(SIGNING_SECRET, item.body) if attempt == 0 else retry_headers(item.body, attempt)
        )
        base = bases(number + attempt)
        try:
            status, answer = post(base + "/slack/events", item.body, headers)
        except OSError as error:  # refused, reset, or no answer in time
            answers.append(type(error).__name__)
            wait_for(lambda base=base: answering(base), 60, every=0.1)
            continue
        answers.append("200" if status == 200 and answer == b"" else f"{status} {answer[:80]!r}")
        if status < 500:
            break
    with burst.lock:
        burst.answers[item.title] = answers
        burst.answered += 1


def answering(base: str) -> bool:
    try:
        with urllib.request.urlopen(base + "/healthz", timeout=2):
            return True
    except OSError:
        return False


def start_burst(bases: list[str], items: list[Submission]) -> tuple[Burst, threading.Thread]:
    """Deliver ``items`` ``CONCURRENCY`` at a time, spread over the web processes at ``bases``, from
    a thread of its own; its ``Burst`` fills in as answers come."""
    burst = Burst()

    def base_for(n: int) -> str:
        return bases[n % len(bases)]

    def run() -> None:
        with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
            for future in [pool.submit(deliver, base_for, item, n, burst) for n, item in enumerate(items)]:
                future.result()
        burst.finished = time.monotonic()

    thread = threading.Thread(target=run, name="burst", daemon=True)
    thread.start()
    return burst, thread


def send_burst(bases: list[str], items: list[Submission]) -> Burst:
    burst, thread = start_burst(bases, items)
    thread.join()
    return burst


# -- the processes ----------------------------------------------------------------------------------


@dataclass
class Deployment:
    """Web and worker processes as a platform runs them: started, killed, stopped and started again.
    Keeps everything every process ever logged."""

    env: dict[str, str]
    worker_threads: int = 2
    webs: list[tuple[int, subprocess.Popen]] = field(default_factory=list)
    workers: list[subprocess.Popen] = field(default_factory=list)
    ended: list[subprocess.Popen] = field(default_factory=list)
    logs: list[str] = field(default_factory=list)

    @property
    def bases(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port, _ in self.webs]

    def start_web(self, port: int | None = None) -> subprocess.Popen:
        port = port or free_port()
        process = start(["serve", "--host", "127.0.0.1", "--port", str(port)], self.env)
        wait_until_answering(f"http://127.0.0.1:{port}", process)
        self.webs.append((port, process))
        return process

    def start_worker(self) -> subprocess.Popen:
        process = start(["worker", "--workers", str(self.worker_threads)], self.env)
        self.workers.append(process)
        return process

    def kill_web(self, index: int = 0) -> int:
        """SIGKILL a web process; its port, for the one that replaces it."""
        port, process = self.webs.pop(index)
        self._kill(process)
        return port

    def restart_web(self, port: int) -> subprocess.Popen:
        """Start a web process on a dead one's port, as a platform's router keeps its address."""
        process = start(["serve", "--host", "127.0.0.1", "--port", str(port)], self.env)
        wait_until_answering(f"http://127.0.0.1:{port}", process)
        self.webs.insert(0, (port, process))
        return process

    def kill_worker(self, index: int = 0) -> None:
        self._kill(self.workers.pop(index))

    def _kill(self, process: subprocess.Popen) -> None:
        process.kill()
        process.wait(timeout=30)
        self.ended.append(process)

    def terminate_all(self) -> dict[str, int]:
        """SIGTERM every process at once, as a platform's restart does; their exit statuses."""
        running = [("web", p) for _, p in self.webs] + [("worker", p) for p in self.workers]
        for _, process in running:
            process.terminate()
        statuses = {f"{kind}{n}": process.wait(timeout=60) for n, (kind, process) in enumerate(running)}
        self.ended.extend(process for _, process in running)
        self.webs, self.workers = [], []
        return statuses

    def output(self) -> str:
        """What every process has logged so far."""
        processes = [p for _, p in self.webs] + self.workers + self.ended
        return "\n".join(output_of(p) for p in processes)

    def stop_all(self) -> str:
        """SIGTERM whatever still runs; everything logged by every process."""
        for process in [p for _, p in self.webs] + self.workers:
            process.terminate()
        for process in [p for _, p in self.webs] + self.workers:
            self.ended.append(process)
        self.webs, self.workers = [], []
        return "\n".join(stop(p) for p in self.ended)


@contextmanager
def deployment(
    env: dict[str, str], *, webs: int = 1, workers: int = 1, threads: int = 2
) -> Iterator[Deployment]:
    running = Deployment(env=env, worker_threads=threads)
    try:
        for _ in range(workers):
            running.start_worker()
        for _ in range(webs):
            running.start_web()
        yield running
    finally:
        running.logs.append(running.stop_all())


# -- what was stored --------------------------------------------------------------------------------


@dataclass
class Stored:
    titles: Counter
    unfinished: int
    rerun: int  # ledger rows claimed more than once (a lease ran out: their worker was killed)

    @property
    def duplicates(self) -> dict[str, int]:
        return {title: n for title, n in self.titles.items() if n > 1}


def stored(engine: Engine, tag: str) -> Stored:
    with read_scope(engine) as session:
        rows = session.exec(
            select(Initiative.title, func.count())
            .where(Initiative.title.startswith(f"{tag} share "))  # type: ignore[union-attr]
            .group_by(Initiative.title)
        ).all()
        rerun = session.exec(
            select(func.count()).select_from(RequestTask).where(RequestTask.attempts > 1)
        ).one()
    return Stored(titles=Counter(dict(rows)), unfinished=unfinished(engine), rerun=rerun)


def unfinished(engine: Engine) -> int:
    """Ledger rows not yet done: queued, or held by a worker."""
    with read_scope(engine) as session:
        return session.exec(
            select(func.count()).select_from(RequestTask).where(col(RequestTask.state).in_(UNFINISHED))
        ).one()


SHARED = re.compile(r"^Shared #\d+ (.*)$")


def confirmations(slack: LocalSlack) -> Counter:
    """Direct messages confirming a share, by title (a person's DM channel is their user id)."""
    sent: Counter = Counter()
    for call in slack.calls_to("chat.postMessage"):
        if str(call.params.get("channel", "")).startswith("U"):
            matched = SHARED.match(str(call.params.get("text", "")))
            if matched:
                sent[matched.group(1)] += 1
    return sent
