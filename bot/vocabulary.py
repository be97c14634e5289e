"""The working group's fixed vocabularies (from its inaugural meeting), as code → label."""

from collections.abc import Iterable, Mapping

from bot import countries

OBJECTIVES: dict[str, str] = {
    "advocacy": "Advocacy for investment in prevention and treatment",
    "stigma": "Reducing stigma and discrimination in access to services",
    "good_practices": "Good practices of multisectoral collaboration",
    "normative_guidance": "Normative guidance and technical support",
}

CONTINUUM: dict[str, str] = {
    "prevention": "Prevention",
    "treatment": "Treatment",
    "care": "Care",
    "rehabilitation_recovery": "Rehabilitation and recovery",
    "health_social_consequences": "Reducing health and social consequences",
}

POPULATIONS: dict[str, str] = {
    "children": "Children",
    "youth": "Youth",
    "women": "Women",
    "criminal_justice": "People in contact with the criminal justice system",
    "displaced_refugees": "Displaced people and refugees",
    "general_population": "General population",
}

INITIATIVE_STATUSES: dict[str, str] = {
    "planned": "Planned",
    "ongoing": "Ongoing",
    "completed": "Completed",
    "paused": "Paused",
}

VISIBILITY: dict[str, str] = {
    "working_group": "Working group only",
    "shareable": "Shareable",
}

ROLES: dict[str, str] = {
    "co_lead": "Co-lead",
    "member": "Member",
    "observer": "Observer",
}

REGIONS: dict[str, str] = {
    "africa": "Africa",
    "americas": "Americas",
    "asia_pacific": "Asia and the Pacific",
    "europe": "Europe",
    "middle_east_north_africa": "Middle East and North Africa",
    "central_asia": "Central Asia",
}

# ISO 3166-1 alpha-2 code → United Nations short name, from a maintained data package (see
# bot/countries.py). Initiatives store countries as these upper-case codes; people may type a code
# or a name.
COUNTRIES: Mapping[str, str] = countries.NAMES


def place_label(code: str) -> str:
    """A region's label or a country's name, as people read them; an unknown code stands for itself."""
    return REGIONS.get(code) or COUNTRIES.get(code, code)


def place_labels(codes: Iterable[str] | None) -> str:
    """Regions and countries (codes, as tags store them) as a reader's list of names."""
    return ", ".join(place_label(code) for code in codes or [])
