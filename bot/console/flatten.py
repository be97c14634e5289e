"""Block Kit as readable terminal text."""

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.parsing import unescape_slack_text

DATE_TOKEN = re.compile(r"<!date\^(\d+)\^[^|>]*\|[^>]*>")
USER_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
LINK = re.compile(r"<(https?://[^|>]+)\|([^>]+)>")
CHANNEL = re.compile(r"<#([CG][A-Z0-9]+)(?:\|[^>]*)?>")


def mrkdwn_to_text(text: str, *, timezone: str = "UTC", names: dict[str, str] | None = None) -> str:
    tz = ZoneInfo(timezone)

    def date(match: re.Match) -> str:
        moment = datetime.fromtimestamp(int(match.group(1)), UTC).astimezone(tz)
        return moment.strftime("%a %d %b %Y %H:%M %Z")

    text = DATE_TOKEN.sub(date, text)
    text = USER_MENTION.sub(lambda m: "@" + (names or {}).get(m.group(1), m.group(1)), text)
    text = LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})", text)
    text = CHANNEL.sub(lambda m: "#" + m.group(1), text)
    return unescape_slack_text(text)


def _text(obj: Any, **kw: Any) -> str:
    if not isinstance(obj, dict):
        return ""
    text = obj.get("text", "")
    return mrkdwn_to_text(text, **kw) if obj.get("type") == "mrkdwn" else text


# Given a button and its block, the number the console shows it under (for ``/press N``).
Numbering = Callable[[dict[str, Any], dict[str, Any]], int]


def _element_label(element: dict[str, Any], block: dict[str, Any], number: Numbering | None) -> str:
    if element.get("type") == "button":
        label = element.get("text", {}).get("text", "")
        return f"[{number(element, block)} {label}]" if number else f"[{label}]"
    return f"[{element.get('type', '?')}]"


def flatten_blocks(blocks: list[dict[str, Any]], *, number: Numbering | None = None, **kw: Any) -> str:
    """Blocks as lines of text; with ``number``, each button shows the number that presses it."""
    lines: list[str] = []
    for block in blocks or []:
        kind = block.get("type")
        if kind == "header":
            lines.append(f"== {_text(block.get('text'), **kw)} ==")
        elif kind == "section":
            if block.get("text"):
                lines.append(_text(block["text"], **kw))
            lines.extend("  " + _text(field, **kw) for field in block.get("fields", []))
            if isinstance(block.get("accessory"), dict):
                lines.append("  " + _element_label(block["accessory"], block, number))
        elif kind == "context":
            lines.append("  " + "  ".join(_text(e, **kw) for e in block.get("elements", [])))
        elif kind == "divider":
            lines.append("-" * 40)
        elif kind == "actions":
            lines.append("  " + " ".join(_element_label(e, block, number) for e in block.get("elements", [])))
        elif kind == "rich_text":
            lines.append(str(block))
    return "\n".join(lines)


def flatten_message(message: dict[str, Any], *, number: Numbering | None = None, **kw: Any) -> str:
    if message.get("blocks"):
        return flatten_blocks(message["blocks"], number=number, **kw)
    return mrkdwn_to_text(message.get("text", ""), **kw)
