"""What a person sees when many use the ITWG app at once: how soon Slack is answered, and how soon
the first thing they asked for shows, against a bare Bolt app making the same Slack calls.

The app runs as the Procfile runs it: ``itwg migrate``, then ``itwg serve`` and ``itwg worker``
processes, on a fresh SQLite database or a PostgreSQL database created for the run (127.0.0.1:5432,
user postgres) and dropped after it. The baseline, in the same run, is bench/bare_app.py: its own
HTTP server (waitress, same threads), Bolt's default lazy listener threads, no database, and the
payloads the app sent for the same requests. Slack is bench/slack_process.py, in a low-priority
process of its own, which timestamps every call a person would see.

For every request: the ack (HTTP response time) and first-visible, from sending it to the first thing
the person sees: the reply in the ack's body (``/itwg help``), the modal's views.open
(``/itwg share-initiative``; "form" is when the form replaced the loading view), the "Shared …"
direct message (a submission of the share form). Scenarios:

- commands: ``/itwg help`` and ``/itwg share-initiative``, closed loop at concurrency 1, 16 and 64,
  rounds alternating between the app and the baseline;
- submissions: valid share submissions offered open loop at 10/s and 30/s (evenly spaced), each
  checked to be stored; "done" is when the last Slack call of the work arrived;
- capacity: submissions offered in rising steps with 1, then 2 worker processes; a step is sustained
  while the lag of its last quarter (ack and first-visible medians) stays within 0.5 s of its first
  quarter's, i.e. while no backlog builds up.

    python bench/burst.py                          # everything, SQLite then PostgreSQL (7-8 min)
    python bench/burst.py --quick                  # fewer requests, shorter steps (about 4 min)
    python bench/burst.py --database sqlite --scenario commands
    python bench/burst.py --slack-latency 0.1      # Slack answering in 100 ms instead of at once

Exit status 1 when a request failed, work went missing or a submission was not stored; the targets
are printed, met or missed, on the last lines.
"""

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from bench.databases import scratch_postgres  # noqa: E402
from bench.slack_process import SlackProcess  # noqa: E402
from bot.signing import command_body, interaction_body, signed_headers  # noqa: E402
from storage.db import make_engine  # noqa: E402

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench-token"
CHANNEL = "CBENCH001"
TEAM_ID = "T0ITWG"
LEVELS = (1, 16, 64)
RATES = (10, 30)
# Offered submission rates for the capacity steps, per second.
LADDER = (10, 15, 20, 25, 30, 40, 50, 60, 80, 100, 120)
LATE_MODAL = 2.5
# How much the last quarter of a capacity step may lag behind its first before it counts as a backlog.
GROWTH_ALLOWED = 0.5
# Typed answers the share modal accepts, by block id; every other field takes its first option.
TYPED_ANSWERS = {
    "summary": "Measured by bench/burst.py.",
    "countries": "KE, Nigeria",
    "link": "https://example.org/bench",
}


def bench_users(count: int = 8) -> list[dict[str, Any]]:
    """People of member organisations (by their email's domain), so every one of them may share."""
    organisations = tomllib.loads((ROOT / "bot" / "data" / "membership.toml").read_text())["organisation"]
    members = [o for o in organisations if o["role"] == "member" and o.get("email_domains")][:count]
    return [
        {
            "id": f"UBENCH{i:03d}",
            "name": f"Bench Focal {i}",
            "email": f"bench{i}@{o['email_domains'][0]}",
            "team_id": TEAM_ID,
        }
        for i, o in enumerate(members)
    ]


# -- processes ------------------------------------------------------------------------------------------


