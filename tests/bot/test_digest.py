"""The digest's numbers on a known fixture, and how the co-leads receive it."""

from datetime import date, timedelta

import pytest
from slack_sdk.models.blocks import Block

from bot import digest as digests
from bot.errors import UserError
from bot.exports import render_markdown
from storage.db import session_scope
from storage.models import Notification
from tests import digest_fixtures as fx
from tests.harness import CHANNEL, PEOPLE, message_text


@pytest.fixture
def known(engine, clock):
    fx.known_fixture(engine)
    clock.set(fx.NOW)


def _build(deps, **kwargs):
    with session_scope(deps.engine) as session:
        return digests.build(session, now=deps.now(), settings=deps.settings, **kwargs)


def test_digest_numbers_on_the_known_fixture(known, deps):
    digest = _build(deps)
    assert digest.since == fx.LAST_MEETING and digest.since_meeting
    assert digest.next_meeting.title == "Q2 meeting"

    assert (digest.shared_count, digest.counted_organisations) == (2, 16)
    shared = {line.acronym: line.sharing.shared for line in digest.organisations}
    assert shared["ILO"] == 1 and shared["UNICEF"] == 1 and shared["UNHCR"] == 0 and shared["OHCHR"] == 1
    assert "UNHCR" in digest.missing and "OHCHR" not in digest.missing and "ILO" not in digest.missing
    assert len(digest.missing) == 14

    assert digest.total == digests.Counts(total=4, new=2, changed=1)
    assert digest.statuses["ongoing"] == digests.Counts(2, 0, 1)
    assert digest.statuses["planned"] == digests.Counts(1, 1, 0)
    assert digest.statuses["completed"] == digests.Counts(1, 1, 0)
    objectives = {line.code: line for line in digest.objectives}
    assert objectives["advocacy"].counts == digests.Counts(2, 1, 1)
    assert objectives["advocacy"].by_status == {"ongoing": 1, "planned": 1}
    assert objectives["normative_guidance"].counts == digests.Counts(1, 0, 0)
    populations = {line.code: line.counts.total for line in digest.populations}
    assert populations == {"children": 1, "youth": 2, "criminal_justice": 1, "displaced_refugees": 1}
    assert [(c.title, c.is_new) for c in digest.changes] == [
        ("Rights-based services", True),
        ("Family skills", True),
        ("Youth employment & prevention", False),
    ]

    assert digest.action_totals == digests.ActionCounts(overdue=2, due_soon=2, completed=1)
    actions = {line.acronym: line.actions for line in digest.with_actions}
    assert actions == {
        "ILO": digests.ActionCounts(1, 1, 0),
        "UNICEF": digests.ActionCounts(0, 1, 0),
        "UNHCR": digests.ActionCounts(0, 0, 1),
        "WHO": digests.ActionCounts(1, 0, 0),
    }
    assert [r.title for r in digest.overdue] == ["Send the youth study", "Circulate guidance draft"]
    assert [r.title for r in digest.due_soon] == ["Draft joint note", "Share toolkit"]
    assert [r.title for r in digest.completed] == ["Map services"]
    assert len(digest.opportunities) == 1
    assert {c.title for c in digest.opportunities[0].initiatives} == {
        "Youth employment & prevention",
        "Family skills",
    }


def test_digest_since_a_date_widens_the_period(known, deps):
    since = digests.parse_since("since 2030-01-01", now=fx.NOW, timezone="Europe/Vienna")
    assert since == fx.at(2029, 12, 31, 23)
    digest = _build(deps, since=since)
    assert not digest.since_meeting
    assert digest.action_totals.completed == 2
    assert digest.total.new == 2


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("since 2030-02-30", "not a calendar date"),
        ("since 1/2/2030", "YYYY-MM-DD"),
        ("since", "YYYY-MM-DD"),
        ("since 2030-03-02", "in the future"),
        ("2030-01-01 extra", "YYYY-MM-DD"),
    ],
)
def test_bad_dates_are_refused_with_the_accepted_form(text, fragment):
    with pytest.raises(UserError, match=fragment):
        digests.parse_since(text, now=fx.NOW, timezone="Europe/Vienna")


def test_co_lead_receives_the_digest_privately(known, bot):
    bot.command("digest", who="UNODC")
    posts = bot.posts()
    assert len(posts) == 1
    assert posts[0]["channel"] == PEOPLE["UNODC"].id, "sent as a DM to the requester"
    assert not bot.posts(CHANNEL), "never in the channel"
    Block.parse_all(posts[0]["blocks"])
    text = message_text(posts[0])
    assert "2 of 16 organisations" in text
    assert "Not yet shared:* AU" in text
    assert "2 overdue, 2 due in the next 14 days, 1 completed" in text
    assert "Youth employment &amp; prevention" in text, "user text is escaped for mrkdwn"
    assert "Q2 meeting" in text
    assert not bot.slack.uploads, "a digest that fits needs no file"
    assert "privately" in bot.last_reply_text()


