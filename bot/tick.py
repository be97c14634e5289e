"""One tick of the clock: send whatever is due at ``now``, each notification at most once.

1. Every source in ``SOURCES`` lists what is due around ``now`` (a bounded window, a few queries).
2. Keys already in the notification log are dropped with one query.
3. Each remaining key is claimed by INSERTing it (unique) in its own short transaction *before*
   anything is sent: of two clocks, a restart or a late retry, only one insert succeeds.
   Something past ``due_at + grace`` is claimed as ``skipped`` and never sent late.
4. The message is rendered, stored with the claim (so a retry resends exactly it), sent, and marked
   ``sent``. A Slack error marks it ``failed`` with ``next_attempt_at``; later ticks retry it, each
   retry claimed by a conditional UPDATE only one clock can win, until ``MAX_ATTEMPTS`` or its grace
   runs out. A message posted whose attachment failed is not posted again on retry.

E-mails (``mailto:`` notifications) go the same way through ``bot.mail``: claimed, stored, sent,
marked. A temporary failure is retried like a Slack error; a permanent one (a 5xx answer) is marked
``rejected`` at once and listed in the co-leads' digest.

A clock stopped for longer than the sources look back (two days) would leave no trace of what fell
due meanwhile. So the tick remembers when it last ran, and the first tick after a gap asks the sources
again as of each ``CATCH_UP_STEP`` across the gap: everything due in it is claimed as ``skipped``,
with the gap as its reason, and the co-leads' digest lists it.

A crash between claim and send leaves the row ``claimed``. A later tick settles such a stale claim:
if its message was posted (its ``ts`` was stored), whatever remained (the attachment, the final mark)
is finished by the retry path; otherwise nobody knows whether Slack got it, so it is marked
``interrupted`` and logged as an error for a person to check, rather than risk sending it twice.
The same holds for a post whose connection dropped before Slack answered: Slack may have stored it,
so it is marked ``interrupted`` at once, never retried (and the clock's client does not repeat it).
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from bot import action_followup, digest_schedule, email_invitations, mail, reminders
from bot.cycles import current_cycle, sharing_status
from bot.deps import Deps
from bot.notifications import DueNotification
from bot.settings import Settings
from storage.db import session_scope
from storage.repositories import clock_ticks, people
from storage.repositories import notifications as log

logger = logging.getLogger(__name__)

Source = Callable[..., list[DueNotification]]

# Every source of notifications, called as ``source(session, now=..., settings=...)``.
SOURCES: list[Source] = [
    reminders.meeting_reminders,
    reminders.sharing_nudges,
    action_followup.due_action_followups,
    digest_schedule.due_digests,
    email_invitations.due_invitations,
]

# Kinds whose sources list a notification for its whole grace window: a retry of one of these goes
# out only if its source still lists it, so a reminder for a meeting that has since been cancelled or
# moved is dropped instead of retried.
RECHECKED_KINDS = frozenset(
    {
        "meeting-reminder",
        "sharing-nudge",
        action_followup.DUE_SOON,
        action_followup.OVERDUE,
        email_invitations.KIND,
    }
)
# Slack's answers to a direct message that mean the person has no DM channel with the bot.
DM_REFUSALS = frozenset(
    {"channel_not_found", "user_not_found", "user_disabled", "cannot_dm_bot", "messages_tab_disabled"}
)
MAX_ATTEMPTS = 5
RETRY_DELAYS = (timedelta(minutes=2), timedelta(minutes=5), timedelta(minutes=15), timedelta(minutes=60))
# Longer than any one send can take, Slack's Retry-After waits included.
STALE_CLAIM_AFTER = timedelta(minutes=30)
# Shorter than what any source looks back (reminders two days, overdue follow-ups about one, digests
# two), so asking the sources as of every step across a gap misses nothing that fell due in it.
CATCH_UP_STEP = timedelta(hours=12)
# A gap between ticks longer than this is the clock having been stopped, not a tick running late.
STOPPED_AFTER = timedelta(minutes=5)
LATE = "past its grace when the clock reached it"


@dataclass
class TickReport:
    now: datetime
    dry_run: bool = False
    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    lost_race: list[str] = field(default_factory=list)
    interrupted: list[str] = field(default_factory=list)
    would_send: list[str] = field(default_factory=list)
    would_skip: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    def note(self, line: str) -> None:
        self.lines.append(line)


def collect(session: Session, *, now: datetime, settings: Settings) -> list[DueNotification]:
    """Everything every source says is due, once per key, whatever a source's trouble."""
    due: dict[str, DueNotification] = {}
    for source in SOURCES:
        try:
            found = source(session, now=now, settings=settings)
        except Exception:
            logger.exception("notification source %s failed; the others still run", source.__name__)
            continue
        for notification in found:
            due.setdefault(notification.key, notification)
    return list(due.values())