class Processes:
    """The app's processes and the baseline's, their output in log files of the run's directory."""

    def __init__(self, workdir: Path, env: dict[str, str], *, worker_nice: int = 0) -> None:
        self.workdir = workdir
        self.env = env
        self.worker_nice = worker_nice
        # CPU seconds of worker processes stopped since (counted in CpuMeter's "worker").
        self.retired_worker_cpu = 0.0
        self.workers: list[subprocess.Popen] = []
        self.others: list[subprocess.Popen] = []

    def _start(self, name: str, command: list[str]) -> subprocess.Popen:
        log = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115 (the process owns it)
        return subprocess.Popen(command, env=self.env, cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT)

    def itwg(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "bot", *args]

    def migrate(self) -> None:
        subprocess.run(self.itwg("migrate"), env=self.env, cwd=self.workdir, check=True, capture_output=True)

    def serve(self, port: int) -> str:
        self.others.append(
            self._start("serve", self.itwg("serve", "--host", "127.0.0.1", "--port", str(port)))
        )
        return wait_until_up(port, self.others[-1])

    def bare(self, port: int, payloads: Path) -> str:
        command = [sys.executable, str(ROOT / "bench" / "bare_app.py"), "--port", str(port)]
        self.others.append(self._start("bare", [*command, "--payloads", str(payloads)]))
        return wait_until_up(port, self.others[-1])

    def scale_workers(self, count: int) -> None:
        """Run ``count`` ``itwg worker`` processes (each with its default threads), as the Procfile's
        ``worker`` line scaled to ``count``."""
        while len(self.workers) < count:
            nice = ["nice", "-n", str(self.worker_nice)] if self.worker_nice else []
            self.workers.append(self._start(f"worker{len(self.workers)}", [*nice, *self.itwg("worker")]))
        while len(self.workers) > count:
            worker = self.workers.pop()
            self.retired_worker_cpu += CpuMeter.process_cpu(worker.pid)
            stop_process(worker)

    def stop(self) -> None:
        for process in [*self.workers, *self.others]:
            stop_process(process)


