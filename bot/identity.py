"""Who is asking: people, their organisations and focal points.

A person is mapped to an organisation by the domain of the email on their Slack profile the first
time the bot meets them; people with no usable email (Slack Connect guests, hidden emails) ask to join
one (``bot.joining``) and read only until that is approved. People are known by their Slack team and
user id together. What Slack says of people (profiles, the channel's members) is asked by
``bot.slack_profiles``; nothing here takes a Slack client.
"""

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.actor import Actor
from bot.deps import Deps
from bot.errors import UserError
from storage.db import read_scope, session_scope
from storage.models import Organisation, Person
from storage.repositories import audit, join_requests, organisations, people


def to_actor(
    person: Person, organisation: Organisation | None, *, pending_organisation: str | None = None
) -> Actor:
    return Actor(
        person_id=person.id or 0,
        slack_user_id=person.slack_user_id,
        display_name=person.display_name,
        timezone=person.timezone,
        organisation_id=organisation.id if organisation else None,
        organisation_acronym=organisation.acronym if organisation else None,
        role=organisation.role if organisation else None,
        is_focal_point=person.is_focal_point,
        pending_organisation=pending_organisation,
        organisation_retired=organisation is not None and organisation.retired_at is not None,
    )


def actor_of(session: Session, person: Person) -> Actor:
    """The person with their organisation, or the one their pending join request names."""
    organisation = _organisation_of(session, person)
    pending = None
    if organisation is None and person.id is not None:
        request = join_requests.pending_of(session, person_id=person.id)
        asked = organisations.get(session, organisation_id=request.organisation_id) if request else None
        pending = asked.acronym if asked else None
    return to_actor(person, organisation, pending_organisation=pending)


def _organisation_of(session: Session, person: Person) -> Organisation | None:
    if person.organisation_id is None:
        return None
    return organisations.get(session, organisation_id=person.organisation_id)


def known_actor(deps: Deps, *, slack_user_id: str, team_id: str | None = None) -> Actor | None:
    """The person if the bot has met them before; no Slack call."""
    with read_scope(deps.engine) as session:
        person = people.get_by_slack_id(session, slack_user_id=slack_user_id, team_id=team_id)
        if person is None:
            return None
        return actor_of(session, person)


def register(deps: Deps, *, slack_user_id: str, team_id: str | None, profile: dict | None) -> Actor:
    """Create (or find) the person for a Slack user, mapping their email domain to an organisation.

    Only the e-mail Slack gives maps a person: people of other workspaces usually have none (or are
    marked ``is_stranger``), and are then unmapped, whatever their name says."""
    profile_fields = (profile or {}).get("profile", {})
    email = (profile_fields.get("email") or "").strip().lower() or None
    if (profile or {}).get("is_stranger"):
        email = None
    name = (
        profile_fields.get("display_name")
        or profile_fields.get("real_name")
        or (profile or {}).get("real_name")
        or slack_user_id
    )
    tz = (profile or {}).get("tz")
    # users.info names the person's own workspace; a payload may name the workspace the request came
    # through (a Slack Connect channel's host), which would make one person two.
    team = (profile or {}).get("team_id") or team_id or ""
    try:
        with session_scope(deps.engine) as session:
            existing = people.get_by_slack_id(session, slack_user_id=slack_user_id, team_id=team)
            if existing is not None:
                return actor_of(session, existing)
            organisation = organisations.find_by_email(session, email=email) if email else None
            person = people.create(
                session,
                slack_user_id=slack_user_id,
                slack_team_id=team,
                display_name=name,
                email=email,
                timezone=tz,
                organisation_id=organisation.id if organisation else None,
            )
            actor = to_actor(person, organisation)
            audit.record(
                session,
                by=actor,
                action="person.register",
                entity="person",
                entity_id=person.id,
                details={"organisation": organisation.acronym if organisation else None, "team": team},
            )
            return actor
    except IntegrityError:
        # Two requests from a new person raced; the other one registered them.
        actor = known_actor(deps, slack_user_id=slack_user_id, team_id=team)
        assert actor is not None
        return actor


def require_organisation(actor: Actor) -> None:
    """Refuse a write by someone who belongs to no organisation yet, or to a retired one, saying what
    they can do."""
    if actor.organisation_retired:
        raise UserError(
            f"{actor.organisation_acronym} has been retired from the working group, so you can read but "
            "no longer change anything for it. The co-leads can't bring a retired organisation back from "
            "Slack; ask a co-lead if you should be moved to another organisation."
        )
    if actor.organisation_id is not None:
        return
    if actor.pending_organisation:
        raise UserError(
            f"Your request to join {actor.pending_organisation} is waiting for approval by its focal "
            "point or a co-lead. Until then you can read (`/itwg initiatives`, `/itwg next`, "
            "`/itwg status`) but not change anything."
        )
    raise UserError(
        "I don't know your organisation yet: your Slack profile shows no email of a member "
        "organisation. Ask to join yours with `/itwg join ORG [why]`, e.g. "
        "`/itwg join UNHCR I coordinate UNHCR's prevention work`."
    )


def set_focal_point(deps: Deps, *, actor: Actor, target_user_id: str | None, on: bool = True) -> str:
    """Mark (or unmark) a focal point; members mark themselves, co-leads may mark anyone."""
    subject_id = target_user_id or actor.slack_user_id
    if subject_id == actor.slack_user_id:
        require_organisation(actor)
    elif not actor.is_co_lead:
        raise UserError("Only a co-lead can mark someone else as a focal point.")
    with session_scope(deps.engine) as session:
        if subject_id == actor.slack_user_id:
            person = people.get(session, person_id=actor.person_id)
        else:
            person = people.get_by_slack_id(session, slack_user_id=subject_id)
        if person is None:
            raise UserError("I haven't met that person yet; they need to use `/itwg` once first.")
        if person.organisation_id is None:
            raise UserError("That person has no organisation yet; set it with `/itwg join ORG`.")
        before = person.is_focal_point
        people.update(session, person=person, is_focal_point=on)
        audit.record(
            session,
            by=actor,
            action="person.focal_point" if on else "person.focal_point_removed",
            entity="person",
            entity_id=person.id,
            changes={"focal_point": (before, on)},
        )
        organisation = _organisation_of(session, person)
        return organisation.acronym if organisation else ""


def unknown_organisation_message(session: Session, text: str) -> str:
    known = ", ".join(o.acronym for o in organisations.list_all(session))
    return f"I don't know the organisation “{text}”. Known organisations: {known}."
