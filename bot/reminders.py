"""The clock's own notification sources: pre-meeting reminders and sharing nudges.

Reminders go to the working group's channel at each of ``ITWG_REMINDER_OFFSETS`` before a meeting;
the 7-day one carries the agenda pre-read as a Markdown file. At 14 and 7 days, each member
organisation that has not shared this cycle gets a direct message to its focal points (or, where it
named none, to everyone the bot knows there); the observer is never nudged.

People the bot cannot reach on Slack (e-mail-only contacts, ``storage.repositories.contacts``) get
the same by e-mail when e-mail is configured: each reminder, and the nudge with a personal link to
the sharing page.

A notification's key names the meeting's UID, the offset and the meeting's start, so moving a meeting
gives the new time its own reminders while a reminder already sent for the same time is never repeated.
Its grace is half the offset, at most a day: a missed 1-hour reminder is dropped after 30 minutes,
so it can never arrive after the meeting has started.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from bot import agenda, email_messages, links
from bot.cycles import current_cycle, sharing_status
from bot.mail import OutgoingMail
from bot.meetings import local_label
from bot.notifications import Attachment, DueNotification, Message
from bot.rendering import render_message
from bot.settings import OFFSET, Settings
from storage.db import session_scope
from storage.models import Contact, Meeting, Organisation
from storage.repositories import contacts as contact_records
from storage.repositories import meetings as meeting_records
from storage.repositories import recipients

logger = logging.getLogger(__name__)

LOOKBACK = timedelta(days=2)
MAX_GRACE = timedelta(days=1)
NUDGE_OFFSETS = ("14d", "7d")
AGENDA_OFFSET = "7d"
UNITS = {"d": "days", "h": "hours", "m": "minutes"}


def parse_offset(text: str) -> timedelta:
    match = OFFSET.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not like 14d, 1h or 30m")
    return timedelta(**{UNITS[match.group(2)]: int(match.group(1))})


def grace_for(offset: timedelta) -> timedelta:
    return min(offset / 2, MAX_GRACE)


def offset_words(text: str) -> str:
    amount, unit = int(text[:-1]), {"d": "day", "h": "hour", "m": "minute"}[text[-1]]
    return f"{amount} {unit}{'' if amount == 1 else 's'}"


def _key(prefix: str, meeting: Meeting, offset_text: str, *suffix: str) -> str:
    parts = [prefix, meeting.uid, offset_text, f"{meeting.starts_at:%Y%m%dT%H%MZ}", *suffix]
    return ":".join(parts)


def _due_pairs(
    session: Session, *, now: datetime, offsets: list[str]
) -> list[tuple[Meeting, str, timedelta]]:
    """(meeting, offset) pairs whose moment came within the look-back window, in one query."""
    parsed = [(text, parse_offset(text)) for text in offsets]
    if not parsed:
        return []
    shortest = min(delta for _, delta in parsed)
    longest = max(delta for _, delta in parsed)
    candidates = meeting_records.starting_between(session, start=now - LOOKBACK + shortest, end=now + longest)
    return [
        (meeting, text, delta)
        for meeting in candidates
        for text, delta in parsed
        if now - LOOKBACK <= meeting.starts_at - delta <= now
    ]


def _still_to_share(session: Session, *, now: datetime) -> list[Organisation]:
    """Organisations that have not shared this cycle; the same for every meeting in the window."""
    cycle = current_cycle(session, now=now)
    return [status.organisation for status in sharing_status(session, cycle=cycle) if status.missing]


def _channel_message(meeting: Meeting, offset_text: str, missing: list[Organisation], with_agenda: bool):
    def render() -> Message:
        return render_message(
            "reminder_channel.json.j2",
            meeting=meeting,
            when=offset_words(offset_text),
            local=local_label(meeting),
            still_to_share=missing,
            with_agenda=with_agenda,
        )

    return render


def _agenda_file(
    engine: Engine, meeting: Meeting, now: datetime, *, timezone: str, wanted: bool
) -> Callable[[], list[Attachment]]:
    """The pre-read, built only once the reminder is claimed (it takes a few queries)."""

    def attachments() -> list[Attachment]:
        if not wanted:
            return []
        with session_scope(engine) as session:
            pre_read = agenda.build(session, now=now, timezone=timezone, meeting=meeting)
            return [agenda.markdown_attachment(pre_read)]

    return attachments


def meeting_reminders(session: Session, *, now: datetime, settings: Settings) -> list[DueNotification]:
    """Channel reminders before each meeting; the 7-day one with the agenda pre-read attached."""
    channel = settings.itwg_channel
    pairs = _due_pairs(session, now=now, offsets=list(settings.itwg_reminder_offsets))
    if not pairs:
        return []
    due = _emailed_reminders(session, pairs, settings=settings)
    if not channel:
        logger.warning("ITWG_CHANNEL is not set: %d meeting reminder(s) cannot be sent", len(pairs))
        return due
    engine = session.get_bind()
    missing = _still_to_share(session, now=now)
    for meeting, offset_text, delta in pairs:
        with_agenda = offset_text == AGENDA_OFFSET
        due.append(
            DueNotification(
                key=_key("reminder", meeting, offset_text),
                kind="meeting-reminder",
                due_at=meeting.starts_at - delta,
                grace=grace_for(delta),
                channel=channel,
                render=_channel_message(meeting, offset_text, missing, with_agenda),
                attachments=_agenda_file(
                    engine, meeting, now, timezone=settings.itwg_timezone, wanted=with_agenda
                ),
            )
        )
    return due


def _emailed_reminders(
    session: Session, pairs: list[tuple[Meeting, str, timedelta]], *, settings: Settings
) -> list[DueNotification]:
    """The channel's reminders, by e-mail to each contact the bot cannot reach on Slack."""
    if not settings.email_enabled:
        return []
    contacts = [contact for group in contact_records.email_only(session).values() for contact in group]
    due = []
    for meeting, offset_text, delta in pairs:
        for contact in contacts:

            def mail(meeting=meeting, offset_text=offset_text, contact=contact):
                return email_messages.reminder(
                    settings,
                    meeting,
                    to=contact.email,
                    name=contact.name,
                    when=offset_words(offset_text),
                    local=local_label(meeting),
                )

            due.append(
                email_messages.due_mail(
                    _key("reminder", meeting, offset_text),
                    email=contact.email,
                    kind="meeting-reminder",
                    due_at=meeting.starts_at - delta,
                    grace=grace_for(delta),
                    mail=mail,
                )
            )
    return due


