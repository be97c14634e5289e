"""Scheduled digests: a co-lead's standing request, evaluated in their own timezone by the clock's tick.

``due_digests`` is a notification source (see bot/notifications.py): for each subscription it finds
the latest scheduled local moment at or before ``now`` and, while that moment is within the grace
window, offers one notification keyed ``digest:{person_id}:{local date}``. The tick claims the key
before sending, so a digest goes out once per occurrence however many ticks see it.

``/itwg digest subscribe weekly email`` sends it by e-mail to the co-lead's address instead (the
whole digest as text), when e-mail is configured.

Times are wall-clock times in the subscriber's timezone, so "Monday 09:00" stays 09:00 across daylight
saving changes. A time that does not exist on the day clocks go forward (02:30 in Vienna) is read
with the offset before the change (it falls an hour later in wall-clock terms); a time that happens
twice when they go back is the first of the two.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot import digest as digests
from bot import email_messages, parsing
from bot.actor import Actor
from bot.deps import Deps
from bot.errors import UserError
from bot.exports import render_markdown
from bot.mail import OutgoingMail
from bot.notifications import Attachment, DueNotification, Message
from bot.settings import Settings
from storage.db import session_scope
from storage.models import DigestSubscription
from storage.repositories import audit, contacts, digest_email, people
from storage.repositories import digest as repository

WEEKDAYS = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
DEFAULT_TIME = "09:00"
LAST_DAY_OF_MONTH = 28  # every month has it, so a monthly digest never skips February
GRACE = timedelta(hours=6)
# As far back as the other sources look: an occurrence missed by more than its grace is still listed
# for that long, so that the tick records it as skipped.
LOOKBACK = timedelta(days=2)
TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
USAGE = (
    "`/itwg digest subscribe weekly [DAY HH:MM] [email]` (e.g. `weekly monday 09:00`) "
    "or `monthly [1-28 HH:MM] [email]`"
)


@dataclass(frozen=True)
class Schedule:
    frequency: str
    weekday: int | None
    day_of_month: int | None
    at_time: str


def _weekday(word: str) -> int | None:
    word = word.lower()
    matches = [number for name, number in WEEKDAYS.items() if len(word) >= 3 and name.startswith(word)]
    return matches[0] if len(matches) == 1 else None


def parse_schedule(args: str) -> Schedule:
    """``weekly|monthly [DAY HH:MM]``; weekly defaults to Monday, monthly to the 1st, both to 09:00."""
    words = args.split()
    if not words or words[0].lower() not in ("weekly", "monthly"):
        raise UserError(f"Say how often: {USAGE}.")
    frequency = words[0].lower()
    at_time = DEFAULT_TIME
    day: str | None = None
    for word in words[1:]:
        match = TIME.match(word)
        if match:
            at_time = f"{int(match.group(1)):02d}:{match.group(2)}"
        elif day is None:
            day = word
        else:
            raise UserError(f"I can't read `{word}`. {USAGE}.")
    if frequency == "weekly":
        weekday = 0 if day is None else _weekday(day)
        if weekday is None:
            raise UserError(f"`{day}` is not a day of the week. {USAGE}.")
        return Schedule("weekly", weekday, None, at_time)
    if day is None:
        return Schedule("monthly", None, 1, at_time)
    day_of_month = parsing.whole_number(day)
    if day_of_month is None or not 1 <= day_of_month <= LAST_DAY_OF_MONTH:
        raise UserError(f"A monthly digest goes out on a day from 1 to {LAST_DAY_OF_MONTH}. {USAGE}.")
    return Schedule("monthly", None, day_of_month, at_time)


def describe(subscription: DigestSubscription) -> str:
    if subscription.frequency == "weekly":
        weekday = next(n for n, i in WEEKDAYS.items() if i == subscription.weekday).capitalize()
        return f"every {weekday} at {subscription.at_time}"
    return f"on day {subscription.day_of_month} of every month at {subscription.at_time}"


@dataclass(frozen=True)
class Subscribed:
    subscription: DigestSubscription
    # The address it is e-mailed to; None when it comes as a direct message.
    email: str | None


def subscribe(deps: Deps, *, actor: Actor, args: str) -> Subscribed:
    if not actor.is_co_lead:
        raise UserError("Scheduled digests are for the co-leads (UNODC and WHO).")
    words = args.split()
    by_email = any(word.lower() in ("email", "e-mail") for word in words)
    schedule = parse_schedule(" ".join(word for word in words if word.lower() not in ("email", "e-mail")))
    if by_email and not deps.settings.email_enabled:
        raise UserError("E-mail is not set up on this bot (ITWG_SMTP_URL and ITWG_MAIL_FROM).")
    timezone = digests.reader_timezone(actor, deps.settings)
    with session_scope(deps.engine) as session:
        person = people.get(session, person_id=actor.person_id or 0)
        email = person.email.lower() if person and person.email and by_email else None
        if by_email and email is None:
            raise UserError("The bot has no e-mail address for you; subscribe without `email`.")
        if email is not None and contacts.is_opted_out(session, email=email):
            raise UserError(
                f"You stopped e-mail from the bot to {email}, so the digest would not be e-mailed. "
                "Turn it back on with `/itwg email on` first, or subscribe without `email`. "
                "Nothing was changed."
            )
        subscription = repository.save_subscription(
            session,
            person_id=actor.person_id,
            frequency=schedule.frequency,
            weekday=schedule.weekday,
            day_of_month=schedule.day_of_month,
            at_time=schedule.at_time,
            timezone=timezone,
            created_at=deps.now(),
        )
        digest_email.set_by_email(session, subscription_id=subscription.id or 0, by_email=by_email)
        audit.record(
            session,
            by=actor,
            action="digest.subscribe",
            entity="digestsubscription",
            entity_id=subscription.id,
            details={"schedule": describe(subscription), "timezone": timezone, "email": email},
        )
        return Subscribed(subscription=subscription, email=email)


def unsubscribe(deps: Deps, *, actor: Actor) -> bool:
    """True when there was a subscription to end."""
    with session_scope(deps.engine) as session:
        existing = repository.subscription_for(session, person_id=actor.person_id or 0)
        if existing is not None:
            digest_email.set_by_email(session, subscription_id=existing.id or 0, by_email=False)
        removed = repository.delete_subscription(session, person_id=actor.person_id or 0)
        if removed:
            audit.record(
                session,
                by=actor,
                action="digest.unsubscribe",
                entity="digestsubscription",
                entity_id=None,
            )
        return removed


def _occurs_on(subscription: DigestSubscription, day: date) -> bool:
    if subscription.frequency == "weekly":
        return day.weekday() == subscription.weekday
    return day.day == subscription.day_of_month


def _instant(subscription: DigestSubscription, day: date) -> datetime:
    hours, minutes = (int(part) for part in subscription.at_time.split(":"))
    local = datetime.combine(day, time(hours, minutes), tzinfo=ZoneInfo(subscription.timezone))
    return local.astimezone(UTC)


def latest_occurrence(subscription: DigestSubscription, *, at: datetime) -> tuple[date, datetime]:
    """The local date and UTC instant of the last scheduled moment at or before ``at``."""
    local_day = at.astimezone(ZoneInfo(subscription.timezone)).date()
    for back in range(0, 63):
        day = local_day - timedelta(days=back)
        if _occurs_on(subscription, day) and _instant(subscription, day) <= at:
            return day, _instant(subscription, day)
    raise ValueError(f"subscription {subscription.id} has no occurrence in two months")


def _digest_renderer(session: Session, *, now: datetime, settings: Settings, since: datetime, timezone: str):
    """Build the digest once, only when the tick asks for it (after the key is claimed)."""
    engine = session.get_bind()
    built: list[digests.RenderedDigest] = []

    def build() -> digests.Digest:
        with session_scope(engine) as fresh:  # type: ignore[arg-type]
            return digests.build(fresh, now=now, settings=settings, since=since, reader_timezone=timezone)

    def rendered() -> digests.RenderedDigest:
        if not built:
            built.append(digests.render(build()))
        return built[0]

    def message() -> Message:
        return rendered().message

    def attachments() -> list[Attachment]:
        attachment = rendered().attachment
        return [attachment] if attachment else []

    def mail(email: str) -> OutgoingMail:
        text = render_markdown("digest.md.j2", digest=build())
        day = now.astimezone(ZoneInfo(timezone)).date()
        return email_messages.digest(settings, to=email, day=day, text=text)

    return message, attachments, mail


def due_digests(session: Session, *, now: datetime, settings: Settings) -> list[DueNotification]:
    """Digests whose latest scheduled moment has come, up to ``LOOKBACK`` ago (one query when none
    is; two more, for the e-mailed ones, when some are): the tick sends those within ``GRACE`` and
    records the older ones as skipped, so none vanishes unseen."""
    due: list[DueNotification] = []
    ready = []
    for subscription, person in repository.subscriptions_of_co_leads(session):
        day, instant = latest_occurrence(subscription, at=now)
        if instant < subscription.created_at or now - instant > LOOKBACK:
            continue
        ready.append((subscription, person, day, instant))
    emailed = digest_email.emailed(session, subscription_ids=[s.id or 0 for s, _, _, _ in ready])
    opted_out = contacts.opted_out_emails(session) if emailed else set()
    for subscription, person, day, instant in ready:
        _, previous = latest_occurrence(subscription, at=instant - timedelta(seconds=1))
        message, attachments, mail = _digest_renderer(
            session, now=now, settings=settings, since=previous, timezone=subscription.timezone
        )
        address = (person.email or "").lower()
        # Unsubscribed by the e-mail's own link: the digest comes as a direct message again.
        by_email = (
            subscription.id in emailed
            and settings.email_enabled
            and bool(address)
            and address not in opted_out
        )
        due.append(
            DueNotification(
                key=f"digest:{person.id}:{day.isoformat()}",
                kind="digest",
                due_at=instant,
                grace=GRACE,
                # A user id (the bot's DM with them), or their address.
                channel=f"mailto:{address}" if by_email else person.slack_user_id,
                render=message,
                attachments=attachments,
                mail=(lambda mail=mail, address=address: mail(address)) if by_email else None,
            )
        )
    return due
