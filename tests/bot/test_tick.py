"""The tick: what is due goes out once, late things are skipped, Slack trouble delays but loses nothing."""

import logging
import threading
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from slack_sdk.models.blocks import Block
from sqlmodel import select

from bot import digest as digests
from bot import tick as tick_module
from bot.deps import Deps
from bot.notifications import Attachment, DueNotification
from bot.slack_client import make_clock_client
from bot.tick import describe, tick
from storage.db import make_engine, session_scope
from storage.models import ActionItem, Initiative, Meeting, Notification, Person
from storage.repositories import organisations
from tests.harness import CHANNEL, message_text

STARTS = datetime(2030, 6, 11, 12, 0, tzinfo=UTC)


@pytest.fixture
def slack_client(settings):
    return make_clock_client(settings)


def add_meeting(engine, starts_at=STARTS, **fields) -> Meeting:
    with session_scope(engine) as session:
        meeting = Meeting(
            uid=f"m-{starts_at:%Y%m%d%H%M}@test", starts_at=starts_at, timezone="Europe/Vienna", **fields
        )
        session.add(meeting)
        session.flush()
        return meeting


def add_person(engine, slack_user_id, acronym, *, focal=False) -> None:
    with session_scope(engine) as session:
        organisation = organisations.find_by_acronym(session, text=acronym)
        session.add(
            Person(
                slack_user_id=slack_user_id,
                organisation_id=organisation.id,
                display_name=slack_user_id,
                is_focal_point=focal,
            )
        )


def log_rows(engine) -> list[Notification]:
    with session_scope(engine) as session:
        return list(session.exec(select(Notification).order_by(Notification.id)))


def posts(slack, channel=None):
    return [
        c.params
        for c in slack.calls_to("chat.postMessage")
        if channel is None or c.params["channel"] == channel
    ]


def test_reminders_and_nudges_go_out_once_at_14_days(deps, slack, slack_client):
    meeting = add_meeting(deps.engine)
    add_person(deps.engine, "UILOFOCAL", "ILO", focal=True)
    add_person(deps.engine, "UILOOTHER", "ILO")
    add_person(deps.engine, "UUNHCR001", "UNHCR")
    add_person(deps.engine, "UUNHCR002", "UNHCR")
    add_person(deps.engine, "UOHCHR001", "OHCHR")
    add_person(deps.engine, "UUNICEF01", "UNICEF")
    with session_scope(deps.engine) as session:
        unicef = organisations.find_by_acronym(session, text="UNICEF")
        session.add(Initiative(title="Shared", status="ongoing", lead_organisation_id=unicef.id))

    at = STARTS - timedelta(days=14) + timedelta(minutes=1)
    report = tick(deps, slack_client, now=at)
    [reminder] = posts(slack, CHANNEL)
    assert f"#{meeting.id} in 14 days" in reminder["text"]
    assert (
        "UNICEF" not in reminder["blocks"][1]["text"]["text"]
        and "OHCHR" not in reminder["blocks"][1]["text"]["text"]
    )
    for post in posts(slack):
        Block.parse_all(post["blocks"])
    nudged = {p["channel"] for p in posts(slack) if p["channel"] != CHANNEL}
    assert nudged == {"UILOFOCAL", "UUNHCR001", "UUNHCR002"}, "focal points, else everyone; no observer"
    assert len(report.sent) == 4

    again = tick(deps, slack_client, now=at + timedelta(minutes=1))
    assert again.sent == [] and len(posts(slack)) == 4


def test_seven_day_reminder_carries_the_agenda_file_in_its_thread(deps, slack, slack_client):
    add_meeting(deps.engine)
    tick(deps, slack_client, now=STARTS - timedelta(days=7))
    [reminder] = posts(slack, CHANNEL)
    assert "in 7 days" in reminder["text"]
    Block.parse_all(reminder["blocks"])
    [markdown] = [u for u in slack.uploads.values() if u["filename"].endswith(".md")]
    assert markdown["channel_id"] == CHANNEL
    assert "# ITWG agenda pre-read" in markdown["content"].decode()


