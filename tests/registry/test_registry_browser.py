"""The public registry in a real browser: Debian's headless Chromium driven by Playwright.

Runs wherever /usr/bin/chromium exists (CI installs it); Playwright never downloads a browser.
Also takes the screenshot README shows (docs/registry-screenshot.png).
"""

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from werkzeug.serving import make_server

from tests.registry.conftest import SECRET_TITLE, add_initiative, add_meeting

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "registry-screenshot.png"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)"
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def base_url(web, sample) -> Iterator[str]:
    """The web app on a free local port, served from a thread for the length of one test."""
    server = make_server("127.0.0.1", 0, web, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        locale="en-GB", timezone_id="Asia/Tokyo", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda message: problems.append(message.text) if "Content Security Policy" in message.text else None,
    )
    yield page
    context.close()
    assert problems == []  # no script error, nothing the Content-Security-Policy had to block


def result_titles(page: Page) -> list[str]:
    return page.locator("ol.initiatives h3").all_inner_texts()


def test_filter_by_objective(page: Page, base_url: str):
    page.goto(f"{base_url}/registry")
    assert len(result_titles(page)) == 3
    page.get_by_label("Objective", exact=True).select_option("advocacy")
    page.get_by_role("button", name="Show initiatives").click()
    expect(page).to_have_url(
        f"{base_url}/registry?q=&objective=advocacy&population=&continuum=&organisation=&region=&country=&status="
    )
    assert result_titles(page) == ["Family skills for prevention in schools"]
    expect(page.get_by_label("Objective", exact=True)).to_have_value("advocacy")
    assert SECRET_TITLE not in page.content()


def test_search(page: Page, base_url: str):
    page.goto(f"{base_url}/registry")
    page.get_by_label("Search titles and summaries").fill("prisons")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=prisons**")
    assert result_titles(page) == ["Treatment of drug use disorders in prisons"]
    page.get_by_label("Search titles and summaries").fill("donor")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=donor**")
    expect(page.get_by_text("No shareable initiative matches these filters.")).to_be_visible()
    assert SECRET_TITLE not in page.content()


def test_open_an_initiative(page: Page, base_url: str):
    page.goto(f"{base_url}/registry")
    page.get_by_role("link", name="Family skills for prevention in schools").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Family skills for prevention in schools")
    expect(page.locator(".facts")).to_contain_text("United Nations Office on Drugs and Crime (UNODC)")
    expect(page.locator(".facts")).to_contain_text("World Health Organization (WHO)")
    expect(page.get_by_role("link", name="https://www.unodc.org/family-skills")).to_be_visible()


def _focused(page: Page) -> dict:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            return {id: el.id, tag: el.tagName, text: el.textContent.trim(), href: el.getAttribute('href'),
                    outline: style.outlineStyle, width: parseFloat(style.outlineWidth)};
        }"""
    )


def test_keyboard_reaches_the_form_and_the_results_with_visible_focus(page: Page, base_url: str):
    page.goto(f"{base_url}/registry")
    page.keyboard.press("Tab")
    assert _focused(page)["text"] == "Skip to content"
    seen = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = _focused(page)
        seen.append(focused)
        assert focused["outline"] != "none" and focused["width"] >= 2, focused
        if focused["href"] and focused["href"].startswith("/registry/initiatives/"):
            break
    ids = [f["id"] for f in seen]
    assert ids.index("q") < ids.index("objective") < ids.index("status")
    assert any(f["tag"] == "BUTTON" for f in seen)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(seen[-1]["text"])


def test_the_skip_link_moves_focus_to_the_content(page: Page, base_url: str):
    page.goto(f"{base_url}/registry")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert _focused(page)["id"] == "q"  # the first control after the skip target, not the header links


def test_meeting_times_turn_into_the_visitors_timezone(page: Page, base_url: str, engine):
    add_meeting(engine, "Quarterly video call", datetime(2030, 2, 3, 13, 30, tzinfo=UTC))
    page.goto(f"{base_url}/registry/meetings")
    moment = page.locator("time[data-local]")
    expect(moment).to_contain_text("22:30")  # 13:30 UTC in Tokyo
    expect(moment).to_have_attribute("title", "Sunday 3 February 2030, 13:30 UTC")
    expect(page.locator("[data-timezone-note]")).to_contain_text("Asia/Tokyo")


def test_a_working_group_only_title_is_absent_everywhere(page: Page, base_url: str, sample, engine, clock):
    add_meeting(engine, "Quarterly video call", clock() + timedelta(days=5))
    for path in (
        "/registry",
        "/registry?objective=advocacy",
        "/registry?q=review",
        "/registry/meetings",
        f"/registry/initiatives/{sample.family}",
    ):
        page.goto(base_url + path)
        assert SECRET_TITLE not in page.content()
    response = page.goto(f"{base_url}/registry/initiatives/{sample.secret}")
    assert response.status == 404


def test_phone_layout_has_no_sideways_scrolling(browser: Browser, base_url: str):
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2)
    page = context.new_page()
    page.goto(f"{base_url}/registry")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()


def test_screenshot_of_the_registry_for_readme(page: Page, base_url: str, engine):
    for number, (title, lead, objective, population) in enumerate(
        [
            (
                "Community-based treatment for displaced people",
                "UNHCR",
                "good_practices",
                "displaced_refugees",
            ),
            ("Advocacy toolkit for investment in prevention", "WHO", "advocacy", "general_population"),
            ("Youth employment and recovery", "ILO", "good_practices", "youth"),
        ]
    ):
        add_initiative(
            engine,
            title,
            lead=lead,
            tags={"objective": [objective], "population": [population]},
            created_at=datetime(2029, 7, 1 + number, tzinfo=UTC),
        )
    page.goto(f"{base_url}/registry")
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert SCREENSHOT.stat().st_size > 10_000


def test_meeting_times_are_24_hour_for_a_visitor_whose_locale_says_12(
    browser: Browser, base_url: str, engine
):
    add_meeting(engine, "Quarterly video call", datetime(2030, 2, 3, 13, 30, tzinfo=UTC))
    context = browser.new_context(locale="en-US", timezone_id="America/New_York")
    page = context.new_page()
    page.goto(f"{base_url}/registry/meetings")
    moment = page.locator("time[data-local]")
    expect(moment).to_contain_text("08:30")  # 13:30 UTC in New York
    expect(moment).not_to_contain_text("AM")
    context.close()
