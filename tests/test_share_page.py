"""``/share/<token>``: an e-mail-only contact shares for their organisation in a real browser
(Debian's Chromium through Playwright), once per link; used, expired and forged links and posts
without the form's CSRF token store nothing."""

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from pydantic import SecretStr
from sqlmodel import select
from werkzeug.serving import make_server

from bot import initiatives, links
from bot.web import create_web
from storage.db import session_scope
from storage.models import AuditEntry, EmailOptOut, Initiative, Meeting
from storage.repositories import contacts, organisations
from tests.registry.test_registry_browser import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)"
)

EMAIL = "fatima@unfpa.org"


@pytest.fixture
def contact_id(bot) -> int:
    with session_scope(bot.deps.engine) as session:
        unfpa = organisations.find_by_acronym(session, text="UNFPA")
        contact = contacts.add(
            session,
            organisation_id=unfpa.id,
            name="Fatima",
            email=EMAIL,
            is_focal_point=True,
            created_by_person_id=None,
        )
        return contact.id


@pytest.fixture
def base_url(bot) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, create_web(bot.app, bot.deps), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    yield context.new_page()
    context.close()


def _link(bot, contact_id: int, *, days_ago: int = 0) -> str:
    now = bot.deps.now() - timedelta(days=days_ago)
    return links.share_token(bot.deps.settings, contact_id=contact_id, now=now)


def _stored(bot) -> list[Initiative]:
    with session_scope(bot.deps.engine) as session:
        return list(session.exec(select(Initiative)))


def _unfpa_missing(bot) -> bool:
    return any(row.organisation.acronym == "UNFPA" for row in initiatives.sharing_report(bot.deps).missing)


def _fill_and_share(page: Page, title: str) -> None:
    page.get_by_label("Title").fill(title)
    page.get_by_label("Advocacy", exact=False).first.check()
    page.get_by_label("Countries").fill("KE, Nigeria")
    page.get_by_role("button", name="Share").click()


def test_a_contact_shares_once_and_the_organisation_counts_as_shared(bot, contact_id, base_url, page):
    assert _unfpa_missing(bot)
    token = _link(bot, contact_id)
    page.goto(f"{base_url}/share/{token}")
    assert page.locator("h1").inner_text() == "Share initiatives for UNFPA"
    assert page.locator("link[rel=stylesheet]").get_attribute("href") == "/pages/static/registry.css"

    # The modal's own checks: no objective, an unknown country.
    page.get_by_label("Title").fill("Family skills in camps")
    page.get_by_label("Countries").fill("Atlantis")
    page.get_by_role("button", name="Share").click()
    assert "Choose at least one ITWG objective." in page.content()
    assert "as a country" in page.content()
    assert _stored(bot) == []

    second_tab = page.context.new_page()
    second_tab.goto(f"{base_url}/share/{token}")
    _fill_and_share(page, "Family skills in camps")
    assert page.locator("h1").inner_text() == "Shared"
    [initiative] = _stored(bot)
    assert initiative.title == "Family skills in camps"
    assert not _unfpa_missing(bot)
    with session_scope(bot.deps.engine) as session:
        [entry] = session.exec(select(AuditEntry).where(AuditEntry.action == "initiative.share")).all()
    assert entry.actor == f"contact:{EMAIL}"
    assert any("Fatima (UNFPA, by e-mail link)" in str(post) for post in bot.posts())

    _fill_and_share(second_tab, "Family skills in camps")
    assert second_tab.locator("h1").inner_text() == "This link has been used"
    page.goto(f"{base_url}/share/{token}")
    assert page.locator("h1").inner_text() == "This link has been used"
    assert len(_stored(bot)) == 1


def test_expired_and_forged_links_and_posts_without_the_csrf_token_store_nothing(
    bot, contact_id, base_url, page
):
    expired = _link(bot, contact_id, days_ago=15)
    response = page.goto(f"{base_url}/share/{expired}")
    assert response.status == 410 and page.locator("h1").inner_text() == "This link has expired"

    good = _link(bot, contact_id)
    body, _, mac = good.partition(".")
    forged_contact = links.share_token(
        bot.deps.settings.model_copy(update={"itwg_link_secret": SecretStr("not-ours")}),
        contact_id=contact_id,
        now=bot.deps.now(),
    )
    for forged in (f"{body}.{mac[::-1]}", forged_contact, "nonsense"):
        response = page.goto(f"{base_url}/share/{forged}")
        assert response.status == 404 and "not one the ITWG bot sent" in page.content()

    # Opening the page gives this browser its token; a post without it (or with another) is refused.
    page.goto(f"{base_url}/share/{good}")
    fields = {"action": "share", "title": "Sneaky", "objectives": "advocacy", "status": "ongoing"}
    for csrf in (None, "guessed"):
        form = fields | ({"csrf_token": csrf} if csrf else {})
        response = page.request.post(f"{base_url}/share/{good}", form=form)
        assert response.status == 403 and "not sent from its page" in response.text()
    assert _stored(bot) == []

    _fill_and_share(page, "Still works after the refusals")
    assert page.locator("h1").inner_text() == "Shared"
    assert len(_stored(bot)) == 1


