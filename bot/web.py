"""The web process: Slack's requests, a health check, and (added by later modules) feeds and pages.

Runs no scheduler: reminders belong to the single ``clock`` process.
"""

import hmac
from collections.abc import Callable

from flask import Flask, Response, abort, jsonify, request
from slack_bolt import App
from slack_bolt.adapter.flask import SlackRequestHandler

from bot import invites, meetings
from bot.deps import Deps
from storage.db import database_answers


def create_web(app: App, deps: Deps, *, worker_alive: Callable[[], bool] | None = None) -> Flask:
    web = Flask("itwg")
    handler = SlackRequestHandler(app)

    @web.post("/slack/events")
    def slack_events():
        return handler.handle(request)

    @web.get("/healthz")
    def healthz():
        # Always 200: the process is up and answering Slack; the body says whether the database is.
        # With a worker (itwg serve), the body says too whether it is running.
        checks = {"database": database_answers(deps.engine)}
        if worker_alive is not None:
            checks["worker"] = worker_alive()
        return jsonify({"status": "ok" if all(checks.values()) else "degraded", **checks})

    if deps.settings.itwg_public_registry:
        from bot.registry import create_blueprint

        web.register_blueprint(create_blueprint(deps))

    @web.get("/calendar/<secret>.ics")
    def calendar_feed(secret: str):
        """Members' subscribable calendar; the secret in the URL is the only key, so compare it in
        constant time and answer 404 (not 403) to anyone without it."""
        expected = deps.settings.secret("itwg_calendar_secret")
        if not expected or not hmac.compare_digest(secret.encode(), expected.encode()):
            abort(404)
        listed, emails = meetings.feed_meetings(deps, public=False)
        feed = invites.build_feed(
            listed, public=False, organizer_email=deps.settings.itwg_organizer_email, attendee_emails=emails
        )
        return _calendar_response(feed)

    @web.get("/registry/meetings.ics")
    def public_meetings_feed():
        if not deps.settings.itwg_public_registry:
            abort(404)
        listed, _ = meetings.feed_meetings(deps, public=True)
        return _calendar_response(invites.build_feed(listed, public=True))

    return web


def _calendar_response(feed: bytes) -> Response:
    response = Response(feed, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = 'inline; filename="itwg-meetings.ics"'
    response.headers["Cache-Control"] = "private, max-age=300"
    return response
