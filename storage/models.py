"""SQLModel tables: the working group's records and the bot's own bookkeeping.

Every table lives here so Alembic's autogenerate and ``SQLModel.metadata`` always see the whole schema.
Times are ``UTCDateTime`` (aware UTC in, aware UTC out); calendar dates without a time are ``date``.
"""

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint, false
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


def utcnow() -> datetime:
    return datetime.now(UTC)


def _timestamp(**kwargs: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kwargs)


class Organisation(SQLModel, table=True):
    """A member of the working group; ``role`` decides what its people may do."""

    id: int | None = Field(default=None, primary_key=True)
    acronym: str = Field(max_length=40)
    acronym_key: str = Field(max_length=40, unique=True, index=True)
    name: str = Field(max_length=200)
    role: str = Field(max_length=20)
    email_domains: list[str] = Field(default_factory=list, sa_type=JSON)
    aliases: list[str] = Field(default_factory=list, sa_type=JSON)
    # Changed by the co-leads in Slack: ``itwg migrate`` no longer refreshes it from membership.toml.
    managed_in_slack: bool = Field(default=False)
    # Retired organisations keep their records but are no longer counted, nudged or joined.
    retired_at: datetime | None = _timestamp(default=None, nullable=True)


class Person(SQLModel, table=True):
    """Someone who has used the bot or sits in the working group's channel.

    Known by their Slack workspace (team) and user id together: people of other workspaces in a
    Slack Connect channel keep their own team. ``slack_team_id`` is "" where no team was ever given.
    """

    __table_args__ = (UniqueConstraint("slack_team_id", "slack_user_id", name="uq_person_team_user"),)

    id: int | None = Field(default=None, primary_key=True)
    slack_user_id: str = Field(max_length=40, index=True)
    slack_team_id: str = Field(default="", max_length=40)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    display_name: str = Field(default="", max_length=200)
    email: str | None = Field(default=None, max_length=320)
    timezone: str | None = Field(default=None, max_length=64)
    is_focal_point: bool = Field(default=False)
    # When Slack last refused a direct message to them (no DM channel); cleared when one goes through.
    dm_refused_at: datetime | None = _timestamp(default=None, nullable=True)
    created_at: datetime = _timestamp(default_factory=utcnow)
    updated_at: datetime = _timestamp(default_factory=utcnow)


