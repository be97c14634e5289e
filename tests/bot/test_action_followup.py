"""Follow-up reminders for action items, computed by the pure source the clock's tick will call."""

from datetime import UTC, date, datetime

import pytest
from slack_sdk.models.blocks import Block
from sqlalchemy import event
from sqlmodel import select

from bot.action_followup import GRACE, due_action_followups
from storage.db import session_scope
from storage.models import ActionItem, Organisation, Person

DUE = date(2030, 3, 31)  # Europe's clocks go forward that night: reminders straddle the change.


@pytest.fixture
def world(engine):
    """ILO (three people, one item for the organisation), UNHCR (one item assigned to Hana)."""
    with session_scope(engine) as session:
        org = {o.acronym: o.id for o in session.exec(select(Organisation))}

        def person(user_id: str, acronym: str, tz: str | None) -> int:
            p = Person(slack_user_id=user_id, organisation_id=org[acronym], display_name=user_id, timezone=tz)
            session.add(p)
            session.flush()
            return p.id

        def item(title: str, acronym: str, due: date, **extra) -> int:
            i = ActionItem(title=title, owner_organisation_id=org[acronym], due_date=due, **extra)
            session.add(i)
            session.flush()
            return i.id

        person("UANA", "ILO", "Europe/Vienna")
        person("UBEN", "ILO", "America/New_York")
        person("UCY", "ILO", None)  # no timezone on the profile: the working group's (Europe/Vienna)
        hana = person("UHANA", "UNHCR", "Africa/Nairobi")
        person("UZED", "UNHCR", "Africa/Nairobi")
        person("UUMA", "UNICEF", "Europe/Vienna")
        return {
            "ilo": item("ILO item", "ILO", DUE),
            "unhcr": item("Hana's item", "UNHCR", DUE, assignee_person_id=hana),
            "closed": item("Closed", "ILO", DUE, status="done"),
            "later": item("Later", "UNICEF", date(2030, 6, 1)),
            "nobody": item("Nobody to tell", "UNDP", DUE),
        }


def _due(engine, settings, now: datetime) -> dict[str, datetime]:
    with session_scope(engine) as session:
        notifications = due_action_followups(session, now=now, settings=settings)
    for notification in notifications:
        assert notification.grace == GRACE
        assert notification.channel == notification.key.rsplit(":", 1)[1]
        assert notification.kind == notification.key.split(":", 1)[0]
    return {n.key: n.due_at for n in notifications}


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_nothing_before_the_first_reminder(engine, settings, world):
    assert _due(engine, settings, _utc(2030, 3, 28, 5, 59)) == {}


def test_due_soon_at_nine_local_three_days_before(engine, settings, world):
    ilo, unhcr = world["ilo"], world["unhcr"]
    assert _due(engine, settings, _utc(2030, 3, 28, 12, 0)) == {
        f"action-due-soon:{ilo}:2030-03-31:UANA": _utc(2030, 3, 28, 8, 0),  # 09:00 CET
        f"action-due-soon:{ilo}:2030-03-31:UCY": _utc(2030, 3, 28, 8, 0),
        f"action-due-soon:{unhcr}:2030-03-31:UHANA": _utc(2030, 3, 28, 6, 0),  # 09:00 EAT, to Hana only
    }
    later = _due(engine, settings, _utc(2030, 3, 28, 13, 0))
    assert later[f"action-due-soon:{ilo}:2030-03-31:UBEN"] == _utc(2030, 3, 28, 13, 0)  # 09:00 EDT


def test_overdue_the_day_after_at_nine_local_across_the_clock_change(engine, settings, world):
    ilo, unhcr = world["ilo"], world["unhcr"]
    due = _due(engine, settings, _utc(2030, 4, 1, 7, 0))
    overdue = {key: at for key, at in due.items() if key.startswith("action-overdue")}
    assert overdue == {
        f"action-overdue:{ilo}:2030-03-31:UANA": _utc(2030, 4, 1, 7, 0),  # 09:00 CEST, not 08:00 UTC
        f"action-overdue:{ilo}:2030-03-31:UCY": _utc(2030, 4, 1, 7, 0),
        f"action-overdue:{unhcr}:2030-03-31:UHANA": _utc(2030, 4, 1, 6, 0),
    }
    # The earlier reminders are still reported (with their own due time) for the tick to skip.
    assert all(at < _utc(2030, 4, 1) for key, at in due.items() if key.startswith("action-due-soon"))


def test_items_long_past_or_far_ahead_are_not_looked_at(engine, settings, world):
    # Ben's overdue reminder (13:00 UTC on 1 April) is still within its grace at 00:30 on the 2nd.
    assert f"action-overdue:{world['ilo']}:2030-03-31:UBEN" in _due(engine, settings, _utc(2030, 4, 2, 0, 30))
    assert _due(engine, settings, _utc(2030, 4, 3, 0, 0)) == {}
    assert not any(f":{world['later']}:" in key for key in _due(engine, settings, _utc(2030, 3, 28, 12, 0)))


def test_snoozed_item_gets_reminders_for_its_new_date(engine, settings, world):
    ilo = world["ilo"]
    with session_scope(engine) as session:
        session.get(ActionItem, ilo).due_date = date(2030, 4, 7)
    due = _due(engine, settings, _utc(2030, 4, 4, 12, 0))
    assert due == {
        f"action-due-soon:{ilo}:2030-04-07:UANA": _utc(2030, 4, 4, 7, 0),
        f"action-due-soon:{ilo}:2030-04-07:UCY": _utc(2030, 4, 4, 7, 0),
    }


def test_one_query_however_many_items(engine, settings, world):
    with session_scope(engine) as session:
        org = session.exec(select(Organisation).where(Organisation.acronym == "ILO")).one()
        for n in range(20):
            session.add(ActionItem(title=f"Extra {n}", owner_organisation_id=org.id, due_date=DUE))
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        due = _due(engine, settings, _utc(2030, 3, 28, 12, 0))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(due) == 3 + 2 * 20
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1


def test_messages_render_after_the_session_is_gone(engine, settings, world):
    with session_scope(engine) as session:
        notifications = due_action_followups(session, now=_utc(2030, 4, 1, 12, 0), settings=settings)
    by_key = {n.key: n for n in notifications}
    soon = by_key[f"action-due-soon:{world['ilo']}:2030-03-31:UANA"].render()
    late = by_key[f"action-overdue:{world['unhcr']}:2030-03-31:UHANA"].render()
    for message in (soon, late):
        Block.parse_all(message["blocks"])
        actions = {e["action_id"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]}
        assert actions == {"action_item_done", "action_item_snooze", "action_item_reassign"}
    assert (
        "due in 3 days" in soon["blocks"][0]["text"]["text"]
        and "falls to ILO" in soon["blocks"][0]["text"]["text"]
    )
    assert (
        "overdue" in late["blocks"][0]["text"]["text"]
        and "assigned to you" in late["blocks"][0]["text"]["text"]
    )
