"""Global middleware: hand listeners their dependencies, and clean what people typed of characters no
database column can hold."""

from collections.abc import Callable
from typing import Any

from slack_bolt import BoltRequest, BoltResponse

from bot.deps import Deps


def inject_deps(deps: Deps) -> Callable:
    def middleware(req: BoltRequest, resp: BoltResponse, next: Callable) -> None:
        req.context["deps"] = deps
        next()

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
