"""The registry of initiatives: sharing, editing, confirming for a meeting, finding, and who has shared.

The rules live here so that the modal, the buttons, the App Home and the offline console all obey the
same ones: who may change an initiative (its lead organisation's people and the co-leads), what a valid
initiative is, and what "shared this cycle" means (``shared_by_organisation_at`` on or after the
cycle's start, moved by the organisation's own people sharing, changing or confirming it, or by a
co-lead confirming it explicitly on the organisation's behalf; a co-lead sharing or changing another
organisation's initiative is recorded and shown, but that organisation has not shared by it; an edit
that changes nothing changes no timestamp).

Geography is stored as tags: ``region`` values are codes of ``vocabulary.REGIONS``; ``country`` values
are upper-case ISO 3166-1 alpha-2 codes, typed as codes or English names separated by commas.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import urlparse

from sqlmodel import Session

from bot import countries, parsing, vocabulary
from bot.actor import Actor
from bot.cycles import Cycle, OrganisationSharing, current_cycle, sharing_status
from bot.deps import Deps
from bot.errors import FieldErrors, UserError
from bot.identity import require_organisation
from storage.db import read_scope, session_scope
from storage.models import Initiative, Meeting, MeetingMinutes, Organisation
from storage.repositories import audit, organisations, records, sharing
from storage.repositories import initiatives as repository

TITLE_MAX = 150
SUMMARY_MAX = 3000
LINK_MAX = 500
# Eight compact cards keep a page well inside Slack's ~12,000 characters of blocks a message.
PAGE_SIZE = 8
HOME_LIMIT = 20
NEW_STATUSES = ("planned", "ongoing", "completed")
CONFIRM_STATUSES = ("ongoing", "completed", "paused")
TAG_KINDS = {
    "objective": vocabulary.OBJECTIVES,
    "continuum": vocabulary.CONTINUUM,
    "population": vocabulary.POPULATIONS,
    "region": vocabulary.REGIONS,
    "country": vocabulary.COUNTRIES,
}
# The modal's block ids, which are also the keys of a submitted form and of its field errors.
FORM_TAG_BLOCKS = {
    "objectives": "objective",
    "continuum": "continuum",
    "populations": "population",
    "regions": "region",
}
COUNTRY_SEPARATORS = re.compile(r"[,;\n]+")
QUERY_MAX = 100


@dataclass(frozen=True)
class InitiativeForm:
    """A validated submission of the initiative modal."""

    title: str
    summary: str
    status: str
    tags: list[tuple[str, str]]
    scope_global: bool
    lead_organisation_id: int | None
    partner_ids: list[int]
    start_date: date | None
    end_date: date | None
    link: str | None
    visibility: str


@dataclass(frozen=True)
class InitiativeCard:
    """An initiative as people see it: codes and organisation acronyms, ready for a template."""

    id: int
    title: str
    summary: str
    status: str
    lead_organisation_id: int
    lead: str
    partners: list[str]
    objectives: list[str]
    continuum: list[str]
    populations: list[str]
    regions: list[str]
    countries: list[str]
    scope_global: bool
    start_date: date | None
    end_date: date | None
    link: str | None
    visibility: str
    shared_at: datetime
    # When its own organisation last shared it (or a co-lead confirmed it on the organisation's
    # behalf); None while a co-lead's share for the organisation waits for that.
    shared_by_organisation_at: datetime | None
    shared_this_cycle: bool

    @property
    def geography(self) -> str:
        parts = (["Global"] if self.scope_global else []) + [
            vocabulary.REGIONS.get(code, code) for code in self.regions
        ]
        if self.countries:
            parts.append(", ".join(vocabulary.COUNTRIES.get(code, code) for code in self.countries))
        return "; ".join(parts)


# -- reading the form ---------------------------------------------------------------------------------


def _codes(raw: Any) -> list[str]:
    if raw is None:
        return []
    return [raw] if isinstance(raw, str) else [str(value) for value in raw]


def _text(raw: Any) -> str:
    return raw.strip() if isinstance(raw, str) else ""


def parse_countries(text: str) -> list[str]:
    """ISO codes from text like ``KE, nigeria; Côte d'Ivoire; Korea, Republic of``: codes, and the
    UN's, ISO's and the time-zone database's names. A name written with a comma (ISO's "Korea,
    Republic of") is tried whole before its parts. UserError naming what was not understood."""
    tokens = [t.strip() for t in COUNTRY_SEPARATORS.split(text) if t.strip()]
    codes: list[str] = []
    unknown: list[str] = []
    index = 0
    while index < len(tokens):
        joined = ", ".join(tokens[index : index + 2]) if index + 1 < len(tokens) else None
        code = countries.code_of(joined) if joined else None
        if code is not None:
            index += 2
        else:
            code = countries.code_of(tokens[index])
            if code is None:
                unknown.append(tokens[index])
            index += 1
        if code is not None and code not in codes:
            codes.append(code)
    if unknown:
        raise UserError(
            f"I don't recognise {', '.join(f'“{u}”' for u in unknown)} as a country. Type ISO codes or "
            "names separated by commas, e.g. KE, Nigeria, Viet Nam."
        )
    return codes


