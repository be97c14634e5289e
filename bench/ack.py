"""How fast the ITWG app acknowledges Slack, against a bare Bolt app served the same way.

Starts ``itwg serve`` exactly as the Procfile's ``web`` line does (a fresh SQLite database, a local
fake Slack) and bench/bare_app.py (one /itwg listener that only acks) with the same server and
thread count, then sends signed ``/itwg help``, ``/itwg share-initiative`` and a view submission of
the real share modal at concurrency 1, 16 and 64. Prints p50/p99 latency and throughput for both
and the ratios; the last line names the headline ratio (p99 at the highest concurrency).

The app acks before it works (its worker process does the rest), so after each of its runs the
benchmark also waits for every request's work to show at the fake Slack (the reply, the opened
modal, the "saved" message) and prints how long after the last ack the last of it arrived; work
that never arrives counts as an error. The bare app's run starts only after that. Runs alternate
between the two apps in rounds, and p50/p99 are taken over all rounds together.

    python bench/ack.py            # 3 rounds of 300 requests per scenario, concurrency and app
    python bench/ack.py --quick    # 1 round of 60, under a minute
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.slack_process import SlackProcess  # noqa: E402
from bot.signing import command_body, interaction_body, signed_headers  # noqa: E402

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench-token"
CHANNEL = "CBENCH001"
USER_ID = "UBENCH001"
TEAM_ID = "T0ITWG"
USER = {"id": USER_ID, "name": "Bench Focal", "email": "bench@ilo.org", "team_id": TEAM_ID}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(base: str, process: subprocess.Popen) -> None:
    deadline = time.time() + 60
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode}")
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("server did not start")


def start_servers(slack: SlackProcess, workdir: Path) -> tuple[dict[str, str], list[subprocess.Popen]]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ITWG_", "DATABASE_URL"))},
        "PYTHONPATH": str(ROOT),
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack.api_url,
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
        "ITWG_CHANNEL": CHANNEL,
    }
    itwg = [sys.executable, "-m", "bot"]
    subprocess.run([*itwg, "migrate"], env=env, check=True, capture_output=True, cwd=workdir)
    ports = {"itwg": free_port(), "bare": free_port()}
    processes = [
        subprocess.Popen(
            [*itwg, "serve", "--host", "127.0.0.1", "--port", str(ports["itwg"])],
            env=env,
            cwd=workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
        subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "bare_app.py"), "--port", str(ports["bare"])],
            env=env,
            cwd=workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
    ]
    bases = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    for base, process in zip(bases.values(), processes, strict=True):
        wait_until_up(base, process)
    return bases, processes


_counter = iter(range(10**9))
_counter_lock = threading.Lock()


def unique() -> str:
    with _counter_lock:
        return f"{time.time_ns()}.{next(_counter)}"


def command(slack: SlackProcess, text: str) -> str:
    return command_body(
        {
            "command": "/itwg",
            "text": text,
            "user_id": USER_ID,
            "user_name": USER["name"],
            "team_id": TEAM_ID,
            "channel_id": CHANNEL,
            "trigger_id": "bench." + unique(),
            "response_url": slack.response_url(),
        }
    )


# Typed answers the share modal accepts, by block id; every other field takes its first option.
TYPED_ANSWERS = {
    "title": "Benchmark initiative",
    "summary": "Measured by bench/ack.py.",
    "countries": "KE, Nigeria",
    "link": "https://example.org/bench",
}


def fill_value(block_id: str, element: dict) -> dict:
    """A valid answer for one input element of the real modal."""
    kind = element["type"]
    options = element.get("options") or [o for g in element.get("option_groups", []) for o in g["options"]]
    if kind in ("static_select", "radio_buttons"):
        return {"type": kind, "selected_option": element.get("initial_option") or options[0]}
    if kind in ("multi_static_select", "checkboxes"):
        return {"type": kind, "selected_options": element.get("initial_options") or options[:1]}
    if kind == "datepicker":
        return {"type": kind, "selected_date": element.get("initial_date")}
    return {"type": kind, "value": element.get("initial_value") or TYPED_ANSWERS.get(block_id, "")}


def submission_factory(slack: SlackProcess, base: str):
    """Open the real share modal once and return a function building fresh submissions of it."""
    slack.clear()
    body = command(slack, "share-initiative")
    post(base, body)
    deadline = time.time() + 10
    while time.time() < deadline and slack.finished("share-initiative")[0] == 0:
        time.sleep(0.05)
    time.sleep(0.5)  # a first-time user's form replaces a "one moment" view
    view = slack.last_view()
    if view is None:
        raise SystemExit("the app opened no share-initiative modal")
    values = {
        block["block_id"]: {block["element"]["action_id"]: fill_value(block["block_id"], block["element"])}
        for block in view["blocks"]
        if block.get("type") == "input"
    }

    def build() -> str:
        view_id = "VBENCH" + unique().replace(".", "")
        payload = {
            "type": "view_submission",
            "team": {"id": TEAM_ID},
            "user": {"id": USER_ID, "team_id": TEAM_ID},
            "trigger_id": "bench." + unique(),
            "view": {**view, "id": view_id, "hash": "h", "state": {"values": values}},
        }
        return interaction_body(payload)

    return build


def post(base: str, body: str) -> float:
    request = urllib.request.Request(
        base + "/slack/events", data=body.encode(), headers=signed_headers(SECRET, body), method="POST"
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()
        if response.status != 200:
            raise RuntimeError(f"status {response.status}")
    return time.perf_counter() - started


def wait_for_work(
    slack: SlackProcess, scenario: str, expected: int, timeout: float = 120
) -> tuple[int, float]:
    """How many requests' work arrived at the fake Slack, and when the last of it did (epoch seconds)."""
    deadline = time.time() + timeout
    while True:
        arrived, last = slack.finished(scenario)
        if arrived >= expected or time.time() > deadline:
            return arrived, last or time.time()
        time.sleep(0.05)