def missed_while_stopped(
    session: Session, *, last: datetime | None, now: datetime, settings: Settings
) -> list[DueNotification]:
    """What fell due after the last tick and before the sources' own look-back from ``now``: the
    sources asked as of each step across the gap (nothing when the clock has not been stopped)."""
    if last is None or now - last <= STOPPED_AFTER:
        return []
    found: dict[str, DueNotification] = {}
    moment = last + CATCH_UP_STEP
    while moment < now:
        for notification in collect(session, now=moment, settings=settings):
            if notification.due_at > last:
                found.setdefault(notification.key, notification)
        moment += CATCH_UP_STEP
    return list(found.values())


def tick(
    deps: Deps,
    client: WebClient | None,
    *,
    now: datetime,
    dry_run: bool = False,
    ahead_of_present: bool = False,
) -> TickReport:
    """``ahead_of_present``: a tick at a time later than the real present (``itwg tick --at``) sends
    what is due then, but leaves the real clock's claims and retries alone: at its time they would
    look stale or past their grace, and be settled as interrupted or given up."""
    report = TickReport(now=now, dry_run=dry_run)
    with session_scope(deps.engine) as session:
        # A tick ahead of the present is no catch-up: what lies between is still to come for real.
        last = None if ahead_of_present else clock_ticks.last_tick(session)
        due = collect(session, now=now, settings=deps.settings)
        keys = {n.key for n in due}
        due += [
            n
            for n in missed_while_stopped(session, last=last, now=now, settings=deps.settings)
            if n.key not in keys
        ]
        already = log.claimed_keys(session, keys=[n.key for n in due])
    pending = sorted((n for n in due if n.key not in already), key=lambda n: (n.due_at, n.key))
    if dry_run:
        _preview(pending, now=now, report=report)
        return report
    assert client is not None, "a tick that sends needs a Slack client"
    stopped = last if last is not None and now - last > STOPPED_AFTER else None
    if not ahead_of_present:
        _settle_stale_claims(deps, now=now, report=report)
    for notification in pending:
        _deliver(deps, client, notification, now=now, stopped_since=stopped, report=report)
    if any(n.kind == "sharing-nudge" for n in pending):
        _log_unreachable(deps, now=now, report=report)
    if not ahead_of_present:
        _retry_failed(deps, client, now=now, still_due={n.key for n in due}, report=report)
        with session_scope(deps.engine) as session:
            clock_ticks.record_tick(session, now=now)
    return report


def _skip_reason(notification: DueNotification, *, now: datetime, stopped_since: datetime | None) -> str:
    if stopped_since is not None and notification.due_at > stopped_since:
        return (
            f"the clock did not tick from {stopped_since:%Y-%m-%d %H:%M} to {now:%Y-%m-%d %H:%M} UTC; "
            "past its grace when it started again"
        )
    return LATE


def _log_unreachable(deps: Deps, *, now: datetime, report: TickReport) -> None:
    """When nudges go out, say which organisations none could reach, and why."""
    with session_scope(deps.engine) as session:
        rows = sharing_status(session, cycle=current_cycle(session, now=now))
    unreachable = ", ".join(
        f"{row.organisation.acronym} ({row.unreachable})" for row in rows if row.unreachable
    )
    if unreachable:
        logger.warning("cannot reach %s", unreachable)
        report.note(f"cannot reach {unreachable}")


def _settle_stale_claims(deps: Deps, *, now: datetime, report: TickReport) -> None:
    with session_scope(deps.engine) as session:
        stale = log.stale_claims(session, claimed_before=now - STALE_CLAIM_AFTER)
    for row in stale:
        posted = bool((row.payload or {}).get("message_ts"))
        if posted:
            status, error, retry_at = "failed", "the tick sending it stopped after posting", now
        else:
            status, error, retry_at = "interrupted", "the tick sending it stopped; not known to be sent", None
        with session_scope(deps.engine) as session:
            settled = log.settle_stale_claim(
                session, notification_id=row.id or 0, status=status, error=error, next_attempt_at=retry_at
            )
        if not settled or posted:
            continue
        logger.error(
            "%s (claimed %s) may not have reached %s: the tick sending it stopped before Slack "
            "confirmed it; check there and send it by hand if it is missing",
            row.key,
            row.claimed_at.isoformat(),
            (row.payload or {}).get("channel", "its channel"),
        )
        report.interrupted.append(row.key)
        report.note(f"interrupted {row.key}: not known to be sent; check and send it by hand if missing")


