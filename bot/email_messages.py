"""The e-mails the clock sends, built from plain-text templates under ``bot/templates/email``.

Each builder returns an ``OutgoingMail`` for one address; the tick claims, stores and sends it.
Every e-mail carries the address's own unsubscribe link (``bot.links``).
"""

import hashlib
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from bot.invites import build_invite
from bot.links import unsubscribe_url
from bot.mail import OutgoingMail
from bot.notifications import DueNotification
from bot.settings import Settings
from storage.models import Meeting

KEY_LIMIT = 255  # Notification.key

_environment = Environment(
    loader=PackageLoader("bot", "templates/email"),
    undefined=StrictUndefined,
    autoescape=False,
    keep_trailing_newline=False,
)


def render_text(template_name: str, **context: Any) -> str:
    return _environment.get_template(template_name).render(**context)


def mail_key(*parts: str, email: str) -> str:
    """A notification key ending in the address; a long address is shortened to its digest."""
    key = ":".join([*parts, f"mailto:{email}"])
    if len(key) <= KEY_LIMIT:
        return key
    return ":".join([*parts, "mailto-sha256", hashlib.sha256(email.encode()).hexdigest()])[:KEY_LIMIT]


def due_mail(
    *key_parts: str,
    email: str,
    kind: str,
    due_at: datetime,
    grace: timedelta,
    mail: Callable[[], OutgoingMail],
) -> DueNotification:
    """An e-mail due to ``email``: claimed under a key ending in the address, and previewed (by a dry
    run) by its subject, so every source states only what differs."""
    return DueNotification(
        key=mail_key(*key_parts, email=email),
        kind=kind,
        due_at=due_at,
        grace=grace,
        channel=f"mailto:{email}",
        render=lambda: {"text": mail().subject},
        mail=mail,
    )


def _mail(settings: Settings, *, to: str, subject: str, text: str, **extra: Any) -> OutgoingMail:
    return OutgoingMail(
        to=to,
        subject=subject,
        text=text,
        unsubscribe_url=unsubscribe_url(settings, email=to),
        reply_to=settings.itwg_organizer_email,
        **extra,
    )


def invitation(
    settings: Settings, meeting: Meeting, *, to: str, attendees: list[str], local: str
) -> OutgoingMail:
    """An iMIP invitation: REQUEST for a new or changed meeting, CANCEL for a cancelled one."""
    cancelled = meeting.status == "cancelled"
    updated = meeting.sequence > 0
    calendar = build_invite(
        [meeting],
        organizer_email=settings.itwg_organizer_email,
        attendee_emails=attendees,
        stamp=meeting.updated_at,
    ).decode("utf-8")
    prefix = "Cancelled" if cancelled else ("Updated invitation" if updated else "Invitation")
    text = render_text(
        "invitation.txt.j2",
        cancelled=cancelled,
        updated=updated,
        title=meeting.title,
        local=local,
        minutes=meeting.duration_minutes,
        location=meeting.location,
        organizer=settings.itwg_organizer_email,
    )
    return _mail(
        settings,
        to=to,
        subject=f"{prefix}: {meeting.title}, {local}",
        text=text,
        calendar=calendar,
        calendar_method="CANCEL" if cancelled else "REQUEST",
    )


def nudge(
    settings: Settings,
    *,
    to: str,
    name: str,
    organisation: str,
    when: str,
    local: str,
    share_url: str,
    expires: str,
) -> OutgoingMail:
    text = render_text(
        "nudge.txt.j2",
        name=name,
        organisation=organisation,
        when=when,
        local=local,
        share_url=share_url,
        expires=expires,
    )
    return _mail(
        settings, to=to, subject=f"ITWG: {organisation} has not shared yet for the next meeting", text=text
    )


def reminder(
    settings: Settings, meeting: Meeting, *, to: str, name: str, when: str, local: str
) -> OutgoingMail:
    text = render_text(
        "reminder.txt.j2",
        name=name,
        when=when,
        local=local,
        minutes=meeting.duration_minutes,
        location=meeting.location,
    )
    return _mail(settings, to=to, subject=f"ITWG meeting in {when}: {local}", text=text)


def digest(settings: Settings, *, to: str, day: date, text: str) -> OutgoingMail:
    """The co-leads' digest, its Markdown as the text (readable as is in any mail client)."""
    return _mail(settings, to=to, subject=f"ITWG status digest, {day:%d %b %Y}", text=text)


def followup(
    settings: Settings,
    *,
    to: str,
    name: str,
    overdue: bool,
    item_id: int,
    title: str,
    due: date,
    acronym: str,
) -> OutgoingMail:
    text = render_text(
        "followup.txt.j2",
        name=name,
        overdue=overdue,
        item_id=item_id,
        title=title,
        due=f"{due:%d %b %Y}",
        organisation=acronym,
        organizer=settings.itwg_organizer_email,
    )
    subject = f"ITWG action item #{item_id} {'is overdue' if overdue else 'is due soon'}: {title}"
    return _mail(settings, to=to, subject=subject, text=text)