class CpuMeter:
    """CPU time used by each part of the run (from /proc), and how busy the whole machine was."""

    TICK = os.sysconf("SC_CLK_TCK")

    def __init__(self, run: "Run") -> None:
        self.run = run

    @classmethod
    def process_cpu(cls, pid: int) -> float:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / cls.TICK

    @classmethod
    def _postgres(cls) -> float:
        total = 0.0
        for comm in Path("/proc").glob("[0-9]*/comm"):
            try:
                if comm.read_text().strip() == "postgres":
                    total += cls.process_cpu(int(comm.parent.name))
            except OSError:
                continue
        return total

    def snapshot(self) -> dict[str, float]:
        processes = self.run.processes
        busy = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
        ticks = [int(v) for v in busy]
        return {
            "web": self.process_cpu(processes.others[0].pid),
            "bare": self.process_cpu(processes.others[1].pid) if len(processes.others) > 1 else 0.0,
            "worker": processes.retired_worker_cpu + sum(self.process_cpu(p.pid) for p in processes.workers),
            "db": self._postgres() if self.run.database == "postgresql" else 0.0,
            "slack": self.process_cpu(self.run.slack.pid),
            "load": self.process_cpu(os.getpid()),
            "busy": (sum(ticks) - ticks[3] - ticks[4]) / self.TICK,
            "all": sum(ticks) / self.TICK,
        }

    @staticmethod
    def used(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
        return {name: after[name] - before[name] for name in before}


def stop_process(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(port: int, process: subprocess.Popen) -> str:
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{process.args} exited with {process.returncode}; see its log")
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2).read()
            return base
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{process.args} did not start")


# -- requests -------------------------------------------------------------------------------------------


@dataclass
class Sent:
    """One request: what it was, when it went (``time.time()``), and how it was answered."""

    kind: str  # help | share-initiative | submission
    key: str  # what its visible outcome is found by: the trigger id, or the submission's title
    trigger: str
    body: str
    sent: float = 0.0
    ack: float | None = None  # seconds
    answer: bytes = b""
    error: str | None = None


class Requests:
    """Signed Slack requests from the bench's people, each with ids of its own."""

    def __init__(self, slack: SlackProcess, users: list[dict[str, Any]]) -> None:
        self.slack = slack
        self.users = users
        self._count = 0
        self._lock = threading.Lock()
        self.form: dict[str, Any] | None = None

    def _next(self) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self._count += 1
            return self._count, self.users[self._count % len(self.users)]

    def command(self, subcommand: str, user: dict[str, Any] | None = None) -> Sent:
        n, chosen = self._next()
        user = user or chosen
        trigger = f"bench.{os.getpid()}.{n}"
        body = command_body(
            {
                "command": "/itwg",
                "text": subcommand,
                "user_id": user["id"],
                "user_name": user["name"],
                "team_id": TEAM_ID,
                "channel_id": CHANNEL,
                "trigger_id": trigger,
                "response_url": self.slack.response_url(),
            }
        )
        return Sent(kind=subcommand, key=trigger, trigger=trigger, body=body)

    def submission(self, user: dict[str, Any] | None = None) -> Sent:
        """A valid submission of the share form the app showed, titled with a marker of its own."""
        assert self.form is not None, "open the share form once first"
        n, chosen = self._next()
        user = user or chosen
        title = f"Bench-{os.getpid()}-{n}"
        trigger = f"bench.{os.getpid()}.{n}"
        values = {
            block["block_id"]: {
                block["element"]["action_id"]: fill_value(block["block_id"], block["element"], title)
            }
            for block in self.form["blocks"]
            if block.get("type") == "input"
        }
        payload = {
            "type": "view_submission",
            "team": {"id": TEAM_ID},
            "user": {"id": user["id"], "team_id": TEAM_ID},
            "trigger_id": trigger,
            "view": {**self.form, "id": f"VBENCH{n}", "hash": "h", "state": {"values": values}},
        }
        return Sent(kind="submission", key=title, trigger=trigger, body=interaction_body(payload))


def fill_value(block_id: str, element: dict, title: str) -> dict:
    """A valid answer for one input element of the real modal."""
    kind = element["type"]
    options = element.get("options") or [o for g in element.get("option_groups", []) for o in g["options"]]
    if kind in ("static_select", "radio_buttons"):
        return {"type": kind, "selected_option": element.get("initial_option") or options[0]}
    if kind in ("multi_static_select", "checkboxes"):
        return {"type": kind, "selected_options": element.get("initial_options") or options[:1]}
    if kind == "datepicker":
        return {"type": kind, "selected_date": element.get("initial_date")}
    typed = title if block_id == "title" else TYPED_ANSWERS.get(block_id, "")
    return {"type": kind, "value": element.get("initial_value") or typed}


def send(base: str, request: Sent) -> Sent:
    headers = signed_headers(SECRET, request.body)
    http = urllib.request.Request(base + "/slack/events", data=request.body.encode(), headers=headers)
    request.sent = time.time()
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(http, timeout=60) as response:
            request.answer = response.read()
        request.ack = time.perf_counter() - started
    except (OSError, urllib.error.HTTPError) as error:
        request.error = str(error)
        return request
    if request.kind == "help" and b'"text"' not in request.answer:
        request.error = "the help reply was not in the ack"
    elif request.kind != "help" and request.answer.strip():
        request.error = "answered " + request.answer[:200].decode(errors="replace")
    return request


def closed_loop(base: str, requests: list[Sent], concurrency: int) -> list[Sent]:
    """``concurrency`` clients, each sending its next request when the last was answered."""
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        return list(pool.map(lambda r: send(base, r), requests))


def one_at_a_time(base: str, requests: list[Sent]) -> list[Sent]:
    return closed_loop(base, requests, 1)


def open_loop(base: str, requests: list[Sent], rate: float) -> list[Sent]:
    """Requests sent evenly spaced at ``rate`` per second, whether or not earlier ones were answered."""
    with ThreadPoolExecutor(max_workers=256) as pool:
        start = time.perf_counter() + 0.05
        for i, request in enumerate(requests):
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(send, base, request)
    return requests


# -- what people saw ------------------------------------------------------------------------------------


class Seen:
    """Every mark the fake Slack has logged, read in batches: the first time each (kind, key) arrived."""

    def __init__(self, slack: SlackProcess) -> None:
        self.slack = slack
        self.cursor = 0
        self.first: dict[tuple[str, str], float] = {}
        self.count: dict[str, int] = {}
        self.last = 0.0

    def refresh(self) -> None:
        marks = self.slack.marks(self.cursor)
        self.cursor += len(marks)
        for kind, key, at in marks:
            self.first.setdefault((kind, key), at)
            self.count[kind] = self.count.get(kind, 0) + 1
            self.last = max(self.last, at)

    def at(self, kind: str, key: str) -> float | None:
        return self.first.get((kind, key))

    def wait(
        self, wanted: list[tuple[str, str]], *, also: Callable[[], bool] = lambda: True, timeout=180
    ) -> bool:
        """Until every (kind, key) of ``wanted`` has arrived and ``also()`` holds; False on timeout."""
        deadline = time.time() + timeout
        while True:
            self.refresh()
            if all(item in self.first for item in wanted) and also():
                return True
            if time.time() > deadline:
                return False
            time.sleep(0.2)


# The fake Slack's mark of the first thing a request's person sees (help's is the ack itself).
VISIBLE = {"share-initiative": "open", "submission": "dm"}


def visible(seen: Seen, request: Sent) -> float | None:
    """Seconds from sending ``request`` to the first thing its person saw."""
    if request.error is not None:
        return None
    if request.kind == "help":
        return request.ack
    at = seen.at(VISIBLE[request.kind], request.key)
    return None if at is None else at - request.sent


def form_shown(seen: Seen, request: Sent) -> float | None:
    at = seen.at("form", request.key) if request.kind == "share-initiative" else None
    return None if at is None else at - request.sent


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank percentile (so p99 of 100 values is the 99th smallest); NaN for none."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def ms(value: float) -> str:
    return "-" if math.isnan(value) else f"{value * 1000:.0f}"


# -- a run on one database ------------------------------------------------------------------------------


@dataclass
class Stats:
    requests: list[Sent] = field(default_factory=list)
    ack: list[float] = field(default_factory=list)
    visible: list[float] = field(default_factory=list)
    form: list[float] = field(default_factory=list)
    errors: int = 0
    missing: int = 0
    # CPU seconds used by each part of the run while these requests were sent and carried out.
    cpu: dict[str, float] = field(default_factory=dict)

    def add(self, seen: Seen, requests: list[Sent], cpu: dict[str, float]) -> None:
        for name, used in cpu.items():
            self.cpu[name] = self.cpu.get(name, 0.0) + used
        for request in requests:
            self.requests.append(request)
            if request.error is not None:
                self.errors += 1
                continue
            assert request.ack is not None
            self.ack.append(request.ack)
            shown = visible(seen, request)
            if shown is None:
                self.missing += 1
            else:
                self.visible.append(shown)
            formed = form_shown(seen, request)
            if formed is not None:
                self.form.append(formed)

    def p(self, what: str, q: float) -> float:
        return percentile(getattr(self, what), q)

    def cpu_ms(self, part: str) -> float:
        """CPU milliseconds ``part`` used per request; ``other``: by processes not of this run."""
        if part == "other":
            ours = sum(v for k, v in self.cpu.items() if k not in ("busy", "all"))
            return (self.cpu.get("busy", 0.0) - ours) * 1000 / max(1, len(self.requests))
        return self.cpu.get(part, 0.0) * 1000 / max(1, len(self.requests))

    def busy(self) -> float:
        """How busy the machine's CPUs were, 0 to 1."""
        return self.cpu.get("busy", 0.0) / max(1e-9, self.cpu.get("all", 0.0))


class Run:
    """The app and the baseline on one database, and what the scenarios found."""

    def __init__(self, database: str, args: argparse.Namespace, workdir: Path, url: str) -> None:
        self.database = database
        self.args = args
        self.workdir = workdir
        self.url = url
        self.users = bench_users()
        self.slack = SlackProcess(self.users, latency=args.slack_latency)
        self.seen = Seen(self.slack)
        self.requests = Requests(self.slack, self.users)
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ITWG_", "DATABASE_"))},
            "PYTHONPATH": str(ROOT),
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": self.slack.api_url,
            "DATABASE_URL": url,
            "ITWG_CHANNEL": CHANNEL,
        }
        self.processes = Processes(workdir, env, worker_nice=args.worker_nice)
        self.engine = make_engine(url)
        self.cpu = CpuMeter(self)
        self.database_version = ""
        self.cpu_used: dict[str, float] = {}
        self.bases: dict[str, str] = {}
        self.failures: list[str] = []
        # Modals opened, and those opened later than LATE_MODAL after their request, by app.
        self.modals = {"itwg": 0, "bare": 0}
        self.late_modals = {"itwg": 0, "bare": 0}
        self.results: dict[str, Any] = {}

    # -- start-up --------------------------------------------------------------------------------------
    def start(self) -> None:
        self.processes.migrate()
        with self.engine.connect() as connection:
            query = "SELECT sqlite_version()" if self.database == "sqlite" else "SHOW server_version"
            self.database_version = f"{self.database} {connection.execute(text(query)).scalar_one()}"
        self.processes.scale_workers(1)
        self.bases["itwg"] = self.processes.serve(free_port())
        self.wait_for_workers()
        # Everyone meets the app once (it asks Slack for their profile), then shares once.
        opening = [self.requests.command("share-initiative", user) for user in self.users]
        self.drive("itwg", opening, one_at_a_time, "warm-up")
        self.requests.form = self.slack.samples()["form_view"]
        shares = [self.requests.submission(user) for user in self.users]
        self.drive("itwg", shares, one_at_a_time, "warm-up")
        help_answer = json.loads(send(self.bases["itwg"], self.requests.command("help")).answer)
        samples = self.slack.samples()
        payloads = {
            "help": help_answer,
            **{k: samples[k] for k in ("loading_view", "form_view", "home_view")},
        }
        payloads |= {"post": samples["post"], "dm": samples["dm"]}
        path = self.workdir / "payloads.json"
        path.write_text(json.dumps(payloads))
        self.bases["bare"] = self.processes.bare(free_port(), path)
        for kind in ("help", "share-initiative"):
            self.drive("bare", [self.requests.command(kind) for _ in range(20)], one_at_a_time, "warm-up")
        self.drive("bare", [self.requests.submission() for _ in range(20)], one_at_a_time, "warm-up")

    def wait_for_workers(self) -> None:
        """Until the worker processes take work: a help-free request round trip through the queue."""
        probe = self.requests.command("share-initiative")
        send(self.bases["itwg"], probe)
        if not self.seen.wait([("form", probe.key)], timeout=60):
            raise SystemExit("the worker carried out nothing; see worker0.log")

    def drive(
        self, app: str, requests: list[Sent], load: Callable[[str, list[Sent]], Any], scenario: str
    ) -> tuple[float, dict[str, float]]:
        """Send ``requests`` to ``app`` by ``load``, then wait until all their work showed at the fake Slack
        (and, for the app, the ledger has nothing unfinished); note what failed or never showed.
        Returns when the last of the work arrived (``time.time()``) and the CPU time used meanwhile."""
        self.seen.refresh()
        homes = self.seen.count.get("home", 0)
        before = self.cpu.snapshot()
        load(self.bases[app], requests)
        answered = [r for r in requests if r.error is None]
        wanted = [("form", r.key) for r in answered if r.kind == "share-initiative"]
        wanted += [("dm", r.key) for r in answered if r.kind == "submission"]
        homes += sum(1 for r in answered if r.kind == "submission")
        ok = self.seen.wait(
            wanted,
            also=lambda: (
                self.seen.count.get("home", 0) >= homes and (app == "bare" or self.unfinished() == 0)
            ),
        )
        failed = [r.error for r in requests if r.error is not None]
        if failed:
            self.failures.append(f"{scenario}: {len(failed)} requests failed, e.g. {failed[0]}")
        if not ok:
            missing = [w for w in wanted if w not in self.seen.first]
            self.failures.append(f"{scenario}: the work of {len(missing)} requests never showed")
        self.record(app, scenario, requests)
        return self.seen.last, CpuMeter.used(before, self.cpu.snapshot())

    def record(self, app: str, scenario: str, requests: list[Sent]) -> None:
        """Every request's figures, one JSON line each, in the run's directory (requests.jsonl)."""
        with open(self.workdir / "requests.jsonl", "a") as out:
            for r in requests:
                line = {"app": app, "scenario": scenario, "kind": r.kind, "key": r.key, "sent": r.sent}
                line |= {"ack": r.ack, "visible": visible(self.seen, r), "form": form_shown(self.seen, r)}
                out.write(json.dumps(line | {"error": r.error}) + "\n")

    def unfinished(self) -> int:
        with self.engine.connect() as connection:
            return connection.execute(
                text("SELECT count(*) FROM request_task WHERE state IN ('queued', 'running')")
            ).scalar_one()

    def stored(self, titles: list[str]) -> int:
        with self.engine.connect() as connection:
            found = connection.execute(
                text("SELECT title FROM initiative WHERE title LIKE 'Bench-%'")
            ).scalars()
            return len(set(found) & set(titles))

    def stop(self) -> None:
        self.processes.stop()
        self.slack.stop()
        self.engine.dispose()

    # -- scenarios -------------------------------------------------------------------------------------
    def commands(self) -> None:
        rounds, per_round = (1, 100) if self.args.quick else (2, 200)
        table = {}
        for kind in ("help", "share-initiative"):
            for concurrency in LEVELS:
                stats = {"itwg": Stats(), "bare": Stats()}
                for _ in range(rounds):
                    for app in ("itwg", "bare"):
                        batch = [self.requests.command(kind) for _ in range(per_round)]
                        load = partial(closed_loop, concurrency=concurrency)
                        _, cpu = self.drive(app, batch, load, f"{kind} at {concurrency} ({app})")
                        stats[app].add(self.seen, batch, cpu)
                        if kind == "share-initiative":
                            self.count_modals(app, batch)
                table[(kind, concurrency)] = stats
                self.note_missing(stats, f"{kind} at {concurrency}")
        self.results["commands"] = table

    def count_modals(self, app: str, batch: list[Sent]) -> None:
        for request in batch:
            shown = visible(self.seen, request)
            self.modals[app] += 1
            if shown is None or shown > LATE_MODAL:
                self.late_modals[app] += 1

    def note_missing(self, stats: dict[str, Stats], scenario: str) -> None:
        for app, s in stats.items():
            if s.missing:
                self.failures.append(f"{scenario} ({app}): {s.missing} requests showed nothing")

    def offer(self, app: str, rate: float, seconds: float) -> tuple[Stats, float, list[Sent]]:
        """Submissions at ``rate`` for ``seconds``; their stats and when all work was done after the last
        was sent (seconds)."""
        batch = [self.requests.submission() for _ in range(max(1, round(rate * seconds)))]
        scenario = f"submissions at {rate}/s ({app})"
        last, cpu = self.drive(app, batch, partial(open_loop, rate=rate), scenario)
        stats = Stats()
        stats.add(self.seen, batch, cpu)
        if app == "itwg":
            accepted = [r.key for r in batch if r.error is None]
            stored = self.stored(accepted)
            if stored != len(accepted):
                self.failures.append(f"submissions at {rate}/s: {len(accepted) - stored} not stored")
        return stats, last - max(r.sent for r in batch), batch

    def submissions(self) -> None:
        seconds = 10 if self.args.quick else 20
        table = {}
        for rate in RATES:
            table[rate] = {app: self.offer(app, rate, seconds)[:2] for app in ("itwg", "bare")}
            self.note_missing({app: s for app, (s, _) in table[rate].items()}, f"submissions at {rate}/s")
        self.results["submissions"] = (seconds, table)

    def capacity(self) -> None:
        seconds = 5 if self.args.quick else 8
        steps = []
        best: dict[int, float] = {}
        for workers in (1, 2):
            self.processes.scale_workers(workers)
            self.wait_for_workers()
            self.offer("itwg", 5, 3)  # a new worker compiles its templates and fills its pools first
            best[workers] = 0.0
            for rate in LADDER:
                stats, drain, batch = self.offer("itwg", rate, seconds)
                growth = lag_growth(self.seen, batch)
                done = len(stats.visible) / max(1e-9, self.seen.last - min(r.sent for r in batch))
                kept_up = growth <= GROWTH_ALLOWED and not stats.errors and not stats.missing
                steps.append((workers, rate, stats, growth, drain, done, kept_up))
                if not kept_up:
                    break
                best[workers] = rate
        self.processes.scale_workers(1)
        self.results["capacity"] = (seconds, steps, best)


