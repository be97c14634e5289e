"""Where a person belongs: join requests, their approval, and co-leads placing people.

A person whose Slack e-mail maps to an organisation belongs to it and cannot join another. Someone
with no mapped e-mail (a personal address, a Slack Connect guest) asks to join; the organisation's
focal points and the co-leads decide, and until then the person reads but changes nothing. Co-leads
place people directly, but never move themselves: a co-lead leaving a co-lead organisation by their
own command would lose the rights needed to come back, and moving a co-lead organisation's person
takes the other co-lead organisation. Nothing here takes a Slack client: callers send what the
returned outcomes name.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlmodel import Session

from bot.actor import Actor
from bot.deps import Deps
from bot.errors import UserError
from bot.identity import unknown_organisation_message
from storage.db import read_scope, session_scope
from storage.models import JoinRequest, Organisation, Person
from storage.repositories import audit, join_requests, organisations, people, recipients

REASON_MAX = 500
# Organisation names of up to this many words are recognised before the reason ("Colombo Plan …").
NAME_WORDS = 3
LIST_LIMIT = 20
# After a decline, asking the same organisation again waits this long (its approvers are not pinged
# again and again); a co-lead can still place the person at once.
DECLINED_PAUSE = timedelta(days=7)


@dataclass(frozen=True)
class JoinOutcome:
    """What ``join`` did: ``requested`` (a new request), ``still_pending``, ``placed`` (by a co-lead)
    or ``already`` (nothing to change)."""

    kind: str
    acronym: str
    subject_user_id: str
    request_id: int | None = None
    reason: str = ""
    # Who is asked to approve a new request (focal points and co-leads), by Slack user id.
    approvers: list[str] = field(default_factory=list)
    previous: str | None = None


@dataclass(frozen=True)
class PendingRequest:
    id: int
    acronym: str
    requester_user_id: str
    requester_name: str
    reason: str


@dataclass(frozen=True)
class Decision:
    """A decision on a request, or (``already``) the one taken before this click."""

    request_id: int
    acronym: str
    requester_user_id: str
    status: str
    decided_by_user_id: str | None
    already: bool = False


def _split_organisation(session: Session, text: str) -> tuple[Organisation, str]:
    """The organisation the text starts with (acronym, alias, up to ``NAME_WORDS`` words) and the rest."""
    words = text.split()
    if not words:
        raise UserError(
            "Say which organisation, e.g. `/itwg join UNHCR I coordinate UNHCR's prevention work`."
        )
    for count in range(min(NAME_WORDS, len(words)), 0, -1):
        organisation = organisations.find_by_acronym(session, text=" ".join(words[:count]))
        if organisation is not None:
            return organisation, " ".join(words[count:])
    raise UserError(unknown_organisation_message(session, words[0]))


def _co_lead_acronyms(session: Session, *, besides: int | None) -> str:
    others = [o.acronym for o in organisations.list_all(session) if o.role == "co_lead" and o.id != besides]
    return " or ".join(others) or "the other co-lead organisation"


def _approver_ids(session: Session, organisation: Organisation, *, requester: Person) -> list[str]:
    """The organisation's focal points and the co-leads (their focal points, else everyone known)."""
    by_organisation = recipients.people_by_organisation(session)
    chosen = [p for p in by_organisation.get(organisation.id or 0, []) if p.is_focal_point]
    for co_lead in (o for o in organisations.list_all(session) if o.role == "co_lead"):
        chosen.extend(recipients.nudge_recipients(by_organisation.get(co_lead.id or 0, [])))
    ids: list[str] = []
    for person in chosen:
        if person.id != requester.id and person.slack_user_id not in ids:
            ids.append(person.slack_user_id)
    return ids


def join(
    deps: Deps, *, actor: Actor, text: str, target_user_id: str | None, request_key: str | None = None
) -> JoinOutcome:
    """``/itwg join ORG [why]`` asks to join; ``/itwg join ORG @person`` (co-leads) places someone."""
    with session_scope(deps.engine) as session:
        organisation, reason = _split_organisation(session, text)
        if target_user_id and target_user_id != actor.slack_user_id:
            return _place(
                deps, session, actor=actor, organisation=organisation, target_user_id=target_user_id
            )
        person = people.get(session, person_id=actor.person_id)
        assert person is not None, "the actor was registered before acting"
        return _ask(
            deps,
            session,
            actor=actor,
            person=person,
            organisation=organisation,
            reason=reason,
            request_key=request_key,
        )


