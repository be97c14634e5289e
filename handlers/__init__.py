"""Slack listeners, one small module per trigger: ack → parse → service → render → send."""

from slack_bolt import App

from handlers import actions, commands, events, shortcuts, views


def register(app: App) -> None:
    commands.register(app)
    actions.register(app)
    views.register(app)
    events.register(app)
    shortcuts.register(app)
