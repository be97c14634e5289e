"""Who is asking: people, their organisations and focal points.

A person is mapped to an organisation by the domain of the email on their Slack profile the first
time the bot meets them; people with no usable email (Slack Connect guests, hidden emails) choose with
``/itwg join``. Joining a co-lead organisation that way needs a co-lead, because co-leads may manage
everything. What Slack says of people (profiles, the channel's members) is asked by
``bot.slack_profiles``; nothing here takes a Slack client.
"""

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.actor import Actor
from bot.deps import Deps
from bot.errors import UserError
from storage.db import read_scope, session_scope
from storage.models import Organisation, Person
from storage.repositories import audit, organisations, people


def to_actor(person: Person, organisation: Organisation | None) -> Actor:
    return Actor(
        person_id=person.id or 0,
        slack_user_id=person.slack_user_id,
        display_name=person.display_name,
        timezone=person.timezone,
        organisation_id=organisation.id if organisation else None,
        organisation_acronym=organisation.acronym if organisation else None,
        role=organisation.role if organisation else None,
    )


def _organisation_of(session: Session, person: Person) -> Organisation | None:
    if person.organisation_id is None:
        return None
    return organisations.get(session, organisation_id=person.organisation_id)


def known_actor(deps: Deps, *, slack_user_id: str) -> Actor | None:
    """The person if the bot has met them before; no Slack call."""
    with read_scope(deps.engine) as session:
        person = people.get_by_slack_id(session, slack_user_id=slack_user_id)
        if person is None:
            return None
        return to_actor(person, _organisation_of(session, person))


def register(deps: Deps, *, slack_user_id: str, team_id: str | None, profile: dict | None) -> Actor:
    """Create (or find) the person for a Slack user, mapping their email domain to an organisation."""
    profile_fields = (profile or {}).get("profile", {})
    email = (profile_fields.get("email") or "").strip().lower() or None
    name = (
        profile_fields.get("display_name")
        or profile_fields.get("real_name")
        or (profile or {}).get("real_name")
        or slack_user_id
    )
    tz = (profile or {}).get("tz")
    try:
        with session_scope(deps.engine) as session:
            existing = people.get_by_slack_id(session, slack_user_id=slack_user_id)
            if existing is not None:
                return to_actor(existing, _organisation_of(session, existing))
            organisation = organisations.find_by_email(session, email=email) if email else None
            person = people.create(
                session,
                slack_user_id=slack_user_id,
                slack_team_id=team_id or (profile or {}).get("team_id"),
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
                details={"organisation": organisation.acronym if organisation else None},
            )
            return actor
    except IntegrityError:
        # Two requests from a new person raced; the other one registered them.
        actor = known_actor(deps, slack_user_id=slack_user_id)
        assert actor is not None
        return actor


def require_organisation(actor: Actor) -> None:
    if actor.organisation_id is None:
        raise UserError(
            "I don't know your organisation yet: your Slack profile shows no email of a member "
            "organisation. Tell me with `/itwg join ORG`, e.g. `/itwg join ILO`."
        )


def join(deps: Deps, *, actor: Actor, organisation_text: str, target_user_id: str | None) -> str:
    """Place the actor (or, for co-leads, someone else) in an organisation; returns the acronym."""
    if not organisation_text:
        raise UserError("Say which organisation, e.g. `/itwg join ILO`.")
    with session_scope(deps.engine) as session:
        organisation = organisations.find_by_acronym(session, text=organisation_text)
        if organisation is None:
            raise UserError(unknown_organisation_message(session, organisation_text))
        subject_id = target_user_id or actor.slack_user_id
        if target_user_id and not actor.is_co_lead:
            raise UserError("Only a co-lead (UNODC or WHO) can place someone else in an organisation.")
        person = people.get_by_slack_id(session, slack_user_id=subject_id)
        if person is None:
            raise UserError("I haven't met that person yet; they need to use `/itwg` once first.")
        if not actor.is_co_lead:
            mapped = organisations.find_by_email(session, email=person.email) if person.email else None
            if mapped is not None and mapped.id != organisation.id:
                raise UserError(
                    f"Your Slack email maps you to {mapped.acronym}; ask a co-lead if that is wrong."
                )
            if organisation.role == "co_lead":
                raise UserError(
                    f"Joining a co-lead organisation needs a co-lead: ask one to run "
                    f"`/itwg join {organisation.acronym} @you`."
                )
        previous = person.organisation_id
        people.update(session, person=person, organisation_id=organisation.id)
        audit.record(
            session,
            by=actor,
            action="person.join",
            entity="person",
            entity_id=person.id,
            details={"organisation": organisation.acronym, "previous_organisation_id": previous},
        )
        return organisation.acronym


def set_focal_point(deps: Deps, *, actor: Actor, target_user_id: str | None, on: bool = True) -> str:
    """Mark (or unmark) a focal point; members mark themselves, co-leads may mark anyone."""
    subject_id = target_user_id or actor.slack_user_id
    if subject_id != actor.slack_user_id and not actor.is_co_lead:
        raise UserError("Only a co-lead can mark someone else as a focal point.")
    with session_scope(deps.engine) as session:
        person = people.get_by_slack_id(session, slack_user_id=subject_id)
        if person is None:
            raise UserError("I haven't met that person yet; they need to use `/itwg` once first.")
        if person.organisation_id is None:
            raise UserError("That person has no organisation yet; set it with `/itwg join ORG`.")
        people.update(session, person=person, is_focal_point=on)
        audit.record(
            session,
            by=actor,
            action="person.focal_point" if on else "person.focal_point_removed",
            entity="person",
            entity_id=person.id,
        )
        organisation = _organisation_of(session, person)
        return organisation.acronym if organisation else ""


def unknown_organisation_message(session: Session, text: str) -> str:
    known = ", ".join(o.acronym for o in organisations.list_all(session))
    return f"I don't know the organisation “{text}”. Known organisations: {known}."
