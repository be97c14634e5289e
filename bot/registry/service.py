"""What the public registry shows, each read in short read-only units of work.

Everything comes from ``storage.repositories.registry``, whose every query is limited to shareable
initiatives; this module only shapes the results for pages, JSON and CSV.
"""

import hashlib
import logging
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from threading import Lock
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from bot import vocabulary
from bot.deps import Deps
from bot.registry.query import BadQuery, Query, parse
from storage.db import impatient_engine, read_scope, session_scope
from storage.models import Meeting, MeetingMinutes, Organisation
from storage.repositories import registry
from storage.repositories.registry import Entry, Filters, Fingerprint, Overview

logger = logging.getLogger(__name__)

PER_PAGE = 50
BAR_WIDTH = 300


def region_labels() -> dict[str, str]:
    return vocabulary.REGIONS


def scope_text(entry: Entry) -> str:
    """Where an initiative works, as a visitor reads it: "Global" or its regions and countries."""
    if entry.initiative.scope_global:
        return "Global"
    codes = [*entry.tags.get("region", []), *entry.tags.get("country", [])]
    return vocabulary.place_labels(codes) or "Not stated"


@dataclass(frozen=True)
class Listing:
    query: Query
    fingerprint: Fingerprint
    entries: list[Entry]
    organisations: dict[int, Organisation]
    overview: Overview | None

    @property
    def total(self) -> int:
        return self.fingerprint.count

    @property
    def pages(self) -> int:
        return page_count(self.total)