def test_a_late_tick_skips_what_is_past_its_grace_and_the_hour_reminder_never_follows_the_start(
    deps, slack, slack_client
):
    add_meeting(deps.engine)
    report = tick(deps, slack_client, now=STARTS - timedelta(minutes=29))
    assert report.sent == [], "31 minutes late for the 1-hour reminder: past its 30-minute grace"
    assert any(":1h:" in key for key in report.skipped)
    assert posts(slack, CHANNEL) == []
    statuses = {
        row.key.split(":")[2]: row.status for row in log_rows(deps.engine) if row.kind == "meeting-reminder"
    }
    assert statuses["1h"] == "skipped" and statuses["1d"] == "skipped"
    assert tick(deps, slack_client, now=STARTS + timedelta(minutes=5)).sent == []
    assert posts(slack, CHANNEL) == []


def test_a_tick_within_the_grace_still_sends(deps, slack, slack_client):
    add_meeting(deps.engine)
    report = tick(deps, slack_client, now=STARTS - timedelta(minutes=40))
    assert [key.split(":")[2] for key in report.sent] == ["1h"]
    assert "in 1 hour" in posts(slack, CHANNEL)[0]["text"]


def test_moving_a_meeting_gives_the_new_time_its_own_reminders(deps, slack, slack_client):
    meeting = add_meeting(deps.engine)
    tick(deps, slack_client, now=STARTS - timedelta(days=1))
    with session_scope(deps.engine) as session:
        moved = session.get(Meeting, meeting.id)
        moved.starts_at = STARTS + timedelta(days=7)
        session.add(moved)
    tick(deps, slack_client, now=STARTS + timedelta(days=6))
    texts = [p["text"] for p in posts(slack, CHANNEL)]
    assert len(texts) == 2 and all(f"ITWG meeting #{meeting.id} in 1 day" in text for text in texts)


def test_a_rate_limit_storm_delays_but_loses_nothing(deps, slack, slack_client):
    add_meeting(deps.engine)
    for user in ("UILO00001", "UUNHCR001", "UUNICEF01"):
        add_person(deps.engine, user, {"UILO00001": "ILO", "UUNHCR001": "UNHCR", "UUNICEF01": "UNICEF"}[user])
    slack.rate_limit("chat.postMessage", times=4, retry_after=0)
    report = tick(deps, slack_client, now=STARTS - timedelta(days=14))
    assert len(slack.calls_to("rate_limited:chat.postMessage")) == 4
    assert len(report.sent) == 4 and report.failed == []
    assert Counter(p["channel"] for p in posts(slack)) == Counter(
        {CHANNEL: 1, "UILO00001": 1, "UUNHCR001": 1, "UUNICEF01": 1}
    )
    assert {row.status for row in log_rows(deps.engine)} == {"sent"}


def test_not_in_channel_is_logged_retried_on_a_later_tick_and_never_duplicated(
    deps, slack, slack_client, caplog
):
    add_meeting(deps.engine)
    at = STARTS - timedelta(days=1)
    slack.fail("chat.postMessage", "not_in_channel")
    with caplog.at_level(logging.ERROR, logger="bot.tick"):
        first = tick(deps, slack_client, now=at)
    assert first.failed and not first.sent
    assert "not_in_channel" in caplog.text and "invite it" in caplog.text
    [row] = log_rows(deps.engine)
    assert row.status == "failed" and row.next_attempt_at == at + timedelta(minutes=2)

    assert tick(deps, slack_client, now=at + timedelta(minutes=1)).sent == [], "not before its retry time"
    retried = tick(deps, slack_client, now=at + timedelta(minutes=2))
    assert retried.sent == [row.key]
    assert tick(deps, slack_client, now=at + timedelta(minutes=5)).sent == []
    [row] = log_rows(deps.engine)
    assert row.status == "sent" and row.attempts == 2
    assert len(posts(slack, CHANNEL)) == 2, "one refused attempt and one delivery"


