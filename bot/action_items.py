"""Action items: recording what meetings decide, listing them, and closing, snoozing or reassigning them.

Who may do what: co-leads create for any organisation, members only for their own, the observer not
at all; people of the owner organisation and co-leads close, snooze and reassign; everyone lists.
Every change is audited in the transaction that makes it. Due dates are calendar dates: "today" is
the reader's own day (their Slack timezone, or the working group's).
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session

from bot import identity, parsing
from bot.actor import Actor
from bot.deps import Deps
from bot.errors import FieldErrors, UserError
from storage.db import read_scope, session_scope
from storage.models import ActionItem, Meeting, Organisation
from storage.repositories import action_items, audit, meetings, organisations, people
from storage.repositories.action_items import ActionItemRow, ListFilter

# What a Slack user id looks like; anything else in a mention or a forged user select is refused
# before it reaches users.info or a column of 40 characters.
SLACK_USER_ID = re.compile(r"[UW][A-Z0-9]{2,38}")
NOT_A_PERSON = "Choose a person from the list (or mention them with @)."
TITLE_MAX = 300
OUTCOME_MAX = 500
SOURCE_LINK_MAX = 500
PAGE_SIZE = 10
SNOOZE = timedelta(days=7)
MEETING_CHOICES_EACH_SIDE = 5
CREATE_USAGE = (
    "`/itwg action [#N] ORG YYYY-MM-DD TITLE`, e.g. `/itwg action ILO 2030-03-31 Circulate the draft`"
)
LIST_SCOPES = ("mine", "overdue", "all")


@dataclass(frozen=True)
class ItemView:
    """What a reader sees of one item, with whether they may act on it."""

    id: int
    title: str
    notes: str
    organisation: str
    organisation_id: int
    assignee: str | None
    due_date: date
    status: str
    overdue: bool
    outcome: str | None
    closed_by: str | None
    closed_at: datetime | None
    source_link: str | None
    may_manage: bool
    meeting_id: int | None = None

    @property
    def is_open(self) -> bool:
        return self.status == action_items.OPEN


@dataclass(frozen=True)
class Listing:
    scope: str
    description: str
    items: list[ItemView]
    page: int
    pages: int
    total: int


@dataclass(frozen=True)
class Draft:
    """A new item as typed in the command or the modal, not yet checked.

    The command names the owner by acronym (``owner_text``) or by mentioning a person; the modal picks
    an organisation id. ``meeting_id`` None with ``default_meeting`` means "the last meeting held".
    """

    title: str
    due_text: str
    owner_text: str | None = None
    owner_organisation_id: int | None = None
    assignee_user_id: str | None = None
    meeting_id: int | None = None
    default_meeting: bool = False
    notes: str = ""
    source_link: str | None = None


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class CreateForm:
    """What the creation modal offers, and what it starts with."""

    allowed: bool
    refusal: str
    organisations: list[Choice] = field(default_factory=list)
    initial_organisation: Choice | None = None
    meetings: list[Choice] = field(default_factory=list)
    initial_meeting: Choice | None = None
    title: str = ""
    source_link: str | None = None
    notes: str = ""


# -- dates ---------------------------------------------------------------------------------------------


def zone(name: str | None, fallback: str) -> ZoneInfo:
    """A person's timezone, or the working group's when Slack gave none (guests) or an odd one."""
    try:
        return ZoneInfo(name or fallback)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return ZoneInfo(fallback)


def today_for(deps: Deps, actor: Actor) -> date:
    return deps.now().astimezone(zone(actor.timezone, deps.settings.itwg_timezone)).date()


def parse_due_date(text: str, *, today: date) -> date:
    """A due date written YYYY-MM-DD that exists and is not in the past (today is allowed)."""
    example = (today + timedelta(days=14)).isoformat()
    text = (text or "").strip()
    if not text:
        raise UserError(f"Give a due date as YYYY-MM-DD, e.g. {example}.")
    try:
        due = parsing.iso_date(text)
    except parsing.DateNotWritten:
        raise UserError(f"I can't read the date “{text}”: write it as YYYY-MM-DD, e.g. {example}.") from None
    except parsing.DateDoesNotExist:
        raise UserError(f"{text} is not a real date: write it as YYYY-MM-DD, e.g. {example}.") from None
    if due < today:
        raise UserError(
            f"{text} is in the past: give today ({today.isoformat()}) or a later date as YYYY-MM-DD."
        )
    return due


def parse_item_number(text: str, *, usage: str) -> int:
    number = parsing.record_number(text)
    if number is None:
        raise UserError(f"Give the item's number as shown by `/itwg actions`, e.g. {usage}.")
    return number


# -- views of items --------------------------------------------------------------------------------------


def _view(row: ActionItemRow, *, actor: Actor, today: date) -> ItemView:
    item = row.item
    is_open = item.status == action_items.OPEN
    return ItemView(
        id=item.id or 0,
        title=item.title,
        notes=item.notes,
        organisation=row.organisation.acronym,
        organisation_id=row.organisation.id or 0,
        assignee=row.assignee.slack_user_id if row.assignee else None,
        due_date=item.due_date,
        status=item.status,
        overdue=is_open and item.due_date < today,
        outcome=item.outcome,
        closed_by=row.closed_by.slack_user_id if row.closed_by else None,
        closed_at=item.closed_at,
        source_link=item.source_link,
        may_manage=is_open and actor.may_manage(item.owner_organisation_id),
        meeting_id=item.meeting_id,
    )


def _reload(session: Session, item_id: int, *, actor: Actor, today: date) -> ItemView:
    session.flush()
    row = action_items.get_row(session, action_item_id=item_id)
    assert row is not None
    return _view(row, actor=actor, today=today)


# -- creating --------------------------------------------------------------------------------------------


def creation_refusal(actor: Actor) -> str | None:
    """Why this person may not create items at all, or None when they may."""
    try:
        identity.require_organisation(actor)
    except UserError as error:
        return str(error)
    if actor.role == "observer":
        return "Observers follow action items but don't create them; ask a co-lead (UNODC or WHO)."
    return None


def _meeting_label(meeting: Meeting) -> str:
    local = meeting.starts_at.astimezone(zone(meeting.timezone, "UTC"))
    return f"{meeting.title}, {local:%d %b %Y}"


def _organisation_choice(organisation: Organisation) -> Choice:
    return Choice(value=str(organisation.id), label=f"{organisation.acronym} ({organisation.name})")


def create_form(
    deps: Deps, *, actor: Actor, title: str = "", notes: str = "", source_link: str | None = None
) -> CreateForm:
    """The creation modal's choices: organisations the actor may create for, and nearby meetings."""
    refusal = creation_refusal(actor)
    if refusal:
        return CreateForm(allowed=False, refusal=refusal)
    now = deps.now()
    with session_scope(deps.engine) as session:
        allowed = [o for o in organisations.list_all(session) if actor.may_manage(o.id)]
        choices = [_organisation_choice(o) for o in allowed]
        initial = next((c for c in choices if c.value == str(actor.organisation_id)), None)
        nearby = action_items.meeting_choices(session, now=now, each_side=MEETING_CHOICES_EACH_SIDE)
        last = meetings.last_held(session, now=now)
    meeting_choices = [Choice(value=str(m.id), label=_meeting_label(m)) for m in nearby]
    initial_meeting = next((c for c in meeting_choices if last and c.value == str(last.id)), None)
    return CreateForm(
        allowed=True,
        refusal="",
        organisations=choices,
        initial_organisation=initial,
        meetings=meeting_choices,
        initial_meeting=initial_meeting,
        title=title[:TITLE_MAX].strip(),
        notes=notes,
        source_link=source_link if source_link and len(source_link) <= SOURCE_LINK_MAX else None,
    )


