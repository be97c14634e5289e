"""The co-leads manage the working group's organisations in Slack: add, set member or observer, rename,
change e-mail domains, retire.

The group "is open to United Nations entities and other intergovernmental organizations", so adding
one must not need a redeploy. ``membership.toml`` only seeds: an organisation changed here is marked
``managed_in_slack`` and ``itwg migrate`` leaves it alone. Retired organisations keep their records
(and history) but are no longer counted, nudged, joined or offered in forms. Co-lead organisations are
not changed from Slack: the two equal partners are the group's own constitution.
"""

import re
import shlex
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from bot.actor import Actor
from bot.deps import Deps
from bot.errors import UserError
from bot.history import ChangeLine, change_lines
from bot.identity import unknown_organisation_message
from storage.db import session_scope
from storage.models import Organisation
from storage.repositories import audit, organisations

USAGE = (
    '/itwg org add ACRONYM "Full name" [member|observer] [domain …] | org set ACRONYM member|observer | '
    'org rename ACRONYM "Full name" | org domains ACRONYM domain … | org retire ACRONYM'
)
ROLES = ("member", "observer")
ACRONYM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/&.\-]{0,39}$")
DOMAIN = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
NAME_MAX = 200
# Addresses anyone can have: as an organisation's domain, it would make everyone with a personal
# address that organisation's member, bypassing the join requests meant for them.
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "aol.com",
        "gmail.com",
        "googlemail.com",
        "gmx.com",
        "gmx.de",
        "gmx.net",
        "hotmail.com",
        "icloud.com",
        "live.com",
        "mail.com",
        "mail.ru",
        "me.com",
        "msn.com",
        "outlook.com",
        "proton.me",
        "protonmail.com",
        "qq.com",
        "yahoo.com",
        "yandex.com",
        "yandex.ru",
        "163.com",
    }
)
QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"})


@dataclass(frozen=True)
class OrganisationChange:
    """What changed, for the reply and the channel's announcement."""

    verb: str
    acronym: str
    name: str
    changes: list[ChangeLine]


def _words(text: str) -> list[str]:
    try:
        return shlex.split(text.translate(QUOTES))
    except ValueError:
        raise UserError('Close the quotes around the full name, e.g. `"World Food Programme"`.') from None


def _usage(example: str) -> UserError:
    return UserError(f"Write it as `{example}`. Nothing was changed.")


def _domains(words: list[str], session: Session, *, organisation_id: int | None) -> list[str]:
    domains = [w.lower().lstrip("@") for w in words]
    wrong = [d for d in domains if not DOMAIN.fullmatch(d)]
    if wrong:
        raise UserError(f"“{wrong[0]}” is not an e-mail domain like `wfp.org`. Nothing was changed.")
    public = [d for d in domains if d in PUBLIC_MAIL_DOMAINS]
    if public:
        raise UserError(
            f"{public[0]} is a public e-mail service: it would make everyone with such an address a "
            "member. People with personal addresses ask with `/itwg join ORG`. Nothing was changed."
        )
    for organisation in organisations.list_all(session, include_retired=True):
        taken = set(organisation.email_domains) & set(domains)
        if taken and organisation.id != organisation_id:
            raise UserError(
                f"{sorted(taken)[0]} is already {organisation.acronym}'s domain. Nothing was changed."
            )
    return sorted(set(domains))


def _name(text: str) -> str:
    name = " ".join(text.split())
    if not name or len(name) > NAME_MAX:
        raise UserError(f"Give the full name in quotes, up to {NAME_MAX} characters. Nothing was changed.")
    return name


def _existing(session: Session, acronym: str) -> Organisation:
    organisation = organisations.find_by_acronym(session, text=acronym)
    if organisation is None:
        raise UserError(unknown_organisation_message(session, acronym))
    if organisation.role == "co_lead":
        raise UserError(
            f"{organisation.acronym} is a co-lead organisation; the co-leads are not changed from Slack. "
            "Nothing was changed."
        )
    return organisation


