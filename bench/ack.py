"""How fast the ITWG app acknowledges Slack, against a bare Bolt app served the same way.

Starts ``itwg serve`` exactly as the Procfile's ``web`` line does (a fresh SQLite database, a local
fake Slack) and bench/bare_app.py (one /itwg listener that only acks) with the same server and
thread count, then sends signed ``/itwg help``, ``/itwg share-initiative`` and a view submission of
the real share modal at concurrency 1, 16 and 64. Prints p50/p99 latency and throughput for both
and the ratios; the last line names the headline ratio (p99 at the highest concurrency).

    python bench/ack.py            # 400 requests per scenario and concurrency
    python bench/ack.py --quick    # 60 per scenario and concurrency, under a minute
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.local_slack import LocalSlack, SlackUser  # noqa: E402
from bot.signing import command_body, interaction_body, signed_headers  # noqa: E402

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench-token"
CHANNEL = "CBENCH001"
USER = SlackUser(id="UBENCH001", name="Bench Focal", email="bench@ilo.org")


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


def start_servers(slack: LocalSlack, workdir: Path) -> tuple[dict[str, str], list[subprocess.Popen]]:
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


def command(slack: LocalSlack, text: str) -> str:
    return command_body(
        {
            "command": "/itwg",
            "text": text,
            "user_id": USER.id,
            "user_name": USER.name,
            "team_id": USER.team_id,
            "channel_id": CHANNEL,
            "trigger_id": "bench." + unique(),
            "response_url": slack.response_url(),
        }
    )


def fill_value(element: dict) -> dict:
    """A valid answer for one input element of the real modal."""
    kind = element["type"]
    options = element.get("options") or [o for g in element.get("option_groups", []) for o in g["options"]]
    if kind in ("static_select", "radio_buttons"):
        return {"type": kind, "selected_option": element.get("initial_option") or options[0]}
    if kind in ("multi_static_select", "checkboxes"):
        return {"type": kind, "selected_options": element.get("initial_options") or options[:1]}
    if kind == "datepicker":
        return {"type": kind, "selected_date": element.get("initial_date")}
    if kind == "url_text_input":
        return {"type": kind, "value": "https://example.org/bench"}
    return {"type": kind, "value": element.get("initial_value") or "Benchmark initiative"}


def submission_factory(slack: LocalSlack, base: str):
    """Open the real share modal once and return a function building fresh submissions of it."""
    slack.clear()
    body = command(slack, "share-initiative")
    post(base, body)
    deadline = time.time() + 10
    views: list = []
    while time.time() < deadline and not views:
        views = slack.calls_to("views.update") or slack.calls_to("views.open")
        time.sleep(0.05)
    if not views:
        raise SystemExit("the app opened no share-initiative modal")
    time.sleep(0.5)
    view = (slack.calls_to("views.update") or slack.calls_to("views.open"))[-1].params["view"]
    values = {
        block["block_id"]: {block["element"]["action_id"]: fill_value(block["element"])}
        for block in view["blocks"]
        if block.get("type") == "input"
    }

    def build() -> str:
        view_id = "VBENCH" + unique().replace(".", "")
        payload = {
            "type": "view_submission",
            "team": {"id": USER.team_id},
            "user": {"id": USER.id, "team_id": USER.team_id},
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


def measure(base: str, make_body, concurrency: int, total: int) -> dict[str, float]:
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
    elapsed = time.perf_counter() - started
    latencies.sort()
    p99_index = min(len(latencies) - 1, int(len(latencies) * 0.99))
    return {
        "p50": statistics.median(latencies) * 1000 if latencies else float("nan"),
        "p99": latencies[p99_index] * 1000 if latencies else float("nan"),
        "rps": len(latencies) / elapsed,
        "errors": errors,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--scenario", action="append", choices=("help", "share-initiative", "view submission"), default=None
    )
    args = parser.parse_args()
    chosen = args.scenario or ["help", "share-initiative", "view submission"]
    total = 60 if args.quick else 400
    levels = (1, 16, 64)
    slack = LocalSlack().start()
    slack.add_user(USER)
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
            f"{'scenario':18} {'conc':>4} | {'itwg p50':>8} {'p99':>7} {'rps':>6} | "
            f"{'bare p50':>8} {'p99':>7} {'rps':>6} | {'p99 ratio':>9}"
        )
        worst = 0.0
        headline = 0.0
        failures = 0
        for name, make_body in scenarios.items():
            for concurrency in levels:
                measure(bases["itwg"], make_body, concurrency, max(concurrency, 10))  # warm up
                ours = measure(bases["itwg"], make_body, concurrency, total)
                bare = measure(bases["bare"], make_body, concurrency, total)
                ratio = ours["p99"] / bare["p99"]
                worst = max(worst, ratio)
                if concurrency == levels[-1]:
                    headline = max(headline, ratio)
                failures += int(ours["errors"] + bare["errors"])
                row = f"{name:18} {concurrency:>4} | {ours['p50']:8.1f} {ours['p99']:7.1f} {ours['rps']:6.0f}"
                print(f"{row} | {bare['p50']:8.1f} {bare['p99']:7.1f} {bare['rps']:6.0f} | {ratio:9.2f}")
        print(json.dumps({"errors": failures, "worst_p99_ratio": round(worst, 2)}))
        print(f"headline: p99 ratio itwg/bare at concurrency {levels[-1]} = {headline:.2f} (target <= 1.5)")
        return 0 if failures == 0 else 1
    finally:
        for process in processes:
            process.terminate()
        slack.stop()


if __name__ == "__main__":
    raise SystemExit(main())
