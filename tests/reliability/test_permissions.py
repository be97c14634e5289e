"""A member trying, by every route the App offers (commands, buttons, and modal submissions forged
from views opened for someone else), to change another organisation's records, to schedule, move or
cancel meetings, or to read digests: every attempt is refused and the database is exactly as before."""

import json
from typing import Any

from sqlalchemy import text
from sqlmodel import SQLModel

from bot.web import create_web
from storage.db import session_scope
from tests.handlers.initiative_helpers import VALID, open_share_modal, share
from tests.reliability.forms import SCHEDULE, latest_form, state_values

HOME = {"type": "view", "view_id": "VHOME"}


def snapshot(bot) -> dict[str, list[Any]]:
    """Every row of every table but the request ledger, which every request writes to."""
    rows: dict[str, list[Any]] = {}
    with session_scope(bot.deps.engine) as session:
        for table in SQLModel.metadata.sorted_tables:
            if table.name not in ("request_task", "alembic_version"):
                found = session.exec(text(f'SELECT * FROM "{table.name}"')).all()
                rows[table.name] = sorted(map(repr, found))
    return rows


def initial_value(view: dict[str, Any], block_id: str) -> str:
    block = next(b for b in view["blocks"] if b.get("block_id") == block_id)
    return block["element"]["initial_option"]["value"]


def test_a_member_changes_nothing_that_is_not_theirs(bot):
    # UNHCR's initiative #1 and action item #1, and a meeting the co-leads scheduled.
    bot.command("schedule 2030-06-11 14:00", who="UNODC")
    share(bot, who="UNHCR")
    bot.command("action UNHCR 2030-03-31 Draft the brief", who="UNHCR")
    bot.click("action_item_done", "1", who="UNHCR")
    done_form = latest_form(bot)
    bot.click("action_item_reassign", "1", who="UNHCR")
    reassign_form = latest_form(bot)
    bot.command("edit-initiative 1", who="UNHCR")
    edit_form = latest_form(bot)
    bot.command("whoami", who="ILO")  # ILO's person is known before the snapshot
    ilo_share_form = open_share_modal(bot, who="ILO")
    bot.command("schedule", who="UNODC")
    schedule_form = latest_form(bot)
    before = snapshot(bot)
    calls_before = len(bot.slack.calls)

    answers: list[str] = []
    for command in [
        "edit-initiative 1",
        "confirm-initiative 1 completed",
        "done 1 not ours",
        "schedule 2030-07-01 10:00",
        "reschedule 1 2030-06-12 14:00",
        "cancel 1",
        "digest",
        "digest since 2030-01-01",
        "digest subscribe weekly monday 09:00",
    ]:
        bot.command(command, who="ILO")
        answers.append(bot.last_told_text())
    bot.click("initiative_confirm_ongoing", "1", who="ILO", container=HOME)
    bot.click("action_item_snooze", "1", who="ILO")
    bot.click("action_item_reassign", "1", who="ILO")
    bot.click("action_item_done", "1", who="ILO")
    forged = [
        (edit_form, {**VALID, "title": "Taken over by ILO"}),
        ({**ilo_share_form, "private_metadata": "1"}, {**VALID, "title": "Taken over by ILO"}),
        (done_form, {"outcome": "closed by someone else"}),
        (reassign_form, {"owner": initial_value(reassign_form, "owner")}),
        (schedule_form, SCHEDULE),
    ]
    for view, values in forged:
        response = bot.submit(view, state_values(view, values), who="ILO")
        assert response.status == 200
        answers.append(" ".join(bot.refusal(response).values()))

    assert snapshot(bot) == before
    assert all("Only" in answer or "co-leads" in answer for answer in answers), answers
    sent = bot.slack.calls[calls_before:]
    assert not [c for c in sent if c.method.startswith("files.")], "no digest, invite or export file"
    posted = [c.params for c in sent if c.method == "chat.postMessage"]
    refusals_to_ilo = [
        p for p in posted if p["channel"] == "UILO00001" and p["text"].startswith("Nothing was saved")
    ]
    assert posted == refusals_to_ilo, (
        "no digest or announcement was posted, only refusals to the one who tried"
    )
    assert not [c for c in sent if c.method == "views.open" and "Taken over" in json.dumps(c.params)]


def test_the_calendar_feed_opens_only_with_its_exact_secret(bot):
    bot.command("schedule 2030-06-11 14:00", who="UNODC")
    web = create_web(bot.app, bot.deps).test_client()
    secret = bot.deps.settings.secret("itwg_calendar_secret")
    assert web.get(f"/calendar/{secret}.ics").status_code == 200
    for guess in [
        secret.upper(),
        secret[:-1],
        secret + "x",
        " " + secret,
        f"{secret}.ics",
        "%00" + secret,
        "..%2F" + secret,
    ]:
        response = web.get(f"/calendar/{guess}.ics")
        assert response.status_code == 404, guess
        assert b"BEGIN:VCALENDAR" not in response.data
    for elsewhere in [
        f"/calendar/.ics?secret={secret}",
        "/calendar/",
        "/calendar.ics",
        f"/calendar/{secret}",
    ]:
        assert web.get(elsewhere).status_code == 404, elsewhere
    assert web.post(f"/calendar/{secret}.ics").status_code == 405
