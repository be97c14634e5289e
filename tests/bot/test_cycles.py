"""The cycle runs from the last held meeting to the next; observers are never missing."""

from datetime import UTC, datetime, timedelta

from bot.cycles import current_cycle, sharing_status
from storage.db import session_scope
from storage.models import Initiative, Meeting
from storage.repositories import organisations

NOW = datetime(2030, 3, 1, 12, 0, tzinfo=UTC)


def _meeting(session, uid, starts_at, status="scheduled"):
    meeting = Meeting(uid=uid, starts_at=starts_at, timezone="Europe/Vienna", status=status)
    session.add(meeting)
    session.flush()
    return meeting


def test_without_meetings_the_cycle_is_open_and_everything_counts(engine):
    with session_scope(engine) as session:
        ilo = organisations.find_by_acronym(session, text="ILO")
        session.add(
            Initiative(
                title="Old",
                status="ongoing",
                lead_organisation_id=ilo.id,
                shared_at=NOW - timedelta(days=900),
                shared_by_organisation_at=NOW - timedelta(days=900),
            )
        )
    with session_scope(engine) as session:
        cycle = current_cycle(session, now=NOW)
        assert cycle.key == "open" and cycle.starts_at is None
        status = {s.organisation.acronym: s for s in sharing_status(session, cycle=cycle)}
    assert status["ILO"].shared == 1 and not status["ILO"].missing
    assert status["UNICEF"].missing
    assert not status["OHCHR"].missing


def test_cycle_starts_at_the_last_held_meeting_and_ignores_cancelled_ones(engine):
    with session_scope(engine) as session:
        held = _meeting(session, "a", NOW - timedelta(days=30))
        _meeting(session, "b", NOW - timedelta(days=5), status="cancelled")
        upcoming = _meeting(session, "c", NOW + timedelta(days=60))
        ilo = organisations.find_by_acronym(session, text="ILO")
        session.add(
            Initiative(
                title="Before",
                status="ongoing",
                lead_organisation_id=ilo.id,
                shared_at=NOW - timedelta(days=31),
                shared_by_organisation_at=NOW - timedelta(days=31),
            )
        )
    with session_scope(engine) as session:
        cycle = current_cycle(session, now=NOW)
        assert cycle.last_meeting.id == held.id
        assert cycle.next_meeting.id == upcoming.id
        assert cycle.key == f"meeting-{upcoming.id}"
        status = {s.organisation.acronym: s for s in sharing_status(session, cycle=cycle)}
    assert status["ILO"].missing, "sharing before the last meeting belongs to the previous cycle"
