"""Listeners for Slack views."""

from slack_bolt import App

from handlers.views import meetings


def register(app: App) -> None:
    meetings.register(app)
