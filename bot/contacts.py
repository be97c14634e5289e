"""E-mail contacts: the people of an organisation the bot reaches by e-mail, and e-mail opt-outs.

Co-leads manage any organisation's contacts, members their own. An address is one person: a
contact whose address a Slack person of the same organisation has is that person (reached on Slack,
and by e-mail for invitations), and one of another organisation (a Slack person's, or at another
organisation's e-mail domain) is refused. Every change is audited.
"""

import logging
import re
import shlex
import tomllib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from bot.actor import Actor
from bot.deps import Deps
from bot.errors import UserError
from bot.identity import require_organisation
from bot.settings import SettingsError
from storage.db import session_scope
from storage.models import Contact, Organisation
from storage.repositories import audit, organisations, people
from storage.repositories import contacts as records

logger = logging.getLogger(__name__)

EMAIL = re.compile(r"^[^@\s<>\"',;]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
# The most contacts one message lists (Block Kit: 50 blocks); the rest are counted.
LIST_LIMIT = 45
ADD_USAGE = (
    'Use `/itwg contact add ORG "Full Name" EMAIL [focal]`, '
    'e.g. `/itwg contact add ILO "Ana Diaz" ana@ilo.org focal`.'
)


@dataclass(frozen=True)
class ContactAdded:
    name: str
    email: str
    acronym: str
    focal: bool
    slack_user_id: str | None


@dataclass(frozen=True)
class ContactListing:
    acronym: str | None
    contacts: list[tuple[Contact, Organisation]]


def check_email(text: str) -> str:
    address = text.strip().strip("<>").removeprefix("mailto:")
    if "|" in address:  # Slack turns a typed address into <mailto:a@b|a@b>
        address = address.split("|", 1)[1]
    if len(address) > 320 or not EMAIL.fullmatch(address):
        raise UserError(f"`{text.strip()[:80]}` is not an e-mail address.")
    return address.lower()


def parse_add(args: str) -> tuple[str, str, str, bool]:
    try:
        words = shlex.split(args)
    except ValueError:
        raise UserError(f"Close the quotes around the name. {ADD_USAGE}") from None
    focal = len(words) == 4 and words[3].lower() == "focal"
    if len(words) != 3 and not focal:
        raise UserError(ADD_USAGE)
    acronym, name, email = words[:3]
    name = " ".join(name.split())
    if not name or len(name) > 200:
        raise UserError("Give the contact's name in quotes, up to 200 characters.")
    return acronym, name, check_email(email), focal


def _manageable(session, actor: Actor, acronym: str) -> Organisation:
    organisation = organisations.find_by_acronym(session, text=acronym)
    if organisation is None:
        raise UserError(f"There is no organisation `{acronym[:40]}`; `/itwg status` lists them.")
    if not actor.may_manage(organisation.id):
        raise UserError(f"Only {organisation.acronym}'s people and the co-leads manage its contacts.")
    return organisation


def add(deps: Deps, *, actor: Actor, args: str) -> ContactAdded:
    if not actor.is_co_lead:
        require_organisation(actor)
    acronym, name, email, focal = parse_add(args)
    with session_scope(deps.engine) as session:
        organisation = _manageable(session, actor, acronym)
        existing = records.by_email(session, email=email)
        if existing is not None:
            owner = organisations.get(session, organisation_id=existing.organisation_id)
            raise UserError(
                f"{email} is already a contact of {owner.acronym if owner else 'another organisation'}."
            )
        person = records.slack_person_by_email(session, email=email)
        if person is not None and person.organisation_id not in (None, organisation.id):
            other = organisations.get(session, organisation_id=person.organisation_id or 0)
            raise UserError(
                f"{email} is on Slack as someone of {other.acronym if other else 'another organisation'}."
            )
        mapped = organisations.find_by_email(session, email=email)
        if mapped is not None and mapped.id != organisation.id:
            raise UserError(
                f"{email} is an address of {mapped.acronym} (its e-mail domain), so it can't be "
                f"{organisation.acronym}'s contact. Nothing was changed."
            )
        contact = records.add(
            session,
            organisation_id=organisation.id or 0,
            name=name,
            email=email,
            is_focal_point=focal,
            created_by_person_id=actor.person_id,
        )
        audit.record(
            session,
            by=actor,
            action="contact.add",
            entity="contact",
            entity_id=contact.id,
            details={"organisation": organisation.acronym, "name": name, "email": email, "focal": focal},
        )
        return ContactAdded(
            name=name,
            email=email,
            acronym=organisation.acronym,
            focal=focal,
            slack_user_id=person.slack_user_id if person else None,
        )


def remove(deps: Deps, *, actor: Actor, args: str) -> Contact:
    if len(args.split()) != 1:
        raise UserError("Use `/itwg contact remove EMAIL`.")
    if not actor.is_co_lead:
        require_organisation(actor)
    email = check_email(args)
    with session_scope(deps.engine) as session:
        contact = records.by_email(session, email=email)
        if contact is None:
            raise UserError(f"{email} is not a contact; `/itwg contacts` lists them.")
        if not actor.may_manage(contact.organisation_id):
            raise UserError("Only the organisation's people and the co-leads remove its contacts.")
        before = {"organisation_id": contact.organisation_id, "name": contact.name, "email": contact.email}
        owner = organisations.get(session, organisation_id=contact.organisation_id)
        records.remove(session, contact=contact)
        audit.record(
            session,
            by=actor,
            action="contact.remove",
            entity="contact",
            entity_id=contact.id,
            details=before,
            changes={
                "organisation": (owner.acronym if owner else contact.organisation_id, None),
                "name": (contact.name, None),
                "email": (contact.email, None),
                "focal": (contact.is_focal_point, None),
            },
        )
        return contact


def listing(deps: Deps, *, actor: Actor, args: str) -> ContactListing:
    """``/itwg contacts [ORG]``: co-leads see any organisation's (all without ORG), members their own."""
    text = args.strip()
    with session_scope(deps.engine) as session:
        if text:
            organisation = _manageable(session, actor, text)
        elif actor.is_co_lead:
            return ContactListing(acronym=None, contacts=records.listed(session))
        elif actor.organisation_id is None:
            raise UserError("I don't know your organisation yet. Tell me with `/itwg join ORG`.")
        else:
            organisation = organisations.get(session, organisation_id=actor.organisation_id)
            assert organisation is not None
        return ContactListing(
            acronym=organisation.acronym, contacts=records.listed(session, organisation_id=organisation.id)
        )


def set_email(deps: Deps, *, actor: Actor, args: str) -> tuple[str, bool]:
    """``/itwg email on|off``: whether the bot e-mails this person (invitations included)."""
    choice = args.strip().lower()
    if choice not in ("on", "off"):
        raise UserError("Use `/itwg email off` to receive no e-mail from the bot, `/itwg email on` to again.")
    with session_scope(deps.engine) as session:
        person = people.get(session, person_id=actor.person_id)
        email = person.email if person else None
        if not email:
            raise UserError("The bot has no e-mail address for you, so it sends you no e-mail.")
        if choice == "off":
            changed = records.opt_out(session, email=email, now=deps.now())
        else:
            changed = records.opt_in(session, email=email)
        if changed:
            audit.record(
                session,
                by=actor,
                action=f"email.{choice}",
                entity="person",
                entity_id=actor.person_id,
                details={"email": email.lower()},
                changes={"email": ("on", "off") if choice == "off" else ("off", "on")},
            )
    return email.lower(), choice == "on"


def read_listed(path: Path) -> list[dict]:
    """The ``[[contact]]`` entries of ``membership.toml`` (organisation, name, email, focal)."""
    try:
        entries = tomllib.loads(path.read_text(encoding="utf-8")).get("contact", [])
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise SettingsError(f"ITWG_MEMBERSHIP_FILE: cannot read {path}: {error}") from None
    for entry in entries:
        missing = {"organisation", "name", "email"} - entry.keys()
        if missing:
            raise SettingsError(f"ITWG_MEMBERSHIP_FILE: a contact lacks {sorted(missing)}")
        try:
            entry["email"] = check_email(str(entry["email"]))
        except UserError:
            raise SettingsError(
                f"ITWG_MEMBERSHIP_FILE: {entry['email']!r} is not an e-mail address"
            ) from None
    return entries


def load_listed(engine: Engine, path: Path) -> int:
    """Add the file's contacts not yet known (by address); running it twice adds nothing. A listed
    address a Slack person of another organisation has is skipped: an address is one person."""
    added = []
    with session_scope(engine) as session:
        for entry in read_listed(path):
            if records.by_email(session, email=entry["email"]) is not None:
                continue
            organisation = organisations.find_by_acronym(session, text=str(entry["organisation"]))
            if organisation is None:
                raise SettingsError(
                    f"ITWG_MEMBERSHIP_FILE: contact {entry['email']}: "
                    f"no organisation {entry['organisation']!r}"
                )
            person = records.slack_person_by_email(session, email=entry["email"])
            if person is not None and person.organisation_id not in (None, organisation.id):
                logger.warning(
                    "contact %s skipped: a Slack person of another organisation has it", entry["email"]
                )
                continue
            records.add(
                session,
                organisation_id=organisation.id or 0,
                name=" ".join(str(entry["name"]).split())[:200],
                email=entry["email"],
                is_focal_point=bool(entry.get("focal", False)),
                created_by_person_id=None,
            )
            added.append(entry["email"])
        if added:
            audit.record(
                session,
                by="itwg migrate",
                action="contacts.load",
                entity="contact",
                entity_id=None,
                details={"added": added},
            )
    return len(added)