def parse_command(text: str) -> Draft:
    """``ORG|@person YYYY-MM-DD TITLE`` → a draft; the parts are checked by ``create``."""
    meeting_id = None
    first, _, rest = (text or "").strip().partition(" ")
    if first.startswith("#"):
        meeting_id = parsing.record_number(first)
        if meeting_id is None:
            raise UserError(f"“{first}” is not a meeting number; `/itwg meetings past` shows them.")
        text = rest
    parts = (text or "").split(maxsplit=2)
    if len(parts) < 2:
        raise UserError(f"Say who owns it, when it is due and what it is: {CREATE_USAGE}.")
    assignee_user_id = parsing.mentioned_user(parts[0])
    return Draft(
        title=parts[2] if len(parts) > 2 else "",
        due_text=parts[1],
        owner_text=None if assignee_user_id else parts[0],
        assignee_user_id=assignee_user_id,
        meeting_id=meeting_id,
        default_meeting=meeting_id is None,
    )


def _raise(problems: dict[str, str], *, as_fields: bool) -> None:
    """Modal submissions get every problem next to its field; commands get the first one."""
    if not problems:
        return
    if as_fields:
        raise FieldErrors(problems)
    raise UserError(next(iter(problems.values())))


def read_title_and_due(draft: Draft, *, today: date) -> tuple[str, date, dict[str, str]]:
    """A draft's title (spaces tidied) and due date (``today`` when unreadable), with what is wrong
    with them by modal block; needs no database."""
    problems: dict[str, str] = {}
    title = " ".join(draft.title.split())
    if not title:
        problems["title"] = f"Give the action item a title: {CREATE_USAGE}."
    elif len(title) > TITLE_MAX:
        problems["title"] = f"Keep the title under {TITLE_MAX} characters; put details in the notes."
    due = today
    try:
        due = parse_due_date(draft.due_text, today=today)
    except UserError as error:
        problems["due"] = str(error)
    return title, due, problems


