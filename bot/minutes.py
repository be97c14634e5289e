"""Minutes and decisions: what a held meeting discussed and decided, kept by the co-leads.

Minutes start as a draft; either co-lead publishes them (equal partners), which is when they are
posted in the meeting's thread. Decisions are one sentence each, recorded in the minutes form (one per
line), with ``/itwg decision N TEXT`` or from a message. Action items written in the minutes belong to
that meeting. Every change is audited in the transaction that makes it; nothing is stored when any
line of the form is wrong.
"""

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot import action_items, meetings
from bot.actor import Actor
from bot.deps import Deps
from bot.errors import FieldErrors, UserError
from bot.initiatives import CycleThread
from bot.records import MeetingRecord, detached, held_meeting, record_of
from storage.db import read_scope, session_scope
from storage.models import Decision, Meeting, MeetingMinutes
from storage.repositories import audit
from storage.repositories import initiatives as initiative_records
from storage.repositories import records as repository

SUMMARY_MAX = 3000  # what a Slack text input holds
FIELD_MAX = 3000  # a Slack text input's longest value, prefilled or typed
DECISION_MAX = 1000
DECISIONS_MAX = 30
ACTIONS_MAX = 20
DECISION_MEETING_CHOICES = 25
DECISION_USAGE = "`/itwg decision N TEXT`, e.g. `/itwg decision 3 Hold the next in-person meeting in Geneva`"


def require_co_lead(actor: Actor, what: str) -> None:
    """The meeting record's writes are the co-leads', as scheduling is; its readers are told where
    to read it."""
    meetings.require_co_lead(actor, f"{what}; everyone can read them with `/itwg meeting N`")


def decision_text(text: str) -> str:
    """One decision, its spaces tidied; refused when empty or too long."""
    tidied = " ".join((text or "").split())
    if not tidied:
        raise UserError(f"Say what was decided: {DECISION_USAGE}.")
    if len(tidied) > DECISION_MAX:
        raise UserError(
            f"Keep a decision under {DECISION_MAX} characters; put the discussion in the minutes."
        )
    return tidied


@dataclass(frozen=True)
class MinutesDraft:
    """The minutes form as typed: summary, decisions one per line, action items one per line
    (``ORG YYYY-MM-DD TITLE``)."""

    meeting_id: int
    summary: str
    decisions: str
    actions: str
    # False when the form listed the meeting's decisions (a line removed removes one); True when there
    # were too many to list, so its lines only add decisions and those recorded stay.
    adds_decisions: bool = False
    # When the form was opened: a decision recorded since (by the other co-lead, or from a message) was
    # not among its lines, so it is kept rather than taken for a line removed.
    opened_at: datetime | None = None


@dataclass(frozen=True)
class CheckedMinutes:
    summary: str
    decisions: list[str]
    actions: list[action_items.Draft]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def lists_decisions(record: MeetingRecord) -> bool:
    """Whether the minutes form can hold the meeting's decisions, one per line, for editing; when they
    are too many for a Slack text input, the form takes new decisions only."""
    return len("\n".join(d.text for d in record.decisions)) <= FIELD_MAX


def check_minutes(deps: Deps, *, actor: Actor, draft: MinutesDraft) -> CheckedMinutes:
    """Every line of the form, checked with reads only; problems by the form's blocks."""
    require_co_lead(actor, "write minutes")
    with read_scope(deps.engine) as session:
        held_meeting(session, draft.meeting_id, now=deps.now(), what="minutes")
        recorded = {d.text for d in repository.decisions(session, meeting_ids=[draft.meeting_id])}
    problems: dict[str, str] = {}
    summary = (draft.summary or "").strip()
    if len(summary) > SUMMARY_MAX:
        problems["summary"] = f"Keep the summary under {SUMMARY_MAX:,} characters."
    decisions: list[str] = []
    lines = _lines(draft.decisions)
    if len([line for line in lines if " ".join(line.split()) not in recorded]) > DECISIONS_MAX:
        problems["decisions"] = f"Record at most {DECISIONS_MAX} decisions at a time."
    for number, line in enumerate(lines, start=1):
        try:
            decisions.append(decision_text(line))
        except UserError as error:
            problems.setdefault("decisions", f"Line {number}: {error}")
    actions: list[action_items.Draft] = []
    action_lines = _lines(draft.actions)
    if len(action_lines) > ACTIONS_MAX:
        problems["actions"] = f"Record at most {ACTIONS_MAX} action items at a time."
    for number, line in enumerate(action_lines, start=1):
        try:
            parsed = action_items.parse_command(line)
            if parsed.assignee_user_id:
                raise UserError("name the owner organisation's acronym (a form cannot mention people)")
            item = dataclasses.replace(parsed, meeting_id=draft.meeting_id, default_meeting=False)
            action_items.check_draft(deps, actor=actor, draft=item)
            actions.append(item)
        except FieldErrors as error:
            first = next(iter(error.errors.values()))
            problems.setdefault("actions", f"Line {number} (`ORG YYYY-MM-DD TITLE`): {first}")
        except UserError as error:
            problems.setdefault("actions", f"Line {number} (`ORG YYYY-MM-DD TITLE`): {error}")
    if problems:
        raise FieldErrors(problems)
    return CheckedMinutes(summary=summary, decisions=decisions, actions=actions)


