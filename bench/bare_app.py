"""The baseline for bench/ack.py: a Bolt app with one /itwg listener that only acks, served exactly
like ``itwg serve`` (Flask adapter on waitress, same thread count)."""

import argparse
import os
import re

from flask import Flask, request
from slack_bolt import App
from slack_bolt.adapter.flask import SlackRequestHandler
from slack_sdk import WebClient
from waitress import serve


def build() -> Flask:
    app = App(
        client=WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"]),
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        token_verification_enabled=False,
    )
    app.command("/itwg")(lambda ack: ack())
    app.view(re.compile(".*"))(lambda ack: ack())
    web = Flask("bare")
    handler = SlackRequestHandler(app)
    web.add_url_rule("/slack/events", "events", lambda: handler.handle(request), methods=["POST"])
    web.add_url_rule("/healthz", "healthz", lambda: {"status": "ok"})
    return web


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=16)
    args = parser.parse_args()
    serve(build(), host="127.0.0.1", port=args.port, threads=args.threads, ident="bare")
