"""What the channel hears of a share made on the e-mail sharing page: the page answers once the
announcement is queued, a worker posts it in the cycle's thread, and Slack refusing it at first
delays it but never doubles it. And what the page stores is cleaned like what Slack sends."""

import re
import subprocess
import sys
import urllib.request
from datetime import UTC, datetime
from http.cookiejar import CookieJar
from urllib.parse import urlencode

import pytest
from huey import MemoryHuey
from sqlmodel import select

from bot import links
from bot.app import create_app, work_queue_of
from bot.queue import make_huey, prepare
from bot.web import create_web
from storage.db import make_engine, session_scope
from storage.models import Initiative, Notification, RequestTask
from storage.repositories import contacts, organisations
from tests.consumers import running_consumer
from tests.harness import BotHarness, message_text
from tests.serving import itwg_serve, serve_env, start, stop

SIGNED = "Fatima (UNFPA, by e-mail link)"
FORM = {"action": "share", "objectives": "advocacy", "status": "ongoing", "countries": "KE"}


def _add_contact(engine) -> int:
    with session_scope(engine) as session:
        unfpa = organisations.find_by_acronym(session, text="UNFPA")
        contact = contacts.add(
            session,
            organisation_id=unfpa.id,
            name="Fatima",
            email="fatima@unfpa.org",
            is_focal_point=True,
            created_by_person_id=None,
        )
        return contact.id or 0


@pytest.fixture
def contact_id(bot) -> int:
    return _add_contact(bot.deps.engine)


def _csrf(page: str) -> str:
    return page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def _share(app, deps, contact_id: int, title: str) -> str:
    """Open a fresh sharing link, fill the form with ``title`` and share; the page's answer."""
    web = create_web(app, deps).test_client()
    token = links.share_token(deps.settings, contact_id=contact_id, now=deps.now())
    csrf = _csrf(web.get(f"/share/{token}").get_data(as_text=True))
    answer = web.post(f"/share/{token}", data=FORM | {"title": title, "csrf_token": csrf})
    return answer.get_data(as_text=True)


def _announcements(slack) -> list[dict]:
    """Announcements Slack accepted (a refused call is recorded too, with its error answer)."""
    return [
        call.params
        for call in slack.calls_to("chat.postMessage")
        if (call.response or {}).get("ok") and SIGNED in message_text(call.params)
    ]


def test_a_share_on_the_page_is_announced_in_the_cycle_thread(bot: BotHarness, contact_id):
    assert "is shared for UNFPA" in _share(bot.app, bot.deps, contact_id, "Family skills in camps")
    [announcement] = _announcements(bot.slack)
    assert "Family skills in camps" in message_text(announcement)
    assert announcement["thread_ts"], "in the cycle's thread"
    with session_scope(bot.deps.engine) as session:
        [sent] = session.exec(select(Notification).where(Notification.kind == "announcement")).all()
        [job] = session.exec(select(RequestTask)).all()
    assert sent.status == "sent"
    assert job.state == "done"


def test_an_announcement_whose_answer_was_lost_is_not_posted_again_and_is_marked_interrupted(
    bot: BotHarness, contact_id
):
    """Slack stored the post but its answer never came back: the client does not post it again, and
    the co-leads' digest lists it as not known to have gone out."""
    bot.slack.drop_answers("chat.postMessage", times=1)
    _share(bot.app, bot.deps, contact_id, "Family skills in camps")
    assert len(bot.slack.calls_to("chat.postMessage")) == 1, "posted once, never repeated blindly"
    with session_scope(bot.deps.engine) as session:
        [sent] = session.exec(select(Notification).where(Notification.kind == "announcement")).all()
    assert sent.status == "interrupted"


@pytest.mark.parametrize(
    ("dies_in", "module"),
    [("save", "initiatives"), ("use_share_link", "contacts")],
    ids=["while storing", "after storing, before spending the link"],
)
def test_a_page_process_dying_midway_leaves_the_link_working_and_stores_once(
    bot: BotHarness, contact_id, monkeypatch, dies_in, module
):
    """The web process dies (no ``except`` runs) while a share is handled: the contact's second try
    with the same link shares it, once, with one announcement."""
    import bot.share_page as share_page

    web = create_web(bot.app, bot.deps).test_client()
    token = links.share_token(bot.deps.settings, contact_id=contact_id, now=bot.deps.now())
    form = FORM | {
        "title": "Family skills in camps",
        "csrf_token": _csrf(web.get(f"/share/{token}").get_data(as_text=True)),
    }
    target = getattr(share_page, module)
    real = getattr(target, dies_in)

    def dies(*args, **kwargs):
        real(*args, **kwargs)
        raise SystemExit("the process died")

    monkeypatch.setattr(target, dies_in, dies)
    with pytest.raises(SystemExit):
        web.post(f"/share/{token}", data=form)
    monkeypatch.setattr(target, dies_in, real)
    assert "is shared for UNFPA" in web.post(f"/share/{token}", data=form).get_data(as_text=True)
    with session_scope(bot.deps.engine) as session:
        stored = session.exec(select(Initiative).where(Initiative.title == "Family skills in camps")).all()
    assert len(stored) == 1
    assert len([a for a in _announcements(bot.slack) if "Family skills in camps" in message_text(a)]) == 1


