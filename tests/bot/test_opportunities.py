"""Opportunities: who overlaps with whom, why, and the "Connect us" group DM."""

from datetime import date

import pytest
from slack_sdk.models.blocks import Block

from bot import opportunities
from storage.db import session_scope
from storage.models import InitiativePartner
from storage.repositories.opportunities import PairScore
from tests import digest_fixtures as fx
from tests.harness import PEOPLE, message_text

TODAY = date(2030, 3, 1)
COMMON = {"objectives": ("advocacy",), "populations": ("youth",)}


def _find(engine):
    with session_scope(engine) as session:
        return opportunities.find(session, today=TODAY, limit=5)


def _titles(groups):
    return [sorted(card.title for card in group.initiatives) for group in groups]


def test_initiatives_sharing_objective_population_place_and_dates_match(engine):
    with session_scope(engine) as session:
        fx.initiative(
            session, "ILO", "A", countries=("KE",), start=date(2030, 1, 1), end=date(2030, 12, 31), **COMMON
        )
        fx.initiative(session, "UNICEF", "B", countries=("KE",), start=date(2030, 6, 1), **COMMON)
    groups = _find(engine)
    assert _titles(groups) == [["A", "B"]]
    pair = groups[0].pairs[0]
    assert (pair.objectives, pair.populations, pair.places) == (("advocacy",), ("youth",), ("KE",))
    assert pair.dates == "2030-06-01 to 2030-12-31"


@pytest.mark.parametrize(
    ("second", "why"),
    [
        ({"org": "ILO", "countries": ("KE",)}, "same organisation"),
        ({"org": "UNICEF", "countries": ("BR",)}, "different country"),
        ({"org": "UNICEF", "regions": ("africa",)}, "region is not the same place as a country"),
        ({"org": "UNICEF", "countries": ("KE",), "start": date(2031, 1, 1)}, "dates do not overlap"),
        ({"org": "UNICEF", "countries": ("KE",), "status": "completed"}, "completed"),
        ({"org": "UNICEF", "countries": ("KE",), "populations": ("women",)}, "no population in common"),
        ({"org": "UNICEF", "countries": ("KE",), "objectives": ("stigma",)}, "no objective in common"),
    ],
)
def test_no_match_without_a_full_overlap(engine, second, why):
    with session_scope(engine) as session:
        fx.initiative(session, "ILO", "A", countries=("KE",), end=date(2030, 12, 31), **COMMON)
        org = second.pop("org")
        fx.initiative(session, org, "B", **{**COMMON, **second})
    assert _find(engine) == [], why


def test_global_scope_overlaps_every_place_and_better_pairs_rank_first(engine):
    with session_scope(engine) as session:
        fx.initiative(session, "ILO", "Kenya youth", countries=("KE",), **COMMON)
        fx.initiative(session, "UNHCR", "Global youth", scope_global=True, **COMMON)
        fx.initiative(
            session,
            "UNFPA",
            "Brazil youth",
            countries=("BR",),
            objectives=("advocacy", "stigma"),
            populations=("youth", "women"),
        )
        fx.initiative(
            session,
            "UNDP",
            "Brazil youth too",
            countries=("BR",),
            objectives=("advocacy", "stigma"),
            populations=("youth", "women"),
        )
    groups = _find(engine)
    assert groups[0].pairs[0].shared == 5, "the Brazil pair shares five tags"
    assert sorted(c.title for c in groups[0].initiatives)[:2] == ["Brazil youth", "Brazil youth too"]
    everything = {frozenset((p.first.title, p.second.title)) for g in groups for p in g.pairs}
    assert frozenset(("Kenya youth", "Global youth")) in everything
    assert frozenset(("Kenya youth", "Brazil youth")) not in everything
    global_pair = next(
        p
        for g in groups
        for p in g.pairs
        if {p.first.title, p.second.title} == {"Kenya youth", "Global youth"}
    )
    assert global_pair.global_overlap


