"""The yearly report to the Commission: a draft conference room paper on the working group's year.

Drawn from the same records, by the same rules, as the digest and the exports, so their numbers agree
for the same period: an initiative counts for the year when it was shared in it or, shared earlier,
changed or confirmed in it (the digest's "new" and "changed"); an action item is completed in the year
when it was closed in it; it is overdue when it is open and its due date has passed by the end of the
year (today, for the current year) in the working group's timezone. The observer's attendance is shown,
never counted as an absence.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot import vocabulary
from bot.actor import Actor
from bot.deps import Deps
from bot.errors import UserError
from bot.records import counted, year_bounds
from storage.db import read_scope
from storage.models import ActionItem, Decision, Meeting, MeetingAttendance, Organisation
from storage.repositories import exports as export_records
from storage.repositories import organisations
from storage.repositories import records as repository
from storage.repositories.exports import InitiativeRecord

GROUP_NAME = (
    "Interagency Technical Working Group on Prevention of Drug Use and Treatment and Care of Drug Use "
    "Disorders"
)
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True)
class HeldMeeting:
    meeting: Meeting
    day: date  # in the working group's timezone
    attendance: dict[int, str]  # organisation id → present, excused or absent
    present: list[str]  # acronyms, observer included
    present_counted: int
    out_of: int
    decisions: list[Decision]


@dataclass(frozen=True)
class OrganisationActions:
    acronym: str
    completed: int
    open: int
    overdue: int


@dataclass(frozen=True)
class Connection:
    day: date
    initiatives: list[str]  # "Title (ORG)"


@dataclass(frozen=True)
class YearReport:
    year: int
    generated_at: datetime
    as_of: date
    organisations: list[Organisation]
    meetings: list[HeldMeeting]
    initiatives: list[InitiativeRecord]
    actions: list[OrganisationActions]
    connections: list[Connection]

    @property
    def empty(self) -> bool:
        return not (self.meetings or self.initiatives or self.actions or self.connections)

    @property
    def decisions(self) -> list[tuple[HeldMeeting, Decision]]:
        return [(held, decision) for held in self.meetings for decision in held.decisions]

    @property
    def joint(self) -> list[InitiativeRecord]:
        """Initiatives of two or more organisations."""
        return [record for record in self.initiatives if record.partners]

    def tally(self, kind: str) -> list[tuple[str, int]]:
        """Initiatives per objective, population or region (label, count), in the vocabulary's order;
        "Global" counts as a region of its own."""
        mapping = {"objective": vocabulary.OBJECTIVES, "population": vocabulary.POPULATIONS}.get(
            kind, vocabulary.REGIONS
        )
        counts: Counter[str] = Counter()
        for record in self.initiatives:
            for code in record.tags.get(kind, []):
                counts[code] += 1
            if kind == "region" and record.initiative.scope_global:
                counts["global"] += 1
        labels = {**mapping, "global": "Global"}
        order = [*mapping, "global"]
        return [(labels.get(code, code), counts[code]) for code in order if counts[code]] + [
            (code, n) for code, n in sorted(counts.items()) if code not in labels
        ]

    @property
    def action_totals(self) -> OrganisationActions:
        return OrganisationActions(
            acronym="Total",
            completed=sum(a.completed for a in self.actions),
            open=sum(a.open for a in self.actions),
            overdue=sum(a.overdue for a in self.actions),
        )


def parse_year(text: str, *, now: datetime) -> int:
    words = text.split()
    year = int(words[0]) if len(words) == 1 and words[0].isascii() and words[0].isdigit() else None
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        raise UserError(f"Give the year as four digits, e.g. `/itwg report {now.year}`.")
    if year > now.year:
        raise UserError(f"{year} has not begun; a report covers a year that has.")
    return year


INITIATIVE_ACTIONS = ("initiative.share", "initiative.edit", "initiative.confirm")


def _in_year(record: InitiativeRecord, start: datetime, end: datetime, touched: set[int]) -> bool:
    """Shared in the year, or shared earlier and changed or confirmed in it: last changed in the year,
    or (changed again since) audited as shared, changed or confirmed in it. A change after the year's
    end does not make an older initiative count for it."""
    i = record.initiative
    return start <= i.created_at < end or (
        i.created_at < end and (start <= i.updated_at < end or i.id in touched)
    )


def _touched(session: Session, *, start: datetime, end: datetime) -> set[int]:
    """Initiatives the audit shows shared, changed or confirmed in ``[start, end)``."""
    return {
        int(entry.entity_id)
        for action in INITIATIVE_ACTIONS
        for entry in repository.audit_entries(session, action=action)
        if (entry.entity_id or "").isdigit() and start <= entry.at < end
    }


def _held(
    session: Session, meetings: list[Meeting], everyone: list[Organisation], zone: ZoneInfo
) -> list[HeldMeeting]:
    ids = [m.id or 0 for m in meetings]
    attendance: dict[int, dict[int, str]] = {}
    rows: list[tuple[MeetingAttendance, Organisation]] = repository.attendance(session, meeting_ids=ids)
    for row, _ in rows:
        attendance.setdefault(row.meeting_id, {})[row.organisation_id] = row.status
    decisions: dict[int, list[Decision]] = {}
    for decision in repository.decisions(session, meeting_ids=ids):
        decisions.setdefault(decision.meeting_id, []).append(decision)
    counted_ids = {o.id for o in everyone if counted(o)}
    held = []
    for meeting in meetings:
        statuses = attendance.get(meeting.id or 0, {})
        present = [o for o in everyone if statuses.get(o.id or 0) == "present"]
        held.append(
            HeldMeeting(
                meeting=meeting,
                day=meeting.starts_at.astimezone(zone).date(),
                attendance=statuses,
                present=[o.acronym for o in present],
                present_counted=sum(1 for o in present if o.id in counted_ids),
                # Out of the organisations recorded: one that joined since was not a member then.
                out_of=len(counted_ids & set(statuses)) if statuses else len(counted_ids),
                decisions=decisions.get(meeting.id or 0, []),
            )
        )
    return held


def _actions(
    items: list[tuple[ActionItem, Organisation]],
    *,
    start: datetime,
    end: datetime,
    as_of: date,
    now: datetime,
) -> list[OrganisationActions]:
    """Per organisation: closed in the year; open at its end (or now); of those, overdue by then."""
    cutoff = min(end, now)
    tallies: dict[str, list[int]] = {}
    for item, organisation in items:
        completed = item.status == "done" and item.closed_at is not None and start <= item.closed_at < end
        still_open = item.created_at < cutoff and (
            item.status == "open" or (item.closed_at is not None and item.closed_at >= cutoff)
        )
        if not (completed or still_open):
            continue
        tally = tallies.setdefault(organisation.acronym, [0, 0, 0])
        tally[0] += completed
        tally[1] += still_open
        tally[2] += still_open and item.due_date < as_of
    return [OrganisationActions(acronym, *counts) for acronym, counts in sorted(tallies.items())]


def _connections(session: Session, *, start: datetime, end: datetime, zone: ZoneInfo) -> list[Connection]:
    every = export_records.initiatives(session, shareable_only=False)
    titles = {r.initiative.id: f"{r.initiative.title} ({r.lead})" for r in every}
    connections = []
    for entry in repository.audit_entries(session, action="opportunity.connect"):
        at = datetime.fromisoformat(entry.details.get("at") or entry.at.isoformat())
        if start <= at < end:
            named = [titles[i] for i in entry.details.get("initiatives", []) if i in titles]
            connections.append(Connection(day=at.astimezone(zone).date(), initiatives=named))
    return connections


def build(session: Session, *, year: int, now: datetime, timezone: str) -> YearReport:
    zone = ZoneInfo(timezone)
    start, end = year_bounds(year, timezone)
    # Overdue means due before this day: today for the current year, else the day after the year.
    as_of = now.astimezone(zone).date() if end > now else date(year + 1, 1, 1)
    everyone = organisations.list_all(session)
    meetings = [
        m
        for m in repository.meetings_between(session, start=start, end=end)
        if m.status == "scheduled" and m.starts_at <= now
    ]
    all_items = repository.all_action_items(session)
    touched = _touched(session, start=start, end=end)
    return YearReport(
        year=year,
        generated_at=now,
        as_of=as_of,
        organisations=everyone,
        meetings=_held(session, meetings, everyone, zone),
        initiatives=[
            r
            for r in export_records.initiatives(session, shareable_only=False)
            if _in_year(r, start, end, touched)
        ],
        actions=_actions(all_items, start=start, end=end, as_of=as_of, now=now),
        connections=_connections(session, start=start, end=end, zone=zone),
    )


def report_for(deps: Deps, *, year: int) -> YearReport:
    with read_scope(deps.engine) as session:
        report = build(session, year=year, now=deps.now(), timezone=deps.settings.itwg_timezone)
        session.expunge_all()
    return report


def request_report(deps: Deps, *, actor: Actor, args: str) -> YearReport:
    """``/itwg report YYYY``: the co-leads' draft for the Commission."""
    if not actor.is_co_lead:
        raise UserError("The yearly report is prepared by the co-leads (UNODC and WHO).")
    return report_for(deps, year=parse_year(args, now=deps.now()))
