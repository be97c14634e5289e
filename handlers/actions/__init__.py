"""Listeners for Slack actions."""

from slack_bolt import App

from handlers.actions import initiatives


def register(app: App) -> None:
    initiatives.register(app)
