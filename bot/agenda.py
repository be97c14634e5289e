"""The agenda pre-read: what members shared this cycle, by objective, and what is still open.

Rendered twice from the same data: as a Slack message (``agenda.json.j2``) and as a Markdown file
(``agenda.md.j2``) that people can open before the meeting or paste into minutes.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot import exports, vocabulary
from bot.cycles import Cycle, current_cycle, sharing_status
from bot.deps import Deps
from bot.notifications import Attachment
from storage.db import session_scope
from storage.models import ActionItem, AgendaItem, Initiative, Meeting, Organisation, Person
from storage.repositories import agenda as agenda_records
from storage.repositories import records as record_items

UNCLASSIFIED = "Not linked to an objective"


@dataclass(frozen=True)
class SharedInitiative:
    initiative: Initiative
    organisation: Organisation


@dataclass(frozen=True)
class OpenItem:
    item: ActionItem
    organisation: Organisation
    overdue: bool


@dataclass(frozen=True)
class Agenda:
    meeting: Meeting | None
    cycle_starts_at: datetime | None
    by_objective: list[tuple[str, list[SharedInitiative]]]
    open_items: list[OpenItem]
    still_to_share: list[Organisation]
    # The topics proposed for the meeting, in the co-leads' order, with who proposed each.
    proposed: list[tuple[AgendaItem, Person | None]] = field(default_factory=list)

    @property
    def overdue_items(self) -> list[OpenItem]:
        return [item for item in self.open_items if item.overdue]

    @property
    def meeting_time(self) -> str:
        """When the meeting starts where it is held, with UTC beside it: a file has no reader's
        timezone to show it in, and a time in UTC alone leaves everyone to convert it."""
        assert self.meeting is not None
        local = self.meeting.starts_at.astimezone(ZoneInfo(self.meeting.timezone))
        utc = self.meeting.starts_at.astimezone(UTC)
        return f"{local:%A %d %B %Y, %H:%M} {self.meeting.timezone} ({utc:%H:%M} UTC)"

    @property
    def shared_count(self) -> int:
        return len({s.initiative.id for _, group in self.by_objective for s in group})


def build(session: Session, *, now: datetime, timezone: str, meeting: Meeting | None = None) -> Agenda:
    """The agenda for ``meeting`` (default: the next one), counting sharing since the last meeting.

    An item is overdue once its due date has passed in the working group's timezone, as in the digest.
    """
    cycle = current_cycle(session, now=now)
    if meeting is not None:
        cycle = Cycle(starts_at=cycle.starts_at, last_meeting=cycle.last_meeting, next_meeting=meeting)
    shared = agenda_records.initiatives_shared_since(session, since=cycle.starts_at)
    objectives = agenda_records.objectives_of(session, initiative_ids=[i.id for i, _ in shared if i.id])
    groups: dict[str, list[SharedInitiative]] = {label: [] for label in vocabulary.OBJECTIVES.values()}
    groups[UNCLASSIFIED] = []
    for initiative, organisation in shared:
        codes = objectives.get(initiative.id or 0) or [None]
        for code in codes:
            label = vocabulary.OBJECTIVES.get(code or "", UNCLASSIFIED)
            groups.setdefault(label, []).append(SharedInitiative(initiative, organisation))
    today = now.astimezone(ZoneInfo(timezone)).date()
    items = [
        OpenItem(item=item, organisation=organisation, overdue=item.due_date < today)
        for item, organisation in agenda_records.open_action_items(session)
    ]
    missing = [s.organisation for s in sharing_status(session, cycle=cycle) if s.missing]
    upcoming = cycle.next_meeting
    proposed = record_items.agenda_items(session, meeting_ids=[upcoming.id or 0]) if upcoming else []
    return Agenda(
        meeting=cycle.next_meeting,
        cycle_starts_at=cycle.starts_at,
        by_objective=[(label, group) for label, group in groups.items() if group],
        open_items=items,
        still_to_share=missing,
        proposed=[(item, person) for item, person in proposed if item.status == record_items.PROPOSED],
    )


def render_markdown(agenda: Agenda) -> str:
    """The pre-read as a Markdown file, with titles escaped like every other Markdown file."""
    return exports.render_markdown("agenda.md.j2", agenda=agenda)


def markdown_attachment(agenda: Agenda) -> Attachment:
    suffix = f"-meeting-{agenda.meeting.id}" if agenda.meeting else ""
    return Attachment(
        filename=f"itwg-agenda{suffix}.md",
        title="ITWG agenda pre-read",
        content=render_markdown(agenda),
    )


def current(deps: Deps) -> Agenda:
    with session_scope(deps.engine) as session:
        return build(session, now=deps.now(), timezone=deps.settings.itwg_timezone)
