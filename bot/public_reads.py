"""Public readers (registry pages, downloads, calendar feeds) beside the bot in one web process.

Anyone may download ``/registry.csv`` as often as they like; the web process's threads and the
database are shared with Slack's requests, which must be answered within 3 s. So at most
``MAX_CONCURRENT`` public reads run at once, a reader who cannot get a place in ``WAIT_SECONDS`` is
asked to come back (503 with ``Retry-After``), and so is one whose read found the database busy or
unreachable: an answer a client knows to retry, never a 500.
"""

import logging
import threading

from flask import Flask, Response, g, request
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

logger = logging.getLogger(__name__)

# A quarter of the web server's threads (bot.cli.WEB_THREADS): the rest stay free for Slack.
MAX_CONCURRENT = 4
WAIT_SECONDS = 2.0
RETRY_AFTER_SECONDS = 5
PUBLIC_PREFIXES = ("/registry", "/calendar/")


def is_public(path: str) -> bool:
    return path.startswith(PUBLIC_PREFIXES)


def busy() -> Response:
    response = Response(
        "The registry is busy; please try again in a few seconds.\n", status=503, mimetype="text/plain"
    )
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def limit_public_reads(web: Flask, *, max_concurrent: int = MAX_CONCURRENT) -> None:
    """Admit at most ``max_concurrent`` public reads at a time and turn a busy database into 503."""
    places = threading.BoundedSemaphore(max_concurrent)

    @web.before_request
    def take_a_place():
        if not is_public(request.path):
            return None
        if not places.acquire(timeout=WAIT_SECONDS):
            logger.warning(
                "public reads: all %d places taken; asked %s to retry", max_concurrent, request.path
            )
            return busy()
        g.public_place = True
        return None

    @web.teardown_request
    def give_back_the_place(_error: BaseException | None) -> None:
        if g.pop("public_place", False):
            places.release()

    def database_busy(error: Exception):
        if not is_public(request.path):
            raise error
        logger.warning("public read of %s found the database busy: %s", request.path, error)
        return busy()

    web.register_error_handler(OperationalError, database_busy)
    web.register_error_handler(PoolTimeout, database_busy)
