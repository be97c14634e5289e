"""Listeners for Slack shortcuts."""

from slack_bolt import App

from handlers.shortcuts import create_action_item


def register(app: App) -> None:
    create_action_item.register(app)
