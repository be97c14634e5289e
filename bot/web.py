"""The web process: Slack's requests, a health check, and (added by later modules) feeds and pages.

Runs no scheduler: reminders belong to the single ``clock`` process.
"""

import hmac
import logging

from flask import Flask, Response, abort, jsonify, request
from slack_bolt import App, BoltRequest
from slack_bolt.adapter.flask.handler import to_flask_response

from bot import invites, meetings, share_page, slack_gate
from bot.app import cycle_thread_poster, work_queue_of
from bot.deps import Deps
from bot.health import HealthCheck
from bot.public_reads import limit_public_reads
from storage.db import database_answers

logger = logging.getLogger(__name__)


def create_web(app: App, deps: Deps | None = None) -> Flask:
    """The web process's routes around ``app``; ``deps`` (default: the app's) decide the settings of
    the feeds and pages, so one app can be served with the public registry on or off."""
    web = Flask("itwg")
    queue = work_queue_of(app)
    deps = deps or queue.deps
    limit_public_reads(web)

    @web.post("/slack/events")
    def slack_events():
        """Bolt gets only signed, well-formed requests of a size Slack sends (``bot.slack_gate``)."""
        if (request.content_length or 0) > slack_gate.MAX_BODY_BYTES:
            return _refuse(slack_gate.TOO_LARGE)
        raw = request.stream.read(slack_gate.MAX_BODY_BYTES + 1)
        if len(raw) > slack_gate.MAX_BODY_BYTES:
            return _refuse(slack_gate.TOO_LARGE)
        secret = deps.settings.secret("slack_signing_secret") or ""
        refusal = slack_gate.check_signature(raw, request.headers, secret=secret)
        if refusal is not None:
            return _refuse(refusal)
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError:
            return _refuse(slack_gate.Refusal(400, "body must be UTF-8"))
        refusal = slack_gate.check_shape(body, request.headers.get("Content-Type") or "")
        if refusal is not None:
            return _refuse(refusal)
        bolt_request = BoltRequest(
            body=body, query=request.query_string.decode("utf-8", "replace"), headers=request.headers
        )
        return to_flask_response(app.dispatch(bolt_request))

    def health() -> dict:
        database = database_answers(deps.engine)
        try:
            backlog = queue.backlog() if database else None
        except Exception:
            logger.exception("could not read the queue's backlog")
            backlog = None
        status = "ok" if database and backlog is not None else "degraded"
        return {"status": status, "database": database, "queue": backlog}

    check_health = HealthCheck(health)

    @web.get("/healthz")
    def healthz():
        # Always 200 and within a second: the process is up and answering Slack; the body says whether
        # the database is, and how much acknowledged work waits for the workers, and since when.
        return jsonify(check_health())

    if deps.settings.itwg_public_registry:
        from bot.registry import create_blueprint

        web.register_blueprint(create_blueprint(deps))

    web.register_blueprint(share_page.create_blueprint(deps, announce=cycle_thread_poster(app)))

    @web.get("/calendar/<secret>.ics")
    def calendar_feed(secret: str):
        """Members' subscribable calendar; the secret in the URL is the only key, so compare it in
        constant time and answer 404 (not 403) to anyone without it."""
        expected = deps.settings.secret("itwg_calendar_secret")
        if not expected or not hmac.compare_digest(secret.encode(), expected.encode()):
            abort(404)
        listed = meetings.feed_meetings(deps)
        organizer = deps.settings.itwg_organizer_email
        return _calendar_response(invites.build_feed(listed, public=False, organizer_email=organizer))

    @web.get("/registry/meetings.ics")
    def public_meetings_feed():
        if not deps.settings.itwg_public_registry:
            abort(404)
        listed = meetings.feed_meetings(deps)
        organizer = deps.settings.itwg_organizer_email
        return _calendar_response(invites.build_feed(listed, public=True, organizer_email=organizer))

    return web


def _refuse(refusal: slack_gate.Refusal) -> Response:
    return Response(refusal.message, status=refusal.status, mimetype="text/plain")


def _calendar_response(feed: bytes) -> Response:
    response = Response(feed, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = 'inline; filename="itwg-meetings.ics"'
    response.headers["Cache-Control"] = "private, max-age=300"
    return response
