"""Listeners for Slack actions."""

from slack_bolt import App

from handlers.actions import action_items, initiatives, opportunities


def register(app: App) -> None:
    initiatives.register(app)
    action_items.register(app)
    opportunities.register(app)