def _parse_date(raw: Any) -> date | None:
    text = _text(raw)
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError("Give the date as YYYY-MM-DD, e.g. 2030-03-31.") from None


def _valid_link(text: str) -> bool:
    parsed = urlparse(text)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc) and not re.search(r"[\s<>|]", text)


def _organisation_ids(raw: Any) -> list[int]:
    # Read like every record number (at most nine digits): a forged option such as 99999999999 is
    # beyond PostgreSQL's integer and would fail the query rather than be refused.
    ids = [parsing.whole_number(value) for value in _codes(raw)]
    if None in ids:
        raise UserError("Choose organisations from the list.")
    return ids  # type: ignore[return-value]


def read_form(values: dict[str, Any]) -> InitiativeForm:
    """Validate a submitted modal (block id → value(s)); FieldErrors lists every problem at once."""
    errors: dict[str, str] = {}
    title = " ".join(_text(values.get("title")).split())  # a single line, whatever was sent
    if not title:
        errors["title"] = "Give the initiative a title."
    elif len(title) > TITLE_MAX:
        errors["title"] = f"Keep the title to {TITLE_MAX} characters (this one has {len(title)})."
    summary = _text(values.get("summary"))
    if len(summary) > SUMMARY_MAX:
        errors["summary"] = f"Keep the summary to {SUMMARY_MAX:,} characters (this one has {len(summary):,})."
    status = _text(values.get("status"))
    if status not in vocabulary.INITIATIVE_STATUSES:
        errors["status"] = "Choose a status: planned, ongoing or completed."
    tags: list[tuple[str, str]] = []
    for block_id, kind in FORM_TAG_BLOCKS.items():
        codes = _codes(values.get(block_id))
        unknown = [code for code in codes if code not in TAG_KINDS[kind]]
        if unknown:
            errors[block_id] = "Choose from the list."
        tags.extend((kind, code) for code in codes)
    if not _codes(values.get("objectives")):
        errors["objectives"] = "Choose at least one ITWG objective."
    try:
        tags.extend(("country", code) for code in parse_countries(_text(values.get("countries"))))
    except UserError as error:
        errors["countries"] = str(error)
    lead_ids: list[int] = []
    partner_ids: list[int] = []
    for block_id, target in (("lead", lead_ids), ("partners", partner_ids)):
        try:
            target.extend(_organisation_ids(values.get(block_id)))
        except UserError as error:
            errors[block_id] = str(error)
    dates: dict[str, date | None] = {}
    for block_id in ("start_date", "end_date"):
        try:
            dates[block_id] = _parse_date(values.get(block_id))
        except UserError as error:
            errors[block_id] = str(error)
    start, end = dates.get("start_date"), dates.get("end_date")
    if start and end and end < start:
        errors["end_date"] = "The end date is before the start date."
    link = _text(values.get("link")) or None
    if link and (len(link) > LINK_MAX or not _valid_link(link)):
        errors["link"] = "Give a web address starting with http:// or https://, e.g. https://www.unodc.org/…"
    visibility = _text(values.get("visibility")) or "working_group"
    if visibility not in vocabulary.VISIBILITY:
        errors["visibility"] = "Choose working group only or shareable."
    if errors:
        raise FieldErrors(errors)
    return InitiativeForm(
        title=title,
        summary=summary,
        status=status,
        tags=tags,
        scope_global=bool(_codes(values.get("scope"))),
        lead_organisation_id=lead_ids[0] if lead_ids else None,
        partner_ids=partner_ids,
        start_date=start,
        end_date=end,
        link=link,
        visibility=visibility,
    )