def _not_theirs(actor: Actor, organisation: Organisation) -> str | None:
    if actor.may_manage(organisation.id):
        return None
    return (
        f"Members create action items for their own organisation ({actor.organisation_acronym}); "
        f"ask a co-lead (UNODC or WHO) to record one for {organisation.acronym}."
    )


def _read_draft(
    session: Session, *, actor: Actor, draft: Draft, today: date
) -> tuple[str, date, Organisation | None, dict[str, str]]:
    """What needs no one looked up: whether the actor may create at all (refused at once), the title,
    the due date, the form of the person's id and the owner named; with the problems by modal block."""
    refusal = creation_refusal(actor)
    if refusal:
        raise UserError(refusal)
    title, due, problems = read_title_and_due(draft, today=today)
    if draft.assignee_user_id and not SLACK_USER_ID.fullmatch(draft.assignee_user_id):
        problems["person"] = NOT_A_PERSON
    return title, due, _owner(session, draft, problems), problems


def check_draft(deps: Deps, *, actor: Actor, draft: Draft) -> None:
    """Refuse, with reads only and no Slack call, what ``create`` would refuse of a modal's draft before
    it looks the chosen person up: while the form is still open, every problem beside its field."""
    with read_scope(deps.engine) as session:
        _, _, owner, problems = _read_draft(session, actor=actor, draft=draft, today=today_for(deps, actor))
        not_theirs = _not_theirs(actor, owner) if owner else None
        if not_theirs:
            problems["owner"] = not_theirs
        _meeting_id(session, draft, deps.now(), problems)
    _raise(problems, as_fields=True)


@dataclass(frozen=True)
class CheckedDraft:
    """A draft that passed ``check``: its tidied title, due date and named owner, ready for ``create``
    once the person it names (if any) is looked up. ``as_fields``: problems found later are reported
    by modal block, else one at a time as for a command."""

    draft: Draft
    title: str
    due: date
    owner: Organisation | None
    as_fields: bool


def check(deps: Deps, *, actor: Actor, draft: Draft, as_fields: bool = False) -> CheckedDraft:
    """The checks ``create`` needs before the person a draft names is looked up: the caller looks them
    up only once these pass, so a typo never costs a Slack call. Problems are UserErrors (FieldErrors,
    keyed by block, for the modal)."""
    with session_scope(deps.engine) as session:
        title, due, owner, problems = _read_draft(
            session, actor=actor, draft=draft, today=today_for(deps, actor)
        )
    _raise(problems, as_fields=as_fields)
    return CheckedDraft(draft=draft, title=title, due=due, owner=owner, as_fields=as_fields)


def _assignee_problems(checked: CheckedDraft, assignee: Actor) -> dict[str, str]:
    """Whether the person fits the owner named, or (with no owner named) gives the owner."""
    owner = checked.owner
    # Error text is shown as typed (escaped, or plain in a modal), so name the person in words.
    mention = assignee.display_name
    if owner is None and assignee.organisation_id is None:
        return {
            "person": f"I don't know which organisation {mention} belongs to; "
            f"name it instead: {CREATE_USAGE}."
        }
    if owner is not None and assignee.organisation_id not in (None, owner.id):
        return {
            "person": f"{mention} is recorded as {assignee.organisation_acronym}, not {owner.acronym}; "
            f"choose someone of {owner.acronym} or nobody."
        }
    return {}


