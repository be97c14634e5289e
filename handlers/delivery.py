"""Sending to one person privately: a message or a file in their direct messages with the bot.

Never the channel they typed in, which the bot may not be in and where others did not ask for it.
"""

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.notifications import Attachment

logger = logging.getLogger(__name__)


def send_privately(
    client: WebClient,
    *,
    user_id: str,
    message: dict[str, Any] | None = None,
    attachment: Attachment | None = None,
    comment: str | None = None,
) -> None:
    """Send ``message`` and/or ``attachment`` (with ``comment``) to the person's DM; Slack's refusals
    are raised. A message may go to the user id, but files_upload_v2 needs the DM's conversation id."""
    if message is not None:
        client.chat_postMessage(channel=user_id, **message)
    if attachment is not None:
        channel = client.conversations_open(users=user_id)["channel"]["id"]
        extra = {"initial_comment": comment} if comment else {}
        client.files_upload_v2(
            channel=channel,
            content=attachment.content,
            filename=attachment.filename,
            title=attachment.title,
            **extra,
        )


def send_to_each(client: WebClient, *, user_ids: list[str], message: dict[str, Any]) -> None:
    """The same message to several people, after a change already stored: one refusal (a person
    Slack will not message) is logged and does not keep it from the others."""
    for user_id in user_ids:
        try:
            client.chat_postMessage(channel=user_id, **message)
        except SlackApiError as error:
            logger.warning("could not message %s: %s", user_id, error.response.get("error"))
