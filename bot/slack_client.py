"""The Web API client for work no Slack request waits on: the clock, ``itwg tick``, ``itwg sync-members``.

slack_sdk's default client retries only connection errors. The clock posts many messages in a burst
(reminders, nudges to every organisation) and sync-members looks up every new channel member, so
this client also honours Slack's 429 ``Retry-After``: the handler sleeps as long as Slack asks and
tries again, which is fine where nothing waits on it and never done in a listener before ``ack()``.
"""

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler

from bot.settings import Settings

RATE_LIMIT_RETRIES = 8


def make_clock_client(settings: Settings, *, rate_limit_retries: int = RATE_LIMIT_RETRIES) -> WebClient:
    return WebClient(
        token=settings.secret("slack_bot_token"),
        base_url=settings.slack_api_url,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=rate_limit_retries),
        ],
    )
