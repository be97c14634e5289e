"""Listeners for Slack views."""

from slack_bolt import App

from handlers.views import action_items


def register(app: App) -> None:
    action_items.register(app)
