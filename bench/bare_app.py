"""The baseline for bench/burst.py: a bare Bolt app making the same Slack calls as the ITWG app, with
Bolt's defaults (its lazy listeners run in the app's own listener threads), served like ``itwg serve``
(Flask adapter on waitress, the same number of request threads).

It has no database. What it sends is what the ITWG app sent for the same requests, read from the fake
Slack by the benchmark and given here as a JSON file (``--payloads``):

- ``/itwg help``: the help message, in the ack;
- ``/itwg share-initiative``: views.open of the loading view in the ack listener, then views.update with
  the share form from a lazy listener;
- a submission of the share form: ack, then from a lazy listener the announcement in the channel's
  thread, the direct message ("Shared … TITLE") and the Home tab.
"""

import argparse
import json
import os
import re
import threading
from pathlib import Path
from typing import Any

from flask import Flask, request
from slack_bolt import Ack, App
from slack_bolt.adapter.flask import SlackRequestHandler
from slack_sdk import WebClient
from waitress import serve

# The ITWG app's own number of request threads (bot.cli.WEB_THREADS).
WEB_THREADS = 16
THREAD_TS = "1700000000.000001"


class Opened:
    """Views the ack listeners opened, for the lazy listeners of the same requests (which Bolt starts
    at the same time as the ack listener)."""

    def __init__(self) -> None:
        self._views: dict[str, dict[str, Any]] = {}
        self._changed = threading.Condition()

    def put(self, trigger_id: str, view: dict[str, Any]) -> None:
        with self._changed:
            self._views[trigger_id] = view
            self._changed.notify_all()

    def take(self, trigger_id: str, timeout: float = 3.0) -> dict[str, Any] | None:
        with self._changed:
            self._changed.wait_for(lambda: trigger_id in self._views, timeout=timeout)
            return self._views.pop(trigger_id, None)


def _title(body: dict[str, Any]) -> str:
    for element in ((body["view"].get("state") or {}).get("values") or {}).get("title", {}).values():
        return element.get("value") or ""
    return ""


def build(payloads: dict[str, Any]) -> Flask:
    app = App(
        client=WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"]),
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        token_verification_enabled=False,
    )
    channel = os.environ["ITWG_CHANNEL"]
    opened = Opened()

    def command_ack(ack: Ack, body: dict, client: WebClient) -> None:
        subcommand = (body.get("text") or "").strip()
        if subcommand == "share-initiative":
            view = client.views_open(trigger_id=body["trigger_id"], view=payloads["loading_view"])["view"]
            opened.put(body["trigger_id"], view)
            ack()
            return
        ack(**payloads["help"])

    def command_lazy(body: dict, client: WebClient) -> None:
        if (body.get("text") or "").strip() != "share-initiative":
            return
        view = opened.take(body["trigger_id"])
        if view is not None:
            client.views_update(view_id=view["id"], hash=view.get("hash"), view=payloads["form_view"])

    def submission_ack(ack: Ack) -> None:
        ack()

    def submission_lazy(body: dict, client: WebClient) -> None:
        title, user_id = _title(body), body["user"]["id"]
        post, dm = payloads["post"], payloads["dm"]
        client.chat_postMessage(
            channel=channel, thread_ts=THREAD_TS, text=f"Shared: {title}", blocks=post.get("blocks")
        )
        client.chat_postMessage(channel=user_id, text=f"Shared #0 {title}", blocks=dm.get("blocks"))
        client.views_publish(user_id=user_id, view=payloads["home_view"])

    app.command("/itwg")(ack=command_ack, lazy=[command_lazy])
    app.view(re.compile(".*"))(ack=submission_ack, lazy=[submission_lazy])
    web = Flask("bare")
    handler = SlackRequestHandler(app)
    web.add_url_rule("/slack/events", "events", lambda: handler.handle(request), methods=["POST"])
    web.add_url_rule("/healthz", "healthz", lambda: {"status": "ok"})
    return web


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--payloads", type=Path, required=True)
    parser.add_argument("--threads", type=int, default=WEB_THREADS)
    args = parser.parse_args()
    web = build(json.loads(args.payloads.read_text()))
    serve(web, host="127.0.0.1", port=args.port, threads=args.threads, ident="bare")