def page_count(total: int) -> int:
    return max(1, -(-total // PER_PAGE))


class OverviewMemo:
    """The chart's counts for recently seen selections, until the selection changes.

    Counting a large registry by tag is the one cost that grows with its size; a selection whose
    fingerprint (count, newest change, ids) is unchanged has unchanged counts, so they are reused:
    from this process's memory, else from the database (``registry_overview``, shared by every web
    process and kept across restarts), else counted once and stored there for the others.
    """

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._entries: OrderedDict[tuple[Filters, Fingerprint], Overview] = OrderedDict()
        self._lock = Lock()
        self._writer: Engine | None = None

    def writer(self, engine: Engine) -> Engine:
        """Where counts are stored: never waiting for SQLite's write lock (a reader must not)."""
        with self._lock:
            if self._writer is None:
                self._writer = impatient_engine(engine)
            return self._writer

    def get(self, key: tuple[Filters, Fingerprint], compute: Callable[[], Overview]) -> Overview:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        overview = compute()
        with self._lock:
            self._entries[key] = overview
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return overview


def etag_for(*parts: object) -> str:
    return hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()[:32]


def check(deps: Deps, args: Any) -> tuple[Query, Fingerprint, dict[int, Organisation]]:
    """Parse the query and measure the selection: enough to answer a conditional request."""
    with read_scope(deps.engine) as session:
        organisations = registry.organisations(session)
        query = parse(args, organisations)
        fingerprint = registry.fingerprint(session, filters=query.filters)
    if query.page > page_count(fingerprint.count):
        raise BadQuery(f"There is no page {query.page}; this selection has {page_count(fingerprint.count)}.")
    return query, fingerprint, organisations


def listing(
    deps: Deps,
    query: Query,
    fingerprint: Fingerprint,
    organisations: dict[int, Organisation],
    *,
    memo: OverviewMemo | None,
) -> Listing:
    """The page of initiatives a visitor asked for, plus the chart's counts when ``memo`` is given."""
    with read_scope(deps.engine) as session:
        entries = registry.page(
            session, filters=query.filters, offset=(query.page - 1) * PER_PAGE, limit=PER_PAGE
        )
        overview = None
        if memo is not None:
            overview = memo.get(
                (query.filters, fingerprint),
                lambda: _stored_or_counted(deps, session, memo, query.filters, fingerprint),
            )
    return Listing(query, fingerprint, entries, organisations, overview)


def _stored_or_counted(
    deps: Deps, session: Session, memo: OverviewMemo, filters: Filters, fingerprint: Fingerprint
) -> Overview:
    selection, mark = etag_for(filters), etag_for(fingerprint)
    stored = registry.stored_overview(session, selection=selection, fingerprint=mark)
    if stored is not None:
        return stored
    overview = registry.overview(session, filters=filters)
    if not filters.text:  # free-text searches are too many to keep
        try:
            with session_scope(memo.writer(deps.engine)) as writing:
                registry.store_overview(
                    writing, selection=selection, fingerprint=mark, overview=overview, now=deps.now()
                )
        except OperationalError as error:  # the write lock is taken: the next visitor stores them
            logger.info("registry counts not stored this time: %s", error)
    return overview


def everything(deps: Deps, filters: Filters) -> Iterator[list[Entry]]:
    """The whole filtered selection in batches, for the CSV download."""
    with read_scope(deps.engine) as session:
        yield from registry.each_batch(session, filters=filters)


def initiative(deps: Deps, initiative_id: int) -> tuple[Entry, dict[int, Organisation]] | None:
    with read_scope(deps.engine) as session:
        entry = registry.get(session, initiative_id=initiative_id)
        return (entry, registry.organisations(session)) if entry else None


def public_minutes(deps: Deps, meeting_id: int) -> tuple[Meeting, MeetingMinutes, list[str]] | None:
    """Minutes a co-lead published and marked public; None for any other meeting."""
    with read_scope(deps.engine) as session:
        return registry.public_minutes(session, meeting_id=meeting_id)


def upcoming_meetings(deps: Deps) -> list[Meeting]:
    with read_scope(deps.engine) as session:
        return registry.upcoming_meetings(session, now=deps.now())


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    width: int


def bars(counts: dict[str, int], labels: dict[str, str]) -> list[Bar]:
    """One bar per vocabulary entry (zero included, so the chart's shape is always comparable)."""
    largest = max(counts.values(), default=0) or 1
    return [
        Bar(label=label, count=counts.get(code, 0), width=round(BAR_WIDTH * counts.get(code, 0) / largest))
        for code, label in labels.items()
    ]


def organisation_counts(listing_: Listing) -> list[tuple[Organisation, int, int]]:
    """(organisation, initiatives led, initiatives partnered) for organisations with any, busiest first."""
    overview = listing_.overview
    if overview is None:
        return []
    led_by = dict(listing_.fingerprint.led_by)
    rows = [
        (organisation, led_by.get(id_, 0), overview.partnered_by.get(id_, 0))
        for id_, organisation in listing_.organisations.items()
        if led_by.get(id_) or overview.partnered_by.get(id_)
    ]
    return sorted(rows, key=lambda row: (-(row[1] + row[2]), row[0].acronym_key))


def as_record(entry: Entry, organisations: dict[int, Organisation], base_url: str) -> dict[str, Any]:
    """One initiative as open data (the shape README documents)."""
    initiative = entry.initiative

    def organisation(id_: int) -> dict[str, str]:
        found = organisations.get(id_)
        return {"acronym": found.acronym, "name": found.name} if found else {"acronym": "", "name": ""}

    return {
        "id": initiative.id,
        "url": f"{base_url}registry/initiatives/{initiative.id}",
        "title": initiative.title,
        "summary": initiative.summary,
        "status": initiative.status,
        "lead_organisation": organisation(initiative.lead_organisation_id),
        "partner_organisations": [organisation(id_) for id_ in entry.partner_ids],
        "objectives": entry.tags.get("objective", []),
        "continuum": entry.tags.get("continuum", []),
        "populations": entry.tags.get("population", []),
        "scope": {
            "global": initiative.scope_global,
            "regions": entry.tags.get("region", []),
            "countries": entry.tags.get("country", []),
        },
        "start_date": initiative.start_date.isoformat() if initiative.start_date else None,
        "end_date": initiative.end_date.isoformat() if initiative.end_date else None,
        "link": safe_link(initiative.link),
        "created_at": _iso(initiative.created_at),
        "updated_at": _iso(initiative.updated_at),
    }


def safe_link(url: str | None) -> str | None:
    """Only web links are published: a ``javascript:`` or ``data:`` link would run in visitors' browsers."""
    if url and url.lower().startswith(("https://", "http://")):
        return url
    return None


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")
