"""E-mail as a channel: composing messages (iMIP invitations among them) and handing them to SMTP.

Only the clock's delivery (``bot.tick``) sends, after claiming each message in the notification log;
services and listeners never talk to SMTP. A message is stored in the log as plain data
(``OutgoingMail.to_payload``) so a retry sends exactly what was claimed.

Failures are sorted for the log: a 5xx answer is permanent (``PermanentMailError``: recorded and
listed for the co-leads, never retried); a connection dropped while the message was handed over
(``MailOutcomeUnknown``) is recorded as interrupted, like a Slack post whose answer was lost;
anything else (4xx, a refused connection, a failed login) is temporary and retried with backoff.
"""

import smtplib
import ssl
from dataclasses import asdict, dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import parse_qs, unquote, urlsplit

from bot.settings import Settings

TIMEOUT_SECONDS = 30


class PermanentMailError(Exception):
    """The server refused the message for good (a 5xx answer)."""


class MailOutcomeUnknown(Exception):
    """The connection dropped, or the server fell silent, while the message was being handed over:
    it may have been accepted, so sending it again could deliver it twice."""


@dataclass(frozen=True)
class OutgoingMail:
    """One e-mail to one address. ``calendar`` is an iTIP file, sent as the ``text/calendar``
    alternative with its METHOD and attached again as ``invite.ics``."""

    to: str
    subject: str
    text: str
    unsubscribe_url: str
    calendar: str | None = None
    calendar_method: str | None = None
    reply_to: str | None = None

    def to_payload(self) -> dict:
        return asdict(self)

    @classmethod
    def from_payload(cls, payload: dict) -> "OutgoingMail":
        return cls(**payload)


def compose(mail: OutgoingMail, *, sender: str) -> EmailMessage:
    """The MIME message: text (with its unsubscribe line), and for an invitation the iMIP parts."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = " ".join(mail.subject.split())  # a title typed with a line break stays one line
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    if mail.reply_to:
        message["Reply-To"] = mail.reply_to
    message["List-Unsubscribe"] = f"<{mail.unsubscribe_url}>"
    footer = f"\n\n--\nTo stop e-mail from the ITWG bot, open {mail.unsubscribe_url}\n"
    message.set_content(mail.text + footer)
    if mail.calendar:
        method = mail.calendar_method or "REQUEST"
        message.add_alternative(mail.calendar, subtype="calendar", params={"method": method})
        message.add_attachment(
            mail.calendar.encode("utf-8"), maintype="application", subtype="ics", filename="invite.ics"
        )
    return message


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    username: str | None
    password: str | None
    implicit_tls: bool
    starttls: bool


def parse_smtp_url(url: str) -> SmtpServer:
    """``smtp://user:pass@host:port`` (``?starttls=1`` to upgrade) or ``smtps://…`` (TLS from the start)."""
    parts = urlsplit(url)
    implicit_tls = parts.scheme == "smtps"
    query = parse_qs(parts.query)
    return SmtpServer(
        host=parts.hostname or "localhost",
        port=parts.port or (465 if implicit_tls else 25),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        implicit_tls=implicit_tls,
        starttls=query.get("starttls", ["0"])[0].lower() in ("1", "true", "yes"),
    )


def send(settings: Settings, mail: OutgoingMail) -> None:
    """Hand ``mail`` to the configured relay; raise ``PermanentMailError`` when it is refused for good."""
    server = parse_smtp_url(settings.secret("itwg_smtp_url") or "")
    message = compose(mail, sender=settings.itwg_mail_from or "")
    context = ssl.create_default_context()
    try:
        if server.implicit_tls:
            connection: smtplib.SMTP = smtplib.SMTP_SSL(
                server.host, server.port, timeout=TIMEOUT_SECONDS, context=context
            )
        else:
            connection = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT_SECONDS)
        with connection:
            if server.starttls:
                connection.starttls(context=context)
            if server.username:
                connection.login(server.username, server.password or "")
            try:
                connection.send_message(message)
            except (smtplib.SMTPServerDisconnected, TimeoutError, ConnectionError) as error:
                raise MailOutcomeUnknown(
                    f"no answer from the mail server ({type(error).__name__})"
                ) from error
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _ in error.recipients.values()]
        if all(code >= 500 for code in codes):
            raise PermanentMailError(f"{codes[0]} recipient refused: {mail.to}") from error
        raise
    except smtplib.SMTPResponseException as error:
        if error.smtp_code >= 500:
            text = error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) else ""
            raise PermanentMailError(f"{error.smtp_code} {text}".strip()) from error
        raise
