"""What every listener, service and job needs, handed down explicitly rather than held globally."""

from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Engine

from bot.settings import Settings


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Deps:
    settings: Settings
    engine: Engine
    now: Callable[[], datetime] = field(default=utcnow)
    # Bookkeeping that must not delay an ack (recording handled request ids) runs here.
    background: Executor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=1, thread_name_prefix="itwg-bookkeeping")
    )
