"""Global middleware: hand listeners their dependencies, and clean what people typed of characters no
database column can hold or no reader can see."""

import re
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltRequest, BoltResponse

from bot.deps import Deps


def inject_deps(deps: Deps) -> Callable:
    def middleware(req: BoltRequest, resp: BoltResponse, next: Callable) -> None:
        req.context["deps"] = deps
        next()

    return middleware


# C0 and C1 control characters except the newline, and the bidirectional embeddings, overrides and
# isolates (U+202A–U+202E, U+2066–U+2069): invisible, and an override makes a title read backwards
# wherever it is shown (exports, the public registry). A carriage return ends a line; a tab is a space.
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SPACING = re.compile("\r\n?|\t")


def _cleaned(value: Any) -> Any:
    if isinstance(value, str):
        value = _SPACING.sub(lambda match: "\n" if match.group(0).startswith("\r") else " ", value)
        return _INVISIBLE.sub("", value)
    if isinstance(value, dict):
        return {key: _cleaned(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_cleaned(item) for item in value]
    return value


def strip_control_characters(req: BoltRequest, resp: BoltResponse, next: Callable) -> None:
    """Remove control and bidirectional-override characters from everything a request carries
    (command text, modal values, button values), keeping newlines, which multi-line fields hold and
    single-line ones tidy away themselves.

    PostgreSQL text cannot hold NUL, so a title with one failed its insert; the others are invisible
    in Slack yet reach titles, exports and the public pages. Nobody types them on purpose. Runs after
    the signature check, which covers the raw body as Slack sent it.
    """
    req.body = _cleaned(req.body)
    next()
