"""Agenda items: topics anyone in the group proposes for a coming meeting, which the co-leads order,
edit, drop (with a reason) or carry forward when a meeting did not reach them.

Items are numbered across meetings (``item 12``), so a number always names one item.
"""

from dataclasses import dataclass

from sqlmodel import Session

from bot import identity, parsing
from bot.actor import Actor
from bot.deps import Deps
from bot.errors import UserError
from bot.minutes import require_co_lead
from bot.records import get_meeting
from bot.rendering import counted
from storage.db import session_scope
from storage.models import AgendaItem, Meeting
from storage.repositories import audit
from storage.repositories import meetings as meeting_records
from storage.repositories import records as repository

TEXT_MAX = 500
REASON_MAX = 300
ADD_USAGE = "`/itwg agenda add [#N] TEXT`, e.g. `/itwg agenda add Joint statement for 26 June`"
MANAGE_USAGE = (
    "`/itwg agenda add [#N] TEXT`, `/itwg agenda edit ITEM TEXT`, `/itwg agenda move ITEM POSITION`, "
    "`/itwg agenda drop ITEM REASON` or `/itwg agenda carry N`"
)


@dataclass(frozen=True)
class AgendaChange:
    """What a change did, in words for the reply."""

    summary: str
    meeting: Meeting


def _text(text: str, *, limit: int, what: str) -> str:
    tidied = " ".join((text or "").split())
    if not tidied:
        raise UserError(f"Say {what}: {MANAGE_USAGE}.")
    if len(tidied) > limit:
        raise UserError(f"Keep {what} under {limit} characters.")
    return tidied


def _coming(meeting: Meeting, *, deps: Deps) -> Meeting:
    if meeting.status == "cancelled" or meeting.starts_at <= deps.now():
        raise UserError(f"Meeting #{meeting.id} is not a coming meeting; propose items for a scheduled one.")
    return meeting


def add(deps: Deps, *, actor: Actor, args: str, request_key: str | None = None) -> AgendaChange:
    """``[#N] TEXT``: propose an item for meeting #N, by default the next one."""
    identity.require_organisation(actor)
    words = args.split(maxsplit=1)
    meeting_id = None
    if words and words[0].startswith("#"):
        meeting_id = parsing.record_number(words[0])
        if meeting_id is None:
            raise UserError(f"“{words[0]}” is not a meeting number. Use {ADD_USAGE}.")
        args = words[1] if len(words) > 1 else ""
    text = _text(args, limit=TEXT_MAX, what="what the item is")
    with session_scope(deps.engine) as session:
        if meeting_id is None:
            meeting = meeting_records.next_scheduled(session, now=deps.now())
            if meeting is None:
                raise UserError("No meeting is scheduled yet, so there is no agenda to add to.")
        else:
            meeting = _coming(get_meeting(session, meeting_id), deps=deps)
        earlier = (
            repository.agenda_item_by_request_key(session, request_key=request_key) if request_key else None
        )
        item = earlier or AgendaItem(
            request_key=request_key,
            meeting_id=meeting.id or 0,
            text=text,
            position=repository.next_position(session, meeting_id=meeting.id or 0),
            proposed_by_person_id=actor.person_id,
            created_at=deps.now(),
        )
        if earlier is None:
            repository.add(session, record=item)
            _audit(session, actor, item, "agenda.add", {"text": text})
        return AgendaChange(
            summary=f"Added item {item.id} to meeting #{meeting.id}: {item.text}", meeting=meeting
        )


def _managed_item(session: Session, text: str) -> AgendaItem:
    number = parsing.record_number(text)
    item = repository.agenda_item(session, item_id=number) if number is not None else None
    if item is None:
        raise UserError(f"There is no agenda item “{text}”; `/itwg meeting N` lists them with their numbers.")
    if item.status != repository.PROPOSED:
        raise UserError(f"Agenda item {item.id} was already {item.status}.")
    return item


def _audit(session: Session, actor: Actor, item: AgendaItem, action: str, details: dict) -> None:
    audit.record(
        session,
        by=actor,
        action=action,
        entity="agenda_item",
        entity_id=item.id,
        details={"meeting_id": item.meeting_id, **details},
    )