def _ask(
    deps: Deps,
    session: Session,
    *,
    actor: Actor,
    person: Person,
    organisation: Organisation,
    reason: str,
    request_key: str | None,
) -> JoinOutcome:
    if actor.organisation_id == organisation.id:
        return JoinOutcome(kind="already", acronym=organisation.acronym, subject_user_id=actor.slack_user_id)
    if actor.is_co_lead:
        others = _co_lead_acronyms(session, besides=actor.organisation_id)
        raise UserError(
            f"You are a co-lead ({actor.organisation_acronym}), and a co-lead can't leave a co-lead "
            f"organisation by their own command: it would take away the rights needed to come back. "
            f"If you really belong to {organisation.acronym}, ask {others} to run "
            f"`/itwg join {organisation.acronym} @you`."
        )
    if actor.organisation_id is not None:
        mapped = organisations.find_by_email(session, email=person.email) if person.email else None
        if mapped is not None and mapped.id == actor.organisation_id:
            raise UserError(
                f"Your Slack email maps you to {mapped.acronym}, so you can't join {organisation.acronym}. "
                "Ask a co-lead if that is wrong."
            )
        raise UserError(
            f"You are recorded as {actor.organisation_acronym}; only a co-lead can move you to "
            f"{organisation.acronym} (`/itwg join {organisation.acronym} @you`)."
        )
    pending = join_requests.pending_of(session, person_id=actor.person_id)
    if pending is not None and request_key is not None and pending.request_key == request_key:
        # This very request stored it, and its worker died before the approvers were told.
        return _requested(session, pending, organisation, person)
    if pending is not None and pending.organisation_id == organisation.id:
        return JoinOutcome(
            kind="still_pending",
            acronym=organisation.acronym,
            subject_user_id=actor.slack_user_id,
            request_id=pending.id,
        )
    if pending is not None:
        raise UserError(
            f"You already asked to join {actor.pending_organisation}; its focal point or a co-lead will "
            "answer. Ask a co-lead if you chose the wrong organisation."
        )
    declined = join_requests.latest_decided(
        session, person_id=actor.person_id or 0, organisation_id=organisation.id or 0
    )
    if (
        declined is not None
        and declined.status == "declined"
        and declined.decided_at is not None
        and declined.decided_at > deps.now() - DECLINED_PAUSE
    ):
        raise UserError(
            f"Your request to join {organisation.acronym} was declined on "
            f"{declined.decided_at:%d %b %Y}, so I won't ask its approvers again so soon. "
            "If that was a mistake, ask a co-lead: they can place you with "
            f"`/itwg join {organisation.acronym} @you`."
        )
    reason = reason.strip()[:REASON_MAX]
    request = join_requests.create(
        session,
        person_id=actor.person_id,
        organisation_id=organisation.id or 0,
        reason=reason,
        now=deps.now(),
        request_key=request_key,
    )
    audit.record(
        session,
        by=actor,
        action="join_request.create",
        entity="person",
        entity_id=actor.person_id,
        details={"request": request.id, "organisation": organisation.acronym, "reason": reason},
    )
    return _requested(session, request, organisation, person)


def _requested(
    session: Session, request: JoinRequest, organisation: Organisation, person: Person
) -> JoinOutcome:
    """A request made: the requester is told, and its approvers get Approve / Decline."""
    return JoinOutcome(
        kind="requested",
        acronym=organisation.acronym,
        subject_user_id=person.slack_user_id,
        request_id=request.id,
        reason=request.reason,
        approvers=_approver_ids(session, organisation, requester=person),
    )


def _place(
    deps: Deps, session: Session, *, actor: Actor, organisation: Organisation, target_user_id: str
) -> JoinOutcome:
    if not actor.is_co_lead:
        raise UserError("Only a co-lead (UNODC or WHO) can place someone else in an organisation.")
    person = people.get_by_slack_id(session, slack_user_id=target_user_id)
    if person is None:
        raise UserError("I haven't met that person yet; they need to use `/itwg` once first.")
    current = (
        organisations.get(session, organisation_id=person.organisation_id) if person.organisation_id else None
    )
    if current is not None and current.id == organisation.id:
        return JoinOutcome(kind="already", acronym=organisation.acronym, subject_user_id=target_user_id)
    if current is not None and current.role == "co_lead" and current.id == actor.organisation_id:
        others = _co_lead_acronyms(session, besides=current.id)
        raise UserError(
            f"Moving someone out of {current.acronym} takes the other co-lead organisation: ask {others}, "
            "so that a co-lead organisation never loses its people by its own hand."
        )
    people.update(session, person=person, organisation_id=organisation.id)
    join_requests.close_pending(
        session, person_id=person.id or 0, status="superseded", by_person_id=actor.person_id, now=deps.now()
    )
    audit.record(
        session,
        by=actor,
        action="person.join",
        entity="person",
        entity_id=person.id,
        details={"placed_by_co_lead": True},
        changes={"organisation": (current.acronym if current else None, organisation.acronym)},
    )
    return JoinOutcome(
        kind="placed",
        acronym=organisation.acronym,
        subject_user_id=target_user_id,
        previous=current.acronym if current else None,
    )


