"""The web process's handle on its worker child: nothing handed over is dropped when the child dies
between requests, and stopping lets the child finish everything it was given."""

import sys
import time
from pathlib import Path

from bot.handoff import Delivery
from bot.worker import WorkerProcess

# A stand-in worker: appends every line it reads to OUT; the first one started exits at once instead,
# the way a crashed worker would be found by the next request.
CHILD = """
import sys, pathlib, time
out, marker, pause = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), float(sys.argv[3])
if not marker.exists():
    marker.write_text("crashed")
    sys.exit(3)
for line in sys.stdin:
    time.sleep(pause)
    with out.open("a") as f:
        f.write(line)
"""


def _command(tmp_path: Path, *, crash_first: bool, pause: float = 0.0) -> list[str]:
    marker = tmp_path / "crashed-once"
    if not crash_first:
        marker.write_text("skip")
    return [sys.executable, "-c", CHILD, str(tmp_path / "out"), str(marker), str(pause)]


def _lines(path: Path, count: int, timeout: float = 10) -> list[str]:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if path.exists() and len(lines := path.read_text().splitlines()) >= count:
            return lines
        time.sleep(0.05)
    return path.read_text().splitlines() if path.exists() else []


def test_a_request_for_a_worker_that_died_goes_to_a_new_one(tmp_path):
    worker = WorkerProcess(_command(tmp_path, crash_first=True)).start()
    try:
        deadline = time.time() + 10
        while not (tmp_path / "crashed-once").exists() and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # the first child has exited by now
        worker.send(Delivery(body="token=x&text=help", headers={"x-n": ["1"]}))
        [line] = _lines(tmp_path / "out", 1)
        assert Delivery.from_line(line) == Delivery(body="token=x&text=help", headers={"x-n": ["1"]})
    finally:
        worker.stop()


def test_stopping_lets_the_worker_finish_everything_it_was_given(tmp_path):
    worker = WorkerProcess(_command(tmp_path, crash_first=False, pause=0.05)).start()
    for n in range(20):
        worker.send(Delivery(body=f"n={n}", headers={}))
    worker.stop()
    bodies = [Delivery.from_line(line).body for line in (tmp_path / "out").read_text().splitlines()]
    assert bodies == [f"n={n}" for n in range(20)]
