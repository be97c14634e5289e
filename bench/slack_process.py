"""The fake Slack for bench/burst.py, in a process of its own, keeping a log of what people would see.

In the load generator's process, every Web API call an app makes would take the GIL from the threads
timing requests. The benchmark asks this process what arrived over a pipe instead, and it runs at the
lowest CPU priority, standing in for servers that are elsewhere.

Besides ``LocalSlack``'s own record it keeps ``marks``: for each call a person would see, what it was,
which request it belongs to and when it arrived (``time.time()``, the clock the load generator stamps
its requests with):

- ``open``: views.open, keyed by the trigger id of the request that opened it;
- ``form``: views.update of a view opened here, keyed by that view's trigger id;
- ``dm``: chat.postMessage to a user id, keyed by the first ``Bench-…`` marker in its text;
- ``post``: chat.postMessage to a channel, keyed the same way;
- ``home``: views.publish, keyed by user id;
- ``reply``: a post to a response URL, keyed by the URL's path.
"""

import multiprocessing
import os
import re
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
MARKER = re.compile(r"Bench-[0-9A-Za-z-]+")

Mark = tuple[str, str, float]


def _marker(params: dict[str, Any]) -> str:
    found = MARKER.search(str(params.get("text") or ""))
    return found.group(0) if found else ""


def _bench_slack(latency: float):
    from bot.local_slack import LocalSlack

    class BenchSlack(LocalSlack):
        def __init__(self) -> None:
            super().__init__(latency=latency)
            self.marks: list[Mark] = []
            self.samples: dict[str, dict[str, Any]] = {}
            self._opened: dict[str, str] = {}
            self._marks_lock = threading.Lock()

        def _mark(self, kind: str, key: str, at: float) -> None:
            with self._marks_lock:
                self.marks.append((kind, key, at))

        def handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
            at = time.time()
            status, headers, answer = super().handle(method, params)
            if method == "views.open":
                trigger = str(params.get("trigger_id") or "")
                if answer.get("ok"):
                    self._opened[answer["view"]["id"]] = trigger
                self._mark("open", trigger, at)
                self.samples["loading_view"] = params.get("view") or {}
            elif method == "views.update":
                self._mark("form", self._opened.get(str(params.get("view_id") or ""), ""), at)
                self.samples["form_view"] = params.get("view") or {}
            elif method == "chat.postMessage":
                to_person = str(params.get("channel") or "")[:1] in ("U", "W")
                self._mark("dm" if to_person else "post", _marker(params), at)
                self.samples["dm" if to_person else "post"] = params
            elif method == "views.publish":
                self._mark("home", str(params.get("user_id") or ""), at)
                self.samples["home_view"] = params.get("view") or {}
            return status, headers, answer

        def record_response(self, path: str, payload: dict[str, Any]) -> None:
            at = time.time()
            super().record_response(path, payload)
            self._mark("reply", path, at)

    return BenchSlack()


def _serve(connection: Connection, users: list[dict[str, Any]], latency: float) -> None:
    # Slack's servers are not on the machine under test: what they cost here should come out of idle
    # time only, not out of the time the apps and the load generator need.
    os.nice(19)
    sys.path.insert(0, str(ROOT))
    from bot.local_slack import SlackUser

    slack = _bench_slack(latency).start()
    for user in users:
        slack.add_user(SlackUser(**user))
    connection.send(slack.base_url)
    while True:
        command, argument = connection.recv()
        if command == "stop":
            slack.stop()
            return
        if command == "marks":
            with slack._marks_lock:
                connection.send(slack.marks[argument:])
        elif command == "samples":
            connection.send(slack.samples)
        elif command == "forget":
            # The marks stay (their indexes are the benchmark's cursors); the calls' bodies go.
            slack.clear()
            connection.send(None)


class SlackProcess:
    """Start, query and stop the fake Slack in its own process."""

    def __init__(self, users: list[dict[str, Any]], *, latency: float = 0.0) -> None:
        context = multiprocessing.get_context("spawn")
        self._connection, child_end = context.Pipe()
        self._process = context.Process(target=_serve, args=(child_end, users, latency), daemon=True)
        self._process.start()
        self.base_url: str = self._connection.recv()
        self._lock = threading.Lock()
        self._responses = 0

    @property
    def pid(self) -> int:
        return self._process.pid or 0

    @property
    def api_url(self) -> str:
        return self.base_url + "/api/"

    def response_url(self) -> str:
        with self._lock:
            self._responses += 1
            return f"{self.base_url}/response/{self._responses}"

    def _ask(self, command: str, argument: Any = None) -> Any:
        with self._lock:
            self._connection.send((command, argument))
            return self._connection.recv()

    def marks(self, since: int = 0) -> list[Mark]:
        """What people would have seen, from the ``since``-th mark on."""
        return self._ask("marks", since)

    def samples(self) -> dict[str, Any]:
        """The last loading view, form, direct message, channel post and Home view the fake received."""
        return self._ask("samples")

    def forget(self) -> None:
        self._ask("forget")

    def stop(self) -> None:
        self._connection.send(("stop", None))
        self._process.join(5)
