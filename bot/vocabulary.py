"""The working group's fixed vocabularies (from its inaugural meeting), as code → label."""

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