def minutes_form(deps: Deps, *, actor: Actor, meeting_id: int) -> MeetingRecord:
    """What the minutes form starts from: the meeting's record (its draft, its decisions so far)."""
    require_co_lead(actor, "write minutes")
    with read_scope(deps.engine) as session:
        meeting = held_meeting(session, meeting_id, now=deps.now(), what="minutes")
        return detached(session, record_of(session, meeting, now=deps.now()))


def save_minutes(
    deps: Deps, *, actor: Actor, draft: MinutesDraft, request_key: str | None = None
) -> MeetingRecord:
    """Store the summary, make the meeting's decisions the lines given (keeping those already recorded,
    with their source), and create the action items, linked to the meeting. Published minutes stay
    published; publishing again posts the new text."""
    checked = check_minutes(deps, actor=actor, draft=draft)
    actions = [action_items.check(deps, actor=actor, draft=item) for item in checked.actions]
    now = deps.now()
    with session_scope(deps.engine) as session:
        meeting = held_meeting(session, draft.meeting_id, now=now, what="minutes")
        minutes = repository.minutes_for_update(session, meeting_id=draft.meeting_id)
        before = minutes.summary if minutes else None
        if minutes is None:
            minutes = MeetingMinutes(meeting_id=draft.meeting_id)
        minutes.summary = checked.summary
        minutes.updated_by_person_id = actor.person_id
        minutes.updated_at = now
        repository.save(session, record=minutes)
        audit.record(
            session,
            by=actor,
            action="minutes.save",
            entity="meeting",
            entity_id=draft.meeting_id,
            details={"before": before, "after": checked.summary, "status": minutes.status},
        )
        existing = repository.decisions(session, meeting_ids=[draft.meeting_id])
        kept = {d.text for d in existing}
        listed = [d for d in existing if draft.opened_at is None or d.created_at <= draft.opened_at]
        for decision in [] if draft.adds_decisions else listed:
            if decision.text not in checked.decisions:
                repository.remove(session, record=decision)
                _audit_decision(session, actor, decision, "decision.remove")
        for number, text in enumerate(checked.decisions):
            if text in kept:
                continue
            kept.add(text)
            key = f"{request_key}#d{number}" if request_key else None
            _add_decision(
                session, actor=actor, meeting_id=meeting.id or 0, text=text, request_key=key, now=now
            )
    for number, item in enumerate(actions):
        key = f"{request_key}#a{number}" if request_key else None
        action_items.create(deps, actor=actor, checked=item, assignee=None, request_key=key)
    return show(deps, meeting_id=draft.meeting_id)


def _audit_decision(session: Session, actor: Actor, decision: Decision, action: str) -> None:
    audit.record(
        session,
        by=actor,
        action=action,
        entity="decision",
        entity_id=decision.id,
        details={
            "meeting_id": decision.meeting_id,
            "text": decision.text,
            "source_link": decision.source_link,
        },
    )


def _add_decision(
    session: Session,
    *,
    actor: Actor,
    meeting_id: int,
    text: str,
    request_key: str | None,
    now: datetime,
    source_link: str | None = None,
) -> Decision:
    earlier = repository.decision_by_request_key(session, request_key=request_key) if request_key else None
    if earlier is not None:
        return earlier
    decision = Decision(
        request_key=request_key,
        meeting_id=meeting_id,
        text=text,
        source_link=source_link,
        created_by_person_id=actor.person_id,
        created_at=now,
    )
    repository.add(session, record=decision)
    _audit_decision(session, actor, decision, "decision.record")
    return decision


def record_decision(
    deps: Deps,
    *,
    actor: Actor,
    meeting_id: int,
    text: str,
    source_link: str | None = None,
    request_key: str | None = None,
) -> Decision:
    """One decision for a held meeting (a co-lead's), e.g. from ``/itwg decision`` or a message."""
    require_co_lead(actor, "record decisions")
    tidied = decision_text(text)
    now = deps.now()
    with session_scope(deps.engine) as session:
        held_meeting(session, meeting_id, now=now, what="decisions")
        return _add_decision(
            session,
            actor=actor,
            meeting_id=meeting_id,
            text=tidied,
            request_key=request_key,
            now=now,
            source_link=source_link if source_link and len(source_link) <= 500 else None,
        )


