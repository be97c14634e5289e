"""Listeners for Slack actions."""

from slack_bolt import App

from handlers.actions import action_items


def register(app: App) -> None:
    action_items.register(app)
