"""Posting into the working group's channel: announcements in the meeting cycle's thread, and
calendar invites.

The services decide what is posted and which thread it belongs to; this module only talks to Slack.
What it posts follows a change already stored, so Slack refusing is logged and reported, never undone.
"""

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import initiatives
from bot.deps import Deps
from bot.notifications import Attachment
from bot.rendering import render_message

logger = logging.getLogger(__name__)


def post_in_cycle_thread(deps: Deps, client: WebClient, *, message: dict[str, Any]) -> bool:
    """Post into the channel's thread for this meeting cycle, starting the thread if it is the first.
    False when nothing could be posted (no channel configured, or Slack refused)."""
    return (
        post_in_thread(client, deps=deps, thread=initiatives.cycle_thread(deps), message=message) is not None
    )


def post_in_thread(
    client: WebClient, *, deps: Deps, thread: initiatives.CycleThread | None, message: dict[str, Any]
) -> str | None:
    """Post into ``thread``, starting it if it is the first post; the posted message's ts, or None when
    nothing could be posted (no channel configured, or Slack refused).

    Two first posts racing may both start a thread; the one recorded first wins and the other's
    opening message is deleted, so the cycle keeps one thread.
    """
    if thread is None:
        return None
    try:
        thread_ts = thread.ts
        if thread_ts is None:
            opening = render_message("initiative_thread.json.j2", next_meeting=thread.next_meeting)
            started = client.chat_postMessage(channel=thread.channel, **opening)["ts"]
            thread_ts = initiatives.keep_thread(deps, thread=thread, ts=started)
            if thread_ts != started:
                client.chat_delete(channel=thread.channel, ts=started)
        return client.chat_postMessage(channel=thread.channel, thread_ts=thread_ts, **message)["ts"]
    except SlackApiError as error:
        logger.warning("could not post in %s: %s", thread.channel, error.response.get("error"))
        return None


def post_in_channel(deps: Deps, client: WebClient, *, message: dict[str, Any]) -> bool:
    """Post at the top of the working group's channel (news of the group itself, not of a cycle);
    False when no channel is configured or Slack refused."""
    channel = deps.settings.itwg_channel
    if not channel:
        return False
    try:
        client.chat_postMessage(channel=channel, **message)
    except SlackApiError as error:
        logger.warning("could not announce in %s: %s", channel, error.response.get("error"))
        return False
    return True


def post_invites(deps: Deps, client: WebClient, *, files: list[Attachment], comment: str) -> str | None:
    """Upload calendar invites to the channel with ``comment``; a short description of the problem
    when they could not be posted (e.g. the bot is not in the channel), for the co-lead to act on."""
    channel = deps.settings.itwg_channel
    if not channel:
        return "ITWG_CHANNEL is not set, so no invite was posted."
    uploads = [{"content": f.content, "filename": f.filename, "title": f.title} for f in files]
    try:
        client.files_upload_v2(channel=channel, file_uploads=uploads, initial_comment=comment)
    except SlackApiError as error:
        code = error.response.get("error", "unknown_error")
        logger.error("posting the invites to %s failed: %s", channel, code)
        return f"Slack refused the invite upload ({code}); make sure the bot is in the channel."
    return None
