"""Read-only queries behind the public registry.

Privacy by construction: every statement here starts from ``_shareable()``, the one place that says
which initiatives the public may see. Nothing in this module can reach a working-group-only row, so
no page, feed or download built on it can leak one, whatever filter a visitor sends.

Every function runs a fixed number of queries whatever the size of the registry: tags and partners
are fetched for a page's ids in one query each, never per row.
"""

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice
from typing import Any

from sqlalchemy import Select, delete, func, or_
from sqlmodel import Session, col, select

from storage.models import (
    Decision,
    Initiative,
    InitiativePartner,
    InitiativeTag,
    Meeting,
    MeetingMinutes,
    Organisation,
    RegistryOverview,
)

SHAREABLE = "shareable"
TAG_KINDS = ("objective", "continuum", "population", "region", "country")
# Meetings are at most a day long, so one that started earlier than this has certainly ended.
LONGEST_MEETING = timedelta(days=1)
# Stored chart counts of a selection nobody asked for again in this long are dropped.
FORGET_OVERVIEWS_AFTER = timedelta(days=30)


@dataclass(frozen=True)
class Filters:
    """What a visitor narrowed the registry to; ``None`` means "any"."""

    objective: str | None = None
    population: str | None = None
    continuum: str | None = None
    organisation_id: int | None = None
    region: str | None = None
    country: str | None = None
    status: str | None = None
    text: str | None = None

    def tags(self) -> list[tuple[str, str]]:
        pairs = [
            ("objective", self.objective),
            ("population", self.population),
            ("continuum", self.continuum),
            ("region", self.region),
            ("country", self.country),
        ]
        return [(kind, value) for kind, value in pairs if value]


@dataclass
class Entry:
    """A shareable initiative with what the registry shows beside it."""

    initiative: Initiative
    tags: dict[str, list[str]] = field(default_factory=lambda: {kind: [] for kind in TAG_KINDS})
    partner_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Fingerprint:
    """Enough to tell whether a filtered selection changed, without reading it."""

    count: int
    last_modified: datetime | None
    id_sum: int
    # (organisation id, initiatives it leads) pairs: measured by the same query, shown in the chart.
    led_by: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Overview:
    """Counts for the chart at the top of the registry."""

    by_objective: dict[str, int]
    by_population: dict[str, int]
    partnered_by: dict[int, int]
    # Region and country codes the selection uses, for the filter form's choices.
    regions: list[str]
    countries: list[str]


def _shareable(*columns: Any) -> Select:
    """The only way into the initiative table for the public: shareable rows, nothing else."""
    return select(*columns).where(Initiative.visibility == SHAREABLE)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _matching(filters: Filters, *columns: Any) -> Select:
    """``columns`` of the shareable initiatives that pass every filter."""
    statement = _shareable(*columns)
    for kind, value in filters.tags():
        tagged = select(InitiativeTag.initiative_id).where(
            InitiativeTag.kind == kind, InitiativeTag.value == value
        )
        statement = statement.where(Initiative.id.in_(tagged))  # type: ignore[union-attr]
    if filters.status:
        statement = statement.where(Initiative.status == filters.status)
    if filters.organisation_id is not None:
        partnered = select(InitiativePartner.initiative_id).where(
            InitiativePartner.organisation_id == filters.organisation_id
        )
        statement = statement.where(
            or_(
                Initiative.lead_organisation_id == filters.organisation_id,
                Initiative.id.in_(partnered),  # type: ignore[union-attr]
            )
        )
    if filters.text:
        pattern = f"%{_escape_like(filters.text)}%"
        statement = statement.where(
            or_(
                Initiative.title.ilike(pattern, escape="\\"),  # type: ignore[attr-defined]
                Initiative.summary.ilike(pattern, escape="\\"),  # type: ignore[attr-defined]
            )
        )
    return statement


def fingerprint(session: Session, *, filters: Filters) -> Fingerprint:
    """Count, newest change and a checksum of ids of the filtered selection, per lead organisation.

    One grouped query: the totals are the groups' sums, and the groups are the chart's "leads" column.
    """
    statement = _matching(
        filters,
        Initiative.lead_organisation_id,
        func.count(Initiative.id),
        func.max(Initiative.updated_at),
        func.sum(Initiative.id),
    ).group_by(Initiative.lead_organisation_id)
    groups = session.exec(statement).all()
    return Fingerprint(
        count=sum(group[1] for group in groups),
        last_modified=max((group[2] for group in groups), default=None),
        id_sum=sum(int(group[3]) for group in groups),
        led_by=tuple(sorted((group[0], group[1]) for group in groups)),
    )


def page(session: Session, *, filters: Filters, offset: int, limit: int) -> list[Entry]:
    """One page of the filtered selection, newest first, with tags and partners attached.

    The ordering sorts only (created_at, id) pairs; whole rows are read for the page's ids alone.
    """
    ids = list(
        session.exec(
            _matching(filters, Initiative.id)
            .order_by(Initiative.created_at.desc(), Initiative.id.desc())  # type: ignore[attr-defined,union-attr]
            .offset(offset)
            .limit(limit)
        )
    )
    if not ids:
        return []
    rows = {
        row.id: row for row in session.exec(_matching(Filters(), Initiative).where(Initiative.id.in_(ids)))
    }  # type: ignore[union-attr]
    return _with_details(session, [rows[id_] for id_ in ids if id_ in rows])


def each_batch(session: Session, *, filters: Filters, batch_size: int = 500) -> Iterator[list[Entry]]:
    """The whole filtered selection in batches (for downloads), newest id first, keyset-paginated."""
    after: int | None = None
    while True:
        statement = _matching(filters, Initiative)
        if after is not None:
            statement = statement.where(Initiative.id < after)  # type: ignore[operator]
        rows = list(session.exec(statement.order_by(Initiative.id.desc()).limit(batch_size)))  # type: ignore[union-attr]
        if not rows:
            return
        yield _with_details(session, rows)
        after = rows[-1].id


