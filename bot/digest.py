"""The co-leads' status digest: where the working group stands, computed in a fixed number of queries.

A digest covers a period (by default since the last meeting held, when the current cycle began) and
tells: the next meeting; which organisations shared this cycle (the observer is never missing);
initiatives by objective, status and population with what is new or changed; action items overdue,
due within two weeks and completed, per organisation; and the best collaboration opportunities.
It goes to the requester privately. The message carries a summary; when the whole digest does not fit
in one message, the full version travels with it as a Markdown file.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot import opportunities, parsing, vocabulary
from bot.actor import Actor
from bot.blockkit import MESSAGE_BLOCKS, MESSAGE_CHARACTERS, SECTION_TEXT
from bot.cycles import OrganisationSharing, current_cycle, sharing_status
from bot.deps import Deps
from bot.errors import UserError
from bot.exports import render_markdown
from bot.notifications import Attachment
from bot.opportunities import OpportunityGroup
from bot.rendering import render_message
from bot.settings import Settings
from storage.db import session_scope
from storage.models import Meeting, Notification
from storage.repositories import digest as repository
from storage.repositories import notifications
from storage.repositories.digest import ActionCounts, ActionRow, Counts, InitiativeChange

SOON_DAYS = 14
SUMMARY_ROWS = 8
SHORT_SUMMARY_ROWS = 3
FULL_ROWS = 500
TOP_OPPORTUNITIES = 3
# Long before the working group (2022) and far from the edges of what a datetime can hold.
EARLIEST_SINCE = date(2000, 1, 1)
DATE_HELP = "Write the date as YYYY-MM-DD, e.g. `/itwg digest since 2030-01-31`."


@dataclass(frozen=True)
class TagLine:
    """One objective or population: how many initiatives, new/changed ones, and per status."""

    code: str
    counts: Counts
    by_status: dict[str, int]


@dataclass(frozen=True)
class OrganisationLine:
    acronym: str
    sharing: OrganisationSharing
    actions: ActionCounts


@dataclass(frozen=True)
class Digest:
    generated_at: datetime
    since: datetime | None
    since_meeting: bool
    reader_timezone: str
    next_meeting: Meeting | None
    organisations: list[OrganisationLine]
    statuses: dict[str, Counts]
    objectives: list[TagLine]
    populations: list[TagLine]
    changes: list[InitiativeChange]
    due: list[ActionRow]
    completed: list[ActionRow]
    opportunities: list[OpportunityGroup]
    today: date
    soon_until: date
    # Notifications whose sending stopped before Slack confirmed them: a person should check.
    interrupted: list[Notification] = field(default_factory=list)
    # E-mails the mail server refused for good (a 5xx answer): an address to correct.
    rejected: list[Notification] = field(default_factory=list)
    # Notifications never sent because their moment passed (after the clock was stopped, say).
    skipped: list[Notification] = field(default_factory=list)
    skipped_total: int = 0

    @property
    def total(self) -> Counts:
        values = self.statuses.values()
        return Counts(
            sum(c.total for c in values), sum(c.new for c in values), sum(c.changed for c in values)
        )

    @property
    def missing(self) -> list[str]:
        return [line.acronym for line in self.organisations if line.sharing.missing]

    @property
    def unreachable(self) -> list[str]:
        """Organisations no nudge reaches, each with why (nobody known, or no DM channel)."""
        return [
            f"{line.acronym} ({line.sharing.unreachable})"
            for line in self.organisations
            if line.sharing.unreachable
        ]

    @property
    def shared_count(self) -> int:
        """Organisations that shared this cycle, out of ``counted_organisations`` (observer apart)."""
        return sum(
            1 for line in self.organisations if line.sharing.shared > 0 and not line.sharing.is_observer
        )

    @property
    def counted_organisations(self) -> int:
        return sum(1 for line in self.organisations if not line.sharing.is_observer)

    @property
    def action_totals(self) -> ActionCounts:
        lines = [line.actions for line in self.organisations]
        return ActionCounts(
            overdue=sum(a.overdue for a in lines),
            due_soon=sum(a.due_soon for a in lines),
            completed=sum(a.completed for a in lines),
        )

    @property
    def with_actions(self) -> list[OrganisationLine]:
        return [line for line in self.organisations if line.actions != ActionCounts()]

    @property
    def overdue(self) -> list[ActionRow]:
        return [row for row in self.due if row.due_date < self.today]

    @property
    def due_soon(self) -> list[ActionRow]:
        return [row for row in self.due if row.due_date >= self.today]

    def local(self, moment: datetime) -> str:
        """A moment in the reader's timezone, for the Markdown file (which has no Slack date tokens)."""
        return moment.astimezone(ZoneInfo(self.reader_timezone)).strftime("%a %d %b %Y %H:%M %Z")


