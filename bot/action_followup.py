"""Follow-up of action items: a direct message 3 days before the due date and one when it is overdue.

The assigned person is told; for an unassigned item, every known person of the owner organisation.
Each message is due at 09:00 in the recipient's own timezone (the working group's when Slack gave
none): on ``due_date - 3 days``, and on the day after ``due_date``. The key carries the due date, so
an item snoozed to a new date is followed up again, while one merely re-read never is.

When e-mail is configured, the organisation's e-mail-only contacts (people the bot cannot reach on
Slack) are followed up about its unassigned items by e-mail, at 09:00 in the working group's timezone.

This is a notification source for the clock's tick (see ``bot.notifications``): pure, one query,
looking only at items due in a few days around ``now``.
"""

from datetime import date, datetime, time, timedelta

from sqlmodel import Session

from bot import email_messages
from bot.action_items import ItemView, zone
from bot.notifications import DueNotification, Message
from bot.rendering import render_message
from bot.settings import Settings
from storage.models import ActionItem, Contact, Organisation, Person
from storage.repositories import action_items, contacts

DUE_SOON = "action-due-soon"
OVERDUE = "action-overdue"
DAYS_BEFORE = 3
SEND_AT = time(9, 0)
GRACE = timedelta(hours=12)
# A reminder is due at most 3 days before (or 1 day after) its due date, 09:00 local time, which is
# within 14 hours of UTC: items due between these offsets of today cover every reminder due by now.
WINDOW_BEFORE = timedelta(days=2)
WINDOW_AFTER = timedelta(days=4)


def local_morning(day: date, timezone: str | None, fallback: str) -> datetime:
    """09:00 on ``day`` in ``timezone``, as an aware UTC-comparable moment (09:00 exists every day)."""
    return datetime.combine(day, SEND_AT, tzinfo=zone(timezone, fallback))


def due_action_followups(session: Session, *, now: datetime, settings: Settings) -> list[DueNotification]:
    """Every follow-up due by ``now`` for open items due within a few days of it."""
    rows = action_items.open_due_between_with_recipients(
        session, first_day=(now - WINDOW_BEFORE).date(), last_day=(now + WINDOW_AFTER).date()
    )
    due: list[DueNotification] = []
    for item, organisation, recipient in rows:
        for kind, day in (
            (DUE_SOON, item.due_date - timedelta(days=DAYS_BEFORE)),
            (OVERDUE, item.due_date + timedelta(days=1)),
        ):
            due_at = local_morning(day, recipient.timezone, settings.itwg_timezone)
            if due_at > now:
                continue
            due.append(
                DueNotification(
                    key=f"{kind}:{item.id}:{item.due_date.isoformat()}:{recipient.slack_user_id}",
                    kind=kind,
                    due_at=due_at,
                    grace=GRACE,
                    channel=recipient.slack_user_id,
                    render=_renderer(item, organisation, recipient, overdue=kind == OVERDUE),
                )
            )
    if settings.email_enabled:
        due.extend(_emailed_followups(session, now=now, settings=settings))
    return due


def _emailed_followups(session: Session, *, now: datetime, settings: Settings) -> list[DueNotification]:
    by_organisation = contacts.email_only(session)
    items = contacts.unassigned_open_items(
        session,
        organisation_ids=list(by_organisation),
        first_day=(now - WINDOW_BEFORE).date(),
        last_day=(now + WINDOW_AFTER).date(),
    )
    due = []
    for item, organisation in items:
        for kind, day in (
            (DUE_SOON, item.due_date - timedelta(days=DAYS_BEFORE)),
            (OVERDUE, item.due_date + timedelta(days=1)),
        ):
            due_at = local_morning(day, None, settings.itwg_timezone)
            if due_at > now:
                continue
            for contact in by_organisation.get(organisation.id or 0, []):
                mail = _mail(settings, item, organisation, contact, overdue=kind == OVERDUE)
                due.append(
                    email_messages.due_mail(
                        kind,
                        str(item.id),
                        item.due_date.isoformat(),
                        email=contact.email,
                        kind=kind,
                        due_at=due_at,
                        grace=GRACE,
                        mail=mail,
                    )
                )
    return due


def _mail(
    settings: Settings, item: ActionItem, organisation: Organisation, contact: Contact, *, overdue: bool
):
    """Capture plain values now: the session is gone by the time the tick renders."""
    values = {
        "item_id": item.id or 0,
        "title": item.title,
        "due": item.due_date,
        "acronym": organisation.acronym,
    }

    def mail():
        return email_messages.followup(
            settings, to=contact.email, name=contact.name, overdue=overdue, **values
        )

    return mail


def _renderer(item: ActionItem, organisation: Organisation, recipient: Person, *, overdue: bool):
    """Capture plain values now: the session is gone by the time the tick renders."""
    assigned = item.assignee_person_id is not None
    view = ItemView(
        id=item.id or 0,
        title=item.title,
        notes=item.notes,
        organisation=organisation.acronym,
        organisation_id=organisation.id or 0,
        assignee=recipient.slack_user_id if assigned else None,
        due_date=item.due_date,
        status=item.status,
        overdue=overdue,
        outcome=None,
        closed_by=None,
        closed_at=None,
        source_link=item.source_link,
        may_manage=True,
    )

    def render() -> Message:
        return render_message("action_followup.json.j2", item=view, overdue=overdue, assigned=assigned)

    return render
