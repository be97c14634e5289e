"""Meeting cycles: the period from one meeting to the next, which sharing is counted against.

Before any meeting has been held the cycle is open from the beginning; before any is scheduled it has
no end. A cycle's key names the meeting it leads to, so announcements and reminders group by it.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from storage.models import Meeting, Organisation
from storage.repositories import meetings, organisations, sharing


@dataclass(frozen=True)
class Cycle:
    starts_at: datetime | None
    last_meeting: Meeting | None
    next_meeting: Meeting | None

    @property
    def key(self) -> str:
        return f"meeting-{self.next_meeting.id}" if self.next_meeting else "open"


@dataclass(frozen=True)
class OrganisationSharing:
    organisation: Organisation
    shared: int
    # How many people of the organisation the bot knows, and how many it can direct-message; None
    # where nobody counted them.
    known_people: int | None = None
    messageable_people: int | None = None

    @property
    def unreachable(self) -> str | None:
        """Why no nudge or notice can reach the organisation (nobody known, or nobody with a direct
        message channel); None when someone can be reached."""
        if self.known_people == 0:
            return "nobody known"
        if self.messageable_people == 0:
            return "nobody with a direct-message channel"
        return None

    @property
    def is_observer(self) -> bool:
        return self.organisation.role == "observer"

    @property
    def missing(self) -> bool:
        """Observers are shown but never counted as missing."""
        return self.shared == 0 and not self.is_observer


def current_cycle(session: Session, *, now: datetime) -> Cycle:
    last = meetings.last_held(session, now=now)
    return Cycle(
        starts_at=last.starts_at if last else None,
        last_meeting=last,
        next_meeting=meetings.next_scheduled(session, now=now),
    )


def sharing_status(session: Session, *, cycle: Cycle) -> list[OrganisationSharing]:
    """Every organisation with how many initiatives it shared or confirmed this cycle, and how many of
    its people the bot knows (three queries)."""
    counts = sharing.shared_counts(session, since=cycle.starts_at)
    known = sharing.known_people_counts(session)
    return [
        OrganisationSharing(
            organisation=o,
            shared=counts.get(o.id or 0, 0),
            known_people=known.get(o.id or 0, (0, 0))[0],
            messageable_people=known.get(o.id or 0, (0, 0))[1],
        )
        for o in organisations.list_all(session)
    ]
