"""Slack retries a request it got no timely answer to, with ``X-Slack-Retry-Num``: every retry of a
command that writes, of an event and of a modal submission is answered 200 and changes nothing."""

from sqlalchemy import func
from sqlmodel import select

from storage.db import session_scope
from storage.models import ActionItem, AuditEntry, Initiative, InitiativeTag, Meeting
from tests.handlers.initiative_helpers import VALID, open_share_modal
from tests.harness import CHANNEL, PEOPLE
from tests.reliability.forms import (
    SCHEDULE,
    command_text_body,
    deliver_with_retries,
    fresh_trigger,
    latest_form,
    state_values,
    submission_body,
)


def count(bot, model, *where) -> int:
    with session_scope(bot.deps.engine) as session:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()


def audited(bot, action: str) -> int:
    return count(bot, AuditEntry, AuditEntry.action == action)


def test_a_retried_action_command_records_one_item_and_answers_once(bot):
    body = command_text_body(bot, "action ILO 2030-03-31 Circulate the draft", who="ILO", trigger_id="t.cmd")
    assert deliver_with_retries(bot, body) == [200, 200, 200]
    assert count(bot, ActionItem) == 1
    assert audited(bot, "action_item.create") == 1
    assert len(bot.replies()) == 1


def test_a_retried_app_home_opened_event_publishes_the_home_tab_once(bot):
    event = {"type": "app_home_opened", "user": PEOPLE["ILO"].id, "tab": "home", "channel": "DHOME"}
    statuses = [bot.event(event, event_id="EvHOME1").status]
    statuses += [bot.event(event, event_id="EvHOME1", retry=attempt).status for attempt in (1, 2, 3)]
    assert statuses == [200] * 4
    assert len(bot.slack.calls_to("views.publish")) == 1
    bot.event(event, event_id="EvHOME2")
    assert len(bot.slack.calls_to("views.publish")) == 2, "a new opening of the tab is not a retry"


def test_a_retried_share_initiative_submission_stores_and_announces_once(bot):
    view = open_share_modal(bot)
    body = submission_body(view, state_values(view, VALID), who="ILO", trigger_id="t.share")
    assert deliver_with_retries(bot, body) == [200, 200, 200]
    [initiative] = [*_initiatives(bot)]
    assert count(bot, InitiativeTag, InitiativeTag.initiative_id == initiative.id) > 0
    assert audited(bot, "initiative.share") == 1
    assert len(bot.posts(CHANNEL)) == 2, "one thread opening and one announcement"
    assert len(bot.posts(PEOPLE["ILO"].id)) == 1, "one confirmation to the person"


def _initiatives(bot) -> list[Initiative]:
    with session_scope(bot.deps.engine) as session:
        return list(session.exec(select(Initiative)))


def test_a_retried_action_item_modal_submission_records_one_item(bot):
    bot.command("action", who="ILO")
    form = latest_form(bot)
    assert form["callback_id"] == "action_item_create"
    answers = {"title": "Draft the joint brief", "owner": _organisation_value(form), "due": "2030-03-31"}
    body = submission_body(form, state_values(form, answers), who="ILO", trigger_id="t.action")
    assert deliver_with_retries(bot, body) == [200, 200, 200]
    assert count(bot, ActionItem) == 1
    assert audited(bot, "action_item.create") == 1
    assert len(bot.replies()) == 1, "one confirmation"


def _organisation_value(form: dict) -> str:
    [owner] = [b for b in form["blocks"] if b.get("block_id") == "owner"]
    return owner["element"]["initial_option"]["value"]


def test_a_retried_schedule_modal_submission_schedules_and_posts_the_invite_once(bot):
    bot.command("schedule", who="WHO")
    [view] = bot.opened_views()
    body = submission_body(view, state_values(view, SCHEDULE), who="WHO", trigger_id="t.schedule")
    assert deliver_with_retries(bot, body) == [200, 200, 200]
    assert count(bot, Meeting) == 1
    assert audited(bot, "meeting.schedule") == 1
    assert len(bot.slack.calls_to("files.completeUploadExternal")) == 1
    assert len(bot.slack.calls_to("chat.postEphemeral")) == 1


def test_two_submissions_with_triggers_of_their_own_are_two_shares(bot):
    """Retries are recognised by Slack's trigger id, not by content: sharing twice on purpose counts."""
    view = open_share_modal(bot)
    values = state_values(view, VALID)
    for trigger in (fresh_trigger(), fresh_trigger()):
        bot.dispatch(submission_body(view, values, who="ILO", trigger_id=trigger))
    assert audited(bot, "initiative.share") == 2