def create(
    deps: Deps,
    *,
    actor: Actor,
    checked: CheckedDraft,
    assignee: Actor | None,
    request_key: str | None = None,
) -> ItemView:
    """Record a checked draft; ``assignee`` is the person the draft names (None when it names nobody).

    The item remembers ``request_key``: the same request carried out again (after a worker died) finds
    it and stores nothing more.
    """
    draft, as_fields = checked.draft, checked.as_fields
    named = draft.assignee_user_id or None  # a form's person left empty may come as ""
    assert (assignee.slack_user_id if assignee else None) == named, "the person named"
    owner_id = checked.owner.id if checked.owner else None
    if assignee is not None:
        _raise(_assignee_problems(checked, assignee), as_fields=as_fields)
        owner_id = owner_id or assignee.organisation_id

    today = today_for(deps, actor)
    problems: dict[str, str] = {}
    with session_scope(deps.engine) as session:
        earlier = action_items.by_request_key(session, request_key=request_key) if request_key else None
        if earlier is not None:
            return _reload(session, earlier.id or 0, actor=actor, today=today)
        organisation = organisations.get(session, organisation_id=owner_id or 0)
        assert organisation is not None
        not_theirs = _not_theirs(actor, organisation)
        if not_theirs:
            _raise({"owner": not_theirs}, as_fields=as_fields)
        meeting_id = _meeting_id(session, draft, deps.now(), problems)
        _raise(problems, as_fields=as_fields)
        item = action_items.create(
            session,
            title=checked.title,
            notes=draft.notes.strip(),
            owner_organisation_id=organisation.id or 0,
            assignee_person_id=assignee.person_id if assignee else None,
            due_date=checked.due,
            meeting_id=meeting_id,
            source_link=draft.source_link,
            created_by_person_id=actor.person_id,
            now=deps.now(),
            request_key=request_key,
        )
        audit.record(
            session,
            by=actor,
            action="action_item.create",
            entity="action_item",
            entity_id=item.id,
            details={
                "organisation": organisation.acronym,
                "due_date": checked.due.isoformat(),
                "title": checked.title,
            },
        )
        return _reload(session, item.id or 0, actor=actor, today=today)


def _owner(session: Session, draft: Draft, problems: dict[str, str]) -> Organisation | None:
    if draft.owner_organisation_id is not None:
        owner = organisations.get(session, organisation_id=draft.owner_organisation_id)
        if owner is None:
            problems["owner"] = "Choose one of the organisations in the list."
        return owner
    if draft.owner_text is not None:
        owner = organisations.find_by_acronym(session, text=draft.owner_text)
        if owner is None:
            problems["owner"] = (
                identity.unknown_organisation_message(session, draft.owner_text) + f" Usage: {CREATE_USAGE}."
            )
        return owner
    if not draft.assignee_user_id:
        problems["owner"] = "Choose the organisation that owns the item."
    return None


def _meeting_id(session: Session, draft: Draft, now: datetime, problems: dict[str, str]) -> int | None:
    if draft.meeting_id is not None:
        meeting = action_items.get_meeting(session, meeting_id=draft.meeting_id)
        if meeting is None:
            problems["meeting"] = f"There is no meeting #{draft.meeting_id}; choose another or none."
        elif meeting.status == "cancelled":
            problems["meeting"] = (
                f"Meeting #{draft.meeting_id} was cancelled, so it decided nothing; choose another or none."
            )
        return draft.meeting_id
    if draft.default_meeting:
        last = meetings.last_held(session, now=now)
        return last.id if last else None
    return None


# -- listing ---------------------------------------------------------------------------------------------