def parse_initiative_id(text: str, *, usage: str) -> int:
    number = parsing.record_number(text)
    if number is None:
        raise UserError(f"Say which initiative by its number, e.g. `{usage}`.")
    return number


# -- the modal ----------------------------------------------------------------------------------------


def _organisation_map(session: Session) -> dict[int, Organisation]:
    return {o.id: o for o in organisations.list_all(session, include_retired=True) if o.id is not None}


def _require_editable(session: Session, actor: Actor, initiative_id: int) -> Initiative:
    require_organisation(actor)
    initiative = repository.get(session, initiative_id=initiative_id)
    if initiative is None:
        raise UserError(f"There is no initiative #{initiative_id}. Find its number with `/itwg initiatives`.")
    if not actor.may_manage(initiative.lead_organisation_id):
        lead = organisations.get(session, organisation_id=initiative.lead_organisation_id)
        acronym = lead.acronym if lead else "its lead organisation"
        raise UserError(
            f"Only people of {acronym} and the co-leads can change #{initiative_id}. "
            f"Suggest changes to {acronym} in the channel instead."
        )
    return initiative


def modal_context(deps: Deps, *, actor: Actor, initiative_id: int | None = None) -> dict[str, Any]:
    """What the share/edit modal shows; refuses (UserError) before anything opens if not allowed."""
    require_organisation(actor)
    with session_scope(deps.engine) as session:
        by_id = _organisation_map(session)
        current: InitiativeCard | None = None
        if initiative_id is not None:
            initiative = _require_editable(session, actor, initiative_id)
            cycle = current_cycle(session, now=deps.now())
            current = _cards(session, [initiative], cycle=cycle, by_id=by_id)[0]
    lead_id = current.lead_organisation_id if current else actor.organisation_id
    return {
        "initiative": current,
        "organisations": sorted(
            (o for o in by_id.values() if o.retired_at is None), key=lambda o: o.acronym_key
        ),
        "lead_choice": actor.is_co_lead,
        "lead": by_id.get(lead_id) if lead_id is not None else None,
        "partner_ids": [o.id for o in by_id.values() if current and o.acronym in current.partners],
        "statuses": list(vocabulary.INITIATIVE_STATUSES) if current else list(NEW_STATUSES),
    }


# -- saving -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Saved:
    card: InitiativeCard
    created: bool
    # Each changed field's (before, after), as people read them; empty when an edit changed nothing.
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    # Whether the save counts as the lead organisation sharing: made by its own people. A co-lead's
    # share or change for another organisation does not (they confirm it on its behalf to count).
    counts_as_sharing: bool = True


def _record_fields(form: InitiativeForm, lead_id: int) -> dict[str, Any]:
    return {
        "title": form.title,
        "summary": form.summary,
        "status": form.status,
        "lead_organisation_id": lead_id,
        "scope_global": form.scope_global,
        "start_date": form.start_date,
        "end_date": form.end_date,
        "link": form.link,
        "visibility": form.visibility,
    }


