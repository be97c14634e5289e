"""The one place that wires Slack, services and storage together."""

import logging
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from functools import partial

from slack_bolt import App
from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.deps import Deps
from bot.handoff import Delivery, hand_off
from bot.settings import Settings
from handlers import register, views
from handlers.middleware import claim_once, drop_redeliveries, inject_deps, strip_nul_characters
from storage.db import make_engine

logger = logging.getLogger(__name__)

# Bolt acks from inside the listener, so a listener waiting for a free thread cannot ack. Bolt's
# default pool (cores + 4) is soon full of listeners doing their slow, I/O-bound work after ack;
# a pool sized for the server's concurrency keeps acks immediate under load. (Under ``itwg serve``
# requests are handed to the worker before any listener runs; Socket Mode runs them all here.)
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
    hand_off_to: Callable[[Delivery], None] | None = None,
) -> App:
    """Build a Bolt App with every listener registered: the app that answers Slack's requests.

    Signature verification always stays on; ``token_verification_enabled`` is off only so that
    building the app makes no network call (``auth.test``) — the token is checked on first use.
    ``listener_executor`` lets the offline console and tests run listeners inline, so a dispatch
    returns once the listener has finished. With ``hand_off_to`` (``itwg serve``), every verified
    request is answered at once and passed there, for the worker app (``bot.handoff``).
    """
    signing_secret = settings.secret("slack_signing_secret")
    if not signing_secret:
        raise ValueError("SLACK_SIGNING_SECRET is required to build the app")
    deps = deps or Deps(settings=settings, engine=engine or make_engine(settings.database_url))
    app = App(
        client=client or make_client(settings),
        signing_secret=signing_secret,
        token_verification_enabled=False,
        request_verification_enabled=True,
        process_before_response=False,
        logger=logging.getLogger("itwg.bolt"),
        listener_executor=listener_executor
        or ThreadPoolExecutor(max_workers=LISTENER_THREADS, thread_name_prefix="itwg-listener"),
    )
    guards = [drop_redeliveries(deps)]
    if hand_off_to is not None:
        checks = partial(views.field_errors, deps=deps)
        guards = [hand_off(hand_off_to, field_errors=checks), *guards]
    return _wire(app, deps, guards)


def create_worker_app(
    settings: Settings, client: WebClient | None = None, *, deps: Deps | None = None
) -> App:
    """Build the worker's App: the same listeners, run to completion for requests the web process
    has verified and acked (``bot.worker``).

    Its only input is the web process, which checked every signature before handing a request on,
    so it does not check them again: a request that waited in the queue longer than Slack's five
    minutes must still be carried out. Listeners run in the dispatching thread
    (``process_before_response``), so a dispatch returns once the work is done; their ``ack`` goes
    nowhere.
    """
    deps = deps or Deps(settings=settings, engine=make_engine(settings.database_url))
    app = App(
        client=client or make_client(settings),
        signing_secret=settings.secret("slack_signing_secret") or "",
        token_verification_enabled=False,
        request_verification_enabled=False,
        process_before_response=True,
        logger=logging.getLogger("itwg.bolt"),
    )
    return _wire(app, deps, [claim_once(deps)])


def _wire(app: App, deps: Deps, guards: list[Callable]) -> App:
    """The same middleware around the same listeners in both apps; only the guards between a
    request and its listener differ (hand-off and redelivery checks)."""
    app.use(inject_deps(deps))
    for guard in guards:
        app.use(guard)
    app.use(strip_nul_characters)
    register(app)
    return app
