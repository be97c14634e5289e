"""Listeners for Slack views."""

from slack_bolt import App


def register(app: App) -> None:
    return None
