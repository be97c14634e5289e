"""Opportunities for concrete inter-agency action: initiatives of different organisations that work
on the same objective, for the same population, in the same place, at the same time.

The database ranks candidate pairs (one query); pairs are then gathered into small groups, each
one group DM away from a conversation. A group stays small enough for one Slack group DM (at most
eight people): the people who shared its initiatives plus whoever asks to connect.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot import identity, parsing
from bot.actor import Actor
from bot.deps import Deps
from bot.errors import UserError
from storage.db import session_scope
from storage.repositories import audit
from storage.repositories import opportunities as repository
from storage.repositories.opportunities import InitiativeCard, SharedTag

MAX_GROUP_INITIATIVES = 4
CANDIDATE_PAIRS = 40
MAX_CONNECT_IDS = 8


@dataclass(frozen=True)
class PairMatch:
    """Two initiatives and everything they have in common: the explanation shown to people."""

    first: InitiativeCard
    second: InitiativeCard
    shared: int
    objectives: tuple[str, ...]
    populations: tuple[str, ...]
    continuum: tuple[str, ...]
    places: tuple[str, ...]

    @property
    def global_overlap(self) -> bool:
        """True when they meet only because one of them is global."""
        return not self.places and (self.first.scope_global or self.second.scope_global)

    @property
    def dates(self) -> str:
        starts = [d for d in (self.first.start_date, self.second.start_date) if d]
        ends = [d for d in (self.first.end_date, self.second.end_date) if d]
        start = max(starts).isoformat() if starts else "open start"
        end = min(ends).isoformat() if ends else "open end"
        return f"{start} to {end}"


@dataclass(frozen=True)
class OpportunityGroup:
    initiatives: tuple[InitiativeCard, ...]
    pairs: tuple[PairMatch, ...]

    @property
    def score(self) -> int:
        return sum(pair.shared for pair in self.pairs)

    @property
    def organisations(self) -> list[str]:
        return sorted({card.organisation for card in self.initiatives})

    @property
    def connect_value(self) -> str:
        return ",".join(str(card.initiative_id) for card in self.initiatives)


def local_today(deps: Deps) -> date:
    return deps.now().astimezone(ZoneInfo(deps.settings.itwg_timezone)).date()


def _group_pairs(pairs: Iterable[repository.PairScore]) -> list[list[repository.PairScore]]:
    """Best pairs first; every pair lands in a group. A pair joins the best group that already holds
    both its initiatives, else the best group holding one of them that has room for the other, else
    starts a group of its own. An initiative may so appear in more than one group."""
    groups: list[list[repository.PairScore]] = []
    members: list[set[int]] = []
    for pair in pairs:
        ids = {pair.first_id, pair.second_id}
        index = next((i for i, held in enumerate(members) if ids <= held), None)
        if index is None:
            index = next(
                (i for i, held in enumerate(members) if held & ids and len(held) < MAX_GROUP_INITIATIVES),
                None,
            )
        if index is None:
            groups.append([])
            members.append(set())
            index = len(groups) - 1
        groups[index].append(pair)
        members[index] |= ids
    return groups


def _match(pair: repository.PairScore, cards: dict[int, InitiativeCard], tags: list[SharedTag]) -> PairMatch:
    def values(*kinds: str) -> tuple[str, ...]:
        return tuple(
            t.value
            for t in tags
            if t.kind in kinds and {t.first_id, t.second_id} == {pair.first_id, pair.second_id}
        )

    return PairMatch(
        first=cards[pair.first_id],
        second=cards[pair.second_id],
        shared=pair.shared,
        objectives=values("objective"),
        populations=values("population"),
        continuum=values("continuum"),
        places=values(*repository.GEOGRAPHY_KINDS),
    )


def find(session: Session, *, today: date, limit: int) -> list[OpportunityGroup]:
    """The ``limit`` best groups, in three queries whatever the number of initiatives."""
    pairs = repository.ranked_pairs(session, today=today, limit=CANDIDATE_PAIRS)
    grouped = _group_pairs(pairs)[:limit]
    ids = {i for group in grouped for pair in group for i in (pair.first_id, pair.second_id)}
    if not ids:
        return []
    cards = repository.initiative_cards(session, initiative_ids=ids)
    tags = repository.shared_tags(session, initiative_ids=ids)
    result = []
    for group in grouped:
        matches = tuple(_match(pair, cards, tags) for pair in group)
        seen = dict.fromkeys(i for pair in group for i in (pair.first_id, pair.second_id))
        result.append(OpportunityGroup(initiatives=tuple(cards[i] for i in seen), pairs=matches))
    return result


def list_opportunities(deps: Deps, *, actor: Actor, limit: int = 5) -> list[OpportunityGroup]:
    identity.require_organisation(actor)
    with session_scope(deps.engine) as session:
        return find(session, today=local_today(deps), limit=limit)


@dataclass(frozen=True)
class Introduction:
    """Who goes into the group DM, and the initiatives the introduction names."""

    slack_user_ids: tuple[str, ...]
    initiatives: tuple[InitiativeCard, ...]
    requested_by: str


def parse_connect_value(value: str) -> list[int]:
    # Record numbers as everywhere (at most nine digits): larger ones fail PostgreSQL's integer.
    ids = [parsing.whole_number(part) for part in value.split(",") if part.strip()]
    if None in ids or not 2 <= len(ids) <= MAX_CONNECT_IDS:
        raise UserError("That button no longer matches any initiatives; run `/itwg opportunities`.")
    return ids  # type: ignore[return-value]


def introduce(deps: Deps, *, actor: Actor, value: str) -> Introduction:
    """The people who shared the initiatives behind a "Connect us" button, plus the person clicking."""
    identity.require_organisation(actor)
    ids = parse_connect_value(value)
    with session_scope(deps.engine) as session:
        cards = repository.initiative_cards(session, initiative_ids=ids)
    if len(cards) < 2:
        raise UserError("Some of these initiatives were removed; run `/itwg opportunities` again.")
    people = dict.fromkeys(c.shared_by_slack_id for c in cards.values() if c.shared_by_slack_id)
    people.pop(actor.slack_user_id, None)
    if not people:
        raise UserError("I don't know who shared these initiatives, so there is nobody to connect you with.")
    ordered = tuple(cards[i] for i in ids if i in cards)
    with session_scope(deps.engine) as session:
        # What the yearly report lists as collaboration opportunities connected.
        audit.record(
            session,
            by=actor,
            action="opportunity.connect",
            entity="opportunity",
            entity_id=None,
            details={"initiatives": list(ids), "at": deps.now().isoformat()},
        )
    return Introduction(
        slack_user_ids=(*people, actor.slack_user_id),
        initiatives=ordered,
        requested_by=actor.slack_user_id,
    )
