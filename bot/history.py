"""Who changed what, from what, to what, and when: the audit trail read back for people.

``/itwg history initiative N`` (also ``action N``, ``meeting N``, ``org ACRONYM``) is for the co-leads
and for the organisation that owns the record. The same change lines tell an organisation's focal
points what a co-lead changed in their records.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from bot import parsing
from bot.actor import Actor
from bot.deps import Deps
from bot.errors import UserError
from bot.identity import unknown_organisation_message
from storage.db import read_scope
from storage.models import ActionItem, Initiative, Meeting
from storage.repositories import audit, organisations, recipients

USAGE = "/itwg history initiative N | action N | meeting N | org ACRONYM"
# The newest entries shown; older ones are counted.
LIMIT = 25
VALUE_MAX = 150
LABELS = {
    "lead_organisation": "lead organisation",
    "scope_global": "global scope",
    "start_date": "start date",
    "end_date": "end date",
    "due_date": "due date",
    "owner": "owner organisation",
    "assignee": "assigned to",
    "organisation": "organisation",
    "email_domains": "e-mail domains",
    "retired_at": "retired",
    "objective": "objectives",
    "population": "populations",
    "region": "regions",
    "country": "countries",
}
# Audit actions as the history says them; others are shown as recorded.
ACTIONS = {
    "initiative.share": "shared it",
    "initiative.edit": "changed it",
    "initiative.confirm": "confirmed it for the coming meeting",
    "action_item.create": "created it",
    "action_item.close": "closed it",
    "action_item.snooze": "snoozed it",
    "action_item.reassign": "reassigned it",
    "organisation.add": "added it",
    "organisation.set": "changed its role",
    "organisation.rename": "renamed it",
    "organisation.domains": "changed its e-mail domains",
    "organisation.retire": "retired it",
    "meeting.schedule": "scheduled it",
    "meeting.reschedule": "moved it",
    "meeting.cancel": "cancelled it",
}
# What people type, and the audit entity it names.
KINDS = {
    "initiative": "initiative",
    "action": "action_item",
    "action-item": "action_item",
    "meeting": "meeting",
    "org": "organisation",
    "organisation": "organisation",
    "organization": "organisation",
}


@dataclass(frozen=True)
class ChangeLine:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor: str
    action: str
    changes: list[ChangeLine]
    note: str


@dataclass(frozen=True)
class History:
    title: str
    entries: list[HistoryEntry]
    total: int


def _shown(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    text = " ".join(str(value).split())
    return text if len(text) <= VALUE_MAX else text[: VALUE_MAX - 1] + "…"


def change_lines(changes: dict[str, Any]) -> list[ChangeLine]:
    """Each change as people read it; values are ``(before, after)`` or ``{"before", "after"}``."""
    lines = []
    for name, change in changes.items():
        before, after = (change["before"], change["after"]) if isinstance(change, dict) else change
        lines.append(
            ChangeLine(
                label=LABELS.get(name, name.replace("_", " ")), before=_shown(before), after=_shown(after)
            )
        )
    return lines


def _changes_of(action: str, details: dict[str, Any]) -> dict[str, Any]:
    """An entry's before/after values; entries that keep them as ``from``/``to`` (a meeting moved),
    ``previous_status``/``status`` (written before every change kept both) or only as the action (a
    meeting cancelled) are read the same way."""
    if details.get("changes"):
        return details["changes"]
    if action == "meeting.cancel":
        return {"status": ("scheduled", "cancelled")}
    if "from" in details and "to" in details:
        return {"time": (details["from"], details["to"])}
    if "previous_status" in details and "status" in details:
        return {"status": (details["previous_status"], details["status"])}
    return {}


def _note(details: dict[str, Any]) -> str:
    """What an entry without field changes says: the kind of change and its main detail."""
    if details.get("on_behalf_of"):
        return f"on behalf of {details['on_behalf_of']}"
    for key in ("title", "organisation", "outcome", "status"):
        if isinstance(details.get(key), str) and details[key]:
            return _shown(details[key])
    return ""


def _owner_of(session: Session, entity: str, entity_id: str) -> tuple[str, int | None]:
    """The record's title as people know it and the organisation that owns it (None: the group's)."""
    number = int(entity_id) if entity_id.isdigit() else 0
    if entity == "initiative":
        initiative = session.get(Initiative, number)
        if initiative is None:
            raise UserError(f"There is no initiative #{entity_id}. Find its number with `/itwg initiatives`.")
        return f"initiative #{number} {initiative.title}", initiative.lead_organisation_id
    if entity == "action_item":
        item = session.get(ActionItem, number)
        if item is None:
            raise UserError(f"There is no action item #{entity_id}; `/itwg actions all` lists them.")
        return f"action item #{number} {item.title}", item.owner_organisation_id
    if entity == "meeting":
        meeting = session.get(Meeting, number)
        if meeting is None:
            raise UserError(f"There is no meeting #{entity_id}; `/itwg next` shows the next one.")
        return f"meeting #{number} {meeting.title}", None
    organisation = organisations.find_by_acronym(session, text=entity_id, include_retired=True)
    if organisation is None:
        raise UserError(unknown_organisation_message(session, entity_id))
    return f"{organisation.acronym} ({organisation.name})", organisation.id


def parse(text: str) -> tuple[str, str]:
    """``initiative 12`` → ("initiative", "12"); UserError with the usage otherwise."""
    words = text.split(maxsplit=1)
    entity = KINDS.get(words[0].lower()) if words else None
    if entity is None or len(words) < 2:
        raise UserError(f"Say whose history, e.g. `/itwg history initiative 12`. Usage: `{USAGE}`.")
    reference = words[1].strip()
    if entity != "organisation":
        number = parsing.record_number(reference)
        if number is None:
            raise UserError(f"Give the record's number, e.g. `/itwg history {words[0].lower()} 12`.")
        reference = str(number)
    return entity, reference


def history(deps: Deps, *, actor: Actor, text: str) -> History:
    """The record's audit trail, newest first, for the co-leads and the owning organisation."""
    entity, reference = parse(text)
    with read_scope(deps.engine) as session:
        title, owner_id = _owner_of(session, entity, reference)
        if not actor.is_co_lead and (owner_id is None or owner_id != actor.organisation_id):
            raise UserError(
                f"The history of {title} is for the co-leads"
                + ("" if owner_id is None else " and the organisation it belongs to")
                + "."
            )
        entity_id = str(owner_id) if entity == "organisation" else reference
        entries = [
            HistoryEntry(
                at=row.at,
                actor=row.actor,
                action=row.action,
                changes=change_lines(_changes_of(row.action, row.details or {})),
                note=_note(row.details or {}),
            )
            for row in reversed(audit.list_for(session, entity=entity, entity_id=entity_id))
        ]
    return History(title=title, entries=entries[:LIMIT], total=len(entries))


