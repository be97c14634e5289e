"""Running ``itwg serve`` and ``itwg worker`` as subprocesses, the way the Procfile's lines do."""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.harness import BOT_TOKEN, CHANNEL, SIGNING_SECRET

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_env(*, slack_api_url: str, database_url: str) -> dict[str, str]:
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ITWG_", "DATABASE_"))}
    return {
        **inherited,
        "PYTHONPATH": str(ROOT),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack_api_url,
        "DATABASE_URL": database_url,
        "ITWG_CHANNEL": CHANNEL,
    }


def start(command: list[str], env: dict[str, str]) -> subprocess.Popen:
    """``itwg COMMAND`` as its own process, its output captured in a file: a pipe that nobody reads
    until the process ends fills up (64 KiB) during a long burst and stalls the process mid-log."""
    output = tempfile.TemporaryFile()  # noqa: SIM115 (closed by stop, once the process has ended)
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", *command], env=env, stdout=output, stderr=subprocess.STDOUT
    )
    process.output = output  # type: ignore[attr-defined]
    return process


def output_of(process: subprocess.Popen) -> str:
    """What the process has logged so far, read without moving the offset it writes at."""
    fd = process.output.fileno()  # type: ignore[attr-defined]
    return os.pread(fd, os.fstat(fd).st_size, 0).decode(errors="replace")


def wait_until_answering(base: str, process: subprocess.Popen, *, seconds: float = 120) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline and process.poll() is None:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=30)
            return
        except OSError:
            time.sleep(0.1)
    process.kill()
    process.wait(timeout=30)
    raise AssertionError(output_of(process))


def stop(process: subprocess.Popen) -> str:
    """SIGTERM, as a platform stops a process; what it logged."""
    if process.poll() is None:
        process.terminate()
    process.wait(timeout=30)
    logged = output_of(process)
    process.output.close()  # type: ignore[attr-defined]
    return logged


@contextmanager
def itwg_serve(env: dict[str, str], *, workers: int = 1) -> Iterator[tuple[str, subprocess.Popen, list[str]]]:
    """Start ``itwg serve`` on a free port and ``workers`` ``itwg worker`` processes beside it, as the
    Procfile does; yields the web process's base URL, the web process, and (after the block)
    everything they all logged, checked to hold no token or secret."""
    port = free_port()
    process = start(["serve", "--host", "127.0.0.1", "--port", str(port)], env)
    consumers = [start(["worker", "--workers", "2"], env) for _ in range(workers)]
    base = f"http://127.0.0.1:{port}"
    wait_until_answering(base, process)
    logged: list[str] = []
    try:
        yield base, process, logged
    finally:
        logged.append("".join(stop(p) for p in (process, *consumers)))
    assert BOT_TOKEN not in logged[0] and SIGNING_SECRET not in logged[0]


def post(url: str, body: str, headers: dict[str, str]) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body.encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
