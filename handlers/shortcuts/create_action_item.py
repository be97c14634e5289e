"""The message shortcut "Create ITWG action item": the creation modal, prefilled from the message."""

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot import parsing
from handlers.views.action_items import open_create_form

NOTES_MAX = 2900


def create_from_message(ack: Ack, body: dict, client: WebClient, context) -> None:
    ack()
    message = body.get("message") or {}
    # A message's text carries &, < and > as entities; the form shows plain text, so unescape them.
    text = parsing.unescape_slack_text(message.get("text") or "").strip()
    first_line = text.splitlines()[0] if text else ""
    open_create_form(
        context["deps"],
        client,
        trigger_id=body["trigger_id"],
        body=body,
        response_url=body.get("response_url"),
        title=first_line,
        notes=text[:NOTES_MAX] if text != first_line else "",
        source_link_of=(body["channel"]["id"], message.get("ts") or body.get("message_ts", "")),
    )


def register(app: App) -> None:
    app.shortcut("create_action_item")(create_from_message)