@dataclass(frozen=True)
class OwnerNotice:
    """What to tell an organisation whose record a co-lead of another organisation just changed."""

    recipients: list[str]
    owner: str
    changes: dict[str, Any]


def owner_notice(
    deps: Deps, *, actor: Actor, entity: str, entity_id: int, organisation_id: int
) -> OwnerNotice | None:
    """The actor's latest change to the record, for the organisations that owned it before and after
    (their focal points, else everyone known); None when the actor is one of theirs or changed nothing."""
    with read_scope(deps.engine) as session:
        entry = audit.latest_for(session, entity=entity, entity_id=entity_id)
        if entry is None or entry.actor_person_id != actor.person_id:
            return None
        changes = (entry.details or {}).get("changes") or {}
        owners = {organisation_id}
        moved = changes.get("owner") or changes.get("lead_organisation") or {}
        previous = organisations.find_by_acronym(session, text=str(moved.get("before") or ""))
        if previous is not None and previous.id is not None:
            owners.add(previous.id)
        owners.discard(actor.organisation_id or 0)
        if not changes or not owners:
            return None
        by_organisation = recipients.people_by_organisation(session)
        names = [o.acronym for o in organisations.list_all(session) if o.id in owners]
        chosen = [
            person.slack_user_id
            for owner_id in sorted(owners)
            for person in recipients.nudge_recipients(by_organisation.get(owner_id, []))
            if person.id != actor.person_id
        ]
    return OwnerNotice(recipients=chosen, owner=" and ".join(names), changes=changes)
