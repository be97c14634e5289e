"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps every message it accepts, parsed."""

import email
import email.policy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage

import icalendar
from aiosmtpd.controller import Controller

from tests.serving import free_port


@dataclass
class Mailbox:
    """What the server received; ``refuse`` makes it answer RCPT for these addresses with a code, and
    ``drop_answers`` keeps that many messages but closes the connection instead of answering."""

    host: str = "127.0.0.1"
    port: int = 0
    messages: list[EmailMessage] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)
    drop_answers: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return self.refuse[address.lower()]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)  # type: ignore[arg-type]
            dropped, self.drop_answers = self.drop_answers > 0, max(self.drop_answers - 1, 0)
        if dropped:
            server.transport.close()
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if m["To"] == address]


@contextmanager
def smtp_server() -> Iterator[Mailbox]:
    mailbox = Mailbox(port=free_port())
    controller = Controller(mailbox, hostname=mailbox.host, port=mailbox.port)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()


def calendar_part(message: EmailMessage) -> tuple[str, icalendar.Calendar]:
    """The ``text/calendar`` alternative's ``method`` parameter and its parsed calendar."""
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    return part.get_param("method"), icalendar.Calendar.from_ical(part.get_content())


def attached_ics(message: EmailMessage) -> bytes:
    [part] = [p for p in message.iter_attachments() if (p.get_filename() or "").endswith(".ics")]
    return part.get_content()


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()