def _preview(pending: list[DueNotification], *, now: datetime, report: TickReport) -> None:
    for notification in pending:
        if now > notification.due_at + notification.grace:
            report.would_skip.append(notification.key)
            report.note(f"would skip (past its grace) {notification.key}")
            continue
        report.would_send.append(notification.key)
        message = notification.render()
        files = [a.filename for a in notification.attachments()]
        attached = f" + {', '.join(files)}" if files else ""
        report.note(f"would send {notification.key} to {notification.channel}{attached}: {message['text']}")


def _deliver(
    deps: Deps,
    client: WebClient,
    notification: DueNotification,
    *,
    now: datetime,
    stopped_since: datetime | None,
    report: TickReport,
) -> None:
    late = now > notification.due_at + notification.grace
    with session_scope(deps.engine) as session:
        row = log.claim(
            session,
            key=notification.key,
            kind=notification.kind,
            due_at=notification.due_at,
            now=now,
            status="skipped" if late else "claimed",
            last_error=_skip_reason(notification, now=now, stopped_since=stopped_since) if late else None,
        )
    if row is None:
        report.lost_race.append(notification.key)
        return
    if late:
        logger.warning(
            "skipped %s: due %s, grace %s, now %s",
            notification.key,
            notification.due_at,
            notification.grace,
            now,
        )
        report.skipped.append(notification.key)
        report.note(f"skipped (past its grace) {notification.key}")
        return
    try:
        payload: dict[str, Any] = {
            "channel": notification.channel,
            "expires_at": (notification.due_at + notification.grace).isoformat(),
        }
        if notification.mail:
            outgoing = notification.mail()
            payload |= {
                "message": {"text": outgoing.subject},
                "mail": outgoing.to_payload(),
                "attachments": [],
            }
        else:
            payload |= {
                "message": notification.render(),
                "attachments": [
                    {"filename": a.filename, "title": a.title, "content": a.content}
                    for a in notification.attachments()
                ],
            }
    except Exception as error:
        logger.exception("could not render %s; it will not be retried", notification.key)
        with session_scope(deps.engine) as session:
            log.mark_failed(
                session, notification_id=row.id or 0, error=f"render: {error}", next_attempt_at=None
            )
        report.failed.append(notification.key)
        return
    with session_scope(deps.engine) as session:
        log.save_payload(session, notification_id=row.id or 0, payload=payload)
    _send(deps, client, row.id or 0, notification.key, payload, attempts=1, now=now, report=report)


def _send(
    deps: Deps,
    client: WebClient,
    notification_id: int,
    key: str,
    payload: dict[str, Any],
    *,
    attempts: int,
    now: datetime,
    report: TickReport,
) -> None:
    try:
        if "mail" in payload:
            mail.send(deps.settings, mail.OutgoingMail.from_payload(payload["mail"]))
        elif not payload.get("message_ts"):
            response = client.chat_postMessage(channel=payload["channel"], **payload["message"])
            payload = {**payload, "message_ts": response["ts"], "posted_in": response["channel"]}
            with session_scope(deps.engine) as session:
                log.save_payload(session, notification_id=notification_id, payload=payload)
        if payload["attachments"]:  # a mail's files travel inside it
            client.files_upload_v2(
                channel=payload["posted_in"],
                thread_ts=payload["message_ts"],
                file_uploads=[
                    {"content": a["content"], "filename": a["filename"], "title": a["title"]}
                    for a in payload["attachments"]
                ],
            )
    except Exception as error:
        if isinstance(error, mail.MailOutcomeUnknown) or (
            "mail" not in payload and not payload.get("message_ts") and not isinstance(error, SlackApiError)
        ):
            # No answer (the connection dropped): the post or e-mail may have gone all the same.
            _record_interrupted(deps, notification_id, key, payload, error, report=report)
            return
        _record_failure(deps, notification_id, key, payload, error, attempts=attempts, now=now, report=report)
        return
    with session_scope(deps.engine) as session:
        log.mark_sent(session, notification_id=notification_id, now=now)
        if _is_person(payload["channel"]):
            people.mark_direct_messages(session, slack_user_id=payload["channel"], refused_at=None)
    report.sent.append(key)
    report.note(f"sent {key} to {payload['channel']}: {payload['message'].get('text', '')}")


def _is_person(channel: str) -> bool:
    """A direct message is posted to the person's user id."""
    return channel[:1] in ("U", "W")


def _describe(error: Exception) -> str:
    if isinstance(error, SlackApiError):
        return str(error.response.get("error") or error)
    return f"{type(error).__name__}: {error}"


