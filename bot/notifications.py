"""What the clock's tick sends: notifications computed from the database, each with a unique key.

Every source of notifications (meeting reminders, sharing nudges, action-item follow-ups, scheduled
digests) is a function ``(session, *, now, settings) -> list[DueNotification]`` that looks only at a
bounded window around ``now`` with a fixed number of queries. The tick claims each key in the
``notification`` table before sending, so a key is sent at most once whatever runs the tick.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.mail import OutgoingMail

Message = dict[str, Any]


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message, with the name and title Slack shows for it: text, or bytes for one
    sent at once (a Word report) rather than kept in the notification log, which stores text."""

    filename: str
    title: str
    content: str | bytes


@dataclass(frozen=True)
class DueNotification:
    """One message that should go out at ``due_at`` to ``channel`` (a channel ID or a user ID), or
    an e-mail (``channel`` ``mailto:ADDRESS`` and ``mail`` set; ``render`` then gives its preview).

    ``key`` is the claim: e.g. ``reminder:meeting-12:7d`` or ``action-overdue:34:2030-05-01``.
    A notification whose ``due_at + grace`` has passed is recorded as skipped, never sent late.
    ``render`` is called only after the key is claimed, so already-sent work costs nothing.
    """

    key: str
    kind: str
    due_at: datetime
    grace: timedelta
    channel: str
    render: Callable[[], Message]
    attachments: Callable[[], list[Attachment]] = field(default=lambda: [])
    mail: Callable[[], OutgoingMail] | None = None
