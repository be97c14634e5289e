"""Sending to one person privately: a message or a file in their direct messages with the bot.

Never the channel they typed in, which the bot may not be in and where others did not ask for it.
"""

from typing import Any

from slack_sdk import WebClient

from bot.notifications import Attachment


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
