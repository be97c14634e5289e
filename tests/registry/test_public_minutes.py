"""Published minutes marked public at /registry/meetings/N: their summary and decisions, nothing else,
and only once a co-lead has published them as public."""

from datetime import UTC, datetime, timedelta

import pytest

from bot.web import create_web


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"itwg_public_registry": True})


@pytest.fixture
def held(bot) -> int:
    bot.command("schedule 2030-02-12 14:00 in-person", who="UNODC")
    bot.clock.set(datetime(2030, 2, 12, 16, 0, tzinfo=UTC) + timedelta(hours=1))
    bot.command("minutes 1", who="WHO")
    view = bot.slack.calls_to("views.update")[-1].params["view"]
    values = {
        "summary": "We discussed <script>alert(1)</script> the statement.",
        "decisions": "Issue a joint statement on 26 June",
        "actions": "ILO 2030-03-31 Circulate the draft statement",
    }
    bot.submit(
        view, {k: {"value": {"type": "plain_text_input", "value": v}} for k, v in values.items()}, who="WHO"
    )
    return 1


def test_public_minutes_appear_only_once_published_as_public(bot, held):
    http = create_web(bot.app, bot.deps).test_client()
    assert http.get(f"/registry/meetings/{held}").status_code == 404, "a draft is not public"
    bot.command(f"minutes {held} publish", who="UNODC")
    assert http.get(f"/registry/meetings/{held}").status_code == 404, "published, not public"

    bot.command(f"minutes {held} publish public", who="UNODC")
    assert "public in the registry" in bot.last_reply_text()
    page = http.get(f"/registry/meetings/{held}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Issue a joint statement on 26 June" in html
    assert "&lt;script&gt;" in html and "<script>alert" not in html
    assert "Circulate the draft statement" not in html, "action items stay with the working group"

    bot.command(f"minutes {held} unpublish", who="WHO")
    assert http.get(f"/registry/meetings/{held}").status_code == 404
    assert http.get("/registry/meetings/99").status_code == 404
