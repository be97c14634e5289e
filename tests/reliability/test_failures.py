"""When the database is gone, people are told so plainly and the web process keeps answering."""

from pydantic import SecretStr

from bot.app import create_app
from bot.deps import Deps
from bot.failures import DATABASE_DOWN
from bot.inline_executor import InlineExecutor
from bot.web import create_web
from storage.db import make_engine
from tests.harness import BotHarness, Clock


def _unreachable_bot(settings, slack, client, tmp_path):
    # A PostgreSQL port nothing listens on: every connection attempt fails at once.
    broken = settings.model_copy(
        update={"database_url": "postgresql://postgres@127.0.0.1:9/none?connect_timeout=2"}
    )
    engine = make_engine(broken.database_url)
    deps = Deps(settings=broken, engine=engine, background=InlineExecutor())
    app = create_app(broken, client, deps=deps, listener_executor=InlineExecutor())
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
    assert response.get_json() == {"status": "degraded", "database": False}


def test_settings_secrets_do_not_show_in_repr(settings):
    assert "test-signing-secret" not in repr(settings)
    assert isinstance(settings.slack_bot_token, SecretStr)
