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
from bot.work_queue import RetryLater
from storage.db import session_scope
from storage.repositories import notifications as log

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
    nothing could be posted (no channel configured, or Slack refused)."""
    if thread is None:
        return None
    try:
        return _post_in_thread(client, deps=deps, thread=thread, message=message)
    except SlackApiError as error:
        logger.warning("could not post in %s: %s", thread.channel, error.response.get("error"))
        return None


def _post_in_thread(
    client: WebClient, *, deps: Deps, thread: initiatives.CycleThread, message: dict[str, Any]
) -> str:
    """Post into ``thread``, starting it if it is the first post; the posted message's ts. Raises
    what Slack raised.

    Two first posts racing may both start a thread; the one recorded first wins and the other's
    opening message is deleted, so the cycle keeps one thread.
    """
    thread_ts = thread.ts
    if thread_ts is None:
        opening = render_message("initiative_thread.json.j2", next_meeting=thread.next_meeting)
        started = client.chat_postMessage(channel=thread.channel, **opening)["ts"]
        thread_ts = initiatives.keep_thread(deps, thread=thread, ts=started)
        if thread_ts != started:
            client.chat_delete(channel=thread.channel, ts=started)
    return client.chat_postMessage(channel=thread.channel, thread_ts=thread_ts, **message)["ts"]


ANNOUNCEMENT = "announcement"


def announce_in_cycle_thread(deps: Deps, client: WebClient, *, key: str, message: dict[str, Any]) -> None:
    """A worker's job: post ``message`` in the cycle's thread once, whatever retries or second
    workers run it again.

    ``key`` is claimed in the notification log before posting, as the clock does: a key already
    sent is done; one claimed by an attempt that stopped before Slack answered (a dead worker, a
    dropped connection) is not known to be posted, so it is left ``interrupted`` for a person to check
    rather than risk posting twice. Slack refusing (an error answer, a 429) is a clear "not posted":
    the claim is marked failed and ``RetryLater`` asks the queue to try again, after Slack's
    ``Retry-After`` when it gave one.
    """
    now = deps.now()
    thread = initiatives.cycle_thread(deps)
    with session_scope(deps.engine) as session:
        row = log.claim(session, key=key, kind=ANNOUNCEMENT, due_at=now, now=now)
        if row is None:
            row = log.find(session, key=key)
            if row is None or row.status != "failed":
                return  # sent, or not known whether it was: never posted twice
            if not log.claim_retry(session, notification_id=row.id or 0, attempts=row.attempts, now=now):
                return
        notification_id = row.id or 0
        log.save_payload(
            session, notification_id=notification_id, payload={"channel": deps.settings.itwg_channel}
        )
    if thread is None:
        with session_scope(deps.engine) as session:
            log.mark_failed(
                session,
                notification_id=notification_id,
                error="ITWG_CHANNEL is not set",
                next_attempt_at=None,
            )
        logger.warning("%s not announced: ITWG_CHANNEL is not set", key)
        return
    try:
        _post_in_thread(client, deps=deps, thread=thread, message=message)
    except SlackApiError as error:
        code = str(error.response.get("error") or error)
        with session_scope(deps.engine) as session:
            log.mark_failed(session, notification_id=notification_id, error=code, next_attempt_at=None)
        raise RetryLater(f"Slack refused {key}: {code}", after=_retry_after(error)) from None
    except Exception as error:
        reason = f"no answer from Slack ({type(error).__name__}: {error}); not known to be posted"
        with session_scope(deps.engine) as session:
            log.mark_failed(
                session,
                notification_id=notification_id,
                error=reason,
                next_attempt_at=None,
                status="interrupted",
            )
        logger.error(
            "%s may not be in %s: %s; check there and post it by hand if missing", key, thread.channel, reason
        )
        return
    with session_scope(deps.engine) as session:
        log.mark_sent(session, notification_id=notification_id, now=deps.now())


def _retry_after(error: SlackApiError) -> float | None:
    """The seconds Slack asked to wait with a 429, if it said."""
    if error.response.status_code != 429:
        return None
    headers = {name.lower(): value for name, value in (error.response.headers or {}).items()}
    value = headers.get("retry-after")
    if isinstance(value, list):
        value = value[0] if value else None
    try:
        return float(value) if value is not None else None
    except ValueError:
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
