"""Personal links in e-mails, signed so they cannot be forged or altered.

A sharing link names a contact, a one-time nonce and its expiry; an unsubscribe link names an
address and never expires (an old e-mail's line must still work). Both are
``base64url(payload).base64url(HMAC-SHA256)``; the key is ``Settings.link_key``.
"""

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.settings import Settings


class BadLink(Exception):
    """A link that was forged or altered; the message is what the page says."""


class ExpiredLink(BadLink):
    """A genuine link whose time has passed."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(key: bytes, payload: str) -> str:
    body = _b64(payload.encode())
    return f"{body}.{_b64(hmac.new(key, body.encode(), hashlib.sha256).digest())}"


def _verify(key: bytes, token: str) -> str:
    body, _, mac = token.partition(".")
    expected = _b64(hmac.new(key, body.encode(), hashlib.sha256).digest())
    if not mac or not hmac.compare_digest(mac, expected):
        raise BadLink("This link is not one the ITWG bot sent, or it was cut short.")
    try:
        return _unb64(body).decode()
    except (ValueError, UnicodeDecodeError):
        raise BadLink("This link is not one the ITWG bot sent, or it was cut short.") from None


@dataclass(frozen=True)
class ShareLink:
    contact_id: int
    nonce: str
    expires_at: datetime


def share_token(settings: Settings, *, contact_id: int, now: datetime) -> str:
    expires = now + timedelta(days=settings.itwg_share_link_days)
    payload = f"share:{contact_id}:{secrets.token_urlsafe(16)}:{int(expires.timestamp())}"
    return _sign(settings.link_key(), payload)


def read_share_token(settings: Settings, token: str, *, now: datetime) -> ShareLink:
    parts = _verify(settings.link_key(), token).split(":")
    if len(parts) != 4 or parts[0] != "share" or not parts[1].isdigit() or not parts[3].isdigit():
        raise BadLink("This link is not a sharing link.")
    expires = datetime.fromtimestamp(int(parts[3]), tz=UTC)
    if now >= expires:
        raise ExpiredLink("This link has expired. The next reminder e-mail will bring a new one.")
    return ShareLink(contact_id=int(parts[1]), nonce=parts[2], expires_at=expires)


def unsubscribe_token(settings: Settings, *, email: str) -> str:
    return _sign(settings.link_key(), f"unsubscribe:{email.strip().lower()}")


def read_unsubscribe_token(settings: Settings, token: str) -> str:
    kind, _, email = _verify(settings.link_key(), token).partition(":")
    if kind != "unsubscribe" or "@" not in email:
        raise BadLink("This link is not an unsubscribe link.")
    return email


def unsubscribe_url(settings: Settings, *, email: str) -> str:
    return f"{settings.itwg_web_url}/unsubscribe/{unsubscribe_token(settings, email=email)}"


def share_url(settings: Settings, *, contact_id: int, now: datetime) -> str:
    return f"{settings.itwg_web_url}/share/{share_token(settings, contact_id=contact_id, now=now)}"
