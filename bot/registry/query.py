"""A visitor's query string, checked before it reaches the database.

Anything we cannot answer meaningfully (an unknown objective, ``page=abc``, a search longer than a
title) is a ``BadQuery`` naming the accepted form, which the pages turn into a 400, never a 500.
Unknown parameter names are ignored, so links carrying tracking parameters still work.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass

from bot import vocabulary
from storage.models import Organisation
from storage.repositories.registry import Filters

MAX_SEARCH_LENGTH = 200
MAX_PAGE = 10_000
PLACE_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


class BadQuery(ValueError):
    """The query string asks for something the registry does not offer; the message says what does."""


@dataclass(frozen=True)
class Query:
    filters: Filters
    page: int
    # The accepted parameters as given (codes, acronym), to refill the form and build page links.
    params: dict[str, str]


def _vocabulary_code(name: str, value: str, accepted: Mapping[str, str]) -> str:
    if value not in accepted:
        raise BadQuery(f"Unknown {name} {value!r}. Accepted {name} codes: {', '.join(accepted)}.")
    return value


def _place(name: str, value: str) -> str:
    if not PLACE_CODE.match(value):
        raise BadQuery(f"The {name} must be a code of letters, digits, '_', '.' or '-', such as 'africa'.")
    return value


def _page(value: str | None) -> int:
    if value is None or value == "":
        return 1
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= MAX_PAGE:
        raise BadQuery(f"The page must be a whole number from 1 to {MAX_PAGE}, such as page=2.")
    return int(value)


def _search(value: str) -> str:
    if len(value) > MAX_SEARCH_LENGTH:
        raise BadQuery(f"The search text may be at most {MAX_SEARCH_LENGTH} characters long.")
    if CONTROL_CHARACTERS.search(value):
        raise BadQuery("The search text may not contain control characters.")
    return value


def _vocabularies() -> dict[str, tuple[str, Mapping[str, str]]]:
    """Filter parameter → (its name for visitors, accepted codes)."""
    return {
        "objective": ("objective", vocabulary.OBJECTIVES),
        "population": ("population", vocabulary.POPULATIONS),
        "continuum": ("continuum area", vocabulary.CONTINUUM),
        "status": ("status", vocabulary.INITIATIVE_STATUSES),
    }


def _organisation(value: str, organisations: Mapping[int, Organisation]) -> int:
    for id_, organisation in organisations.items():
        if organisation.acronym_key == value.upper():
            return id_
    examples = ", ".join(organisation.acronym for organisation in list(organisations.values())[:3])
    raise BadQuery(f"Unknown organisation {value!r}. Use an acronym such as {examples}.")


def parse(args: Mapping[str, str], organisations: Mapping[int, Organisation]) -> Query:
    """Turn request arguments into filters; empty values (an untouched form control) mean "any"."""
    given = {name: args[name].strip() for name in FILTER_PARAMETERS if (args.get(name) or "").strip()}
    for parameter, (name, accepted) in _vocabularies().items():
        if parameter in given:
            _vocabulary_code(name, given[parameter], accepted)
    for parameter in ("region", "country"):
        if parameter in given:
            _place(parameter, given[parameter])
    filters = Filters(
        objective=given.get("objective"),
        population=given.get("population"),
        continuum=given.get("continuum"),
        status=given.get("status"),
        region=given.get("region"),
        country=given.get("country"),
        organisation_id=_organisation(given["organisation"], organisations)
        if "organisation" in given
        else None,
        text=_search(given["q"]) if "q" in given else None,
    )
    return Query(filters=filters, page=_page(args.get("page")), params=given)


FILTER_PARAMETERS = (
    "q",
    "objective",
    "population",
    "continuum",
    "organisation",
    "region",
    "country",
    "status",
)