@dataclass
class Run:
    latencies: list[float]
    elapsed: float
    errors: int
    ended: float


def measure(base: str, make_body, concurrency: int, total: int) -> Run:
    bodies = [make_body() for _ in range(total)]
    errors = 0
    latencies: list[float] = []

    def one(body: str) -> None:
        nonlocal errors
        try:
            latencies.append(post(base, body))
        except (OSError, RuntimeError, urllib.error.HTTPError):
            errors += 1

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(one, bodies))
    return Run(latencies, time.perf_counter() - started, errors, time.time())


def summary(runs: list[Run]) -> dict[str, float]:
    """p50 and p99 (ms) over every request of ``runs`` together, and their throughput."""
    latencies = sorted(latency for run in runs for latency in run.latencies)
    p99_index = min(len(latencies) - 1, int(len(latencies) * 0.99))
    return {
        "p50": statistics.median(latencies) * 1000 if latencies else float("nan"),
        "p99": latencies[p99_index] * 1000 if latencies else float("nan"),
        "rps": len(latencies) / sum(run.elapsed for run in runs),
        "errors": sum(run.errors for run in runs),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--scenario", action="append", choices=("help", "share-initiative", "view submission"), default=None
    )
    args = parser.parse_args()
    chosen = args.scenario or ["help", "share-initiative", "view submission"]
    rounds, per_round = (1, 60) if args.quick else (3, 300)
    levels = (1, 16, 64)
    slack = SlackProcess(USER)
    workdir = Path(tempfile.mkdtemp(prefix="itwg-bench-"))
    bases, processes = start_servers(slack, workdir)
    try:
        scenarios = {
            "help": lambda: command(slack, "help"),
            "share-initiative": lambda: command(slack, "share-initiative"),
        }
        if "view submission" in chosen:
            scenarios["view submission"] = submission_factory(slack, bases["itwg"])
        scenarios = {name: build for name, build in scenarios.items() if name in chosen}
        print(
            f"{'scenario':18} {'conc':>4} | {'itwg p50':>8} {'p99':>7} {'rps':>6} {'work +s':>7} | "
            f"{'bare p50':>8} {'p99':>7} {'rps':>6} | {'p99 ratio':>9}"
        )
        worst = 0.0
        headline = 0.0
        failures = 0
        for name, make_body in scenarios.items():
            for concurrency in levels:
                slack.clear()
                warm_up = max(concurrency, 10)
                for base in bases.values():
                    measure(base, make_body, concurrency, warm_up)
                wait_for_work(slack, name, warm_up)
                # Rounds alternate the two apps, so a slow spell of the machine falls on both.
                ours: list[Run] = []
                bare: list[Run] = []
                work = 0.0
                for _ in range(rounds):
                    slack.clear()
                    ours.append(measure(bases["itwg"], make_body, concurrency, per_round))
                    arrived, last = wait_for_work(slack, name, per_round)
                    failures += per_round - arrived
                    work = max(work, last - ours[-1].ended)
                    bare.append(measure(bases["bare"], make_body, concurrency, per_round))
                mine, theirs = summary(ours), summary(bare)
                ratio = mine["p99"] / theirs["p99"]
                worst = max(worst, ratio)
                if concurrency == levels[-1]:
                    headline = max(headline, ratio)
                failures += int(mine["errors"] + theirs["errors"])
                row = (
                    f"{name:18} {concurrency:>4} | {mine['p50']:8.1f} {mine['p99']:7.1f} {mine['rps']:6.0f} "
                    f"{max(work, 0.0):7.2f}"
                )
                print(
                    f"{row} | {theirs['p50']:8.1f} {theirs['p99']:7.1f} {theirs['rps']:6.0f} | {ratio:9.2f}"
                )
        print(json.dumps({"errors": failures, "worst_p99_ratio": round(worst, 2)}))
        print(f"headline: p99 ratio itwg/bare at concurrency {levels[-1]} = {headline:.2f} (target <= 1.5)")
        return 0 if failures == 0 else 1
    finally:
        for process in processes:
            process.terminate()
        slack.stop()


if __name__ == "__main__":
    raise SystemExit(main())
