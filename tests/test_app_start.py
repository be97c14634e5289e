"""Starting the app as every process does logs nothing an operator must read past."""

import logging

from bot.app import create_app
from bot.queue import make_huey


def test_building_the_app_with_the_token_in_the_environment_warns_of_nothing(
    settings, deps, client, monkeypatch, caplog
):
    monkeypatch.setenv("SLACK_BOT_TOKEN", settings.secret("slack_bot_token"))
    with caplog.at_level(logging.WARNING):
        create_app(settings, client, huey=make_huey(settings, immediate=True), deps=deps)
    assert [record.getMessage() for record in caplog.records] == []