def list_items(deps: Deps, *, actor: Actor, scope: str, page: int = 1) -> Listing:
    """One page of items: open ones by default; ``mine``, ``overdue``, ``all`` or an organisation."""
    scope = (scope or "").strip()
    today = today_for(deps, actor)
    with session_scope(deps.engine) as session:
        listing, description = _listing_for(session, actor=actor, scope=scope, today=today)
        total = action_items.count(session, listing=listing)
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(max(page, 1), pages)
        rows = action_items.page(session, listing=listing, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
        items = [_view(row, actor=actor, today=today) for row in rows]
    return Listing(scope=scope, description=description, items=items, page=page, pages=pages, total=total)


def _listing_for(session: Session, *, actor: Actor, scope: str, today: date) -> tuple[ListFilter, str]:
    key = scope.lower()
    if key == "":
        return ListFilter(), "Open action items"
    if key == "all":
        return ListFilter(include_closed=True), "All action items, open and done"
    if key == "overdue":
        return ListFilter(due_before=today), "Overdue action items"
    if key == "mine":
        listing = ListFilter(
            responsible_person_id=actor.person_id, responsible_organisation_id=actor.organisation_id
        )
        return listing, "Your open action items (assigned to you or to your organisation)"
    organisation = organisations.find_by_acronym(session, text=scope)
    if organisation is None:
        raise UserError(
            identity.unknown_organisation_message(session, scope)
            + " Use `/itwg actions [mine | overdue | all | ORG]`, e.g. `/itwg actions ILO`."
        )
    return ListFilter(organisation_id=organisation.id), f"Open action items of {organisation.acronym}"


# -- closing, snoozing, reassigning ----------------------------------------------------------------------


def _open_item_to_manage(session: Session, *, actor: Actor, item_id: int, verb: str) -> ActionItem:
    item = action_items.get_for_update(session, action_item_id=item_id)
    if item is None:
        raise UserError(f"There is no action item #{item_id}; `/itwg actions` lists the open ones.")
    if item.status != action_items.OPEN:
        raise UserError(f"Action item #{item_id} is already closed; `/itwg actions all` shows it.")
    identity.require_organisation(actor)
    if not actor.may_manage(item.owner_organisation_id):
        owner = organisations.get(session, organisation_id=item.owner_organisation_id)
        acronym = owner.acronym if owner else "the owner organisation"
        raise UserError(f"Only people of {acronym} or a co-lead (UNODC or WHO) can {verb} #{item_id}.")
    return item


def _one_line_outcome(outcome: str) -> str:
    outcome = " ".join((outcome or "").split())
    if len(outcome) > OUTCOME_MAX:
        raise UserError(f"Keep the outcome to one line under {OUTCOME_MAX} characters.")
    return outcome


def check_close(deps: Deps, *, actor: Actor, item_id: int, outcome: str) -> None:
    """Refuse, with one read, what ``close`` would refuse: while the form is still open."""
    _one_line_outcome(outcome)
    with read_scope(deps.engine) as session:
        _open_item_to_manage(session, actor=actor, item_id=item_id, verb="close")


def close(deps: Deps, *, actor: Actor, item_id: int, outcome: str) -> ItemView:
    """Mark an item done, keeping its outcome, who closed it and when."""
    outcome = _one_line_outcome(outcome)
    now = deps.now()
    with session_scope(deps.engine) as session:
        item = _open_item_to_manage(session, actor=actor, item_id=item_id, verb="close")
        action_items.update(
            session,
            item=item,
            now=now,
            status=action_items.DONE,
            outcome=outcome or None,
            closed_by_person_id=actor.person_id,
            closed_at=now,
        )
        audit.record(
            session,
            by=actor,
            action="action_item.close",
            entity="action_item",
            entity_id=item_id,
            details={"outcome": outcome},
            changes={"status": (action_items.OPEN, action_items.DONE), "outcome": (None, outcome or None)},
        )
        return _reload(session, item_id, actor=actor, today=today_for(deps, actor))


def snooze(deps: Deps, *, actor: Actor, item_id: int) -> ItemView:
    """Move the due date a week on (from today, if it has already passed)."""
    today = today_for(deps, actor)
    with session_scope(deps.engine) as session:
        item = _open_item_to_manage(session, actor=actor, item_id=item_id, verb="snooze")
        previous = item.due_date
        action_items.update(session, item=item, now=deps.now(), due_date=max(previous, today) + SNOOZE)
        audit.record(
            session,
            by=actor,
            action="action_item.snooze",
            entity="action_item",
            entity_id=item_id,
            details={"from": previous.isoformat(), "to": item.due_date.isoformat()},
            changes={"due_date": (previous, item.due_date)},
        )
        return _reload(session, item_id, actor=actor, today=today)


@dataclass(frozen=True)
class ReassignForm:
    item: ItemView
    organisations: list[Choice]
    initial_organisation: Choice | None


def reassign_form(deps: Deps, *, actor: Actor, item_id: int) -> ReassignForm:
    """The reassign modal's content; refused (UserError) when the actor may not reassign the item."""
    today = today_for(deps, actor)
    with session_scope(deps.engine) as session:
        _open_item_to_manage(session, actor=actor, item_id=item_id, verb="reassign")
        view = _reload(session, item_id, actor=actor, today=today)
        choices = [_organisation_choice(o) for o in organisations.list_all(session)]
    initial = next((c for c in choices if c.value == str(view.organisation_id)), None)
    return ReassignForm(item=view, organisations=choices, initial_organisation=initial)


def check_reassign_choice(organisation_id: int | None, assignee_user_id: str | None) -> None:
    """What needs no database: an owner chosen, and a person's id (if any) of the form Slack gives."""
    if organisation_id is None:
        raise FieldErrors({"owner": "Choose the organisation that owns the item."})
    if assignee_user_id and not SLACK_USER_ID.fullmatch(assignee_user_id):
        raise FieldErrors({"person": NOT_A_PERSON})


def _reassignable(
    session: Session, *, actor: Actor, item_id: int, organisation_id: int | None
) -> tuple[ActionItem, Organisation]:
    try:
        item = _open_item_to_manage(session, actor=actor, item_id=item_id, verb="reassign")
    except UserError as error:
        raise FieldErrors({"owner": str(error)}) from None
    organisation = organisations.get(session, organisation_id=organisation_id or 0)
    if organisation is None:
        raise FieldErrors({"owner": "Choose one of the organisations in the list."})
    return item, organisation


def check_reassign(
    deps: Deps, *, actor: Actor, item_id: int, organisation_id: int | None, assignee_user_id: str | None
) -> None:
    """Refuse, with one read and no Slack call, what ``reassign`` would refuse: while the form is open."""
    check_reassign_choice(organisation_id, assignee_user_id)
    with read_scope(deps.engine) as session:
        _reassignable(session, actor=actor, item_id=item_id, organisation_id=organisation_id)


def reassign(
    deps: Deps, *, actor: Actor, item_id: int, organisation_id: int | None, assignee: Actor | None
) -> ItemView:
    """Hand an item to another organisation and/or person; errors are keyed by the modal's blocks.

    ``assignee`` is the person chosen, whom the caller looks up only once ``check_reassign_choice``
    has passed.
    """
    check_reassign_choice(organisation_id, assignee.slack_user_id if assignee else None)
    with session_scope(deps.engine) as session:
        item, organisation = _reassignable(
            session, actor=actor, item_id=item_id, organisation_id=organisation_id
        )
        if assignee and assignee.organisation_id not in (None, organisation.id):
            raise FieldErrors(
                {
                    "person": f"That person is recorded as {assignee.organisation_acronym}, not "
                    f"{organisation.acronym}; choose someone of {organisation.acronym} or nobody."
                }
            )
        before = {
            "organisation_id": item.owner_organisation_id,
            "assignee_person_id": item.assignee_person_id,
        }
        previous_owner = organisations.get(session, organisation_id=item.owner_organisation_id)
        previous_assignee = (
            people.get(session, person_id=item.assignee_person_id) if item.assignee_person_id else None
        )
        action_items.update(
            session,
            item=item,
            now=deps.now(),
            owner_organisation_id=organisation.id,
            assignee_person_id=assignee.person_id if assignee else None,
        )
        audit.record(
            session,
            by=actor,
            action="action_item.reassign",
            entity="action_item",
            entity_id=item_id,
            details={
                "before": before,
                "organisation": organisation.acronym,
                "assignee": assignee.slack_user_id if assignee else None,
            },
            changes={
                "owner": (previous_owner.acronym if previous_owner else None, organisation.acronym),
                "assignee": (
                    previous_assignee.display_name if previous_assignee else None,
                    assignee.display_name if assignee else None,
                ),
            },
        )
        return _reload(session, item_id, actor=actor, today=today_for(deps, actor))
