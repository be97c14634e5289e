"""Block Kit's limits, enforced on every payload after rendering.

Builders paginate so that these rarely bite; this is the guarantee that a long title or a surprise
amount of data degrades into a shortened message rather than a Slack error.
"""

import copy
from typing import Any

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
SECTION_TEXT = 3000
SECTION_FIELDS = 10
FIELD_TEXT = 2000
HEADER_TEXT = 150
BUTTON_TEXT = 75
CONTEXT_ELEMENTS = 10
MODAL_TITLE = 24
MODAL_BUTTON = 24
FALLBACK_TEXT = 3000
PRIVATE_METADATA = 3000
OPTION_TEXT = 75
OPTIONS = 100
# Slack rejects messages whose blocks add up to much more than this (msg_blocks_too_long).
MESSAGE_CHARACTERS = 12_000


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _clip_text_object(obj: dict[str, Any] | None, limit: int) -> None:
    if isinstance(obj, dict) and isinstance(obj.get("text"), str):
        obj["text"] = _clip(obj["text"], limit)


def _initial_values(element: dict[str, Any]) -> set[str]:
    chosen = element.get("initial_options")
    chosen = chosen if isinstance(chosen, list) else [element.get("initial_option")]
    return {option["value"] for option in chosen if isinstance(option, dict) and "value" in option}


def _fit_options(element: dict[str, Any]) -> None:
    """Cut a select's options to Slack's 100 without ever dropping one that is initially selected:
    Slack refuses a view whose initial selection is not among its options (``invalid_arguments``)."""
    options = element.get("options")
    if not isinstance(options, list) or len(options) <= OPTIONS:
        return
    initial = _initial_values(element)
    room = OPTIONS - sum(1 for option in options if option.get("value") in initial)
    kept = []
    for option in options:
        if option.get("value") in initial:
            kept.append(option)
        elif room > 0:
            kept.append(option)
            room -= 1
    element["options"] = kept[:OPTIONS]


def fit_options(options: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Options as Slack accepts them: at most 100, each text at most 75 characters."""
    options = options[:OPTIONS]
    for option in options:
        _clip_text_object(option.get("text"), OPTION_TEXT)
    return options


def _fit_element(element: dict[str, Any]) -> None:
    """Clip an element's texts; an initial option is clipped exactly as its twin in the options, since
    Slack matches them by text as well as value."""
    if element.get("type") == "button":
        _clip_text_object(element.get("text"), BUTTON_TEXT)
    _fit_options(element)
    if isinstance(element.get("initial_options"), list):
        element["initial_options"] = element["initial_options"][:OPTIONS]
    chosen = [
        element.get("initial_option"),
        *(element.get("options") or []),
        *(element.get("initial_options") or []),
    ]
    for option in chosen:
        if isinstance(option, dict):
            _clip_text_object(option.get("text"), OPTION_TEXT)


def _fit_block(block: dict[str, Any]) -> None:
    kind = block.get("type")
    if kind == "section":
        _clip_text_object(block.get("text"), SECTION_TEXT)
        if isinstance(block.get("fields"), list):
            block["fields"] = block["fields"][:SECTION_FIELDS]
            for field in block["fields"]:
                _clip_text_object(field, FIELD_TEXT)
        if isinstance(block.get("accessory"), dict):
            _fit_element(block["accessory"])
    elif kind == "header":
        _clip_text_object(block.get("text"), HEADER_TEXT)
    elif kind == "context" and isinstance(block.get("elements"), list):
        block["elements"] = block["elements"][:CONTEXT_ELEMENTS]
        for element in block["elements"]:
            _clip_text_object(element, SECTION_TEXT)
    elif kind == "actions":
        for element in block.get("elements", []):
            _fit_element(element)
    elif kind == "input" and isinstance(block.get("element"), dict):
        _fit_element(block["element"])


def _overflow_notice(hidden: int) -> dict[str, Any]:
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": f"…{hidden} more not shown here."}],
    }


def _fit_blocks(blocks: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    for block in blocks:
        _fit_block(block)
    if len(blocks) > limit:
        blocks = [*blocks[: limit - 1], _overflow_notice(len(blocks) - (limit - 1))]
    return blocks


def _size(blocks: list[dict[str, Any]]) -> int:
    return sum(len(str(block)) for block in blocks)


def holds_whole(message: dict[str, Any]) -> bool:
    """Whether the message's blocks fit Block Kit's limits with none left out (clipped texts aside)."""
    blocks = message.get("blocks", [])
    return len(blocks) <= MESSAGE_BLOCKS and _size(_fit_blocks(copy.deepcopy(blocks), MESSAGE_BLOCKS)) <= (
        MESSAGE_CHARACTERS
    )


def fit_message(message: dict[str, Any]) -> dict[str, Any]:
    blocks = _fit_blocks(message.get("blocks", []), MESSAGE_BLOCKS)
    if _size(blocks) > MESSAGE_CHARACTERS:
        kept: list[dict[str, Any]] = []
        used = 0
        for block in blocks:
            used += _size([block])
            if used > MESSAGE_CHARACTERS - 200:
                break
            kept.append(block)
        blocks = [*kept, _overflow_notice(len(blocks) - len(kept))]
    message["blocks"] = blocks
    message["text"] = _clip(message.get("text", ""), FALLBACK_TEXT)
    return message


def fit_view(view: dict[str, Any]) -> dict[str, Any]:
    view["blocks"] = _fit_blocks(view.get("blocks", []), VIEW_BLOCKS)
    for key, limit in (("title", MODAL_TITLE), ("submit", MODAL_BUTTON), ("close", MODAL_BUTTON)):
        _clip_text_object(view.get(key), limit)
    if isinstance(view.get("private_metadata"), str) and len(view["private_metadata"]) > 3000:
        raise ValueError("private_metadata over 3,000 characters; store state in the database")
    return view
