"""Scheduled digests: exact due instants in the subscriber's timezone, across daylight saving."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import Block
from sqlmodel import select

from bot.digest_schedule import GRACE, LOOKBACK, due_digests, latest_occurrence, parse_schedule
from bot.errors import UserError
from storage.db import session_scope
from storage.models import AuditEntry, DigestSubscription, Person
from tests import digest_fixtures as fx
from tests.harness import PEOPLE, message_text

# The largest change of UTC offset at a DST transition among the zones tested (an hour; Lord Howe's
# is half an hour).
MAX_DST_SHIFT = timedelta(hours=1)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _due(deps, now):
    with session_scope(deps.engine) as session:
        return due_digests(session, now=now, settings=deps.settings)


SUBSCRIBED_AT = utc(2030, 3, 20, 12)


def _subscribe(bot, text, who="UNODC", at=SUBSCRIBED_AT):
    bot.clock.set(at)
    bot.command(f"digest subscribe {text}", who=who)
    return bot.last_reply_text()


def _person_id(bot, who):
    with session_scope(bot.deps.engine) as session:
        return session.exec(select(Person.id).where(Person.slack_user_id == PEOPLE[who].id)).one()


def test_weekly_digest_is_due_at_nine_vienna_time_before_and_after_dst(bot):
    reply = _subscribe(bot, "weekly monday 09:00")
    assert "every Monday at 09:00 (Europe/Vienna)" in reply
    person_id = _person_id(bot, "UNODC")
    assert _due(bot.deps, utc(2030, 3, 25, 7, 59, 59)) == []
    (due,) = _due(bot.deps, utc(2030, 3, 25, 8, 0))
    assert due.key == f"digest:{person_id}:2030-03-25"
    assert due.due_at == utc(2030, 3, 25, 8, 0), "09:00 CET is 08:00 UTC"
    assert due.channel == PEOPLE["UNODC"].id, "a direct message, never the channel"
    assert due.kind == "digest" and due.grace == GRACE
    assert [d.key for d in _due(bot.deps, utc(2030, 3, 25, 8, 0) + GRACE)] == [due.key]
    # Past its grace it is still listed for a while, for the tick to record it as skipped.
    assert [d.key for d in _due(bot.deps, utc(2030, 3, 25, 8, 0) + LOOKBACK)] == [due.key]
    assert _due(bot.deps, utc(2030, 3, 25, 8, 0) + LOOKBACK + timedelta(seconds=1)) == []
    # Clocks go forward on Sunday 31 March 2030: the next Monday's 09:00 is 07:00 UTC.
    assert _due(bot.deps, utc(2030, 4, 1, 6, 59)) == []
    (after,) = _due(bot.deps, utc(2030, 4, 1, 7, 0))
    assert after.key == f"digest:{person_id}:2030-04-01" and after.due_at == utc(2030, 4, 1, 7, 0)


def test_the_rendered_digest_covers_the_week_since_the_previous_occurrence(bot, engine):
    fx.known_fixture(engine)
    _subscribe(bot, "weekly mon 09:00")
    (due,) = _due(bot.deps, utc(2030, 3, 25, 8, 5))
    message = due.render()
    Block.parse_all(message["blocks"])
    previous = int(utc(2030, 3, 18, 8, 0).timestamp())
    assert f"<!date^{previous}^" in message_text(message)
    assert "Q2 meeting" in message_text(message)
    assert due.attachments() == []


def test_monthly_digest_on_a_wall_clock_time_that_does_not_exist_or_happens_twice(bot):
    _subscribe(bot, "monthly 31", who="WHO")
    assert "from 1 to 28" in bot.last_reply_text()
    _subscribe(bot, "monthly 27 02:30", who="WHO", at=utc(2030, 1, 1))
    person_id = _person_id(bot, "WHO")  # Europe/Zurich
    (october,) = _due(bot.deps, utc(2030, 10, 27, 1, 0))
    assert october.due_at == utc(2030, 10, 27, 0, 30), "02:30 happens twice; the first (CEST) is meant"
    assert october.key == f"digest:{person_id}:2030-10-27"
    _subscribe(bot, "monthly 28 02:30", who="WHO", at=utc(2030, 1, 1))
    # 28 April 2030 is an ordinary day; 02:30 CEST is 00:30 UTC.
    (april,) = _due(bot.deps, utc(2030, 4, 28, 0, 30))
    assert april.due_at == utc(2030, 4, 28, 0, 30)


def test_weekly_time_skipped_by_spring_forward_falls_an_hour_later(bot):
    _subscribe(bot, "weekly sunday 02:30")
    (due,) = _due(bot.deps, utc(2030, 3, 31, 2, 0))
    assert due.due_at == utc(2030, 3, 31, 1, 30), "02:30 does not exist; read with the CET offset"


def test_an_occurrence_before_subscribing_is_not_sent(bot):
    _subscribe(bot, "weekly monday 09:00", at=utc(2030, 3, 25, 8, 30))
    assert _due(bot.deps, utc(2030, 3, 25, 9, 0)) == []
    assert len(_due(bot.deps, utc(2030, 4, 1, 7, 0))) == 1


def test_unsubscribe_ends_it_and_members_cannot_subscribe(bot):
    assert "co-leads" in _subscribe(bot, "weekly", who="ILO")
    _subscribe(bot, "weekly")
    bot.command("digest unsubscribe", who="UNODC")
    assert "no longer" in bot.last_reply_text()
    assert _due(bot.deps, utc(2030, 3, 25, 8, 0)) == []
    bot.command("digest unsubscribe", who="UNODC")
    assert "nothing changed" in bot.last_reply_text()
    with session_scope(bot.deps.engine) as session:
        actions = [e.action for e in session.exec(select(AuditEntry).order_by(AuditEntry.id))]
        assert session.exec(select(DigestSubscription)).all() == []
    assert actions.count("digest.subscribe") == 1 and actions.count("digest.unsubscribe") == 1


def test_someone_no_longer_at_a_co_lead_organisation_gets_no_digest(bot):
    _subscribe(bot, "weekly")
    with session_scope(bot.deps.engine) as session:
        person = session.exec(select(Person).where(Person.slack_user_id == PEOPLE["UNODC"].id)).one()
        person.organisation_id = fx.org_id(session, "ILO")
        session.add(person)
    assert _due(bot.deps, utc(2030, 3, 25, 8, 0)) == []


def test_resubscribing_replaces_the_schedule(bot):
    _subscribe(bot, "weekly monday 09:00")
    _subscribe(bot, "weekly friday 16:30")
    with session_scope(bot.deps.engine) as session:
        (subscription,) = session.exec(select(DigestSubscription)).all()
    assert (subscription.weekday, subscription.at_time) == (4, "16:30")


@pytest.mark.parametrize(
    "text", ["", "daily", "weekly someday", "weekly monday 25:00", "monthly 0", "monthly ²", "weekly mon tue"]
)
def test_unreadable_schedules_name_the_accepted_form(text):
    with pytest.raises(UserError, match="subscribe weekly"):
        parse_schedule(text)


@settings(max_examples=200, deadline=None)
# Across the autumn change in Vienna (27 October 2030), one occurrence to the next is a period and an
# hour long in real time: 20 Oct 09:00 CEST to 20 Nov 09:00 CET is 31 days and an hour; Monday 21 Oct
# to Monday 28 Oct, 7 days and an hour.
@example(
    at=datetime(2030, 11, 20, 7, 59, tzinfo=UTC), zone="Europe/Vienna", weekly=False, day=19, hour=9, minute=0
)
@example(
    at=datetime(2030, 10, 28, 7, 30, tzinfo=UTC), zone="Europe/Vienna", weekly=True, day=0, hour=9, minute=0
)
@given(
    at=st.datetimes(min_value=datetime(2030, 1, 1), max_value=datetime(2031, 12, 31)).map(
        lambda moment: moment.replace(tzinfo=UTC)
    ),
    zone=st.sampled_from(["Europe/Vienna", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"]),
    weekly=st.booleans(),
    day=st.integers(min_value=0, max_value=27),
    hour=st.integers(min_value=0, max_value=23),
    minute=st.sampled_from([0, 15, 30, 45]),
)
def test_latest_occurrence_is_the_last_scheduled_moment_before_now(at, zone, weekly, day, hour, minute):
    subscription = DigestSubscription(
        person_id=1,
        frequency="weekly" if weekly else "monthly",
        weekday=day % 7 if weekly else None,
        day_of_month=None if weekly else day + 1,
        at_time=f"{hour:02d}:{minute:02d}",
        timezone=zone,
    )
    local_day, instant = latest_occurrence(subscription, at=at)
    assert instant <= at
    # The longest period (a week, or a 31-day month) plus the most a DST change moves a wall-clock time.
    assert at - instant < timedelta(days=7 if weekly else 31) + MAX_DST_SHIFT
    if weekly:
        assert local_day.weekday() == day % 7
    else:
        assert local_day.day == day + 1
    # One period on (plus a DST hour) reaches exactly the next occurrence, which is still to come.
    span = timedelta(days=7, hours=2) if weekly else timedelta(days=32)
    following_day, following = latest_occurrence(subscription, at=instant + span)
    assert following > at and following_day > local_day