def _record_interrupted(
    deps: Deps,
    notification_id: int,
    key: str,
    payload: dict[str, Any],
    error: Exception,
    *,
    report: TickReport,
) -> None:
    """A post whose outcome is unknown is never repeated blindly: like a send cut short by a crash,
    it is marked ``interrupted`` for a person to check (the digest lists it), never retried."""
    answerer = "the mail server" if "mail" in payload else "Slack"
    reason = f"no answer from {answerer} ({_describe(error)}); not known to be sent"
    logger.error(
        "%s may not have reached %s: %s; check there and send it by hand if it is missing",
        key,
        payload["channel"],
        reason,
    )
    with session_scope(deps.engine) as session:
        log.mark_failed(
            session, notification_id=notification_id, error=reason, next_attempt_at=None, status="interrupted"
        )
    report.interrupted.append(key)
    report.note(f"interrupted {key}: not known to be sent; check and send it by hand if missing")


def _record_failure(
    deps: Deps,
    notification_id: int,
    key: str,
    payload: dict[str, Any],
    error: Exception,
    *,
    attempts: int,
    now: datetime,
    report: TickReport,
) -> None:
    reason = _describe(error)
    retry_at = now + RETRY_DELAYS[min(attempts - 1, len(RETRY_DELAYS) - 1)]
    expires_at = datetime.fromisoformat(payload["expires_at"])
    if isinstance(error, mail.PermanentMailError):
        logger.error("%s to %s was refused for good: %s", key, payload["channel"], reason)
        with session_scope(deps.engine) as session:
            log.mark_failed(
                session,
                notification_id=notification_id,
                error=reason,
                next_attempt_at=None,
                status="rejected",
            )
        report.failed.append(key)
        report.note(f"rejected {key}: {reason}")
        return
    if attempts >= MAX_ATTEMPTS or retry_at > expires_at:
        retry_at_or_none = None
        logger.error(
            "giving up on %s to %s after %d attempt(s): %s%s",
            key,
            payload["channel"],
            attempts,
            reason,
            " (is the bot in that channel? invite it)" if reason == "not_in_channel" else "",
        )
    else:
        retry_at_or_none = retry_at
        logger.error(
            "sending %s to %s failed (attempt %d): %s; retrying at %s%s",
            key,
            payload["channel"],
            attempts,
            reason,
            retry_at.isoformat(),
            " (is the bot in that channel? invite it)" if reason == "not_in_channel" else "",
        )
    with session_scope(deps.engine) as session:
        log.mark_failed(
            session, notification_id=notification_id, error=reason, next_attempt_at=retry_at_or_none
        )
        if _is_person(payload["channel"]) and reason in DM_REFUSALS:
            people.mark_direct_messages(session, slack_user_id=payload["channel"], refused_at=now)
    report.failed.append(key)
    report.note(
        f"failed {key}: {reason}" + (f"; retry at {retry_at.isoformat()}" if retry_at_or_none else "")
    )


def _retry_failed(
    deps: Deps, client: WebClient, *, now: datetime, still_due: set[str], report: TickReport
) -> None:
    with session_scope(deps.engine) as session:
        candidates = log.retry_candidates(session, now=now)
    for row in candidates:
        payload = row.payload or {}
        reason = None
        if not payload or now > datetime.fromisoformat(payload["expires_at"]):
            reason = "past its grace"
        elif row.kind in RECHECKED_KINDS and row.key not in still_due:
            reason = "no longer due (its meeting was moved or cancelled)"
        if reason:
            logger.warning("not retrying %s: %s", row.key, reason)
            with session_scope(deps.engine) as session:
                log.mark_failed(
                    session,
                    notification_id=row.id or 0,
                    error=f"{row.last_error}; gave up: {reason}",
                    next_attempt_at=None,
                )
            report.note(f"gave up on {row.key}: {reason}")
            continue
        with session_scope(deps.engine) as session:
            won = log.claim_retry(session, notification_id=row.id or 0, attempts=row.attempts, now=now)
        if not won:
            report.lost_race.append(row.key)
            continue
        _send(deps, client, row.id or 0, row.key, payload, attempts=row.attempts + 1, now=now, report=report)


def describe(report: TickReport) -> str:
    """What ``itwg tick`` prints: one line per notification, then a summary."""
    verb = "would send" if report.dry_run else "sent"
    count = len(report.would_send) if report.dry_run else len(report.sent)
    summary = f"tick at {report.now.isoformat()}: {verb} {count}"
    if report.dry_run:
        summary += f", would skip {len(report.would_skip)}"
    else:
        summary += f", skipped {len(report.skipped)}, failed {len(report.failed)}"
        if report.interrupted:
            summary += f", interrupted {len(report.interrupted)}"
    return "\n".join([*report.lines, summary])