def get(session: Session, *, initiative_id: int) -> Entry | None:
    """One shareable initiative, or ``None`` when it does not exist or is working-group-only."""
    initiative = session.exec(_matching(Filters(), Initiative).where(Initiative.id == initiative_id)).first()
    return _with_details(session, [initiative])[0] if initiative else None


def _with_details(session: Session, initiatives: Sequence[Initiative]) -> list[Entry]:
    entries = {initiative.id: Entry(initiative=initiative) for initiative in initiatives}
    if not entries:
        return []
    ids = list(entries)
    tags = select(InitiativeTag).where(InitiativeTag.initiative_id.in_(ids))  # type: ignore[attr-defined]
    for tag in session.exec(tags.order_by(InitiativeTag.kind, InitiativeTag.value)):
        entries[tag.initiative_id].tags.setdefault(tag.kind, []).append(tag.value)
    partners = (
        select(InitiativePartner)
        .where(InitiativePartner.initiative_id.in_(ids))  # type: ignore[attr-defined]
        .order_by(InitiativePartner.organisation_id)
    )
    for partner in session.exec(partners):
        entries[partner.initiative_id].partner_ids.append(partner.organisation_id)
    return list(entries.values())


def overview(session: Session, *, filters: Filters) -> Overview:
    """The selection by objective, population, region and country, and per partner organisation."""
    ids = _matching(filters, Initiative.id)
    tag_counts: dict[str, dict[str, int]] = defaultdict(dict)
    tags = (
        select(InitiativeTag.kind, InitiativeTag.value, func.count())
        .where(
            InitiativeTag.kind.in_(("objective", "population", "region", "country")),  # type: ignore[attr-defined]
            InitiativeTag.initiative_id.in_(ids),  # type: ignore[attr-defined]
        )
        .group_by(InitiativeTag.kind, InitiativeTag.value)
    )
    for kind, value, count in session.exec(tags):
        tag_counts[kind][value] = count
    partnered = (
        select(InitiativePartner.organisation_id, func.count())
        .where(InitiativePartner.initiative_id.in_(ids))  # type: ignore[attr-defined]
        .group_by(InitiativePartner.organisation_id)
    )
    return Overview(
        by_objective=tag_counts["objective"],
        by_population=tag_counts["population"],
        partnered_by=dict(session.exec(partnered).all()),  # type: ignore[arg-type]
        regions=sorted(tag_counts["region"]),
        countries=sorted(tag_counts["country"]),
    )


def stored_overview(session: Session, *, selection: str, fingerprint: str) -> Overview | None:
    """The counts stored for ``selection`` if they were counted at this ``fingerprint``."""
    row = session.get(RegistryOverview, selection)
    if row is None or row.fingerprint != fingerprint:
        return None
    counts = row.counts
    return Overview(
        by_objective=counts["by_objective"],
        by_population=counts["by_population"],
        partnered_by={int(id_): count for id_, count in counts["partnered_by"].items()},
        regions=counts["regions"],
        countries=counts["countries"],
    )


def store_overview(
    session: Session, *, selection: str, fingerprint: str, overview: Overview, now: datetime
) -> None:
    """Keep ``overview`` for ``selection`` (replacing older counts), and drop counts made more than
    ``FORGET_OVERVIEWS_AFTER`` ago, so selections visited once do not pile up."""
    session.merge(
        RegistryOverview(
            selection=selection,
            fingerprint=fingerprint,
            counts={
                "by_objective": overview.by_objective,
                "by_population": overview.by_population,
                "partnered_by": {str(id_): count for id_, count in overview.partnered_by.items()},
                "regions": overview.regions,
                "countries": overview.countries,
            },
            computed_at=now,
        )
    )
    session.execute(
        delete(RegistryOverview).where(col(RegistryOverview.computed_at) < now - FORGET_OVERVIEWS_AFTER)
    )


def organisations(session: Session) -> dict[int, Organisation]:
    """The working group's members (public knowledge), by id, in acronym order."""
    statement = select(Organisation).order_by(Organisation.acronym_key)
    return {organisation.id: organisation for organisation in session.exec(statement)}  # type: ignore[misc]


def upcoming_meetings(session: Session, *, now: datetime, limit: int = 50) -> list[Meeting]:
    """Scheduled meetings that have not ended yet, soonest first (one running now stays listed)."""
    statement = (
        select(Meeting)
        .where(Meeting.status == "scheduled", Meeting.starts_at > now - LONGEST_MEETING)
        .order_by(Meeting.starts_at, Meeting.id)
    )
    meetings = (
        m for m in session.exec(statement) if m.starts_at + timedelta(minutes=m.duration_minutes) > now
    )
    return list(islice(meetings, limit))


def public_minutes(session: Session, *, meeting_id: int) -> tuple[Meeting, MeetingMinutes, list[str]] | None:
    """A meeting's minutes and decisions, only when published and marked public: the one query the
    public minutes page is built on (no attendance, no action items, no location)."""
    statement = (
        select(Meeting, MeetingMinutes)
        .join(MeetingMinutes, MeetingMinutes.meeting_id == Meeting.id)
        .where(Meeting.id == meeting_id, MeetingMinutes.status == "published", MeetingMinutes.public)
    )
    found = session.exec(statement).first()
    if found is None:
        return None
    decisions = select(Decision.text).where(Decision.meeting_id == meeting_id).order_by(Decision.id)
    return found[0], found[1], list(session.exec(decisions))