def manage(deps: Deps, *, actor: Actor, verb: str, args: str) -> AgendaChange:
    """The co-leads' ``edit``, ``move``, ``drop`` and ``carry``."""
    require_co_lead(actor, "edit, order, drop or carry forward agenda items")
    if verb == "carry":
        return carry_forward(deps, actor=actor, meeting_text=args)
    first, _, rest = args.strip().partition(" ")
    with session_scope(deps.engine) as session:
        item = _managed_item(session, first)
        meeting = get_meeting(session, item.meeting_id)
        if verb == "edit":
            text = _text(rest, limit=TEXT_MAX, what="the item's new text")
            _audit(session, actor, item, "agenda.edit", {"before": item.text, "after": text})
            item.text = text
            summary = f"Item {item.id} now reads: {text}"
        elif verb == "move":
            position = parsing.whole_number(rest)
            if position is None or position < 1:
                raise UserError("Give the item's new place as a number, e.g. `/itwg agenda move 12 1`.")
            summary = _move(session, actor, item, position)
        else:
            reason = _text(rest, limit=REASON_MAX, what="why the item is dropped")
            _audit(session, actor, item, "agenda.drop", {"reason": reason})
            item.status, item.drop_reason = repository.DROPPED, reason
            summary = f"Dropped item {item.id} ({item.text}): {reason}"
        repository.save(session, record=item)
        return AgendaChange(summary=summary, meeting=meeting)


def _move(session: Session, actor: Actor, item: AgendaItem, position: int) -> str:
    """Put the item at ``position`` among the meeting's proposed items, renumbering the others."""
    rows = [i for i, _ in repository.agenda_items(session, meeting_ids=[item.meeting_id])]
    ordered = [i for i in rows if i.status == repository.PROPOSED and i.id != item.id]
    ordered.insert(min(position, len(ordered) + 1) - 1, item)
    for place, entry in enumerate(ordered, start=1):
        entry.position = place
        session.add(entry)
    _audit(session, actor, item, "agenda.move", {"position": item.position})
    return f"Item {item.id} is now number {item.position} on meeting #{item.meeting_id}'s agenda."


def carry_forward(deps: Deps, *, actor: Actor, meeting_text: str) -> AgendaChange:
    """Move the items a held meeting did not reach (still proposed) to the next meeting."""
    require_co_lead(actor, "carry agenda items forward")
    meeting_id = parsing.record_number(meeting_text)
    if meeting_id is None:
        raise UserError("Give the meeting's number: `/itwg agenda carry N`.")
    now = deps.now()
    with session_scope(deps.engine) as session:
        source = get_meeting(session, meeting_id)
        if source.status == "scheduled" and source.starts_at > now:
            raise UserError(
                f"Meeting #{meeting_id} has not been held yet, so its items cannot have been left "
                "unreached; carry them forward once it has met (or been cancelled)."
            )
        target = meeting_records.next_scheduled(session, now=max(now, source.starts_at))
        if target is None:
            raise UserError("No later meeting is scheduled to carry the items to; schedule it first.")
        left = [i for i, _ in repository.agenda_items(session, meeting_ids=[meeting_id])]
        left = [i for i in left if i.status == repository.PROPOSED]
        if not left:
            raise UserError(f"Meeting #{meeting_id} has no agenda items left to carry forward.")
        position = repository.next_position(session, meeting_id=target.id or 0)
        for offset, item in enumerate(left):
            item.status, item.carried_to_meeting_id = repository.CARRIED, target.id
            repository.save(session, record=item)
            copy = AgendaItem(
                meeting_id=target.id or 0,
                text=item.text,
                position=position + offset,
                proposed_by_person_id=item.proposed_by_person_id,
                created_at=now,
            )
            repository.add(session, record=copy)
            _audit(session, actor, copy, "agenda.carry", {"from_item": item.id, "from_meeting": meeting_id})
        return AgendaChange(
            summary=(
                f"Carried {counted(len(left), 'item')} from meeting #{meeting_id} to meeting #{target.id}."
            ),
            meeting=target,
        )