def _overlapping_pair(engine):
    with session_scope(engine) as session:
        fx.initiative(session, "ILO", "Youth <clubs>", countries=("KE",), shared_by="ILO", **COMMON)
        fx.initiative(session, "UNICEF", "Family skills", countries=("KE",), shared_by="UNICEF", **COMMON)
        fx.person(session, "UNHCR")


def test_opportunities_command_explains_each_match_and_offers_to_connect(engine, bot):
    _overlapping_pair(engine)
    bot.command("opportunities", who="UNHCR")
    reply = bot.replies()[-1]
    Block.parse_all(reply["blocks"])
    text = message_text(reply)
    assert "ILO + UNICEF" in text
    assert "Why ILO and UNICEF" in text and "place Kenya" in text and "Youth" in text
    assert "Youth &lt;clubs&gt;" in text
    buttons = [e for b in reply["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [b["text"]["text"] for b in buttons] == ["Connect us"]


def test_connect_us_opens_a_group_dm_with_the_sharers_and_the_clicker(engine, bot):
    _overlapping_pair(engine)
    bot.command("opportunities", who="UNHCR")
    value = next(
        e["value"] for b in bot.replies()[-1]["blocks"] if b["type"] == "actions" for e in b["elements"]
    )
    bot.click("opportunity_connect", value, who="UNHCR")
    opened = bot.slack.calls_to("conversations.open")
    assert len(opened) == 1
    assert set(opened[0].params["users"].split(",")) == {
        PEOPLE["ILO"].id,
        PEOPLE["UNICEF"].id,
        PEOPLE["UNHCR"].id,
    }
    intro = bot.posts()[0]
    assert intro["channel"].startswith("D")
    assert "<@UUNHCR001> asked me to introduce you" in message_text(intro)
    assert "Family skills" in message_text(intro)


def test_connect_us_with_a_stale_button_explains_instead_of_failing(engine, bot):
    _overlapping_pair(engine)
    bot.command("whoami", who="UNHCR")
    bot.click("opportunity_connect", "999,1000", who="UNHCR")
    assert "removed" in bot.last_reply_text()
    assert not bot.slack.calls_to("conversations.open")


def test_no_opportunities_says_so(engine, bot):
    bot.command("opportunities", who="ILO")
    assert "No opportunities right now" in bot.last_reply_text()


def test_the_explanation_names_regions_and_countries_not_their_codes(engine, bot):
    with session_scope(engine) as session:
        for org in ("ILO", "UNICEF"):
            places = {"regions": ("africa", "middle_east_north_africa"), "countries": ("CI",)}
            fx.initiative(session, org, f"{org} plan", shared_by=org, **places, **COMMON)
    bot.command("opportunities", who="ILO")
    text = message_text(bot.replies()[-1])
    place = text.split("; place ", 1)[1].split(";", 1)[0]
    assert set(place.split(", ")) == {"Africa", "Middle East and North Africa", "Côte d'Ivoire"}
    assert "africa" not in text and "CI" not in text.replace("CICAD", "")


def test_every_qualifying_pair_appears_in_some_group():
    scores = [(2, 5, 5), (1, 3, 4), (3, 5, 4), (2, 3, 2)]
    pairs = [PairScore(first, second, shared) for first, second, shared in scores]
    groups = opportunities._group_pairs(pairs)
    shown = [pair for group in groups for pair in group]
    assert sorted(shown, key=pairs.index) == pairs
    assert all(len({i for p in group for i in (p.first_id, p.second_id)}) <= 4 for group in groups)


def test_organisations_already_partners_on_an_initiative_are_not_suggested_to_each_other(engine):
    with session_scope(engine) as session:
        together = fx.initiative(session, "ILO", "A", countries=("KE",), **COMMON)
        session.add(
            InitiativePartner(initiative_id=together.id, organisation_id=fx.org_id(session, "UNICEF"))
        )
        fx.initiative(session, "UNICEF", "B", countries=("KE",), **COMMON)
        fx.initiative(session, "UNHCR", "C", countries=("KE",), **COMMON)
    pairs = {frozenset((p.first.title, p.second.title)) for g in _find(engine) for p in g.pairs}
    assert pairs == {frozenset(("A", "C")), frozenset(("B", "C"))}