def parse_since(text: str, *, now: datetime, timezone: str) -> datetime | None:
    """``""`` (the default period), ``since YYYY-MM-DD`` or ``YYYY-MM-DD``: midnight in ``timezone``."""
    words = text.split()
    if words and words[0].lower() == "since":
        words = words[1:]
        if not words:
            raise UserError(DATE_HELP)
    if not words:
        return None
    if len(words) > 1:
        raise UserError(f"I can't read `{' '.join(words)}` as a date. {DATE_HELP}")
    try:
        day = parsing.iso_date(words[0])
    except parsing.DateNotWritten:
        raise UserError(f"I can't read `{words[0]}` as a date. {DATE_HELP}") from None
    except parsing.DateDoesNotExist:
        raise UserError(f"`{words[0]}` is not a calendar date. {DATE_HELP}") from None
    if day < EARLIEST_SINCE:
        # Midnight of 0001-01-01 east of UTC is before the first instant a datetime can hold.
        raise UserError(f"{words[0]} is too far back; give a date from {EARLIEST_SINCE.isoformat()} on.")
    moment = datetime.combine(day, time(0), tzinfo=ZoneInfo(timezone)).astimezone(UTC)
    if moment > now:
        raise UserError(f"{words[0]} is in the future; a digest covers a period that has begun.")
    return moment


def _tag_lines(rows: list[repository.TagStatusCount], kind: str, order: dict[str, str]) -> list[TagLine]:
    gathered: dict[str, tuple[list[Counts], dict[str, int]]] = {}
    for row in rows:
        if row.kind != kind:
            continue
        counts, statuses = gathered.setdefault(row.value, ([], {}))
        counts.append(row.counts)
        statuses[row.status] = row.counts.total
    ranked = sorted(
        gathered, key=lambda code: (list(order).index(code) if code in order else len(order), code)
    )
    return [
        TagLine(
            code=code,
            counts=Counts(
                sum(c.total for c in gathered[code][0]),
                sum(c.new for c in gathered[code][0]),
                sum(c.changed for c in gathered[code][0]),
            ),
            by_status=gathered[code][1],
        )
        for code in ranked
    ]


