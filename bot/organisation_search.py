"""Organisations for a select that cannot list them all: Slack allows 100 options in a select, so
beyond that a form asks Slack to fetch them as the person types (an ``external_select``)."""

from bot.blockkit import OPTIONS
from bot.deps import Deps
from storage.db import session_scope
from storage.repositories import organisations


def label(acronym: str, name: str) -> str:
    return f"{acronym} ({name})"


def search(deps: Deps, *, query: str) -> list[tuple[str, str]]:
    """(value, label) of the organisations whose acronym or name contains ``query`` (any case),
    acronyms starting with it first, at most Slack's 100."""
    words = query.strip().casefold()
    with session_scope(deps.engine) as session:
        found = [
            o
            for o in organisations.list_all(session)
            if words in o.acronym.casefold() or words in o.name.casefold()
        ]
    found.sort(key=lambda o: (not o.acronym.casefold().startswith(words), o.acronym_key))
    return [(str(o.id), label(o.acronym, o.name)) for o in found[:OPTIONS]]
