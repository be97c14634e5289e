"""Listeners for Slack actions."""

from slack_bolt import App


def register(app: App) -> None:
    return None