def test_a_failed_reminder_is_not_retried_once_its_meeting_is_cancelled(deps, slack, slack_client):
    meeting = add_meeting(deps.engine)
    at = STARTS - timedelta(days=1)
    slack.fail("chat.postMessage", "not_in_channel")
    tick(deps, slack_client, now=at)
    with session_scope(deps.engine) as session:
        cancelled = session.get(Meeting, meeting.id)
        cancelled.status = "cancelled"
        session.add(cancelled)
    report = tick(deps, slack_client, now=at + timedelta(minutes=3))
    assert report.sent == [] and "no longer due" in describe(report)
    [row] = log_rows(deps.engine)
    assert row.status == "failed" and row.next_attempt_at is None
    assert len(posts(slack, CHANNEL)) == 1, "only the refused attempt"


def test_retries_are_bounded(deps, slack, slack_client):
    add_meeting(deps.engine)
    at = STARTS - timedelta(days=14)
    slack.fail("chat.postMessage", "channel_not_found", times=20)
    moment = at
    for _ in range(12):
        tick(deps, slack_client, now=moment)
        moment += timedelta(minutes=61)
    [row] = log_rows(deps.engine)
    assert row.status == "failed" and row.next_attempt_at is None and row.attempts == tick_module.MAX_ATTEMPTS


def test_a_failed_attachment_does_not_post_the_message_twice(deps, slack, slack_client):
    add_meeting(deps.engine)
    at = STARTS - timedelta(days=7)
    slack.fail("files.completeUploadExternal", "not_in_channel")
    tick(deps, slack_client, now=at)
    tick(deps, slack_client, now=at + timedelta(minutes=2))
    assert len(posts(slack, CHANNEL)) == 1
    assert [row.status for row in log_rows(deps.engine)] == ["sent"]
    assert len(slack.calls_to("files.completeUploadExternal")) == 2


def _stale_claim(engine, now, **fields) -> None:
    """A notification a tick claimed and then never finished: the clock stopped mid-send."""
    with session_scope(engine) as session:
        session.add(
            Notification(
                key="digest:UUNODC001:2030-06-03",
                kind="digest",
                status="claimed",
                due_at=now - timedelta(minutes=40),
                claimed_at=now - timedelta(minutes=35),
                **fields,
            )
        )


def test_a_send_interrupted_before_slack_answered_is_reported_and_never_sent_again(
    deps, slack, slack_client, caplog
):
    now = datetime(2030, 6, 3, 8, 0, tzinfo=UTC)
    message = {"text": "Your digest", "blocks": []}
    payload = {
        "channel": "UUNODC001",
        "message": message,
        "attachments": [],
        "expires_at": "2030-06-04T00:00:00+00:00",
    }
    _stale_claim(deps.engine, now, payload=payload)
    with caplog.at_level(logging.ERROR, logger="bot.tick"):
        report = tick(deps, slack_client, now=now)
    assert report.interrupted == ["digest:UUNODC001:2030-06-03"]
    assert "may not have reached UUNODC001" in caplog.text and "send it by hand" in caplog.text
    assert "interrupted 1" in describe(report)
    tick(deps, slack_client, now=now + timedelta(hours=1))
    assert posts(slack) == []
    [row] = log_rows(deps.engine)
    assert row.status == "interrupted" and row.next_attempt_at is None