def _checked(
    session: Session, *, actor: Actor, form: InitiativeForm, initiative_id: int | None
) -> tuple[dict[int, Organisation], Initiative | None]:
    """What a save needs to know first: the organisations, and the initiative being edited."""
    require_organisation(actor)
    by_id = _organisation_map(session)
    if form.lead_organisation_id is not None and form.lead_organisation_id not in by_id:
        raise FieldErrors({"lead": "Choose the lead organisation from the list."})
    if any(i not in by_id for i in form.partner_ids):
        raise FieldErrors({"partners": "Choose organisations from the list."})
    existing = _require_editable(session, actor, initiative_id) if initiative_id is not None else None
    return by_id, existing


def check_save(deps: Deps, *, actor: Actor, form: InitiativeForm, initiative_id: int | None) -> None:
    """Refuse, with one read, what ``save`` would refuse: while the form is still open."""
    with read_scope(deps.engine) as session:
        _checked(session, actor=actor, form=form, initiative_id=initiative_id)


def save(
    deps: Deps,
    *,
    actor: Actor,
    form: InitiativeForm,
    initiative_id: int | None,
    request_key: str | None = None,
) -> Saved:
    """Share a new initiative or update an existing one (same record); both count as sharing now.

    A new initiative remembers ``request_key``; the same request carried out again (after a worker
    died) finds it and stores nothing more.
    """
    now = deps.now()
    with session_scope(deps.engine) as session:
        by_id, existing = _checked(session, actor=actor, form=form, initiative_id=initiative_id)
        earlier = repository.by_request_key(session, request_key=request_key) if request_key else None
        if earlier is not None:
            card = _cards(session, [earlier], cycle=current_cycle(session, now=now), by_id=by_id)[0]
            return Saved(
                card=card,
                created=initiative_id is None,
                counts_as_sharing=actor.organisation_id == earlier.lead_organisation_id,
            )
        lead_id = form.lead_organisation_id if actor.is_co_lead and form.lead_organisation_id else None
        if lead_id is None:
            lead_id = existing.lead_organisation_id if existing else actor.organisation_id
        assert lead_id is not None
        fields = _record_fields(form, lead_id)
        partner_ids = [i for i in form.partner_ids if i != lead_id]
        if existing is None:
            by_organisation = actor.organisation_id == lead_id
            initiative = repository.create(
                session,
                fields={
                    **fields,
                    "shared_by_person_id": actor.person_id,
                    "created_at": now,
                    "updated_at": now,
                    "shared_at": now,
                    "shared_by_organisation_at": now if by_organisation else None,
                    "request_key": request_key,
                },
                tags=form.tags,
                partner_ids=partner_ids,
            )
            action = "initiative.share"
            details: dict[str, Any] = {"title": form.title, "counts_as_sharing": by_organisation}
            if not by_organisation:
                details["for_organisation"] = by_id[lead_id].acronym
        else:
            return _save_edit(
                session,
                actor=actor,
                existing=existing,
                form=form,
                fields=fields,
                partner_ids=partner_ids,
                by_id=by_id,
                now=now,
            )
        audit.record(
            session,
            by=actor,
            action=action,
            entity="initiative",
            entity_id=initiative.id,
            details=details,
        )
        cycle = current_cycle(session, now=now)
        card = _cards(session, [initiative], cycle=cycle, by_id=by_id)[0]
    return Saved(card=card, created=True, counts_as_sharing=by_organisation)


