"""The web process: Slack's requests, a health check, and (added by later modules) feeds and pages.

Runs no scheduler: reminders belong to the single ``clock`` process.
"""

from flask import Flask, jsonify, request
from slack_bolt import App
from slack_bolt.adapter.flask import SlackRequestHandler

from bot.deps import Deps
from storage.db import database_answers


def create_web(app: App, deps: Deps) -> Flask:
    web = Flask("itwg")
    handler = SlackRequestHandler(app)

    @web.post("/slack/events")
    def slack_events():
        return handler.handle(request)

    @web.get("/healthz")
    def healthz():
        # Always 200: the process is up and answering Slack; the body says whether the database is.
        database_ok = database_answers(deps.engine)
        return jsonify({"status": "ok" if database_ok else "degraded", "database": database_ok})

    if deps.settings.itwg_public_registry:
        from bot.registry import create_blueprint

        web.register_blueprint(create_blueprint(deps))

    return web