def test_a_send_interrupted_after_posting_is_finished_without_posting_twice(deps, slack, slack_client):
    now = datetime(2030, 6, 3, 8, 0, tzinfo=UTC)
    payload = {
        "channel": "UUNODC001",
        "message": {"text": "Your digest", "blocks": []},
        "attachments": [{"filename": "digest.md", "title": "Digest", "content": "# Digest"}],
        "expires_at": "2030-06-04T00:00:00+00:00",
        "message_ts": "1780000000.000100",
        "posted_in": "DUNODC001",
    }
    _stale_claim(deps.engine, now, payload=payload)
    report = tick(deps, slack_client, now=now)
    assert report.interrupted == [] and report.sent == ["digest:UUNODC001:2030-06-03"]
    assert posts(slack) == []
    [upload] = slack.calls_to("files.completeUploadExternal")
    assert upload.params["thread_ts"] == "1780000000.000100"
    assert [row.status for row in log_rows(deps.engine)] == ["sent"]


def test_a_claim_younger_than_any_send_is_left_to_the_tick_sending_it(deps, slack, slack_client):
    now = datetime(2030, 6, 3, 8, 0, tzinfo=UTC)
    _stale_claim(deps.engine, now + timedelta(minutes=30), payload={})
    report = tick(deps, slack_client, now=now)
    assert report.interrupted == [] and [row.status for row in log_rows(deps.engine)] == ["claimed"]


def test_dry_run_sends_and_records_nothing(deps, slack):
    add_meeting(deps.engine)
    report = tick(deps, None, now=STARTS - timedelta(days=7), dry_run=True)
    assert len(report.would_send) == 1 and "itwg-agenda" in describe(report)
    assert slack.calls == [] and log_rows(deps.engine) == []


SYNTHETIC = 500


def synthetic_source(session, *, now, settings):
    """500 notifications due at one moment, as the action-item and digest sources might produce."""
    due_at = datetime(2030, 1, 15, 9, 0, tzinfo=UTC)
    return [
        DueNotification(
            key=f"synthetic:{n}",
            kind="synthetic",
            due_at=due_at,
            grace=timedelta(hours=1),
            channel=CHANNEL if n % 2 else f"UPERSON{n:04d}",
            render=lambda n=n: {"text": f"synthetic:{n}", "blocks": []},
            attachments=(lambda n=n: [Attachment("n.md", "n", "x")] if n % 100 == 0 else []),
        )
        for n in range(SYNTHETIC)
    ]


