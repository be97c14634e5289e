"""The environment of ``itwg serve`` and ``itwg worker`` processes for the burst tests."""

import subprocess
import sys

import pytest

from bot.queue import make_huey
from bot.settings import Settings
from tests.reliability.bursts import LEASE_SECONDS
from tests.serving import serve_env


@pytest.fixture
def served(database_url: str, slack, settings: Settings) -> dict[str, str]:
    """The processes' environment, with a short task lease; the database migrated as ``itwg migrate``
    does, and the queue empty (on PostgreSQL it outlives each test's emptied tables)."""
    env = {
        **serve_env(slack_api_url=slack.api_url, database_url=database_url),
        "ITWG_TASK_LEASE_SECONDS": str(LEASE_SECONDS),
    }
    subprocess.run([sys.executable, "-m", "bot", "migrate"], env=env, check=True, capture_output=True)
    make_huey(settings).storage.flush_all()
    return env
