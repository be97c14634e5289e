"""The person behind a request, with what their organisation's role lets them do."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    # None for an e-mail contact acting through their personal sharing link (``bot.share_page``).
    person_id: int | None
    slack_user_id: str
    display_name: str
    timezone: str | None
    organisation_id: int | None
    organisation_acronym: str | None
    role: str | None
    is_focal_point: bool = False
    # The organisation a join request of theirs waits to be approved for, while they have none.
    pending_organisation: str | None = None
    # Their organisation has been retired from the group: they read, but change nothing for it.
    organisation_retired: bool = False

    @property
    def is_co_lead(self) -> bool:
        return self.role == "co_lead"

    def may_manage(self, organisation_id: int | None) -> bool:
        """Co-leads manage everything; anyone else only their own organisation's records."""
        if self.is_co_lead:
            return True
        if self.organisation_retired:
            return False
        return organisation_id is not None and self.organisation_id == organisation_id
