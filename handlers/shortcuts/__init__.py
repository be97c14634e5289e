"""Listeners for Slack shortcuts."""

from slack_bolt import App


def register(app: App) -> None:
    return None
