"""What every listener, service and job needs, handed down explicitly rather than held globally."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

from bot.settings import Settings


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Deps:
    settings: Settings
    engine: Engine
    now: Callable[[], datetime] = field(default=utcnow)

    def __deepcopy__(self, memo: dict[int, Any]) -> "Deps":
        """Shared, never copied: Bolt deep-copies a request's context for its lazy parts, and these
        (an engine and its pool among them) are the same for every request."""
        return self
