"""Whatever a modal's fields hold — any text, any date, option values the modal never offered — the
submission gets a 200 with field errors or a stored record: never a 500, never a traceback or
"Something went wrong", and never a record without its tags or its audit row."""

import json
from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func
from sqlmodel import select

from storage.db import session_scope
from storage.models import ActionItem, AuditEntry, Initiative, InitiativeTag, Meeting
from tests.handlers.initiative_helpers import VALID
from tests.harness import PEOPLE
from tests.reliability.forms import SCHEDULE, fresh_trigger, latest_form, state_values, submission_body

FUZZ = settings(max_examples=70, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
SHOWN_TO_PEOPLE = ("response_url", "chat.postMessage", "chat.postEphemeral", "views.update", "views.publish")
MARKUP = ["<!channel>", "<!here>", "<@U0EVIL>", "<https://evil.example|click>", "&amp;", "*bold*", "`x`"]

texts = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.text(min_size=140, max_size=320),
    st.lists(st.sampled_from([*MARKUP, "Kenya", "KE", " ", "\n", "\x00", "é"]), max_size=6).map("".join),
)
dates = st.one_of(
    st.none(),
    st.dates().map(date.isoformat),
    st.dates(min_value=date(2029, 12, 1), max_value=date(2036, 1, 1)).map(date.isoformat),
    st.text(max_size=12),
)
times = st.one_of(st.none(), st.times().map(lambda t: t.strftime("%H:%M")), st.text(max_size=6))
numbers = st.one_of(st.none(), st.integers(-100, 2000).map(str), st.text(max_size=6))
users = st.one_of(
    st.none(),
    st.sampled_from([p.id for p in PEOPLE.values()]),
    st.text(max_size=12),
    st.text(alphabet="UW0123456789ABCDEF", min_size=41, max_size=60),
)


def offered(element: dict[str, Any]) -> list[str]:
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options.extend(group["options"])
    return [o["value"] for o in options]


def forged_or_offered(element: dict[str, Any]) -> st.SearchStrategy:
    choices = offered(element)
    forged = st.one_of(
        st.text(max_size=12), st.integers(-5, 10**20).map(str), st.sampled_from(["²", "١", "0"])
    )
    return st.one_of(st.sampled_from(choices), forged) if choices else forged


def fuzzed_field(element: dict[str, Any]) -> st.SearchStrategy:
    """Any answer an input element of this type could carry, and some it never could."""
    kind = element["type"]
    if kind in ("static_select", "radio_buttons"):
        return st.one_of(st.none(), forged_or_offered(element))
    if kind in ("checkboxes", "multi_static_select"):
        return st.lists(forged_or_offered(element), max_size=4)
    return {"datepicker": dates, "timepicker": times, "number_input": numbers, "users_select": users}.get(
        kind, texts
    )


def answers_for(view: dict[str, Any], valid: dict[str, Any]) -> st.SearchStrategy:
    """A valid submission with up to three of its fields fuzzed, so examples both store and fail."""
    inputs = {block["block_id"]: block["element"] for block in view["blocks"] if block["type"] == "input"}

    def with_fuzzed(names: set[str]) -> st.SearchStrategy:
        return st.fixed_dictionaries(
            {
                name: fuzzed_field(inputs[name]) if name in names else st.just(valid.get(name))
                for name in inputs
            }
        )

    return st.sets(st.sampled_from(sorted(inputs)), max_size=3).flatmap(with_fuzzed)


def count(bot, model, *where) -> int:
    with session_scope(bot.deps.engine) as session:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()


def submit_and_check(bot, view: dict[str, Any], answers: dict[str, Any], who: str) -> bool:
    """Submit; assert nothing broken was shown; True when the submission was saved."""
    before = len(bot.slack.calls)
    body = submission_body(view, state_values(view, answers), who=who, trigger_id=fresh_trigger())
    response = bot.dispatch(body)
    assert response.status == 200, f"{response.status} for {answers!r}"
    shown = (response.body or "") + json.dumps(
        [call.params for call in bot.slack.calls[before:] if call.method in SHOWN_TO_PEOPLE], default=str
    )
    assert "Traceback" not in shown and "Something went wrong" not in shown, answers
    if response.body:
        assert json.loads(response.body)["response_action"] == "errors", response.body
        return False
    return not bot.refusals()


def share_counts(bot) -> tuple[int, int, int]:
    """Initiatives, their audit rows, and initiatives with tags: one each for a whole share."""
    with session_scope(bot.deps.engine) as session:
        tagged = session.exec(select(func.count(func.distinct(InitiativeTag.initiative_id)))).one()
    shares = count(bot, AuditEntry, AuditEntry.action == "initiative.share")
    return count(bot, Initiative), shares, tagged


@FUZZ
@given(data=st.data(), who=st.sampled_from(["ILO", "UNODC", "OHCHR"]))
def test_fuzzed_initiative_modal_never_breaks_or_half_stores(bot, data, who):
    bot.command("share-initiative", who=who)
    view = latest_form(bot)
    answers = data.draw(answers_for(view, VALID))
    before = share_counts(bot)
    closed = submit_and_check(bot, view, answers, who)
    after = share_counts(bot)
    assert after == tuple(n + closed for n in before), (answers, before, after)


@FUZZ
@given(data=st.data(), who=st.sampled_from(["ILO", "WHO", "UNHCR"]))
def test_fuzzed_action_item_modal_never_breaks_or_half_stores(bot, data, who):
    bot.command("action", who=who)
    view = latest_form(bot)
    owner = next(b for b in view["blocks"] if b.get("block_id") == "owner")["element"]["initial_option"]
    valid = {"title": "Draft the joint brief", "owner": owner["value"], "due": "2030-03-31", "notes": "n"}
    answers = data.draw(answers_for(view, valid))
    items = count(bot, ActionItem), count(bot, AuditEntry, AuditEntry.action == "action_item.create")
    closed = submit_and_check(bot, view, answers, who)
    after = count(bot, ActionItem), count(bot, AuditEntry, AuditEntry.action == "action_item.create")
    assert after == (items[0] + closed, items[1] + closed), answers


@FUZZ
@given(data=st.data(), who=st.sampled_from(["WHO", "UNODC", "ILO"]))
def test_fuzzed_schedule_modal_never_breaks_or_half_stores(bot, data, who):
    bot.command("schedule", who=who)
    view = latest_form(bot)
    answers = data.draw(answers_for(view, SCHEDULE))
    before = count(bot, Meeting), count(bot, AuditEntry, AuditEntry.action == "meeting.schedule")
    closed = submit_and_check(bot, view, answers, who)
    added = count(bot, Meeting) - before[0]
    assert count(bot, AuditEntry, AuditEntry.action == "meeting.schedule") - before[1] == added
    assert added == (0 if not closed else 4 if "quarterly" in (answers.get("options") or []) else 1)


def test_a_nul_character_is_dropped_rather_than_failing_the_insert(bot):
    """PostgreSQL text cannot hold NUL: it is removed from what people send before anything is stored."""
    bot.command("share-initiative", who="ILO")
    view = latest_form(bot)
    answers = {**VALID, "title": "Youth\x00 skills", "summary": "a\x00b"}
    assert submit_and_check(bot, view, answers, "ILO")
    with session_scope(bot.deps.engine) as session:
        [stored] = session.exec(select(Initiative)).all()
    assert (stored.title, stored.summary) == ("Youth skills", "ab")
