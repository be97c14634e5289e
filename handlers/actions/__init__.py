"""Listeners for Slack actions."""

from slack_bolt import App

from handlers.actions import action_items, initiatives


def register(app: App) -> None:
    initiatives.register(app)
    action_items.register(app)
