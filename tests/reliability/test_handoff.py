"""The web process answers Slack without doing the work; the worker does it, once.

Here the two halves are held apart: the web app hands requests to a list, and the test decides when
(and how often) the worker app gets them.
"""

import pytest

from bot import worker
from bot.app import create_app, create_worker_app
from bot.handoff import Delivery
from bot.inline_executor import InlineExecutor
from tests.handlers.initiative_helpers import VALID, open_share_modal
from tests.harness import PEOPLE, BotHarness
from tests.reliability.forms import command_text_body, state_values, submission_body


@pytest.fixture
def handed_off() -> list[Delivery]:
    return []


@pytest.fixture
def web(settings, deps, slack, client, clock, handed_off) -> BotHarness:
    """The web process's app alone: what it hands off waits in ``handed_off``."""
    app = create_app(
        settings, client, deps=deps, listener_executor=InlineExecutor(), hand_off_to=handed_off.append
    )
    return BotHarness(app=app, slack=slack, deps=deps, clock=clock)


@pytest.fixture
def worker_app(settings, deps, client):
    return create_worker_app(settings, client, deps=deps)


def test_a_command_is_answered_before_any_of_its_work_is_done(web, worker_app, handed_off):
    response = web.command("help", who="ILO")
    assert (response.status, response.body) == (200, "")
    sent = [call.method for call in web.slack.calls]
    assert sent in ([], ["auth.test"]), "nothing but Bolt's one-time token check from the web process"
    [delivery] = handed_off
    worker.handle(worker_app, delivery)
    assert "/itwg share-initiative" in web.last_reply_text()


def test_the_modal_opens_with_the_commands_own_trigger_once_the_worker_runs(web, worker_app, handed_off):
    web.command("share-initiative", who="ILO", trigger_id="trigger.share.1")
    assert web.slack.calls_to("views.open") == []
    worker.handle(worker_app, handed_off.pop())
    [opened] = web.slack.calls_to("views.open")
    assert opened.params["trigger_id"] == "trigger.share.1"
    [form] = web.slack.calls_to("views.update")
    assert form.params["view"]["callback_id"] == "initiative_form"


def test_a_request_delivered_to_two_web_processes_is_carried_out_once(
    settings, deps, slack, client, clock, worker_app
):
    """Two web processes each see the same delivery, without a retry header (neither can tell it is a
    duplicate); the worker's claim in the database is what keeps it to one item and one reply."""
    first: list[Delivery] = []
    second: list[Delivery] = []
    webs = [
        BotHarness(
            app=create_app(
                settings, client, deps=deps, listener_executor=InlineExecutor(), hand_off_to=sink.append
            ),
            slack=slack,
            deps=deps,
            clock=clock,
        )
        for sink in (first, second)
    ]
    body = command_text_body(
        webs[0], "action ILO 2030-03-31 Circulate the draft", who="ILO", trigger_id="t.twice"
    )
    assert [web.dispatch(body).status for web in webs] == [200, 200]
    for delivery in (*first, *second):
        worker.handle(worker_app, delivery)
    assert len(webs[0].replies()) == 1
    assert "Circulate the draft" in webs[0].last_reply_text()


def test_a_submission_failing_its_field_checks_is_answered_inline_and_never_handed_off(bot, web, handed_off):
    view = open_share_modal(bot)
    body = submission_body(
        view, state_values(view, {**VALID, "countries": "KE, Atlantis"}), who="ILO", trigger_id="t.bad"
    )
    response = web.dispatch(body)
    assert '"response_action": "errors"' in response.body and "Atlantis" in response.body
    assert handed_off == []


def test_a_submission_refused_by_the_worker_is_explained_to_the_person(bot, web, worker_app, handed_off):
    view = open_share_modal(bot, who="UNODC")
    body = submission_body(
        view, state_values(view, {**VALID, "lead": "9999"}), who="UNODC", trigger_id="t.lead"
    )
    response = web.dispatch(body)
    assert (response.status, response.body) == (200, ""), "the modal closes"
    worker.handle(worker_app, handed_off.pop())
    [refusal] = [
        post for post in web.posts(PEOPLE["UNODC"].id) if post["text"].startswith("Nothing was saved")
    ]
    assert "lead organisation" in refusal["text"]
