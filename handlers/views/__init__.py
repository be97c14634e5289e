"""Listeners for Slack views."""

from slack_bolt import App

from handlers.views import action_items, initiatives, meetings


def register(app: App) -> None:
    initiatives.register(app)
    action_items.register(app)
    meetings.register(app)
