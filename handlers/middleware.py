"""Global middleware: hand listeners their dependencies, and drop Slack's redeliveries."""

import logging
from collections.abc import Callable

from slack_bolt import BoltRequest, BoltResponse
from sqlalchemy.exc import SQLAlchemyError

from bot.deps import Deps
from storage.db import session_scope
from storage.repositories import requests

logger = logging.getLogger(__name__)


def inject_deps(deps: Deps) -> Callable:
    def middleware(req: BoltRequest, resp: BoltResponse, next: Callable) -> None:
        req.context["deps"] = deps
        next()

    return middleware


def redelivery_key(body: dict) -> str | None:
    """What identifies one user action across Slack's retries: the event id or the trigger id."""
    if body.get("type") == "event_callback" and body.get("event_id"):
        return "event:" + body["event_id"]
    if body.get("trigger_id"):
        return "trigger:" + body["trigger_id"]
    return None


def drop_redeliveries(deps: Deps) -> Callable:
    """Answer a request Slack already delivered with a bare 200 and do nothing else.

    The key is recorded when the first delivery arrives, so a retry sent while the first is still
    working (Slack retries after 3 s) cannot create a second record.
    """

    def middleware(req: BoltRequest, resp: BoltResponse, next: Callable) -> BoltResponse | None:
        key = redelivery_key(req.body)
        if key is None:
            next()
            return None
        try:
            with session_scope(deps.engine) as session:
                first = requests.claim(session, key=key)
        except SQLAlchemyError:
            logger.warning("could not record request %s; handling it without redelivery check", key)
            next()
            return None
        if not first:
            retry = req.headers.get("x-slack-retry-num", ["?"])
            logger.info("dropping redelivered request %s (retry %s)", key, retry)
            return BoltResponse(status=200, body="")
        next()
        return None

    return middleware
