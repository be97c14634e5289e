"""The door of ``POST /slack/events``: what a request must be before Bolt sees it.

Bolt parses a body (form fields, then the JSON ``payload``) when it builds its request, before its
signature check, and answers malformed input with a 500 and a traceback. So the web process reads
at most ``MAX_BODY_BYTES``, checks the signature on those raw bytes, and only then looks at their
shape: an unsigned request costs no parsing, and nothing malformed reaches Bolt.
"""

import hashlib
import hmac
import json
import time
import urllib.parse
from dataclasses import dataclass
from typing import Any

# Slack's largest requests are view submissions: a view (at most 250 kB of JSON) with its state,
# form-encoded, which can triple its size. Anything larger is not from Slack.
MAX_BODY_BYTES = 1024 * 1024
# Slack's rule: a request whose timestamp is more than five minutes away from now is refused.
MAX_CLOCK_SKEW_SECONDS = 5 * 60


@dataclass(frozen=True)
class Refusal:
    status: int
    message: str


TOO_LARGE = Refusal(413, "request body too large")
UNSIGNED = Refusal(401, "invalid or missing signature")


def check_signature(raw: bytes, headers: Any, *, secret: str, now: float | None = None) -> Refusal | None:
    """Slack's v0 signature over the raw bytes: ``v0=HMAC-SHA256(secret, "v0:{ts}:{body}")``.

    Not slack_sdk's ``SignatureVerifier``: it decodes the body as UTF-8 first and raises on bytes that
    are not, and on a timestamp that is not a number, where the door must answer."""
    timestamp = headers.get("X-Slack-Request-Timestamp") or ""
    signature = headers.get("X-Slack-Signature") or ""
    if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
        return UNSIGNED
    if abs((time.time() if now is None else now) - int(timestamp)) > MAX_CLOCK_SKEW_SECONDS:
        return UNSIGNED
    base = b"v0:" + timestamp.encode() + b":" + raw
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), signature.encode(errors="replace")):
        return UNSIGNED
    return None


def check_shape(body: str, content_type: str) -> Refusal | None:
    """A signed body Bolt can route without failing: a JSON object, or form fields whose ``payload``
    (interactions) is a JSON object with a ``type`` and, for buttons, at least one action."""
    if content_type.split(";")[0].strip().lower() == "application/json":
        return None if isinstance(_json(body), dict) else Refusal(400, "body must be a JSON object")
    try:
        fields = urllib.parse.parse_qs(body, keep_blank_values=True, strict_parsing=bool(body))
    except ValueError:
        return Refusal(400, "body must be form-encoded")
    if "payload" not in fields:
        return None
    payload = _json(fields["payload"][0])
    if not isinstance(payload, dict) or not isinstance(payload.get("type"), str):
        return Refusal(400, "payload must be a JSON object with a type")
    actions = payload.get("actions")
    if payload["type"] == "block_actions" and (
        not isinstance(actions, list) or not actions or not all(isinstance(a, dict) for a in actions)
    ):
        return Refusal(400, "payload.actions must list at least one action")
    return None


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None
