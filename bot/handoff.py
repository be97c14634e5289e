"""Acknowledge Slack at once and leave the work to the worker process.

Work done after an ack in the web process (Slack API calls, database reads and writes, rendering)
holds the GIL that the next request's signature check and ack are waiting for; under load the acks
queue behind it. So the web process answers a verified request with a bare 200 and passes it on,
unchanged, to the worker (``bot.worker``), which runs the very same listeners.

What Slack reads from the HTTP response is decided here: a modal submission's field checks (those
needing neither database nor Slack) run before the answer, so a mistyped date keeps the modal open
with the error beside the field; a submission passing them closes the modal and is saved by the
worker, which tells the person if saving is refused. Options requests, whose answer is the options,
are not handed off at all.
"""

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from slack_bolt import BoltRequest, BoltResponse

logger = logging.getLogger(__name__)

# Interactive payload types answered by their listener in the web process.
ANSWERED_HERE = frozenset({"block_suggestion"})


@dataclass(frozen=True)
class Delivery:
    """One Slack request as it arrived: the raw body and its headers, enough to dispatch it again."""

    body: str
    headers: dict[str, list[str]]

    def to_json(self) -> str:
        """One line of JSON: newlines in the body are escaped."""
        return json.dumps({"body": self.body, "headers": self.headers})

    @classmethod
    def from_json(cls, text: str) -> "Delivery":
        data = json.loads(text)
        return cls(body=data["body"], headers=data["headers"])


def delivery_of(req: BoltRequest) -> Delivery:
    headers: Mapping[str, Sequence[str]] = req.headers
    return Delivery(body=req.raw_body, headers={name: list(values) for name, values in headers.items()})


def _inline_errors(
    field_errors: Callable[[dict], dict[str, str] | None], body: dict
) -> dict[str, str] | None:
    if body.get("type") != "view_submission":
        return None
    try:
        return field_errors(body)
    except Exception:
        logger.exception("field checks of a %s submission failed", body.get("view", {}).get("callback_id"))
        return None


def hand_off(
    send: Callable[[Delivery], None], *, field_errors: Callable[[dict], dict[str, str] | None]
) -> Callable:
    """Global middleware for the web process: answer Slack straight away and pass the request to
    ``send``; a modal submission failing ``field_errors`` is answered with them and goes no further.

    ``send`` must not block (``WorkerProcess.send`` only queues). Runs after Bolt's own signature
    check, so only verified requests ever reach the worker.
    """

    def middleware(req: BoltRequest, resp: BoltResponse, next: Callable) -> BoltResponse | None:
        if req.body.get("type") in ANSWERED_HERE:
            next()
            return None
        errors = _inline_errors(field_errors, req.body)
        if errors:
            return BoltResponse(
                status=200,
                body=json.dumps({"response_action": "errors", "errors": errors}),
                headers={"content-type": "application/json;charset=utf-8"},
            )
        send(delivery_of(req))
        return BoltResponse(status=200, body="")

    return middleware