def test_the_unsubscribe_link_asks_then_stops_email(bot, base_url, page):
    url = links.unsubscribe_url(bot.deps.settings.model_copy(update={"itwg_web_url": base_url}), email=EMAIL)
    page.goto(url)
    with session_scope(bot.deps.engine) as session:
        assert session.exec(select(EmailOptOut)).all() == [], "opening the link alone changes nothing"
    page.get_by_role("button", name="Stop e-mail").click()
    assert "will receive no more e-mail" in page.content()
    with session_scope(bot.deps.engine) as session:
        assert [o.email for o in session.exec(select(EmailOptOut))] == [EMAIL]


def test_a_contact_confirms_last_cycles_initiative_as_completed(bot, contact_id, base_url, page):
    held = datetime(2030, 1, 1, 12, tzinfo=UTC)
    with session_scope(bot.deps.engine) as session:
        unfpa = organisations.find_by_acronym(session, text="UNFPA")
        session.add(Meeting(uid="held@test", starts_at=held, timezone="Europe/Vienna"))
        earlier = held - timedelta(days=30)
        session.add(
            Initiative(
                title="Youth outreach",
                status="ongoing",
                lead_organisation_id=unfpa.id,
                created_at=earlier,
                updated_at=earlier,
                shared_at=earlier,
                shared_by_organisation_at=earlier,
            )
        )
    assert _unfpa_missing(bot)
    page.goto(f"{base_url}/share/{_link(bot, contact_id)}")
    page.get_by_label("Youth outreach").select_option("completed")
    page.get_by_role("button", name="Confirm").click()
    assert page.locator("h1").inner_text() == "Confirmed"
    [initiative] = _stored(bot)
    assert initiative.status == "completed"
    assert not _unfpa_missing(bot)


def test_a_share_that_fails_while_storing_leaves_the_link_usable(bot, contact_id, monkeypatch):
    web = create_web(bot.app, bot.deps).test_client()
    token = _link(bot, contact_id)
    page = web.get(f"/share/{token}").get_data(as_text=True)
    csrf = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    form = {
        "csrf_token": csrf,
        "action": "share",
        "title": "Kept",
        "objectives": "advocacy",
        "status": "ongoing",
    }

    def broken(*_args, **_kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(initiatives, "save", broken)
    web.application.config["PROPAGATE_EXCEPTIONS"] = False
    assert web.post(f"/share/{token}", data=form).status_code == 500
    monkeypatch.undo()
    assert "Shared" in web.post(f"/share/{token}", data=form).get_data(as_text=True)
    assert [i.title for i in _stored(bot)] == ["Kept"]


def test_stopping_email_by_the_link_is_in_the_audit_trail_once(bot):
    web = create_web(bot.app, bot.deps).test_client()
    token = links.unsubscribe_token(bot.deps.settings, email=EMAIL)
    for _ in range(2):
        assert "will receive no more e-mail" in web.post(f"/unsubscribe/{token}").get_data(as_text=True)
    with session_scope(bot.deps.engine) as session:
        entries = session.exec(select(AuditEntry).where(AuditEntry.action == "email.off")).all()
    assert [(e.actor, e.details["email"], e.details["changes"]) for e in entries] == [
        ("unsubscribe link", EMAIL, {"email": {"before": "on", "after": "off"}})
    ]


def test_a_link_of_an_organisation_retired_since_shares_nothing(bot, contact_id):
    web = create_web(bot.app, bot.deps).test_client()
    token = _link(bot, contact_id)
    csrf = web.get(f"/share/{token}").get_data(as_text=True).split('name="csrf_token" value="', 1)[1][:32]
    csrf = csrf.split('"', 1)[0]
    bot.command("org retire UNFPA", who="WHO")
    opened = web.get(f"/share/{token}")
    assert opened.status_code == 410
    assert "UNFPA is no longer an organisation of the working group" in opened.get_data(as_text=True)
    form = {
        "csrf_token": csrf,
        "action": "share",
        "title": "Late",
        "objectives": "advocacy",
        "status": "ongoing",
    }
    assert web.post(f"/share/{token}", data=form).status_code == 410
    assert _stored(bot) == []