def _changes(
    session: Session,
    *,
    existing: Initiative,
    form: InitiativeForm,
    fields: dict[str, Any],
    partner_ids: list[int],
    by_id: dict[int, Organisation],
) -> dict[str, tuple[Any, Any]]:
    """What an edit changes, field by field, with organisations as acronyms and tags as code lists."""

    def acronym(organisation_id: int | None) -> str | None:
        organisation = by_id.get(organisation_id or 0)
        return organisation.acronym if organisation else None

    changes: dict[str, tuple[Any, Any]] = {}
    for name, value in fields.items():
        before = getattr(existing, name)
        if before != value:
            if name == "lead_organisation_id":
                changes["lead_organisation"] = (acronym(before), acronym(value))
            else:
                changes[name] = (before, value)
    assert existing.id is not None
    old_partners = repository.partners_for(session, initiative_ids=[existing.id])[existing.id]
    if set(old_partners) != set(partner_ids):
        changes["partners"] = (
            sorted(filter(None, map(acronym, old_partners))),
            sorted(filter(None, map(acronym, partner_ids))),
        )
    old_tags = repository.tags_for(session, initiative_ids=[existing.id])[existing.id]
    for kind in TAG_KINDS:
        before_codes = sorted(value for k, value in old_tags if k == kind)
        after_codes = sorted({value for k, value in form.tags if k == kind})
        if before_codes != after_codes:
            changes[kind] = (before_codes, after_codes)
    return changes


def _save_edit(
    session: Session,
    *,
    actor: Actor,
    existing: Initiative,
    form: InitiativeForm,
    fields: dict[str, Any],
    partner_ids: list[int],
    by_id: dict[int, Organisation],
    now: datetime,
) -> Saved:
    """An edit. Only a real change is stored; it counts as the lead organisation sharing only when
    that organisation's own people made it (a co-lead's edit of another organisation's initiative is
    recorded, and the handler tells that organisation, but the organisation has not shared by it; nor
    has an organisation a co-lead hands the co-leads' own initiative to)."""
    changes = _changes(
        session, existing=existing, form=form, fields=fields, partner_ids=partner_ids, by_id=by_id
    )
    owner_id = existing.lead_organisation_id
    by_organisation = actor.organisation_id == fields["lead_organisation_id"]
    if changes:
        own = actor.organisation_id in (owner_id, fields["lead_organisation_id"])
        stamps: dict[str, Any] = {"updated_at": now, **({"shared_at": now} if own else {})}
        if by_organisation:
            stamps["shared_by_organisation_at"] = now
        elif fields["lead_organisation_id"] != owner_id:
            # Handed to another organisation, which has not shared it (the former lead's share
            # was not its own).
            stamps["shared_by_organisation_at"] = None
        repository.update(
            session, initiative=existing, fields={**fields, **stamps}, tags=form.tags, partner_ids=partner_ids
        )
        audit.record(
            session,
            by=actor,
            action="initiative.edit",
            entity="initiative",
            entity_id=existing.id,
            details={"changed": sorted(changes), "counts_as_sharing": by_organisation},
            changes=changes,
        )
    card = _cards(session, [existing], cycle=current_cycle(session, now=now), by_id=by_id)[0]
    return Saved(card=card, created=False, changes=changes, counts_as_sharing=by_organisation)


@dataclass(frozen=True)
class Confirmed:
    card: InitiativeCard
    # The lead organisation's acronym when a co-lead confirmed it on that organisation's behalf.
    on_behalf_of: str | None = None


def confirm(deps: Deps, *, actor: Actor, initiative_id: int, status: str) -> Confirmed:
    """Carry an earlier initiative forward to the coming meeting: its state now, counted as sharing,
    also when a co-lead confirms it explicitly on its organisation's behalf (recorded as such)."""
    if status not in CONFIRM_STATUSES:
        raise UserError("Confirm an initiative as ongoing, completed or paused.")
    now = deps.now()
    with session_scope(deps.engine) as session:
        initiative = _require_editable(session, actor, initiative_id)
        previous = initiative.status
        repository.update(
            session,
            initiative=initiative,
            fields={"status": status, "shared_at": now, "shared_by_organisation_at": now, "updated_at": now},
        )
        details: dict[str, Any] = {"status": status, "previous_status": previous}
        on_behalf_of: str | None = None
        if actor.organisation_id != initiative.lead_organisation_id:
            lead = organisations.get(session, organisation_id=initiative.lead_organisation_id)
            on_behalf_of = details["on_behalf_of"] = lead.acronym if lead else "?"
        audit.record(
            session,
            by=actor,
            action="initiative.confirm",
            entity="initiative",
            entity_id=initiative_id,
            details=details,
            changes={"status": (previous, status)},
        )
        cycle = current_cycle(session, now=now)
        card = _cards(session, [initiative], cycle=cycle, by_id=_organisation_map(session))[0]
        return Confirmed(card=card, on_behalf_of=on_behalf_of)


