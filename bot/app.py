"""The one place that wires Slack, services, storage and the task queue together."""

import logging
from collections.abc import Callable
from typing import Any

from huey import Huey
from slack_bolt import App
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk import WebClient

from bot.deps import Deps
from bot.settings import Settings
from bot.slack_client import make_client
from bot.work_queue import WorkQueue, keep_answer, only_from_queue
from handlers import register
from handlers.channel import announce_in_cycle_thread
from handlers.middleware import inject_deps, strip_control_characters
from storage.db import make_engine

logger = logging.getLogger(__name__)

# The job that posts the web pages' announcements in the cycle's thread.
ANNOUNCE_JOB = "announce-in-cycle-thread"


class _WithoutTokenNotice(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment even when given a client, then warns at every
    start that the token will be unused. The client is built from that same token, so the warning
    only adds noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


BOLT_LOGGER = logging.getLogger("itwg.bolt")
BOLT_LOGGER.addFilter(_WithoutTokenNotice())


def create_app(
    settings: Settings,
    client: WebClient | None = None,
    *,
    huey: Huey,
    deps: Deps | None = None,
) -> App:
    """Build the Bolt App with every listener registered, and its queue: the same app answers Slack
    in the web process and carries out the lazy parts in the workers (``bot.work_queue``).

    ``process_before_response`` is on, as on AWS Lambda, because what runs before the response is
    only each listener's ack part and the durable write of its lazy parts to the queue: Slack is
    answered only once the work is safe. Slow work never runs there. Signature verification always
    stays on; ``token_verification_enabled`` is off only so that building the app makes no network
    call (``auth.test``) — the token is checked on first use. With ``huey.immediate`` (console,
    tests) the lazy parts run in the caller's thread, so a dispatch returns once all is done.
    """
    signing_secret = settings.secret("slack_signing_secret")
    if not signing_secret:
        raise ValueError("SLACK_SIGNING_SECRET is required to build the app")
    deps = deps or Deps(settings=settings, engine=make_engine(settings.database_url))
    app = App(
        client=client or make_client(settings),
        signing_secret=signing_secret,
        token_verification_enabled=False,
        request_verification_enabled=True,
        process_before_response=True,
        logger=BOLT_LOGGER,
    )
    queue = WorkQueue(huey, deps)
    queue.attach(app)
    queue.add_job(
        ANNOUNCE_JOB,
        lambda payload, _attempt: announce_in_cycle_thread(
            deps, app.client, key=payload["key"], message=payload["message"]
        ),
    )
    app.use(only_from_queue)
    app.use(keep_answer)
    app.use(inject_deps(deps))
    app.use(strip_control_characters)
    register(app)
    return app


def work_queue_of(app: App) -> WorkQueue:
    """The queue ``create_app`` attached to ``app``: for the worker, the sweep and ``/healthz``."""
    return app.listener_runner.lazy_listener_runner.queue  # type: ignore[attr-defined]


def cycle_thread_poster(app: App) -> Callable[[dict[str, Any], str], None]:
    """Announcing in the meeting cycle's thread from the web pages where people outside Slack share,
    as any other share is announced: ``announce(message, key)`` puts a job on the app's queue and
    returns; a worker posts it (``handlers.channel.announce_in_cycle_thread``), once per ``key``.
    Raises when the job could not be written down."""
    queue = work_queue_of(app)

    def announce(message: dict[str, Any], key: str) -> None:
        queue.put_job(ANNOUNCE_JOB, key=key, payload={"key": key, "message": message})

    return announce