def _may_decide(actor: Actor, organisation_id: int) -> bool:
    return actor.is_co_lead or (actor.is_focal_point and actor.organisation_id == organisation_id)


def decide(
    deps: Deps, *, actor: Actor, request_id: int, approve: bool, request_key: str | None = None
) -> Decision:
    """Approve or decline a request; a request already decided is reported as it was decided, unless
    this very click decided it (its worker died before the requester was told)."""
    now = deps.now()
    with session_scope(deps.engine) as session:
        request = join_requests.get(session, request_id=request_id)
        if request is None:
            raise UserError(
                f"There is no join request #{request_id}; `/itwg requests` lists the pending ones."
            )
        organisation = organisations.get(session, organisation_id=request.organisation_id)
        requester = people.get(session, person_id=request.person_id)
        assert organisation is not None and requester is not None
        if request.status != join_requests.PENDING:
            ours = request_key is not None and request.decision_key == request_key
            return _decision(session, request, organisation, requester, already=not ours)
        if not _may_decide(actor, organisation.id or 0):
            raise UserError(
                f"Only {organisation.acronym}'s focal points and the co-leads can decide on this request."
            )
        if approve and requester.organisation_id is None and organisation.retired_at is not None:
            raise UserError(
                f"{organisation.acronym} has been retired from the working group, so no one joins it now. "
                "Decline the request (they may then ask to join another), or (co-leads) place them in "
                "another organisation with `/itwg join ORG @person`. Nothing was changed."
            )
        if approve and requester.organisation_id is not None:
            status = "superseded"
        else:
            status = "approved" if approve else "declined"
        if not join_requests.decide(
            session,
            request=request,
            status=status,
            by_person_id=actor.person_id,
            now=now,
            decision_key=request_key,
        ):
            return _decision(session, request, organisation, requester, already=True)
        changes: dict[str, tuple[Any, Any]] = {"request": (join_requests.PENDING, status)}
        if status == "approved":
            people.update(session, person=requester, organisation_id=organisation.id)
            changes = {"organisation": (None, organisation.acronym)}
        audit.record(
            session,
            by=actor,
            action=f"join_request.{'approve' if approve else 'decline'}",
            entity="person",
            entity_id=requester.id,
            details={"request": request.id, "organisation": organisation.acronym, "status": status},
            changes=changes,
        )
        return _decision(session, request, organisation, requester)


def _decision(
    session: Session,
    request: JoinRequest,
    organisation: Organisation,
    requester: Person,
    *,
    already: bool = False,
) -> Decision:
    decider = (
        people.get(session, person_id=request.decided_by_person_id) if request.decided_by_person_id else None
    )
    return Decision(
        request_id=request.id or 0,
        acronym=organisation.acronym,
        requester_user_id=requester.slack_user_id,
        status=request.status,
        decided_by_user_id=decider.slack_user_id if decider else None,
        already=already,
    )


def pending_for(deps: Deps, *, actor: Actor) -> tuple[list[PendingRequest], int]:
    """The pending requests this person may decide (at most ``LIST_LIMIT``), and how many there are."""
    if not actor.is_co_lead and not (actor.is_focal_point and actor.organisation_id):
        raise UserError(
            "Join requests are decided by each organisation's focal points and the co-leads; "
            "`/itwg whoami` shows your role."
        )
    with read_scope(deps.engine) as session:
        scope = None if actor.is_co_lead else [actor.organisation_id or 0]
        found = [
            PendingRequest(
                id=request.id or 0,
                acronym=organisation.acronym,
                requester_user_id=person.slack_user_id,
                requester_name=person.display_name,
                reason=request.reason,
            )
            for request, person, organisation in join_requests.list_pending(session, organisation_ids=scope)
        ]
    return found[:LIST_LIMIT], len(found)
