"""The fake Slack for bench/ack.py, in a process of its own.

In the load generator's process, every Web API call the app makes would take the GIL from the
threads timing requests, slowing the clock of the app under test only (the bare app calls nothing).
The benchmark asks this process what arrived over a pipe instead, and it runs at the lowest CPU
priority, standing in for servers that are elsewhere.
"""

import itertools
import multiprocessing
import os
import sys
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _finished(call, scenario: str, user_id: str) -> bool:
    """Whether ``call`` is what shows once the app has done one request of ``scenario``."""
    if scenario == "help":
        return call.method == "response_url"
    if scenario == "share-initiative":
        return call.method == "views.open"
    return (
        call.method == "chat.postMessage"
        and call.params.get("channel") == user_id
        and not call.params.get("text", "").startswith("Nothing was saved")
    )


def _serve(connection: Connection, user: dict[str, Any]) -> None:
    # Slack's servers are not on the machine under test: what they cost here should come out of idle
    # time only, not out of the time the app and the load generator need.
    os.nice(19)
    sys.path.insert(0, str(ROOT))
    from bot.local_slack import LocalSlack, SlackUser

    slack = LocalSlack().start()
    slack.add_user(SlackUser(**user))
    connection.send(slack.base_url)
    while True:
        command, argument = connection.recv()
        if command == "stop":
            slack.stop()
            return
        if command == "clear":
            slack.clear()
            connection.send(None)
        elif command == "last_view":
            views = slack.calls_to("views.update") or slack.calls_to("views.open")
            connection.send(views[-1].params["view"] if views else None)
        elif command == "finished":
            done = [call for call in list(slack.calls) if _finished(call, argument, user["id"])]
            connection.send((len(done), max((call.at for call in done), default=None)))


class SlackProcess:
    """Start, query and stop the fake Slack in its own process."""

    def __init__(self, user: dict[str, Any]) -> None:
        context = multiprocessing.get_context("spawn")
        self._connection, child_end = context.Pipe()
        self._process = context.Process(target=_serve, args=(child_end, user), daemon=True)
        self._process.start()
        self.base_url: str = self._connection.recv()
        self._responses = itertools.count(1)

    @property
    def api_url(self) -> str:
        return self.base_url + "/api/"

    def response_url(self) -> str:
        return f"{self.base_url}/response/{next(self._responses)}"

    def _ask(self, command: str, argument: Any = None) -> Any:
        self._connection.send((command, argument))
        return self._connection.recv()

    def clear(self) -> None:
        self._ask("clear")

    def last_view(self) -> dict[str, Any] | None:
        return self._ask("last_view")

    def finished(self, scenario: str) -> tuple[int, float | None]:
        """How many requests of ``scenario`` the app has finished, and when the last one did."""
        return self._ask("finished", scenario)

    def stop(self) -> None:
        self._connection.send(("stop", None))
        self._process.join(5)
