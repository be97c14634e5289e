"""Listeners for Slack actions."""

from slack_bolt import App

from handlers.actions import opportunities


def register(app: App) -> None:
    opportunities.register(app)
