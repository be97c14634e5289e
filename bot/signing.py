"""Building signed Slack requests, for the offline console and the tests (Slack's v0 scheme)."""

import hashlib
import hmac
import json
import time
import urllib.parse
from typing import Any


def signature(secret: str, timestamp: str, body: str) -> str:
    basestring = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), basestring, hashlib.sha256).hexdigest()


def signed_headers(secret: str, body: str, *, timestamp: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": ts,
        "x-slack-signature": signature(secret, ts, body),
    }


def command_body(fields: dict[str, str]) -> str:
    return urllib.parse.urlencode(fields)


def interaction_body(payload: dict[str, Any]) -> str:
    return urllib.parse.urlencode({"payload": json.dumps(payload)})
