"""What people type, read the same way by every command: record numbers, dates and mentions.

Numbers are matched with an ASCII pattern rather than ``str.isdigit``, which accepts characters such
as "²" that ``int`` then refuses (an unexpected error instead of a helpful reply). Each caller keeps
its own wording for the reply, since it knows the command's usage.
"""

import re
from datetime import date

NUMBER = re.compile(r"[0-9]{1,9}")
RECORD_NUMBER = re.compile(r"#?([0-9]{1,9})")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# How Slack delivers "@person" typed in a command: <@U123> or <@U123|name>.
MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


class DateNotWritten(ValueError):
    """The text is not written YYYY-MM-DD."""


class DateDoesNotExist(ValueError):
    """Written YYYY-MM-DD, but no such day (2030-02-30, month 13)."""


def whole_number(text: object) -> int | None:
    """``"12"`` → 12; anything else (empty, signs, "²", more than nine digits, not text) → None.

    Nine digits keep every number within PostgreSQL's integer, so a record number typed or forged
    beyond it is "no such record", not a failed query."""
    match = NUMBER.fullmatch(text.strip()) if isinstance(text, str) else None
    return int(match.group(0)) if match else None


def record_number(text: str | None) -> int | None:
    """A record's number as the bot shows it, with or without its ``#``: ``"#12"`` → 12, else None."""
    match = RECORD_NUMBER.fullmatch((text or "").strip())
    return int(match.group(1)) if match else None


def iso_date(text: str) -> date:
    """A calendar date written YYYY-MM-DD that exists; raises DateNotWritten or DateDoesNotExist."""
    text = text.strip()
    if not ISO_DATE.fullmatch(text):
        raise DateNotWritten(text)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DateDoesNotExist(text) from None


def mentioned_user(token: str) -> str | None:
    """The user id when ``token`` is exactly one mention, else None."""
    match = MENTION.fullmatch(token.strip())
    return match.group(1) if match else None


def split_mention(text: str) -> tuple[str | None, str]:
    """The first mentioned user id (or None) and the rest of the text without it."""
    match = MENTION.search(text)
    if match is None:
        return None, text.strip()
    return match.group(1), (text[: match.start()] + text[match.end() :]).strip()


def unescape_slack_text(text: str) -> str:
    """Typed text as the person typed it: Slack sends ``&``, ``<`` and ``>`` as entities.

    Stored text is escaped again whenever it is shown, so without this an "R&D" title would be shown
    as "R&amp;D". Mentions (``<@U…>``) are real brackets and pass unchanged; ``&amp;`` goes last so
    "&amp;lt;" stays the "&lt;" that was typed.
    """
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