def check_decision(deps: Deps, *, actor: Actor, meeting_id: int, text: str) -> None:
    require_co_lead(actor, "record decisions")
    decision_text(text)
    with read_scope(deps.engine) as session:
        held_meeting(session, meeting_id, now=deps.now(), what="decisions")


def publish(deps: Deps, *, actor: Actor, meeting_id: int, public: bool = False) -> MeetingRecord:
    """Mark the minutes published (and public, when the registry is on); the caller posts them."""
    require_co_lead(actor, "publish minutes")
    if public and not deps.settings.itwg_public_registry:
        raise UserError(
            "The public registry is off (ITWG_PUBLIC_REGISTRY), so minutes cannot be made public."
        )
    now = deps.now()
    with session_scope(deps.engine) as session:
        held_meeting(session, meeting_id, now=now, what="minutes")
        minutes = repository.minutes_for_update(session, meeting_id=meeting_id)
        if minutes is None:
            raise UserError(
                f"Meeting #{meeting_id} has no minutes yet; write them with `/itwg minutes {meeting_id}`."
            )
        before = {"status": minutes.status, "public": minutes.public}
        minutes.status, minutes.public = "published", public
        minutes.published_at, minutes.published_by_person_id = now, actor.person_id
        repository.save(session, record=minutes)
        audit.record(
            session,
            by=actor,
            action="minutes.publish",
            entity="meeting",
            entity_id=meeting_id,
            details={"before": before, "after": {"status": "published", "public": public}},
        )
    return show(deps, meeting_id=meeting_id)


def unpublish(deps: Deps, *, actor: Actor, meeting_id: int) -> tuple[MeetingRecord, str | None]:
    """Back to a draft; the ts of the channel post to take down, if there was one."""
    require_co_lead(actor, "unpublish minutes")
    with session_scope(deps.engine) as session:
        held_meeting(session, meeting_id, now=deps.now(), what="minutes")
        minutes = repository.minutes_for_update(session, meeting_id=meeting_id)
        if minutes is None or minutes.status != "published":
            raise UserError(f"The minutes of meeting #{meeting_id} are not published.")
        posted = minutes.message_ts
        minutes.status, minutes.public, minutes.message_ts = "draft", False, None
        repository.save(session, record=minutes)
        audit.record(
            session,
            by=actor,
            action="minutes.unpublish",
            entity="meeting",
            entity_id=meeting_id,
            details={"before": {"status": "published"}, "after": {"status": "draft"}},
        )
    return show(deps, meeting_id=meeting_id), posted


def mark_posted(deps: Deps, *, meeting_id: int, ts: str) -> None:
    """Remember the channel message that carries the published minutes."""
    with session_scope(deps.engine) as session:
        minutes = repository.minutes_for_update(session, meeting_id=meeting_id)
        if minutes is not None:
            minutes.message_ts = ts
            repository.save(session, record=minutes)


def show(deps: Deps, *, meeting_id: int) -> MeetingRecord:
    with read_scope(deps.engine) as session:
        meeting = held_meeting(session, meeting_id, now=deps.now(), what="minutes")
        return detached(session, record_of(session, meeting, now=deps.now()))


def meeting_thread(deps: Deps, *, meeting_id: int) -> CycleThread | None:
    """The channel thread of the cycle leading up to the meeting, where its minutes belong; None when no
    channel is configured."""
    channel = deps.settings.itwg_channel
    if not channel:
        return None
    key = f"meeting-{meeting_id}"
    with read_scope(deps.engine) as session:
        meeting = held_meeting(session, meeting_id, now=deps.now(), what="minutes")
        thread = initiative_records.find_thread(session, cycle_key=key, channel=channel)
        session.expunge_all()
    return CycleThread(channel=channel, cycle_key=key, ts=thread.ts if thread else None, next_meeting=meeting)


def local_day(meeting: Meeting) -> str:
    """The meeting's date where it is held (a meeting at 00:30 in Vienna is on that day, not the
    evening before as in UTC)."""
    return f"{meeting.starts_at.astimezone(ZoneInfo(meeting.timezone)):%d %b %Y}"


def decision_meetings(deps: Deps, *, actor: Actor) -> list[action_items.Choice]:
    """The held meetings a decision may belong to, most recent first (the default)."""
    require_co_lead(actor, "record decisions")
    now = deps.now()
    with read_scope(deps.engine) as session:
        held = detached(session, repository.meetings_between(session, start=None, end=now, descending=True))
    choices = [
        action_items.Choice(value=str(m.id), label=f"#{m.id}, {local_day(m)}")
        for m in held
        if m.status == "scheduled"
    ][:DECISION_MEETING_CHOICES]
    if not choices:
        raise UserError("No meeting has been held yet, so there is no meeting to record a decision for.")
    return choices