def _emailed_nudge(
    meeting: Meeting,
    offset_text: str,
    organisation: Organisation,
    contact: Contact,
    *,
    settings: Settings,
    now: datetime,
) -> Callable[[], OutgoingMail]:
    """The nudge e-mail, with a sharing link made when it is sent (each e-mail its own link)."""

    def mail() -> OutgoingMail:
        url = links.share_url(settings, contact_id=contact.id or 0, now=now)
        expires = now + timedelta(days=settings.itwg_share_link_days)
        return email_messages.nudge(
            settings,
            to=contact.email,
            name=contact.name,
            organisation=organisation.acronym,
            when=offset_words(offset_text),
            local=local_label(meeting),
            share_url=url,
            expires=f"{expires:%d %b %Y}",
        )

    return mail


def _nudge_message(meeting: Meeting, offset_text: str, organisation: Organisation, person_id: str):
    def render() -> Message:
        return render_message(
            "reminder_nudge.json.j2",
            meeting=meeting,
            when=offset_words(offset_text),
            local=local_label(meeting),
            organisation=organisation,
            person=person_id,
        )

    return render


def sharing_nudges(session: Session, *, now: datetime, settings: Settings) -> list[DueNotification]:
    """A direct message, 14 and 7 days ahead, to each member organisation that has not shared."""
    pairs = _due_pairs(session, now=now, offsets=list(NUDGE_OFFSETS))
    if not pairs:
        return []
    people = recipients.people_by_organisation(session)
    by_email = contact_records.email_only(session) if settings.email_enabled else {}
    missing = _still_to_share(session, now=now)
    due = []
    for meeting, offset_text, delta in pairs:
        for organisation in missing:
            for person in recipients.nudge_recipients(people.get(organisation.id or 0, [])):
                due.append(
                    DueNotification(
                        key=_key("nudge", meeting, offset_text, person.slack_user_id),
                        kind="sharing-nudge",
                        due_at=meeting.starts_at - delta,
                        grace=grace_for(delta),
                        channel=person.slack_user_id,
                        render=_nudge_message(meeting, offset_text, organisation, person.slack_user_id),
                    )
                )
            for contact in recipients.nudge_recipients(by_email.get(organisation.id or 0, [])):
                mail = _emailed_nudge(meeting, offset_text, organisation, contact, settings=settings, now=now)
                due.append(
                    email_messages.due_mail(
                        _key("nudge", meeting, offset_text),
                        email=contact.email,
                        kind="sharing-nudge",
                        due_at=meeting.starts_at - delta,
                        grace=grace_for(delta),
                        mail=mail,
                    )
                )
    return due
