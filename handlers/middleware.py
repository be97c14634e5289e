"""Global middleware: hand listeners their dependencies, drop Slack's redeliveries, and clean what
people typed of characters no database column can hold."""

import logging
import threading
from collections import OrderedDict
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


def _record(deps: Deps, key: str) -> bool:
    """Record ``key`` as handled; False when it already was. A database that cannot be reached
    counts as a first delivery: the request is still handled, and its listener tells the person."""
    try:
        with session_scope(deps.engine) as session:
            return requests.claim(session, key=key)
    except SQLAlchemyError:
        logger.warning("could not record request %s as handled; handling it anyway", key)
        return True


class RecentKeys:
    """Keys this process handled lately, so a duplicate is recognised without a database read.

    Bounded, oldest forgotten first; the database record is what other processes (and this one,
    after a restart) consult for Slack's retries.
    """

    def __init__(self, limit: int = 20_000) -> None:
        self._keys: OrderedDict[str, None] = OrderedDict()
        self._limit = limit
        self._lock = threading.Lock()

    def add(self, key: str) -> bool:
        """Remember ``key``; False when it was already remembered."""
        with self._lock:
            if key in self._keys:
                return False
            self._keys[key] = None
            if len(self._keys) > self._limit:
                self._keys.popitem(last=False)
            return True


def _recorded_before(deps: Deps, key: str) -> bool:
    try:
        with read_scope(deps.engine) as session:
            return requests.seen(session, key=key)
    except SQLAlchemyError:
        logger.warning("could not check request %s; handling it without redelivery check", key)
        return False


def drop_redeliveries(deps: Deps) -> Callable:
    """Answer a request already delivered with a bare 200 and do nothing else.

    A duplicate this process saw is caught in memory. A Slack retry (``X-Slack-Retry-Num``) that may
    have been first delivered to another process or before a restart is checked in the database.
    Recording a first delivery is a write done in the background, so it never delays the ack; Slack
    retries only after 3 s without an answer, long after the first delivery is recorded.
    """
    recent = RecentKeys()

    def middleware(req: BoltRequest, resp: BoltResponse, next: Callable) -> BoltResponse | None:
        key = redelivery_key(req.body)
        if key is None:
            next()
            return None
        retry = req.headers.get("x-slack-retry-num")
        if not recent.add(key) or (retry and _recorded_before(deps, key)):
            logger.info("dropping redelivered request %s (retry %s)", key, retry)
            return BoltResponse(status=200, body="")
        deps.background.submit(_record, deps, key)
        next()
        return None

    return middleware


def claim_once(deps: Deps) -> Callable:
    """The worker's duplicate check: claim the request in the database before handling it.

    The web process acks without looking, so this is where a redelivery is recognised, whichever web
    process first received it and whether or not Slack marked it a retry.
    """

    def middleware(req: BoltRequest, resp: BoltResponse, next: Callable) -> BoltResponse | None:
        key = redelivery_key(req.body)
        if key is not None and not _record(deps, key):
            logger.info("dropping redelivered request %s", key)
            return BoltResponse(status=200, body="")
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
