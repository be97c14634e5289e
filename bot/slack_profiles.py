"""Asking Slack who someone is: a person's profile on first contact, and the channel's members.

The one part of knowing people that takes a Slack client, kept apart from ``bot.identity`` (which
decides and stores, and needs none) for the listeners' requests and the clock's roster sync.
"""

import logging
from dataclasses import dataclass, field

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.actor import Actor
from bot.deps import Deps
from bot.identity import known_actor, register

logger = logging.getLogger(__name__)


def fetch_profile(client: WebClient, slack_user_id: str) -> dict | None:
    """The user's Slack profile, or None when Slack won't say (unknown user, missing scope)."""
    try:
        return client.users_info(user=slack_user_id)["user"]
    except SlackApiError as error:
        logger.warning("users.info for %s failed: %s", slack_user_id, error.response.get("error"))
        return None


def resolve(deps: Deps, client: WebClient, *, slack_user_id: str, team_id: str | None) -> Actor:
    """The person behind a request, registering them on first contact."""
    actor = known_actor(deps, slack_user_id=slack_user_id, team_id=team_id)
    if actor is not None:
        return actor
    profile = fetch_profile(client, slack_user_id)
    return register(deps, slack_user_id=slack_user_id, team_id=team_id, profile=profile)


@dataclass
class SyncReport:
    members_seen: int = 0
    registered: int = 0
    mapped: int = 0
    unmapped: list[str] = field(default_factory=list)


def sync_channel_members(deps: Deps, client: WebClient, *, channel: str) -> SyncReport:
    """Map every member of the channel the way first contact does, so reminders reach them."""
    report = SyncReport()
    cursor = None
    while True:
        page = client.conversations_members(channel=channel, cursor=cursor, limit=200)
        for user_id in page.get("members", []):
            report.members_seen += 1
            actor = known_actor(deps, slack_user_id=user_id)
            if actor is None:
                profile = fetch_profile(client, user_id)
                if profile and (profile.get("is_bot") or profile.get("deleted")):
                    continue
                actor = register(deps, slack_user_id=user_id, team_id=None, profile=profile)
                report.registered += 1
            if actor.organisation_id is None:
                report.unmapped.append(f"{actor.display_name} ({user_id})")
            else:
                report.mapped += 1
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return report