def lag_growth(seen: Seen, batch: list[Sent]) -> float:
    """How much later, in seconds, the last quarter of a step was answered and shown than its first
    quarter (medians of ack and of first-visible, whichever grew more)."""
    quarter = max(1, len(batch) // 4)
    first, last = batch[:quarter], batch[-quarter:]

    def grew(measure: Callable[[Sent], float | None]) -> float:
        early = [v for v in map(measure, first) if v is not None]
        late = [v for v in map(measure, last) if v is not None]
        if not early or not late:
            return math.inf
        return percentile(late, 50) - percentile(early, 50)

    return max(grew(lambda r: r.ack), grew(lambda r: visible(seen, r)))


# -- report ---------------------------------------------------------------------------------------------


def ratio(a: float, b: float) -> str:
    return "-" if math.isnan(a) or math.isnan(b) or b == 0 else f"{a / b:.2f}"


def print_commands(table: dict) -> None:
    print(
        f"{'scenario':16} {'conc':>4} | {'itwg ack p50':>12} {'p99':>5} {'visible p50':>11} {'p99':>5}"
        f" {'form p99':>8} | {'bare ack p50':>12} {'p99':>5} {'visible p50':>11} {'p99':>5} {'form p99':>8}"
        f" | {'ratio ack p99':>13} {'vis p50':>7} {'vis p99':>7}"
    )
    for (kind, concurrency), stats in table.items():
        mine, theirs = stats["itwg"], stats["bare"]
        row = f"{kind:16} {concurrency:>4} |"
        for s in (mine, theirs):
            row += f" {ms(s.p('ack', 50)):>12} {ms(s.p('ack', 99)):>5} {ms(s.p('visible', 50)):>11}"
            row += f" {ms(s.p('visible', 99)):>5} {ms(s.p('form', 99)):>8} |"
        row += f" {ratio(mine.p('ack', 99), theirs.p('ack', 99)):>13}"
        row += f" {ratio(mine.p('visible', 50), theirs.p('visible', 50)):>7}"
        row += f" {ratio(mine.p('visible', 99), theirs.p('visible', 99)):>7}"
        print(row)
    print()
    print_cpu([(f"{kind} at {level}", s["itwg"], s["bare"]) for (kind, level), s in table.items()])


def print_cpu(rows: list[tuple[str, Stats, Stats]]) -> None:
    """CPU milliseconds per request by process, and how busy the machine's CPUs were."""
    print(
        f"{'cpu ms per request':24} | {'itwg web':>8} {'worker':>6} {'db':>5} {'slack':>5} {'load':>5}"
        f" {'other':>5} {'busy':>5} | {'bare web':>8} {'slack':>5} {'load':>5} {'other':>5} {'busy':>5}"
    )
    for label, mine, theirs in rows:
        row = f"{label:24} | {mine.cpu_ms('web'):8.1f} {mine.cpu_ms('worker'):6.1f} {mine.cpu_ms('db'):5.1f}"
        row += f" {mine.cpu_ms('slack'):5.1f} {mine.cpu_ms('load'):5.1f} {mine.cpu_ms('other'):5.1f}"
        row += f" {mine.busy():5.0%} | {theirs.cpu_ms('bare'):8.1f} {theirs.cpu_ms('slack'):5.1f}"
        row += f" {theirs.cpu_ms('load'):5.1f} {theirs.cpu_ms('other'):5.1f} {theirs.busy():5.0%}"
        print(row)


def print_submissions(seconds: int, table: dict) -> None:
    print(
        f"\nshare submissions, open loop for {seconds} s (ms; done +s: all work done after the last was sent)"
    )
    print(
        f"{'rate':>6} | {'itwg ack p50':>12} {'p99':>5} {'visible p50':>11} {'p99':>5} {'done +s':>7} |"
        f" {'bare ack p50':>12} {'p99':>5} {'visible p50':>11} {'p99':>5} {'done +s':>7} | {'vis p99':>7}"
    )
    for rate, apps in table.items():
        row = f"{rate:>4}/s |"
        for app in ("itwg", "bare"):
            s, drain = apps[app]
            row += f" {ms(s.p('ack', 50)):>12} {ms(s.p('ack', 99)):>5} {ms(s.p('visible', 50)):>11}"
            row += f" {ms(s.p('visible', 99)):>5} {drain:7.2f} |"
        row += f" {ratio(apps['itwg'][0].p('visible', 99), apps['bare'][0].p('visible', 99)):>7}"
        print(row)
    print()
    print_cpu([(f"submissions {rate}/s", apps["itwg"][0], apps["bare"][0]) for rate, apps in table.items()])


def print_capacity(seconds: int, steps: list, best: dict[int, float]) -> None:
    print(
        f"\nsustained submissions, rising steps of {seconds} s (ms; growth s: last quarter's lag - first's)"
    )
    print(
        f"{'workers':>7} {'offered':>8} | {'ack p99':>7} {'visible p50':>11} {'p99':>6} {'growth s':>8}"
        f" {'done +s':>7} {'done/s':>6} | {'busy':>5} {'cpu ms: web':>11} {'worker':>6} {'db':>5} | kept up"
    )
    for workers, rate, stats, growth, drain, done, kept_up in steps:
        verdict = "yes" if kept_up else "NO"
        print(
            f"{workers:>7} {rate:>6}/s | {ms(stats.p('ack', 99)):>7} {ms(stats.p('visible', 50)):>11}"
            f" {ms(stats.p('visible', 99)):>6} {growth:8.2f} {drain:7.2f} {done:6.1f} | {stats.busy():5.0%}"
            f" {stats.cpu_ms('web'):11.1f} {stats.cpu_ms('worker'):6.1f} {stats.cpu_ms('db'):5.1f}"
            f" | {verdict}"
        )
    print("highest sustained rate: " + ", ".join(f"{r:g}/s with {w} worker(s)" for w, r in best.items()))


def targets(run: Run) -> list[tuple[str, bool, str]]:
    """Each target: what it is, whether it was met, and the measured figure."""
    found = []
    commands = run.results.get("commands")
    if commands:
        for kind in ("help", "share-initiative"):
            high, low = commands[(kind, 64)], commands[(kind, 1)]
            ack = high["itwg"].p("ack", 99)
            found.append((f"{kind}: ack p99 at 64 <= 300 ms", ack <= 0.3, f"{ms(ack)} ms"))
            v64, v1 = high["itwg"].p("visible", 99), low["itwg"].p("visible", 99)
            found.append((f"{kind}: first-visible p99 at 64 <= 1 s", v64 <= 1.0, f"{ms(v64)} ms"))
            found.append((f"{kind}: first-visible p99 at 1 <= 150 ms", v1 <= 0.15, f"{ms(v1)} ms"))
            for concurrency in (16, 64):
                stats = commands[(kind, concurrency)]
                mine, theirs = stats["itwg"].p("visible", 99), stats["bare"].p("visible", 99)
                found.append(
                    (
                        f"{kind}: first-visible p99 at {concurrency} within 1.5x of bare",
                        mine <= 1.5 * theirs,
                        f"{ms(mine)} vs {ms(theirs)} ms, {ratio(mine, theirs)}x",
                    )
                )
        late, modals = run.late_modals, run.modals
        found.append(
            (
                f"no modal opened later than {LATE_MODAL} s",
                late["itwg"] == 0,
                f"{late['itwg']} of {modals['itwg']} (bare: {late['bare']} of {modals['bare']})",
            )
        )
    submissions = run.results.get("submissions")
    if submissions:
        v = submissions[1][10]["itwg"][0].p("visible", 99)
        found.append(("submissions at 10/s: first-visible p99 <= 1 s", v <= 1.0, f"{ms(v)} ms"))
    return found


def report(run: Run) -> None:
    label = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[run.database]
    latency = f", Slack answering in {run.args.slack_latency * 1000:.0f} ms" if run.args.slack_latency else ""
    latency += f", workers at nice {run.args.worker_nice}" if run.args.worker_nice else ""
    print(f"\n=== {label}: itwg serve + itwg worker vs bare Bolt{latency} ===")
    print(f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}, {run.database_version}")
    if run.cpu_used:
        used = run.cpu_used
        other = used["busy"] - sum(v for k, v in used.items() if k not in ("busy", "all"))
        share = other / max(1e-9, used["all"])
        warning = " (other work on the machine: figures not comparable)" if share > 0.1 else ""
        print(f"processes not of this run used {share:.0%} of the machine's CPU time during it{warning}")
    if "commands" in run.results:
        per = "1 round of 100" if run.args.quick else "2 rounds of 200"
        print(
            f"commands, closed loop, {per} per app and level (ms; visible: reply in the ack / modal opened)"
        )
        print_commands(run.results["commands"])
    if "submissions" in run.results:
        print_submissions(*run.results["submissions"])
    if "capacity" in run.results:
        print_capacity(*run.results["capacity"])
    print(f"\ntargets ({label}):")
    for name, met, figure in targets(run):
        print(f"  {'MET   ' if met else 'MISSED'} {name}: {figure}")
    for failure in run.failures:
        print(f"  FAILURE {failure}")


@contextmanager
def database(kind: str, workdir: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'bench.db'}"
    else:
        with scratch_postgres() as url:
            yield url


def machine_busy(seconds: float = 2.0) -> float:
    """How busy the machine's CPUs were over ``seconds``, 0 to 1."""

    def ticks() -> list[int]:
        return [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]

    before = ticks()
    time.sleep(seconds)
    used = [b - a for a, b in zip(before, ticks(), strict=True)]
    return (sum(used) - used[3] - used[4]) / max(1, sum(used))


def wait_until_quiet(limit: float) -> float:
    """Wait up to ``limit`` seconds for other work on the machine to settle (under 15% busy); how
    busy it was at the last look."""
    deadline = time.time() + limit
    busy = machine_busy()
    while busy > 0.15 and time.time() < deadline:
        busy = machine_busy(5)
    return busy


def run_on(kind: str, args: argparse.Namespace) -> bool:
    workdir = Path(tempfile.mkdtemp(prefix=f"itwg-burst-{kind}-"))
    quiet = wait_until_quiet(args.wait_quiet)
    print(f"[{kind}] the machine was {quiet:.0%} busy before the run", file=sys.stderr, flush=True)
    started = time.time()
    with database(kind, workdir) as url:
        run = Run(kind, args, workdir, url)
        try:
            run.start()
            before = run.cpu.snapshot()
            for scenario in args.scenario:
                print(f"[{kind}] {scenario} ({time.time() - started:.0f} s in)", file=sys.stderr, flush=True)
                getattr(run, scenario)()
            run.cpu_used = CpuMeter.used(before, run.cpu.snapshot())
        finally:
            run.stop()
    report(run)
    print(
        f"({kind}: {time.time() - started:.0f} s, the machine {quiet:.0%} busy before it; logs in {workdir})"
    )
    return not run.failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer requests and shorter steps")
    parser.add_argument("--database", action="append", choices=("sqlite", "postgresql"))
    parser.add_argument("--scenario", action="append", choices=("commands", "submissions", "capacity"))
    parser.add_argument("--slack-latency", type=float, default=0.0, metavar="SECONDS")
    parser.add_argument(
        "--worker-nice", type=int, default=0, metavar="N", help="run itwg worker at this niceness (default 0)"
    )
    parser.add_argument(
        "--wait-quiet", type=float, default=60, metavar="SECONDS", help="wait for other work to settle first"
    )
    args = parser.parse_args()
    args.scenario = args.scenario or ["commands", "submissions", "capacity"]
    ok = True
    for kind in args.database or ["sqlite", "postgresql"]:
        ok = run_on(kind, args) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