def test_member_is_politely_refused_and_nothing_is_sent(known, bot):
    bot.command("digest", who="ILO")
    assert "co-leads" in bot.last_reply_text()
    assert not bot.posts()


def test_bad_date_gives_a_short_message_and_no_digest(known, bot):
    bot.command("digest since tomorrow", who="WHO")
    assert "YYYY-MM-DD" in bot.last_reply_text()
    assert not bot.posts() and not bot.slack.uploads


def test_long_digest_sends_a_summary_and_attaches_the_full_markdown(known, bot, engine):
    with session_scope(engine) as session:
        for n in range(30):
            fx.action_item(session, "UNDP", f"Overdue task {n:02d}", due=date(2030, 1, 1) + timedelta(days=n))
            fx.initiative(session, "UNDP", f"Project <{n:02d}>", created=fx.at(2030, 2, 5))
    bot.command("digest", who="WHO")
    post = bot.posts()[0]
    assert post["channel"] == PEOPLE["WHO"].id
    Block.parse_all(post["blocks"])
    text = message_text(post)
    assert "Overdue task 07" in text and "Overdue task 08" not in text
    assert "more in the attached file" in text
    assert len(bot.slack.uploads) == 1
    upload = next(iter(bot.slack.uploads.values()))
    assert upload["filename"].startswith("itwg-digest-") and upload["filename"].endswith(".md")
    assert upload["channel_id"].startswith("D"), "the file goes to the DM, not the channel"
    markdown = upload["content"].decode("utf-8")
    assert "Overdue task 29" in markdown and "Project \\<29\\>" in markdown
    assert "- UNDP: 30 overdue" in markdown


def test_a_digest_of_long_texts_stays_whole_within_block_kit_limits(known, bot, engine):
    with session_scope(engine) as session:
        for n in range(12):
            org = ("UNDP", "UNFPA", "IOM")[n % 3]
            fx.initiative(session, org, f"{n:02d} " + "Long title " * 13, created=fx.at(2030, 2, 5))
            fx.action_item(session, org, f"Late {n:02d} " + "x" * 280, due=date(2030, 2, 1))
            fx.action_item(session, org, f"Soon {n:02d} " + "y" * 280, due=date(2030, 3, 5))
            fx.action_item(
                session,
                org,
                f"Closed {n:02d} " + "z" * 280,
                due=date(2030, 2, 2),
                status="done",
                closed=fx.at(2030, 2, 3),
                outcome="o" * 500,
            )
    bot.command("digest", who="UNODC")
    post = bot.posts()[0]
    Block.parse_all(post["blocks"])
    assert len(post["blocks"]) < 50
    assert all(len(b.get("text", {}).get("text", "")) < 3000 for b in post["blocks"]), "nothing was cut off"
    assert "more not shown here" not in message_text(post)
    assert len(bot.slack.uploads) == 1


def test_when_the_summary_would_be_cut_it_shortens_its_lists_instead(known, deps, engine, monkeypatch):
    with session_scope(engine) as session:
        for n in range(40):
            fx.action_item(session, "UNDP", f"Late {n:02d} " + "x" * 280, due=date(2030, 2, 1))
    monkeypatch.setattr(digests, "SUMMARY_ROWS", 40)
    rendered = digests.render(_build(deps))
    sections = [b["text"]["text"] for b in rendered.message["blocks"] if b["type"] == "section"]
    overdue = next(text for text in sections if text.startswith("*Overdue*"))
    assert overdue.count("• Late") == digests.SHORT_SUMMARY_ROWS
    assert all(len(text) < 3000 for text in sections)
    assert rendered.attachment is not None and "Late 39" in rendered.attachment.content


def test_the_full_file_says_when_a_list_is_longer_than_it_shows(known, deps, engine):
    with session_scope(engine) as session:
        for n in range(12):
            fx.action_item(session, "UNDP", f"Late {n:02d}", due=date(2030, 2, 1))
    rendered = digests.render(_build(deps, rows=10))
    assert "…and 4 more, not listed here." in rendered.attachment.content, "14 overdue, 10 listed"
    assert "…and 6 more in the attached file." in message_text(rendered.message), "14 overdue, 8 shown"


def test_the_digest_names_notifications_not_known_to_have_gone_out(known, deps):
    assert "Not known to have gone out" not in message_text(digests.render(_build(deps)).message)
    with session_scope(deps.engine) as session:
        session.add(
            Notification(
                key="meeting-reminder:7:P7D",
                kind="meeting-reminder",
                status="interrupted",
                due_at=fx.NOW - timedelta(days=1),
                claimed_at=fx.NOW - timedelta(days=1),
            )
        )
    digest = _build(deps)
    shown = message_text(digests.render(digest).message)
    assert "Not known to have gone out" in shown and "meeting-reminder:7:P7D" in shown
    markdown = render_markdown("digest.md.j2", digest=digest)
    assert "## Not known to have gone out" in markdown and "meeting-reminder:7:P7D" in markdown