def build(
    session: Session,
    *,
    now: datetime,
    settings: Settings,
    since: datetime | None = None,
    reader_timezone: str | None = None,
    rows: int = FULL_ROWS,
) -> Digest:
    """Every number of the digest, in a fixed number of queries (about a dozen)."""
    cycle = current_cycle(session, now=now)
    since_meeting = since is None
    period_start = cycle.starts_at if since is None else since
    today = now.astimezone(ZoneInfo(settings.itwg_timezone)).date()
    soon_until = today + timedelta(days=SOON_DAYS)
    sharing = sharing_status(session, cycle=cycle)
    action_counts = repository.action_item_counts(
        session, today=today, soon_until=soon_until, since=period_start
    )
    tags = repository.initiative_tag_counts(session, since=period_start, kinds=("objective", "population"))
    undelivered = notifications.interrupted_since(
        session, since=period_start, limit=40, statuses=("interrupted", "rejected")
    )
    skipped, skipped_total = notifications.skipped_since(session, since=period_start)
    return Digest(
        generated_at=now,
        since=period_start,
        since_meeting=since_meeting,
        reader_timezone=reader_timezone or settings.itwg_timezone,
        next_meeting=cycle.next_meeting,
        organisations=[
            OrganisationLine(
                acronym=entry.organisation.acronym,
                sharing=entry,
                actions=action_counts.get(entry.organisation.id or 0, ActionCounts()),
            )
            for entry in sharing
        ],
        statuses=repository.initiative_status_counts(session, since=period_start),
        objectives=_tag_lines(tags, "objective", vocabulary.OBJECTIVES),
        populations=_tag_lines(tags, "population", vocabulary.POPULATIONS),
        changes=repository.changed_initiatives(session, since=period_start, limit=rows),
        due=repository.open_action_items_due_by(session, until=soon_until, limit=rows),
        completed=repository.completed_action_items(session, since=period_start, limit=rows),
        opportunities=opportunities.find(session, today=today, limit=TOP_OPPORTUNITIES),
        today=today,
        soon_until=soon_until,
        interrupted=[row for row in undelivered if row.status == "interrupted"],
        rejected=[row for row in undelivered if row.status == "rejected"],
        skipped=skipped,
        skipped_total=skipped_total,
    )


@dataclass(frozen=True)
class RenderedDigest:
    message: dict[str, Any]
    attachment: Attachment | None


def _needs_file(digest: Digest) -> bool:
    total, actions = digest.total, digest.action_totals
    counts = (total.new + total.changed, actions.overdue, actions.due_soon, actions.completed)
    return any(count > SUMMARY_ROWS for count in counts)


def _too_big(message: dict[str, Any]) -> bool:
    """Whether Block Kit's last-resort trimming cut anything (long titles and outcomes can add up)."""
    blocks = message["blocks"]
    return (
        len(blocks) >= MESSAGE_BLOCKS
        or len(str(blocks)) > MESSAGE_CHARACTERS - 200
        or any(len(block.get("text", {}).get("text", "")) >= SECTION_TEXT for block in blocks)
    )


def render(digest: Digest) -> RenderedDigest:
    """The message (a summary when the whole does not fit) and, then, the full Markdown file."""
    attach = _needs_file(digest)
    message = render_message("digest.json.j2", digest=digest, rows=SUMMARY_ROWS, attached=attach)
    if _too_big(message):
        attach = True
        message = render_message("digest.json.j2", digest=digest, rows=SHORT_SUMMARY_ROWS, attached=True)
    if not attach:
        return RenderedDigest(message=message, attachment=None)
    stamp = digest.generated_at.astimezone(ZoneInfo(digest.reader_timezone)).strftime("%Y-%m-%d")
    attachment = Attachment(
        filename=f"itwg-digest-{stamp}.md",
        title=f"ITWG status digest {stamp}",
        content=render_markdown("digest.md.j2", digest=digest),
    )
    return RenderedDigest(message=message, attachment=attachment)


def reader_timezone(actor: Actor, settings: Settings) -> str:
    return actor.timezone or settings.itwg_timezone


def request_digest(deps: Deps, *, actor: Actor, args: str) -> RenderedDigest:
    """``/itwg digest [since YYYY-MM-DD]`` for a co-lead; anyone else is politely turned away."""
    if not actor.is_co_lead:
        raise UserError(
            "The status digest is prepared for the co-leads (UNODC and WHO). "
            "`/itwg opportunities` and `/itwg export` are open to every member."
        )
    now = deps.now()
    timezone = reader_timezone(actor, deps.settings)
    since = parse_since(args, now=now, timezone=timezone)
    with session_scope(deps.engine) as session:
        digest = build(session, now=now, settings=deps.settings, since=since, reader_timezone=timezone)
    return render(digest)
