"""The clock's source of e-mailed meeting invitations (iMIP), one per attendee and meeting change.

The database is the truth: a meeting changed in the last two days that has not started is due for
an invitation at its current SEQUENCE to every address (known Slack people with an e-mail and the
contacts, less those who opted out). The key names the UID, the SEQUENCE and the address, so a
reschedule or a cancellation (each raises SEQUENCE) sends once more, and nothing is sent twice.
A meeting changed twice before a tick sends only its latest state.
"""

from datetime import datetime, timedelta

from sqlmodel import Session

from bot import email_messages
from bot.meetings import local_label
from bot.notifications import DueNotification
from bot.settings import Settings
from storage.models import Meeting
from storage.repositories import contacts, recipients
from storage.repositories import meetings as meeting_records

LOOKBACK = timedelta(days=2)
KIND = "email-invitation"


def invitation_recipients(session: Session) -> list[str]:
    """Everyone invited by e-mail, once per address, in address order."""
    everyone = set(recipients.attendee_emails(session)) | contacts.all_emails(session)
    return sorted(everyone - contacts.opted_out_emails(session))


def _render(settings: Settings, meeting: Meeting, email: str, attendees: list[str]):
    def mail():
        return email_messages.invitation(
            settings, meeting, to=email, attendees=attendees, local=local_label(meeting)
        )

    return mail


def due_invitations(session: Session, *, now: datetime, settings: Settings) -> list[DueNotification]:
    if not settings.email_enabled:
        return []
    changed = meeting_records.changed_since(session, since=now - LOOKBACK, starting_after=now)
    if not changed:
        return []
    attendees = invitation_recipients(session)
    due = []
    for meeting in changed:
        for email in attendees:
            mail = _render(settings, meeting, email, attendees)
            due.append(
                email_messages.due_mail(
                    "invite",
                    meeting.uid,
                    str(meeting.sequence),
                    email=email,
                    kind=KIND,
                    due_at=meeting.updated_at,
                    grace=meeting.starts_at - meeting.updated_at,
                    mail=mail,
                )
            )
    return due