@pytest.mark.parametrize(
    ("refuse", "wait"),
    [("rate_limit", 7.0), ("fail", 2.0)],
    ids=["429 with Retry-After", "an error answer, then the backoff"],
)
def test_slack_refusing_the_announcement_delays_it_and_it_is_posted_once(
    bot: BotHarness, contact_id, refuse, wait
):
    if refuse == "rate_limit":
        bot.slack.rate_limit("chat.postMessage", times=1, retry_after=7)
    else:
        bot.slack.fail("chat.postMessage", "internal_error")
    asked_at = datetime.now(UTC).replace(tzinfo=None)
    assert "is shared for UNFPA" in _share(bot.app, bot.deps, contact_id, "Family skills in camps")
    assert _announcements(bot.slack) == []

    # The queue holds the announcement again, due once Slack's wait (or the first backoff) is over.
    huey = work_queue_of(bot.app).huey
    [retry] = huey.scheduled()
    assert (retry.eta - asked_at).total_seconds() >= wait - 0.5
    [due] = huey.read_schedule(retry.eta)
    huey.execute(due, timestamp=retry.eta)
    assert len(_announcements(bot.slack)) == 1

    # The same task handed out again (a duplicate message, a second worker, the sweep) posts nothing.
    work_queue_of(bot.app).carry_out(*due.args)
    with session_scope(bot.deps.engine) as session:
        [job] = session.exec(select(RequestTask)).all()
        [row] = session.exec(select(Notification).where(Notification.kind == "announcement")).all()
    assert (job.state, row.status) == ("done", "sent")
    assert len(_announcements(bot.slack)) == 1


def test_the_page_answers_before_slack_is_called_and_a_worker_posts(
    settings, deps, slack, client, contact_id
):
    huey = MemoryHuey("itwg", results=False, utc=True)
    app = create_app(settings, client, huey=huey, deps=deps)
    assert "is shared for UNFPA" in _share(app, deps, contact_id, "Family skills in camps")
    assert slack.calls_to("chat.postMessage") == [], "the page did not wait for Slack"
    assert huey.pending_count() == 1

    with running_consumer(work_queue_of(app)):
        slack.wait_for_calls("chat.postMessage", 2)
    assert len(_announcements(slack)) == 1


def test_a_worker_on_a_real_queue_retries_a_refused_announcement(
    settings, deps, slack, client, contact_id, tmp_path
):
    configured = settings.model_copy(update={"itwg_queue_url": f"sqlite:///{tmp_path / 'queue.db'}"})
    huey = make_huey(configured)
    prepare(huey)
    app = create_app(configured, client, huey=huey, deps=deps)
    slack.fail("chat.postMessage", "internal_error")
    assert "is shared for UNFPA" in _share(app, deps, contact_id, "Family skills in camps")
    with running_consumer(work_queue_of(app)):
        # The refused opening, then (after the backoff) the opening and the announcement.
        slack.wait_for_calls("chat.postMessage", 3)
    assert len(_announcements(slack)) == 1


def test_an_announcement_that_cannot_be_queued_leaves_the_link_working(
    bot: BotHarness, contact_id, monkeypatch
):
    """The database goes away between storing the share and queueing its announcement: the page
    fails, and the contact's second try announces the initiative stored by the first, once."""
    web = create_web(bot.app, bot.deps).test_client()
    web.application.config["PROPAGATE_EXCEPTIONS"] = False
    token = links.share_token(bot.deps.settings, contact_id=contact_id, now=bot.deps.now())
    form = FORM | {"title": "Kept", "csrf_token": _csrf(web.get(f"/share/{token}").get_data(as_text=True))}
    queue = work_queue_of(bot.app)

    def broken(*_args, **_kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(queue, "put_job", broken)
    assert web.post(f"/share/{token}", data=form).status_code == 500
    assert _announcements(bot.slack) == []
    monkeypatch.undo()
    assert "is shared for UNFPA" in web.post(f"/share/{token}", data=form).get_data(as_text=True)
    with session_scope(bot.deps.engine) as session:
        assert [i.title for i in session.exec(select(Initiative))] == ["Kept"]
    assert len(_announcements(bot.slack)) == 1


def test_control_characters_typed_on_the_page_are_not_stored(bot: BotHarness, contact_id):
    _share(bot.app, bot.deps, contact_id, "Family\u202e skills\x00 in camps")
    with session_scope(bot.deps.engine) as session:
        [initiative] = session.exec(select(Initiative)).all()
    assert initiative.title == "Family skills in camps"


class _Browser:
    """A plain HTTP client keeping cookies, as a browser without JavaScript does."""

    def __init__(self) -> None:
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, url: str) -> str:
        with self.opener.open(url, timeout=60) as response:
            return response.read().decode()

    def post(self, url: str, form: dict[str, str]) -> str:
        with self.opener.open(url, data=urlencode(form).encode(), timeout=60) as response:
            return response.read().decode()


@pytest.mark.slow
def test_over_itwg_serve_the_announcement_is_posted_by_the_worker(database_url, settings, slack):
    """The web process stores the share and answers; only once a worker runs is it announced."""
    env = serve_env(slack_api_url=slack.api_url, database_url=database_url)
    subprocess.run([sys.executable, "-m", "bot", "migrate"], env=env, check=True, capture_output=True)
    engine = make_engine(database_url)
    contact = _add_contact(engine)
    engine.dispose()
    token = links.share_token(settings, contact_id=contact, now=datetime.now(UTC))
    with itwg_serve(env, workers=0) as (base, _process, _logged):
        browser = _Browser()
        csrf = _csrf(browser.get(f"{base}/share/{token}"))
        answer = browser.post(f"{base}/share/{token}", FORM | {"title": "Served", "csrf_token": csrf})
        assert re.search(r"<h1[^>]*>\s*Shared\s*</h1>", answer)
        assert slack.calls_to("chat.postMessage") == [], "the web process posts nothing itself"
        worker = start(["worker", "--workers", "1"], env)
        try:
            slack.wait_for_calls("chat.postMessage", 2, timeout=120)
        finally:
            logged = stop(worker)
    [announcement] = _announcements(slack)
    assert "Served" in message_text(announcement), logged