# -- where announcements go ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CycleThread:
    """Where this meeting cycle's announcements go: the channel's thread for the cycle (``ts``, None
    until the first announcement starts it), and the meeting its opening message names."""

    channel: str
    cycle_key: str
    ts: str | None
    next_meeting: Meeting | None


def cycle_thread(deps: Deps) -> CycleThread | None:
    """The thread of the current cycle; None when no channel is configured, so nothing is announced."""
    channel = deps.settings.itwg_channel
    if not channel:
        return None
    with session_scope(deps.engine) as session:
        cycle = current_cycle(session, now=deps.now())
        thread = repository.find_thread(session, cycle_key=cycle.key, channel=channel)
    return CycleThread(
        channel=channel,
        cycle_key=cycle.key,
        ts=thread.ts if thread else None,
        next_meeting=cycle.next_meeting,
    )


def keep_thread(deps: Deps, *, thread: CycleThread, ts: str) -> str:
    """Record ``ts`` as the start of the cycle's thread; the thread to post in, which is another one
    when a request racing this one recorded its thread first (the cycle keeps one thread)."""
    with session_scope(deps.engine) as session:
        recorded = repository.add_thread(session, cycle_key=thread.cycle_key, channel=thread.channel, ts=ts)
        winner = recorded or repository.find_thread(
            session, cycle_key=thread.cycle_key, channel=thread.channel
        )
        assert winner is not None
        return winner.ts


# -- finding ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Listing:
    query: str
    organisation: str | None
    cards: list[InitiativeCard]
    page: int
    pages: int
    total: int
    # Filled only when nothing matched, so the reply can show which organisation names would work.
    known_organisations: list[str] = field(default_factory=list)


def keyword_tags(keyword: str) -> list[tuple[str, str]]:
    """Tags a keyword stands for: a code, or words of a label (names of countries need 3+ letters)."""
    word = keyword.strip().lower()
    found: list[tuple[str, str]] = []
    for kind, mapping in TAG_KINDS.items():
        for code, label in mapping.items():
            if word == code.lower() or (len(word) >= 3 and word in label.lower()):
                found.append((kind, code))
    return found


def find(deps: Deps, *, query: str, page: int = 1) -> Listing:
    """Initiatives newest first: ``query`` is an organisation (lead or partner) or a keyword."""
    query = query.strip()
    if len(query) > QUERY_MAX:
        raise UserError(f"Search with an organisation or a keyword of up to {QUERY_MAX} characters.")
    with session_scope(deps.engine) as session:
        organisation = organisations.find_by_acronym(session, text=query) if query else None
        criteria: dict[str, Any] = {}
        if organisation is not None:
            criteria["organisation_id"] = organisation.id
        elif query:
            criteria.update(title_words=query, tags=keyword_tags(query))
        page = max(page, 1)
        found, total = repository.search(session, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE, **criteria)
        pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
        if page > pages:
            raise UserError(f"There are only {pages} pages; start again with `/itwg initiatives {query}`.")
        cycle = current_cycle(session, now=deps.now())
        by_id = _organisation_map(session)
        cards = _cards(session, found, cycle=cycle, by_id=by_id)
    return Listing(
        query=query,
        organisation=organisation.acronym if organisation else None,
        cards=cards,
        page=page,
        pages=pages,
        total=total,
        known_organisations=[] if total else sorted(o.acronym for o in by_id.values()),
    )


