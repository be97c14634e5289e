"""The one place that wires Slack, services and storage together."""

import logging
from concurrent.futures import Executor, ThreadPoolExecutor

from slack_bolt import App
from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.deps import Deps
from bot.settings import Settings
from handlers import register
from handlers.middleware import drop_redeliveries, inject_deps, strip_nul_characters
from storage.db import make_engine

logger = logging.getLogger(__name__)

# Bolt acks from inside the listener, so a listener waiting for a free thread cannot ack. Bolt's
# default pool (cores + 4) is soon full of listeners doing their slow, I/O-bound work after ack;
# a pool sized for the server's concurrency keeps acks immediate under load.
LISTENER_THREADS = 64


def make_client(settings: Settings) -> WebClient:
    return WebClient(token=settings.secret("slack_bot_token"), base_url=settings.slack_api_url)


def create_app(
    settings: Settings,
    client: WebClient | None = None,
    *,
    engine: Engine | None = None,
    deps: Deps | None = None,
    listener_executor: Executor | None = None,
) -> App:
    """Build a Bolt App with every listener registered.

    Signature verification always stays on; ``token_verification_enabled`` is off only so that
    building the app makes no network call (``auth.test``) — the token is checked on first use.
    ``listener_executor`` lets the offline console and tests run listeners inline, so a dispatch
    returns once the listener has finished.
    """
    signing_secret = settings.secret("slack_signing_secret")
    if not signing_secret:
        raise ValueError("SLACK_SIGNING_SECRET is required to build the app")
    deps = deps or Deps(settings=settings, engine=engine or make_engine(settings.database_url))
    app = App(
        token=None if client else settings.secret("slack_bot_token"),
        client=client or make_client(settings),
        signing_secret=signing_secret,
        token_verification_enabled=False,
        request_verification_enabled=True,
        process_before_response=False,
        logger=logging.getLogger("itwg.bolt"),
        listener_executor=listener_executor
        or ThreadPoolExecutor(max_workers=LISTENER_THREADS, thread_name_prefix="itwg-listener"),
    )
    app.use(inject_deps(deps))
    app.use(drop_redeliveries(deps))
    app.use(strip_nul_characters)
    register(app)
    return app
