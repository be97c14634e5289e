"""Global middleware: hand listeners their dependencies, and clean what people typed of characters no
database column can hold or no reader can see."""

from collections.abc import Callable

from slack_bolt import BoltRequest, BoltResponse

from bot.deps import Deps
from bot.text_input import clean_typed


def inject_deps(deps: Deps) -> Callable:
    def middleware(req: BoltRequest, resp: BoltResponse, next: Callable) -> None:
        req.context["deps"] = deps
        next()

    return middleware


def strip_control_characters(req: BoltRequest, resp: BoltResponse, next: Callable) -> None:
    """Remove control and bidirectional-override characters from everything a request carries
    (command text, modal values, button values), keeping newlines (``bot.text_input``, which the
    sharing page's form goes through too). Runs after the signature check, which covers the raw body
    as Slack sent it.
    """
    req.body = clean_typed(req.body)
    next()
