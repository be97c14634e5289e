"""Global middleware: hand listeners their dependencies, drop Slack's redeliveries, and clean what
people typed of characters no database column can hold."""

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltRequest, BoltResponse
from sqlalchemy.exc import SQLAlchemyError

from bot.deps import Deps
from storage.db import read_scope, session_scope
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


def _record(deps: Deps, key: str) -> None:
    try:
        with session_scope(deps.engine) as session:
            requests.claim(session, key=key)
    except SQLAlchemyError:
        logger.warning("could not record request %s as handled", key)


def drop_redeliveries(deps: Deps) -> Callable:
    """Answer a request Slack already delivered with a bare 200 and do nothing else.

    Checking is a lock-free read before the ack; recording the first delivery is a write done in the
    background so it never delays the ack. Slack retries only after 3 s without an answer (or after
    an error), long after the first delivery is recorded.
    """

    def middleware(req: BoltRequest, resp: BoltResponse, next: Callable) -> BoltResponse | None:
        key = redelivery_key(req.body)
        if key is None:
            next()
            return None
        try:
            with read_scope(deps.engine) as session:
                already_handled = requests.seen(session, key=key)
        except SQLAlchemyError:
            logger.warning("could not check request %s; handling it without redelivery check", key)
            next()
            return None
        if already_handled:
            retry = req.headers.get("x-slack-retry-num", ["?"])
            logger.info("dropping redelivered request %s (retry %s)", key, retry)
            return BoltResponse(status=200, body="")
        deps.background.submit(_record, deps, key)
        next()
        return None

    return middleware


def _without_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {key: _without_nul(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_nul(item) for item in value]
    return value


def strip_nul_characters(req: BoltRequest, resp: BoltResponse, next: Callable) -> None:
    """Remove NUL from everything a request carries (command text, modal values, button values).

    PostgreSQL text cannot hold NUL, so a title with one failed its insert and the person saw an
    error; nobody types NUL on purpose and Slack would not show it. Runs after the signature check,
    which covers the raw body as Slack sent it.
    """
    req.body = _without_nul(req.body)
    next()