def test_two_clocks_on_one_database_send_each_of_500_notifications_exactly_once(
    settings, database_url, engine, slack, monkeypatch
):
    """Two clocks (threads with engines of their own) tick the same instants; 50 first attempts are
    refused with not_in_channel, so the retries are raced for too."""
    monkeypatch.setattr(tick_module, "SOURCES", [synthetic_source])
    slack.fail("chat.postMessage", "not_in_channel", times=50)
    instants = [datetime(2030, 1, 15, 9, minute, tzinfo=UTC) for minute in range(4)]
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def clock() -> None:
        own_engine = make_engine(database_url)
        deps = Deps(settings=settings, engine=own_engine)
        client = make_clock_client(settings)
        try:
            start.wait()
            for instant in instants:
                tick(deps, client, now=instant)
        except BaseException as error:
            errors.append(error)
        finally:
            own_engine.dispose()

    threads = [threading.Thread(target=clock) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert errors == []
    attempts = Counter(p["text"] for p in posts(slack))
    assert len(attempts) == SYNTHETIC
    assert sum(attempts.values()) == SYNTHETIC + 50, "each key posted once, plus the 50 refused attempts"
    assert Counter(attempts.values()) == Counter({1: SYNTHETIC - 50, 2: 50})
    assert len(slack.calls_to("files.completeUploadExternal")) == SYNTHETIC // 100
    rows = log_rows(engine)
    assert len(rows) == SYNTHETIC and {row.status for row in rows} == {"sent"}
    assert sorted(row.attempts for row in rows if attempts[row.key] == 2) == [2] * 50


@given(amount=st.integers(min_value=1, max_value=90), unit=st.sampled_from("dhm"))
def test_no_reminder_can_be_sent_after_its_meeting_starts(amount, unit):
    from bot.reminders import grace_for, parse_offset

    offset = parse_offset(f"{amount}{unit}")
    assert grace_for(offset) < offset, "due_at + grace stays before the start"


def test_a_post_whose_answer_is_lost_is_never_repeated_and_the_digest_lists_it(deps, slack, slack_client):
    """Slack stores the post but the connection drops before its answer arrives: neither the
    client nor a later tick posts it again; the log says interrupted and the digest names it."""
    add_meeting(deps.engine)
    for user, acronym in (("UILO00001", "ILO"), ("UUNHCR001", "UNHCR"), ("UUNICEF01", "UNICEF")):
        add_person(deps.engine, user, acronym)
    slack.drop_answers("chat.postMessage", times=5)
    at = STARTS - timedelta(days=14)
    first = tick(deps, slack_client, now=at)
    for minutes in (2, 5, 15, 60):
        tick(deps, slack_client, now=at + timedelta(minutes=minutes))
    tick(deps, slack_client, now=at + timedelta(hours=1))
    per_person = Counter(p["channel"] for p in posts(slack))
    assert per_person and max(per_person.values()) == 1, per_person
    lost = {row.key for row in log_rows(deps.engine) if row.status == "interrupted"}
    assert lost == set(first.interrupted) and len(lost) == 4
    assert all(row.status == "interrupted" for row in log_rows(deps.engine))

    with session_scope(deps.engine) as session:
        built = digests.build(session, now=at + timedelta(hours=2), settings=deps.settings)
    shown = message_text(digests.render(built).message)
    assert "Not known to have gone out" in shown
    assert all(key in shown for key in lost)


def test_the_clock_client_repeats_a_call_only_when_it_cannot_have_reached_slack(slack, slack_client):
    slack.drop_answers("chat.postMessage", times=1)
    with pytest.raises(Exception):  # noqa: B017 (whichever way urllib reports the dropped answer)
        slack_client.chat_postMessage(channel=CHANNEL, text="once")
    assert len(posts(slack)) == 1
    slack.drop_answers("users.info", times=1)
    assert slack_client.users_info(user="UILO00001")["ok"], "a read is simply asked again"


def test_after_days_without_a_tick_every_missed_notification_is_recorded_skipped_and_in_the_digest(
    deps, slack, slack_client
):
    add_meeting(deps.engine)
    add_person(deps.engine, "UILO00001", "ILO")
    add_person(deps.engine, "UUNHCR001", "UNHCR")
    with session_scope(deps.engine) as session:
        owner = organisations.find_by_acronym(session, text="ILO")
        session.add(ActionItem(title="Draft", owner_organisation_id=owner.id, due_date=date(2030, 6, 1)))
    tick(deps, slack_client, now=STARTS - timedelta(days=20))
    assert posts(slack) == []

    back = STARTS - timedelta(days=3)  # stopped for 17 days: the 14- and 7-day moments are long gone
    report = tick(deps, slack_client, now=back)
    assert posts(slack) == [], "nothing is sent late"
    skipped = {row.key: row for row in log_rows(deps.engine)}
    assert set(report.skipped) == set(skipped)
    kinds = Counter(row.kind for row in skipped.values())
    assert kinds == {"meeting-reminder": 2, "sharing-nudge": 4, "action-due-soon": 1, "action-overdue": 1}
    assert all(row.status == "skipped" for row in skipped.values())
    assert all("the clock did not tick from 2030-05-22 12:00" in row.last_error for row in skipped.values())

    with session_scope(deps.engine) as session:
        built = digests.build(session, now=back, settings=deps.settings)
    shown = message_text(digests.render(built).message)
    assert "Skipped, never sent* (8;" in shown
    assert "reminder:" in shown and "nudge:" in shown and "did not tick" in shown
    assert tick(deps, slack_client, now=back + timedelta(minutes=1)).skipped == [], "recorded once"
