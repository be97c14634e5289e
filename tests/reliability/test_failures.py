"""When the database is gone, people are told so plainly and the web process keeps answering."""

import json

from pydantic import SecretStr

from bot.app import create_app
from bot.deps import Deps
from bot.failures import DATABASE_DOWN
from bot.queue import make_huey
from bot.web import create_web
from storage.db import make_engine
from tests.handlers.initiative_helpers import VALID
from tests.harness import BotHarness, Clock
from tests.reliability.forms import latest_form, state_values


def _unreachable_bot(settings, slack, client, tmp_path):
    # A PostgreSQL port nothing listens on: every connection attempt fails at once.
    broken = settings.model_copy(
        update={"database_url": "postgresql://postgres@127.0.0.1:9/none?connect_timeout=2"}
    )
    engine = make_engine(broken.database_url)
    deps = Deps(settings=broken, engine=engine)
    app = create_app(broken, client, huey=make_huey(broken, immediate=True), deps=deps)
    return BotHarness(app=app, slack=slack, deps=deps, clock=Clock()), deps


def test_command_with_database_down_gets_a_clear_message(settings, slack, client, tmp_path):
    bot, _ = _unreachable_bot(settings, slack, client, tmp_path)
    response = bot.command("whoami", who="ILO")
    assert response.status == 200
    text = bot.last_reply_text()
    assert DATABASE_DOWN in text
    assert "Traceback" not in text and "OperationalError" not in text


def test_help_still_works_and_healthz_reports_the_database_down(settings, slack, client, tmp_path):
    bot, deps = _unreachable_bot(settings, slack, client, tmp_path)
    bot.command("help", who="ILO")
    assert "/itwg join" in bot.last_reply_text()
    web = create_web(bot.app, deps).test_client()
    response = web.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "degraded", "database": False, "queue": None}


def test_settings_secrets_do_not_show_in_repr(settings):
    assert "test-signing-secret" not in repr(settings)
    assert isinstance(settings.slack_bot_token, SecretStr)


def test_modal_submissions_with_database_down_answer_a_clear_field_error(
    bot, settings, slack, client, tmp_path
):
    """The modals were opened while the database answered; it went away before they were submitted."""
    bot.command("share-initiative", who="ILO")
    share_form = latest_form(bot)
    bot.command("action", who="ILO")
    action_form = latest_form(bot)
    bot.command("schedule", who="WHO")
    schedule_form = latest_form(bot)
    down, _ = _unreachable_bot(settings, slack, client, tmp_path)
    for who, view, answers in [
        ("ILO", share_form, VALID),
        ("ILO", action_form, {"title": "Draft", "owner": "7", "due": "2030-03-31"}),
        ("WHO", schedule_form, {"date": "2030-09-10", "time": "15:00", "timezone": "UTC", "duration": "90"}),
    ]:
        response = down.submit(view, state_values(view, answers), who=who)
        assert response.status == 200, view["callback_id"]
        body = json.loads(response.body)
        assert body["response_action"] == "errors"
        assert list(body["errors"].values()) == [DATABASE_DOWN]
