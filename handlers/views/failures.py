"""What a person learns when their modal submission is not saved.

Without ``answering_failures``, an exception before ``ack()`` makes Bolt answer 500 and Slack shows
only a generic "trouble connecting" in the modal. With it, the modal stays open with the reason next
to a field (e.g. "the database isn't answering, nothing was saved"), so the person can simply submit
again. In the worker the modal has already closed, so ``report_refused_submission`` sends the same
reasons as a direct message.
"""

import functools
import json
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.failures import describe_failure
from bot.rendering import render_message

logger = logging.getLogger(__name__)


def answering_failures(listener: Callable[..., None], *, block_id: str) -> Callable[..., None]:
    """Wrap a view-submission listener; Bolt still sees the wrapped one's arguments (it unwraps)."""

    @functools.wraps(listener)
    def wrapped(**kwargs) -> None:
        ack: Ack = kwargs["ack"]
        try:
            listener(**kwargs)
        except Exception as error:
            logger.exception("view submission %s failed", listener.__name__)
            if ack.response is None:
                ack(response_action="errors", errors={block_id: describe_failure(error)})

    return wrapped


def refused_fields(response: BoltResponse | None) -> dict[str, str]:
    """The inline errors a submission listener answered with; empty when it accepted the submission."""
    if response is None or not isinstance(response.body, str) or not response.body.startswith("{"):
        return {}
    answer = json.loads(response.body)
    return answer.get("errors") or {} if answer.get("response_action") == "errors" else {}


def report_refused_submission(client: WebClient, body: dict[str, Any], response: BoltResponse | None) -> None:
    """Tell the person, by direct message, why a submission whose modal already closed was not saved."""
    errors = refused_fields(response)
    if not errors:
        return
    title = ((body.get("view") or {}).get("title") or {}).get("text") or "the form"
    try:
        client.chat_postMessage(
            channel=body["user"]["id"],
            **render_message("submission_refused.json.j2", title=title, errors=list(errors.values())),
        )
    except SlackApiError as error:
        logger.warning("could not tell %s their submission was refused: %s", body["user"]["id"], error)
