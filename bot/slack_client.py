"""The Web API client for work no Slack request waits on: the clock, ``itwg tick``, ``itwg sync-members``.

slack_sdk's default client retries only connection errors. The clock posts many messages in a burst
(reminders, nudges to every organisation) and sync-members looks up every new channel member, so
this client also honours Slack's 429 ``Retry-After``: the handler sleeps as long as Slack asks and
tries again, which is fine where nothing waits on it and never done in a listener before ``ack()``.

A connection that drops after a request went out leaves its outcome unknown: Slack may have stored
the post and lost only the answer. Repeating such a call could post the same message twice, so
connection errors are retried only where that cannot happen (``OnlyUnsentRetryHandler``).
"""

from typing import Any
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler

from bot.settings import Settings

RATE_LIMIT_RETRIES = 8
# Calls that change nothing in Slack: repeating one after a dropped answer is harmless.
READ_METHODS = (
    "auth.test",
    "users.info",
    "users.lookupByEmail",
    "conversations.members",
    "chat.getPermalink",
)


class OnlyUnsentRetryHandler(ConnectionErrorRetryHandler):
    """Retries a connection error only when the call cannot have reached Slack (the connection was
    refused) or repeating it changes nothing (a read)."""

    def _can_retry(self, *, state: Any, request: Any, response: Any = None, error: Any = None) -> bool:
        if not super()._can_retry(state=state, request=request, response=response, error=error):
            return False
        method = request.url.split("?", 1)[0].rsplit("/", 1)[-1]
        never_sent = isinstance(error, URLError) and isinstance(error.reason, ConnectionRefusedError)
        return never_sent or method in READ_METHODS


def make_client(settings: Settings) -> WebClient:
    """The listeners' client (web process and workers): a call whose answer was lost is not repeated
    blindly, so the announcement job's claim can mark it interrupted instead of posting twice."""
    return WebClient(
        token=settings.secret("slack_bot_token"),
        base_url=settings.slack_api_url,
        retry_handlers=[OnlyUnsentRetryHandler(max_retry_count=1)],
    )


def make_clock_client(settings: Settings, *, rate_limit_retries: int = RATE_LIMIT_RETRIES) -> WebClient:
    return WebClient(
        token=settings.secret("slack_bot_token"),
        base_url=settings.slack_api_url,
        retry_handlers=[
            OnlyUnsentRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=rate_limit_retries),
        ],
    )