def _cards(
    session: Session, initiatives: Sequence[Initiative], *, cycle: Cycle, by_id: dict[int, Organisation]
) -> list[InitiativeCard]:
    ids = [i.id for i in initiatives if i.id is not None]
    tags = repository.tags_for(session, initiative_ids=ids)
    partners = repository.partners_for(session, initiative_ids=ids)
    cards = []
    for initiative in initiatives:
        assert initiative.id is not None
        kinds: dict[str, list[str]] = {kind: [] for kind in TAG_KINDS}
        for kind, value in tags[initiative.id]:
            kinds.setdefault(kind, []).append(value)
        lead = by_id.get(initiative.lead_organisation_id)
        cards.append(
            InitiativeCard(
                id=initiative.id,
                title=initiative.title,
                summary=initiative.summary,
                status=initiative.status,
                lead_organisation_id=initiative.lead_organisation_id,
                lead=lead.acronym if lead else "?",
                partners=sorted(by_id[p].acronym for p in partners[initiative.id] if p in by_id),
                objectives=kinds["objective"],
                continuum=kinds["continuum"],
                populations=kinds["population"],
                regions=kinds["region"],
                countries=kinds["country"],
                scope_global=initiative.scope_global,
                start_date=initiative.start_date,
                end_date=initiative.end_date,
                link=initiative.link,
                visibility=initiative.visibility,
                shared_at=initiative.shared_at,
                shared_by_organisation_at=initiative.shared_by_organisation_at,
                shared_this_cycle=sharing.counts_as_shared(initiative, since=cycle.starts_at),
            )
        )
    return cards


# -- status and home ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SharingReport:
    next_meeting: Meeting | None
    since: datetime | None
    rows: list[OrganisationSharing]

    @property
    def missing(self) -> list[OrganisationSharing]:
        return [row for row in self.rows if row.missing]

    @property
    def expected(self) -> int:
        return sum(1 for row in self.rows if not row.is_observer)

    @property
    def unreachable(self) -> list[OrganisationSharing]:
        return [row for row in self.rows if row.unreachable]


def sharing_report(deps: Deps) -> SharingReport:
    with session_scope(deps.engine) as session:
        cycle = current_cycle(session, now=deps.now())
        rows = sharing_status(session, cycle=cycle)
    return SharingReport(next_meeting=cycle.next_meeting, since=cycle.starts_at, rows=rows)


@dataclass(frozen=True)
class Home:
    actor: Actor
    next_meeting: Meeting | None
    # The last meeting held and its minutes (draft or published), read with the cycle.
    last_meeting: Meeting | None = None
    last_minutes: MeetingMinutes | None = None
    cards: list[InitiativeCard] = field(default_factory=list)
    total: int = 0

    @property
    def to_confirm(self) -> int:
        return sum(1 for card in self.cards if not card.shared_this_cycle)


def home(deps: Deps, *, actor: Actor) -> Home:
    """The person's organisation and its initiatives' state for the coming meeting, with the next
    meeting and the last one's minutes."""
    with session_scope(deps.engine) as session:
        cycle = current_cycle(session, now=deps.now())
        last = cycle.last_meeting
        minutes = records.minutes(session, meeting_ids=[last.id or 0]).get(last.id or 0) if last else None
        meetings = {"next_meeting": cycle.next_meeting, "last_meeting": last, "last_minutes": minutes}
        if actor.organisation_id is None:
            return Home(actor=actor, **meetings)
        led, total = repository.list_led_by(session, organisation_id=actor.organisation_id, limit=HOME_LIMIT)
        cards = _cards(session, led, cycle=cycle, by_id=_organisation_map(session))
    return Home(actor=actor, **meetings, cards=cards, total=total)
