"""Every Slack message and view is rendered from a jinja2 template under one Environment.

Templates are JSON with ``{{ }}`` placed inside string literals. Every expression passes through
``_finalize``, which escapes it for mrkdwn (``&``, ``<``, ``>``) and for JSON, so user text can never
ping ``<!channel>`` or break the payload, whether or not a template remembers to ask. Text the code
built itself and trusts (dates, mentions) is marked ``Mrkdwn``; text bound for ``plain_text`` fields
and input values is marked with the ``plain`` filter so it round-trips unchanged.
"""

import json
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from functools import cache
from typing import Any, TypeVar

from jinja2 import Environment, PackageLoader, StrictUndefined

from bot import vocabulary
from bot.blockkit import OPTIONS, fit_message, fit_view, holds_whole

T = TypeVar("T")
USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
FORMATTING_MARK = re.compile(r"([*_~`])")
ZERO_WIDTH_JOINER = "\u200d"
CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")


class Mrkdwn(str):
    """Text already safe to put in mrkdwn."""


class Plain(str):
    """Text for a plain_text field or an input's value: not mrkdwn, so not escaped for it."""


class RawJSON(str):
    """A JSON fragment produced by the ``json`` filter, inserted as is."""


def escape_mrkdwn(value: object) -> Mrkdwn:
    """The one mrkdwn filter: Slack's three control characters, and nothing else."""
    if isinstance(value, Mrkdwn):
        return value
    text = "" if value is None else str(value)
    return Mrkdwn(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def inert(value: object) -> Mrkdwn:
    """User text set inside formatting (a title in bold): escaped like any user text, and each of
    mrkdwn's marks (``*``, ``_``, ``~``, `````) in it held between zero-width joiners, so that it can
    neither close the bold around it nor open formatting of its own. What is stored is unchanged."""
    return Mrkdwn(FORMATTING_MARK.sub(rf"{ZERO_WIDTH_JOINER}\1{ZERO_WIDTH_JOINER}", escape_mrkdwn(value)))


def quoted(value: object) -> Mrkdwn:
    """User text as a mrkdwn block quote: escaped, each of its lines marked, so that a text of several
    lines is quoted whole rather than its first line only."""
    return Mrkdwn("\n".join(">" + line for line in escape_mrkdwn(value).split("\n")))


def _json_string_body(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)[1:-1]


def _finalize(value: object) -> str:
    if isinstance(value, RawJSON):
        return value
    if value is None:
        return ""
    if isinstance(value, Plain):
        return _json_string_body(value)
    return _json_string_body(escape_mrkdwn(value))


def plain(value: object) -> Plain:
    return Plain("" if value is None else str(value))


def to_json(value: object) -> RawJSON:
    return RawJSON(json.dumps(value, ensure_ascii=False, default=str))


def slack_date(moment: datetime, token: str = "{date_short_pretty} at {time}") -> Mrkdwn:
    """A date every reader sees in their own timezone, with a UTC fallback for old clients."""
    fallback = moment.strftime("%Y-%m-%d %H:%M UTC")
    return Mrkdwn(f"<!date^{int(moment.timestamp())}^{token}|{fallback}>")


def slack_day(day: date) -> Mrkdwn:
    """A calendar date (no time): shown as written, the same for every reader."""
    return Mrkdwn(day.strftime("%a %d %b %Y"))


def user_mention(slack_user_id: str) -> Mrkdwn:
    if not USER_ID.match(slack_user_id or ""):
        return escape_mrkdwn(slack_user_id)
    return Mrkdwn(f"<@{slack_user_id}>")


def channel_mention(channel_id: str) -> Mrkdwn:
    if not CHANNEL_ID.match(channel_id or ""):
        return escape_mrkdwn(channel_id)
    return Mrkdwn(f"<#{channel_id}>")


def link(url: str | None, label: object) -> Mrkdwn:
    """A mrkdwn link to an http(s) URL checked at input; the label is escaped like any user text."""
    text = escape_mrkdwn(label)
    if not url or not url.startswith(("http://", "https://")) or any(c in url for c in "<>| "):
        return text
    return Mrkdwn(f"<{url}|{text.replace('|', '¦')}>")


def clip(value: object, limit: int) -> str:
    text = "" if value is None else str(value)
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)] + "…"


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """``1 decision``, ``2 decisions``: people read counts as words, not as ``decision(s)``."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


def label_filter(mapping: dict[str, str]) -> Callable[[object], str]:
    """A template filter showing vocabulary codes (one, or a list) as their labels; unknown codes as is."""

    def labels(codes: object) -> str:
        if isinstance(codes, str):
            return mapping.get(codes, codes)
        return ", ".join(mapping.get(code, code) for code in codes or [])

    return labels


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("bot", "templates"),
        undefined=StrictUndefined,
        autoescape=False,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        mrkdwn=escape_mrkdwn,
        inert=inert,
        quoted=quoted,
        plain=plain,
        json=to_json,
        slack_date=slack_date,
        slack_day=slack_day,
        mention=user_mention,
        channel=channel_mention,
        link=link,
        clip=clip,
        counted=counted,
        objectives=label_filter(vocabulary.OBJECTIVES),
        continuum=label_filter(vocabulary.CONTINUUM),
        populations=label_filter(vocabulary.POPULATIONS),
        initiative_status=label_filter(vocabulary.INITIATIVE_STATUSES),
        visibility=label_filter(vocabulary.VISIBILITY),
        role=label_filter(vocabulary.ROLES),
        places=vocabulary.place_labels,
    )
    env.globals.update(vocabulary=vocabulary, max_options=OPTIONS)
    return env


def _render_json(template_name: str, context: dict[str, Any]) -> Any:
    text = environment().get_template(template_name).render(**context)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"template {template_name} rendered invalid JSON: {error}") from error


def render_message(template_name: str, **context: Any) -> dict[str, Any]:
    """A chat message: ``{"text": fallback, "blocks": [...]}`` within Block Kit's limits."""
    return fit_message(_render_json(template_name, context))


def render_list_message(
    template_name: str, items: Sequence[T], context: Callable[[Sequence[T]], dict[str, Any]]
) -> dict[str, Any]:
    """A message listing the first of ``items``, as many as Block Kit's limits hold whole, so that
    what the template says of them ("the oldest 7 shown", "the newest 4 of 300") stays true and no
    entry loses its buttons. ``context`` builds the template's context from the items shown."""
    shown = len(items)
    while True:
        message = _render_json(template_name, context(items[:shown]))
        if shown <= 1 or holds_whole(message):
            return fit_message(message)
        shown -= 1


def render_view(template_name: str, **context: Any) -> dict[str, Any]:
    """A modal or Home tab view within Block Kit's limits."""
    return fit_view(_render_json(template_name, context))