def manage(deps: Deps, *, actor: Actor, text: str) -> OrganisationChange:
    """Carry out one ``/itwg org …`` command for a co-lead; every change is audited with before/after."""
    if not actor.is_co_lead:
        raise UserError("Only the co-leads (UNODC or WHO) manage the working group's organisations.")
    words = _words(text)
    if len(words) < 2:
        raise UserError(f"Usage: `{USAGE}`.")
    verb, acronym, rest = words[0].lower(), words[1], words[2:]
    with session_scope(deps.engine) as session:
        if verb == "add":
            quoted = any(mark in text.translate(QUOTES) for mark in "\"'")
            return _add(session, actor=actor, acronym=acronym, rest=rest, quoted=quoted)
        organisation = _existing(session, acronym)
        changes: dict[str, tuple[Any, Any]]
        if verb == "set" and len(rest) == 1 and rest[0].lower() in ROLES:
            changes = {"role": (organisation.role, rest[0].lower())}
        elif verb == "set":
            raise _usage(f"/itwg org set {organisation.acronym} member|observer")
        elif verb == "rename" and len(rest) == 1:
            changes = {"name": (organisation.name, _name(rest[0]))}
        elif verb == "rename":
            raise _usage(f'/itwg org rename {organisation.acronym} "Full name"')
        elif verb == "domains" and rest:
            domains = _domains(rest, session, organisation_id=organisation.id)
            changes = {"email_domains": (organisation.email_domains, domains)}
        elif verb == "domains":
            raise _usage(f"/itwg org domains {organisation.acronym} example.org")
        elif verb == "retire" and not rest:
            changes = {"retired_at": (None, deps.now())}
        else:
            raise UserError(f"Usage: `{USAGE}`.")
        return _change(session, actor=actor, organisation=organisation, verb=verb, changes=changes)


def _unquoted_name(acronym: str, rest: list[str]) -> UserError:
    """A full name typed without quotes reads as a one-word name and domains; say how to write it."""
    name = []
    for word in rest:
        if word.lower() in ROLES or DOMAIN.fullmatch(word.lower().lstrip("@")):
            break
        name.append(word)
    example = f'/itwg org add {acronym} "{" ".join(name)}"' + "".join(f" {w}" for w in rest[len(name) :])
    return UserError(f"Put the full name in quotes: `{example}`. Nothing was changed.")


def _add(
    session: Session, *, actor: Actor, acronym: str, rest: list[str], quoted: bool = True
) -> OrganisationChange:
    example = f'/itwg org add {acronym} "Full name" [member|observer] [domain …]'
    if not ACRONYM.fullmatch(acronym):
        raise UserError(
            "An acronym is one word of letters, digits and / & . -, up to 40 characters. Nothing was changed."
        )
    if organisations.find_by_acronym(session, text=acronym, include_retired=True) is not None:
        raise UserError(
            f"{acronym} is already an organisation of the group (perhaps retired). Nothing was changed."
        )
    if not rest:
        raise _usage(example)
    if (
        not quoted
        and len(rest) > 1
        and not (rest[1].lower() in ROLES or DOMAIN.fullmatch(rest[1].lower().lstrip("@")))
    ):
        raise _unquoted_name(acronym, rest)
    name = _name(rest[0])
    role = "member"
    if len(rest) > 1 and rest[1].lower() in ROLES:
        role, rest = rest[1].lower(), rest[:1] + rest[2:]
    domains = _domains(rest[1:], session, organisation_id=None)
    organisation = organisations.create(session, acronym=acronym, name=name, role=role, email_domains=domains)
    changes = {"name": (None, name), "role": (None, role), "email_domains": ([], domains)}
    return _recorded(session, actor=actor, organisation=organisation, verb="add", changes=changes)


def _change(
    session: Session,
    *,
    actor: Actor,
    organisation: Organisation,
    verb: str,
    changes: dict[str, tuple[Any, Any]],
) -> OrganisationChange:
    if all(before == after for before, after in changes.values()):
        raise UserError(f"{organisation.acronym} is like that already. Nothing was changed.")
    organisations.update(
        session, organisation=organisation, **{k: after for k, (_, after) in changes.items()}
    )
    return _recorded(session, actor=actor, organisation=organisation, verb=verb, changes=changes)


def _recorded(
    session: Session,
    *,
    actor: Actor,
    organisation: Organisation,
    verb: str,
    changes: dict[str, tuple[Any, Any]],
) -> OrganisationChange:
    audit.record(
        session,
        by=actor,
        action=f"organisation.{verb}",
        entity="organisation",
        entity_id=organisation.id,
        details={"acronym": organisation.acronym},
        changes=changes,
    )
    return OrganisationChange(
        verb=verb, acronym=organisation.acronym, name=organisation.name, changes=change_lines(changes)
    )
