"""The one cleaning of what people type, wherever they type it: Slack's requests (through the
``handlers.middleware`` middleware) and the e-mail sharing page's form (``bot.share_page``).

Removed: C0 and C1 control characters except the newline, and the bidirectional embeddings,
overrides and isolates (U+202A–U+202E, U+2066–U+2069). PostgreSQL text cannot hold NUL, so a title
with one failed its insert; the others are invisible yet reach titles, exports and the public
registry, and an override makes a title read backwards wherever it is shown. Nobody types them on
purpose. A carriage return ends a line; a tab is a space. Newlines stay: multi-line fields hold
them, and single-line ones tidy them away themselves.
"""

import re
from typing import Any

_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SPACING = re.compile("\r\n?|\t")


def clean_typed(value: Any) -> Any:
    """``value`` without the characters above: a string, or every string in nested dicts and lists
    (a request body); anything else unchanged."""
    if isinstance(value, str):
        value = _SPACING.sub(lambda match: "\n" if match.group(0).startswith("\r") else " ", value)
        return _INVISIBLE.sub("", value)
    if isinstance(value, dict):
        return {key: clean_typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [clean_typed(item) for item in value]
    return value
