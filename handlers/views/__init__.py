"""Listeners for Slack views."""

from slack_bolt import App

from handlers.views import initiatives


def register(app: App) -> None:
    initiatives.register(app)
