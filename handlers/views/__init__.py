"""Listeners for Slack views."""

from collections.abc import Callable
from typing import Any

from slack_bolt import App

from bot.deps import Deps
from bot.errors import FieldErrors
from handlers.views import action_items, initiatives, meetings

# Checks of a submitted modal that need neither the database nor Slack, by callback id: what the web
# process can answer with inline errors before it hands a submission to the worker.
FIELD_CHECKS: dict[str, Callable[[dict[str, Any], Deps], Any]] = {
    **initiatives.FIELD_CHECKS,
    **action_items.FIELD_CHECKS,
    **meetings.FIELD_CHECKS,
}


def field_errors(body: dict[str, Any], deps: Deps) -> dict[str, str] | None:
    """The inline errors of a submission that fails its field checks; None when it passes them or
    its modal has none."""
    view = body.get("view") or {}
    check = FIELD_CHECKS.get(view.get("callback_id"))
    if check is None:
        return None
    try:
        check(view, deps)
    except FieldErrors as error:
        return error.errors
    return None


def register(app: App) -> None:
    initiatives.register(app)
    action_items.register(app)
    meetings.register(app)
