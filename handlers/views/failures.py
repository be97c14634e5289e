"""What a modal shows when its submission fails for a reason the person cannot fix.

Without this, an exception before ``ack()`` makes Bolt answer 500 and Slack shows only a generic
"trouble connecting" in the modal. With it, the modal stays open with the reason next to a field
(e.g. "the database isn't answering, nothing was saved"), so the person can simply submit again.
"""

import functools
import logging
from collections.abc import Callable

from slack_bolt import Ack

from bot.failures import describe_failure

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
