"""The web process's handle on its worker child: what was handed over is done once the worker has
finished it, whatever happens to the worker in between, and stopping lets the worker finish."""

import sys
import time
from pathlib import Path

from bot.handoff import Delivery
from bot.worker import MAX_HANDOVERS, WorkerProcess

# A stand-in worker speaking the real protocol: it reads "N {json}" lines, appends each request's
# body to OUT and answers "ack N". Its MODE decides how it fails: the first one started may exit at
# once ("crash-at-start") or after reading three requests without finishing them
# ("crash-after-reading"); every one exits on reading a body that says "poison".
CHILD = """
import json, pathlib, sys, time
out, marker, mode = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3]
first = not marker.exists()
marker.write_text("started")
if first and mode == "crash-at-start":
    sys.exit(3)
read = 0
for line in sys.stdin:
    read += 1
    if first and mode == "crash-after-reading" and read == 3:
        sys.exit(3)
    seq, _, payload = line.partition(" ")
    body = json.loads(payload)["body"]
    if body == "poison":
        sys.exit(4)
    time.sleep(0.02)
    with out.open("a") as f:
        f.write(body + "\\n")
    print(f"ack {seq}", flush=True)
"""


def _worker(tmp_path: Path, mode: str) -> WorkerProcess:
    command = [sys.executable, "-c", CHILD, str(tmp_path / "out"), str(tmp_path / "started"), mode]
    return WorkerProcess(command).start()


def _done(tmp_path: Path) -> list[str]:
    out = tmp_path / "out"
    return out.read_text().splitlines() if out.exists() else []


def _wait_for(tmp_path: Path, count: int, timeout: float = 15) -> list[str]:
    deadline = time.time() + timeout
    while len(_done(tmp_path)) < count and time.time() < deadline:
        time.sleep(0.05)
    return _done(tmp_path)


def _send(worker: WorkerProcess, *bodies: str) -> None:
    for body in bodies:
        worker.send(Delivery(body=body, headers={"content-type": ["application/x-www-form-urlencoded"]}))


def test_what_a_dead_worker_had_not_finished_is_done_by_the_next(tmp_path):
    worker = _worker(tmp_path, "crash-after-reading")
    try:
        _send(worker, *(f"n={n}" for n in range(6)))
        assert sorted(_wait_for(tmp_path, 6)) == [f"n={n}" for n in range(6)]
    finally:
        worker.stop()
    assert sorted(_done(tmp_path)) == [f"n={n}" for n in range(6)], "each done once"


def test_requests_sent_to_a_worker_that_died_while_starting_reach_the_next(tmp_path):
    worker = _worker(tmp_path, "crash-at-start")
    try:
        deadline = time.time() + 10
        while not (tmp_path / "started").exists() and time.time() < deadline:
            time.sleep(0.05)
        _send(worker, "text=help")
        assert _wait_for(tmp_path, 1) == ["text=help"]
        assert worker.alive()
    finally:
        worker.stop()


def test_a_request_that_kills_every_worker_is_given_up_and_the_rest_go_through(tmp_path, caplog):
    worker = _worker(tmp_path, "healthy")
    try:
        _send(worker, "poison")
        time.sleep(0.5)
        _send(worker, "text=help")
        assert _wait_for(tmp_path, 1) == ["text=help"]
    finally:
        worker.stop()
    assert f"{MAX_HANDOVERS} workers died with it" in caplog.text


def test_stopping_lets_the_worker_finish_everything_it_was_given(tmp_path):
    worker = _worker(tmp_path, "healthy")
    _send(worker, *(f"n={n}" for n in range(20)))
    worker.stop()
    assert _done(tmp_path) == [f"n={n}" for n in range(20)]
    assert not worker.alive()