class JoinRequest(SQLModel, table=True):
    """A person's request to be recorded in an organisation their e-mail does not show.

    Until its focal points or a co-lead decide, the person reads but changes nothing; the decision
    (``approved``, ``declined``, or ``superseded`` when a co-lead placed the person directly) is kept.
    """

    __tablename__ = "join_request"
    __table_args__ = (Index("ix_join_request_status_organisation", "status", "organisation_id"),)

    id: int | None = Field(default=None, primary_key=True)
    # The Slack requests that made and decided it: their lazy parts, run again, find their own work.
    request_key: str | None = Field(default=None, max_length=300, unique=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    organisation_id: int = Field(foreign_key="organisation.id")
    reason: str = Field(default="", max_length=500)
    status: str = Field(default="pending", max_length=20)
    created_at: datetime = _timestamp(default_factory=utcnow)
    decided_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    decided_at: datetime | None = _timestamp(default=None, nullable=True)
    decision_key: str | None = Field(default=None, max_length=300)


class Initiative(SQLModel, table=True):
    """An ongoing or planned initiative an organisation shares with the group.

    ``shared_at`` moves when the initiative is shared (by anyone who may), really changed by its own
    organisation's people, or confirmed for a cycle; the agenda's pre-read and the listings go by it.
    ``shared_by_organisation_at`` moves only when the lead organisation itself shares, really changes
    or confirms it, or a co-lead confirms it explicitly on its behalf; it stays empty while a co-lead's
    share for another organisation waits for that. "Has this organisation shared this cycle" is one
    indexed comparison of it (``storage.repositories.sharing``).
    """

    id: int | None = Field(default=None, primary_key=True)
    # The Slack request that created it: a repeated attempt at that request finds it instead of adding one.
    request_key: str | None = Field(default=None, max_length=300, unique=True)
    title: str = Field(max_length=150)
    summary: str = Field(default="", sa_type=Text)
    status: str = Field(max_length=20, index=True)
    lead_organisation_id: int = Field(foreign_key="organisation.id", index=True)
    scope_global: bool = Field(default=False)
    start_date: date | None = None
    end_date: date | None = None
    link: str | None = Field(default=None, max_length=500)
    visibility: str = Field(default="working_group", max_length=20, index=True)
    shared_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = _timestamp(default_factory=utcnow, index=True)
    updated_at: datetime = _timestamp(default_factory=utcnow)
    shared_at: datetime = _timestamp(default_factory=utcnow, index=True)
    # Like ``shared_at``, now unless said otherwise; a None given is stored as NULL, not replaced by now.
    shared_by_organisation_at: datetime | None = Field(
        default_factory=utcnow, sa_type=UTCDateTime().evaluates_none(), nullable=True, index=True
    )


class InitiativeTag(SQLModel, table=True):
    """One classification of an initiative: objective, continuum area, population, region or country.

    A row per value (rather than a JSON list) lets filters, digests and overlap detection run as joins.
    """

    __table_args__ = (Index("ix_initiativetag_kind_value", "kind", "value"),)

    initiative_id: int = Field(foreign_key="initiative.id", primary_key=True)
    kind: str = Field(max_length=20, primary_key=True)
    value: str = Field(max_length=100, primary_key=True)


class InitiativePartner(SQLModel, table=True):
    initiative_id: int = Field(foreign_key="initiative.id", primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", primary_key=True, index=True)


class Meeting(SQLModel, table=True):
    """One meeting occurrence. ``uid`` and ``sequence`` make calendar invites update, not duplicate."""

    __table_args__ = (Index("ix_meeting_status_starts_at", "status", "starts_at"),)

    id: int | None = Field(default=None, primary_key=True)
    # The Slack request that created it: a repeated attempt at that request finds it instead of adding one.
    request_key: str | None = Field(default=None, max_length=300, unique=True)
    uid: str = Field(max_length=255, unique=True)
    series_uid: str | None = Field(default=None, max_length=255, index=True)
    title: str = Field(default="ITWG meeting", max_length=200)
    starts_at: datetime = _timestamp()
    timezone: str = Field(max_length=64)
    duration_minutes: int = Field(default=90)
    in_person: bool = Field(default=False)
    location: str | None = Field(default=None, max_length=500)
    # Only a co-lead's say-so publishes where a meeting happens: links and venues may carry passcodes.
    location_public: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    status: str = Field(default="scheduled", max_length=20)
    sequence: int = Field(default=0)
    created_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = _timestamp(default_factory=utcnow)
    updated_at: datetime = _timestamp(default_factory=utcnow)


class ActionItem(SQLModel, table=True):
    """Something a meeting decided, owned by an organisation until someone closes it."""

    __table_args__ = (
        Index("ix_actionitem_status_due_date", "status", "due_date"),
        Index("ix_actionitem_status_closed_at", "status", "closed_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # The Slack request that created it: a repeated attempt at that request finds it instead of adding one.
    request_key: str | None = Field(default=None, max_length=300, unique=True)
    title: str = Field(max_length=300)
    notes: str = Field(default="", sa_type=Text)
    owner_organisation_id: int = Field(foreign_key="organisation.id", index=True)
    assignee_person_id: int | None = Field(default=None, foreign_key="person.id")
    due_date: date
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id")
    status: str = Field(default="open", max_length=20)
    outcome: str | None = Field(default=None, max_length=500)
    source_link: str | None = Field(default=None, max_length=500)
    created_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = _timestamp(default_factory=utcnow)
    updated_at: datetime = _timestamp(default_factory=utcnow)
    closed_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    closed_at: datetime | None = _timestamp(default=None, nullable=True)


class Notification(SQLModel, table=True):
    """The sent-log. Inserting ``key`` is the claim: a second insert of the same key fails, so a
    notification is sent at most once however many clocks, restarts or retries there are."""

    __table_args__ = (Index("ix_notification_status_next_attempt", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=255, unique=True)
    kind: str = Field(max_length=40)
    status: str = Field(default="claimed", max_length=20)
    attempts: int = Field(default=1)
    last_error: str | None = Field(default=None, max_length=500)
    due_at: datetime = _timestamp()
    claimed_at: datetime = _timestamp(default_factory=utcnow)
    next_attempt_at: datetime | None = _timestamp(default=None, nullable=True)
    sent_at: datetime | None = _timestamp(default=None, nullable=True)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


class DigestSubscription(SQLModel, table=True):
    """A co-lead's standing request for a digest, evaluated in their own timezone by the tick."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", unique=True)
    frequency: str = Field(max_length=10)
    weekday: int | None = None
    day_of_month: int | None = None
    at_time: str = Field(default="09:00", max_length=5)
    timezone: str = Field(max_length=64)
    created_at: datetime = _timestamp(default_factory=utcnow)


class DigestByEmail(SQLModel, table=True):
    """A digest subscription delivered by e-mail rather than by direct message (one row when so)."""

    __tablename__ = "digest_by_email"

    subscription_id: int = Field(foreign_key="digestsubscription.id", primary_key=True)


class Contact(SQLModel, table=True):
    """Someone of an organisation the bot reaches by e-mail: a focal point outside the Slack
    workspace, or a Slack person's address kept here too. ``email`` is stored lower-case and is
    the identity: a contact whose address a Slack person has is that person, never a second one."""

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    name: str = Field(max_length=200)
    email: str = Field(max_length=320, unique=True)
    is_focal_point: bool = Field(default=False)
    created_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = _timestamp(default_factory=utcnow)


class EmailOptOut(SQLModel, table=True):
    """An address that asked for no more e-mail from the bot (``/itwg email off`` or a link)."""

    __tablename__ = "email_opt_out"

    email: str = Field(max_length=320, primary_key=True)
    at: datetime = _timestamp(default_factory=utcnow)


class ShareLinkUse(SQLModel, table=True):
    """A personal sharing link that has been used: its unique ``nonce`` makes it work once."""

    __tablename__ = "share_link_use"

    nonce: str = Field(max_length=64, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id")
    used_at: datetime = _timestamp(default_factory=utcnow)


# The clock looks for meetings changed in the last two days to e-mail their invitations.
Index("ix_meeting_updated_at", Meeting.__table__.c.updated_at)  # type: ignore[attr-defined]


class AuditEntry(SQLModel, table=True):
    """Who changed what, and when. Written in the same transaction as the change itself."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _timestamp(default_factory=utcnow, index=True)
    actor_person_id: int | None = Field(default=None, foreign_key="person.id")
    actor: str = Field(max_length=100)
    action: str = Field(max_length=60)
    entity: str = Field(max_length=40)
    entity_id: str | None = Field(default=None, max_length=60)
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))


class RequestTask(SQLModel, table=True):
    """One lazy part of one Slack request, from the moment it was acknowledged until it is done.

    The web process writes it before answering Slack, so the request survives any crash; its unique
    ``key`` (the request's trigger or event id and the lazy function) makes a redelivery change
    nothing; a worker claims it by taking a lease, and a lease that runs out (the worker died) lets
    the sweep hand it to another worker. The body is cleared once done: only the key stays.
    """

    __tablename__ = "request_task"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=300, unique=True)
    function: str = Field(max_length=120)
    body: str = Field(default="", sa_type=Text)
    headers: dict[str, list[str]] = Field(default_factory=dict, sa_type=JSON)
    context: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    state: str = Field(default="queued", max_length=20)
    attempts: int = Field(default=0)
    received_at: datetime = _timestamp(default_factory=utcnow)
    lease_until: datetime = _timestamp(default_factory=utcnow)
    finished_at: datetime | None = _timestamp(default=None)

    __table_args__ = (Index("ix_request_task_state_lease", "state", "lease_until"),)


class AnnouncementThread(SQLModel, table=True):
    """The channel thread that gathers one meeting cycle's announcements."""

    __table_args__ = (UniqueConstraint("cycle_key", "channel"),)

    id: int | None = Field(default=None, primary_key=True)
    cycle_key: str = Field(max_length=60)
    channel: str = Field(max_length=40)
    ts: str = Field(max_length=40)


# -- the meeting record (agenda, RSVPs, attendance, minutes, decisions) ---------------------------------


class AgendaItem(SQLModel, table=True):
    """A topic proposed for a meeting. ``position`` orders them; a dropped item keeps its reason, and a
    carried-forward one points at the meeting it moved to, so nothing proposed silently disappears."""

    __tablename__ = "agenda_item"

    id: int | None = Field(default=None, primary_key=True)
    request_key: str | None = Field(default=None, max_length=300, unique=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    text: str = Field(max_length=500)
    position: int = Field(default=0)
    status: str = Field(default="proposed", max_length=20)
    drop_reason: str | None = Field(default=None, max_length=300)
    carried_to_meeting_id: int | None = Field(default=None, foreign_key="meeting.id")
    proposed_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = _timestamp(default_factory=utcnow)


class MeetingRsvp(SQLModel, table=True):
    """One person's answer to "are you coming?": the last answer counts."""

    __tablename__ = "meeting_rsvp"

    meeting_id: int = Field(foreign_key="meeting.id", primary_key=True)
    person_id: int = Field(foreign_key="person.id", primary_key=True)
    coming: bool
    answered_at: datetime = _timestamp(default_factory=utcnow)


class MeetingAttendance(SQLModel, table=True):
    """How one organisation attended a held meeting, and who came for it."""

    __tablename__ = "meeting_attendance"

    meeting_id: int = Field(foreign_key="meeting.id", primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", primary_key=True)
    status: str = Field(max_length=20)  # present, excused or absent
    attendees: str = Field(default="", max_length=500)
    recorded_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    recorded_at: datetime = _timestamp(default_factory=utcnow)


class MeetingMinutes(SQLModel, table=True):
    """A meeting's minutes: a draft until a co-lead publishes them into the meeting's thread."""

    __tablename__ = "meeting_minutes"

    meeting_id: int = Field(foreign_key="meeting.id", primary_key=True)
    summary: str = Field(default="", sa_type=Text)
    status: str = Field(default="draft", max_length=20)  # draft or published
    public: bool = Field(default=False)
    published_at: datetime | None = _timestamp(default=None, nullable=True)
    published_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    message_ts: str | None = Field(default=None, max_length=40)
    updated_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    updated_at: datetime = _timestamp(default_factory=utcnow)


class Decision(SQLModel, table=True):
    """Something a meeting decided, in one sentence; ``source_link`` is the message it was taken from."""

    id: int | None = Field(default=None, primary_key=True)
    request_key: str | None = Field(default=None, max_length=300, unique=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    text: str = Field(max_length=1000)
    source_link: str | None = Field(default=None, max_length=500)
    created_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = _timestamp(default_factory=utcnow)


class ClockTick(SQLModel, table=True):
    """When the clock last ticked. The first tick after the clock was stopped catches up on the whole
    gap: everything that fell due meanwhile is recorded as skipped, however long the gap."""

    __tablename__ = "clock_tick"

    name: str = Field(primary_key=True, max_length=40)
    ticked_at: datetime = _timestamp()


class RegistryOverview(SQLModel, table=True):
    """The public registry's chart counts for one selection, as of one fingerprint of it.

    Counting a selection reads every row of it; the counts change only when the selection does, so
    the first visitor after a change counts and stores them, and every later visit, in any web
    process or after a restart, reads one row instead."""

    __tablename__ = "registry_overview"

    selection: str = Field(primary_key=True, max_length=64)
    fingerprint: str = Field(max_length=64)
    counts: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    computed_at: datetime = _timestamp(default_factory=utcnow)
