"""Filling in the initiative modal the way Slack reports it, and reading back what was stored."""

from datetime import datetime, timedelta
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View
from sqlmodel import select

from bot import vocabulary
from bot.blockkit import MESSAGE_BLOCKS, MESSAGE_CHARACTERS, VIEW_BLOCKS
from storage.db import session_scope
from storage.models import AuditEntry, Initiative, InitiativePartner, InitiativeTag, Meeting
from storage.repositories import initiatives as repository
from storage.repositories import organisations
from tests.reliability.forms import state_values

VALID = {
    "title": "Family skills for youth prevention",
    "summary": "Strengthening Families in schools & communities.",
    "status": "ongoing",
    "objectives": ["advocacy", "good_practices"],
    "continuum": ["prevention"],
    "populations": ["youth", "children"],
    "scope": [],
    "regions": ["africa"],
    "countries": "KE, nigeria",
    "partners": [],
    "start_date": "2030-01-01",
    "end_date": "2030-12-31",
    "link": "https://www.ilo.org/family-skills",
    "visibility": "shareable",
}


def open_share_modal(bot, who: str = "ILO") -> dict[str, Any]:
    before = len(bot.opened_views())
    bot.command("share-initiative", who=who)
    views = bot.opened_views()
    assert len(views) == before + 1, "no modal opened"
    if views[-1]["callback_id"] == "loading":  # someone new: the form replaces a "one moment" view
        return bot.slack.calls_to("views.update")[-1].params["view"]
    return views[-1]


def share(bot, who: str = "ILO", **changes: Any):
    view = open_share_modal(bot, who)
    return bot.submit(view, state_values(view, {**VALID, **changes}), who=who)


def initiatives(bot) -> list[Initiative]:
    with session_scope(bot.deps.engine) as session:
        return list(session.exec(select(Initiative).order_by(Initiative.id)))


def tags(bot, initiative_id: int) -> set[tuple[str, str]]:
    with session_scope(bot.deps.engine) as session:
        rows = session.exec(select(InitiativeTag).where(InitiativeTag.initiative_id == initiative_id))
        return {(t.kind, t.value) for t in rows}


def partner_ids(bot, initiative_id: int) -> set[int]:
    with session_scope(bot.deps.engine) as session:
        rows = session.exec(select(InitiativePartner).where(InitiativePartner.initiative_id == initiative_id))
        return {p.organisation_id for p in rows}


def audit_actions(bot, initiative_id: int) -> list[str]:
    with session_scope(bot.deps.engine) as session:
        rows = session.exec(
            select(AuditEntry)
            .where(AuditEntry.entity == "initiative", AuditEntry.entity_id == str(initiative_id))
            .order_by(AuditEntry.id)
        )
        return [entry.action for entry in rows]


def assert_valid_message(message: dict[str, Any]) -> None:
    blocks = message["blocks"]
    assert "more not shown here" not in str(blocks), "the builder, not the last-resort trimming, must fit"
    assert len(blocks) <= MESSAGE_BLOCKS
    assert sum(len(str(b)) for b in blocks) <= MESSAGE_CHARACTERS
    parsed = Block.parse_all(blocks)
    assert len(parsed) == len(blocks)
    for block in parsed:
        block.validate_json()
    for block in blocks:
        for field in block.get("fields", []):
            assert len(field["text"]) <= 2000


def assert_valid_view(view: dict[str, Any]) -> None:
    assert "more not shown here" not in str(view["blocks"])
    assert len(view["blocks"]) <= VIEW_BLOCKS
    View(**view).validate_json()


def add_meetings(bot, *starts: datetime) -> None:
    """Schedule meetings directly: they divide time into the cycles sharing is counted against."""
    with session_scope(bot.deps.engine) as session:
        for number, starts_at in enumerate(starts, 1):
            session.add(
                Meeting(uid=f"meeting-{number}@itwg.test", starts_at=starts_at, timezone="Europe/Vienna")
            )


def add_initiatives(bot, count: int, *, organisation: str) -> list[int]:
    """``count`` initiatives as long as the form allows, each a minute newer than the last."""
    with session_scope(bot.deps.engine) as session:
        lead = organisations.find_by_acronym(session, text=organisation)
        partner = organisations.find_by_acronym(session, text="UNHCR")
        assert lead is not None and partner is not None and partner.id is not None
        ids = []
        for number in range(count):
            moment = bot.clock() - timedelta(minutes=count - number)
            initiative = repository.create(
                session,
                fields={
                    "title": (f"{number:03d} " + "Long title & <tags> " * 8)[:150],
                    "summary": ("Summary with <!here> & detail. " * 100)[:3000],
                    "status": "ongoing",
                    "lead_organisation_id": lead.id,
                    "link": "https://example.org/" + "x" * 400,
                    "created_at": moment,
                    "updated_at": moment,
                    "shared_at": moment,
                    "shared_by_organisation_at": moment,
                },
                tags=[("objective", code) for code in vocabulary.OBJECTIVES]
                + [("population", code) for code in vocabulary.POPULATIONS]
                + [("country", code) for code in list(vocabulary.COUNTRIES)[:40]],
                partner_ids=[partner.id],
            )
            assert initiative.id is not None
            ids.append(initiative.id)
        return ids
