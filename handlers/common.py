"""What every listener shares: the request as a listener sees it (``Turn``), the ack parts that open a
modal in time, and the one error path from a refusal to the person who asked.

A listener is an ack part, run while Slack waits, and lazy parts, run by a worker
(``bot.work_queue``). Each lazy part is a function of one ``Turn``; ``lazy_part`` gives it the one rule
by which refusals (``UserError``) and failures reach the person: in the form they are waiting on, else
beside what they typed or clicked, else in a direct message.
"""

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.webhook import WebhookClient

from bot import identity, parsing, slack_profiles
from bot.actor import Actor
from bot.deps import Deps
from bot.errors import FieldErrors, UserError
from bot.failures import describe_failure
from bot.rendering import render_message, render_view
from bot.work_queue import REQUEST_KEY, hand_on, handed_on
from handlers.delivery import send_privately

logger = logging.getLogger(__name__)

EXPIRED_FORM = "Slack did not let me open the form in time. Please try again."


@dataclass
class Turn:
    """One person's request, as a listener part sees it: who, where, and how to answer them."""

    deps: Deps
    client: WebClient
    body: dict[str, Any]
    context: BoltContext
    respond: Respond | None = None

    @property
    def user_id(self) -> str:
        user = self.body.get("user") or {}
        return user.get("id") or self.body.get("user_id") or self.body["event"]["user"]

    @property
    def team_id(self) -> str | None:
        """The person's own workspace, by which (with their user id) the bot knows them. An event's
        wrapper names the workspace the app is installed in, not the person's: only the event's own
        ``user_team`` counts there."""
        if self.body.get("type") == "event_callback":
            return (self.body.get("event") or {}).get("user_team")
        user = self.body.get("user") or {}
        return user.get("team_id") or (self.body.get("team") or {}).get("id") or self.body.get("team_id")

    @property
    def channel_id(self) -> str | None:
        return self.body.get("channel_id") or (self.body.get("channel") or {}).get("id")

    @property
    def view(self) -> dict[str, Any]:
        return self.body.get("view") or {}

    @cached_property
    def metadata(self) -> dict[str, Any]:
        """A submitted modal's private metadata, when it is a JSON object."""
        try:
            metadata = json.loads(self.view.get("private_metadata") or "{}")
        except json.JSONDecodeError:
            return {}
        return metadata if isinstance(metadata, dict) else {}

    def metadata_text(self, key: str) -> str | None:
        """A text value of the metadata; None when missing or not text (a form tampered with)."""
        value = self.metadata.get(key)
        return value if isinstance(value, str) else None

    @property
    def values(self) -> dict[str, Any]:
        return form_values((self.view.get("state") or {}).get("values") or {})

    @property
    def request_key(self) -> str | None:
        """The ledger key of this request, by which a repeated lazy part finds what it stored before."""
        return self.context.get(REQUEST_KEY)

    @cached_property
    def actor(self) -> Actor:
        """The person, registered on first contact (which may ask Slack for their profile)."""
        return slack_profiles.resolve(
            self.deps, self.client, slack_user_id=self.user_id, team_id=self.team_id
        )

    def known_actor(self) -> Actor | None:
        """The person if the bot has met them, from one read: what an ack part may afford."""
        return identity.known_actor(self.deps, slack_user_id=self.user_id, team_id=self.team_id)

    @property
    def opened_view(self) -> dict[str, Any] | None:
        return handed_on(self.context, "view")

    def show_form(self, view: dict[str, Any]) -> None:
        """Replace the loading view the ack part opened by ``view``."""
        opened = self.opened_view
        assert opened is not None, "show_form needs an ack part that opened a loading view"
        self.client.views_update(view_id=opened["id"], hash=opened.get("hash"), view=view)

    def reply(self, message: dict[str, Any]) -> None:
        """An answer only this person sees: beside what they typed or clicked (or where they opened the
        form they submitted), else in a direct message."""
        response_url = self.body.get("response_url") or self.metadata_text("response_url")
        tell(self.client, response_url=response_url, user_id=self.user_id, message=message)

    def refuse(self, reason: str) -> None:
        """The one way a refusal or failure reaches the person, wherever they are waiting."""
        opened = self.opened_view
        if opened is not None:
            self.show_form(render_view("modal_refused.json.j2", title=opened["title"], message=reason))
        elif self.body.get("type") == "view_submission":
            title = (self.view.get("title") or {}).get("text") or "the form"
            self.reply(render_message("submission_refused.json.j2", title=title, errors=[reason]))
        else:
            self.reply(render_message("error.json.j2", message=reason))


def clicked_number(body: dict[str, Any], *, refusal: str) -> int:
    """The record number a button carries; a value that is not one (a button tampered with) is
    refused with ``refusal`` rather than looked up as a record that cannot exist."""
    number = parsing.whole_number(body["actions"][0].get("value"))
    if number is None:
        raise UserError(refusal)
    return number


def turn_of(body: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond | None) -> Turn:
    return Turn(deps=context["deps"], client=client, body=body, context=context, respond=respond)


def lazy_part(function: Callable[[Turn], None]) -> Callable[..., None]:
    """A lazy part of a listener, given its ``Turn`` and answering every refusal and failure by
    ``Turn.refuse``. Keeps the function's name: Bolt finds a lazy part by it."""

    def run(body: dict, client: WebClient, context: BoltContext, respond: Respond | None) -> None:
        turn = turn_of(body, client, context, respond)
        try:
            function(turn)
        except UserError as error:
            turn.refuse(str(error))
        except Exception as error:
            logger.exception("%s failed", function.__name__)
            turn.refuse(describe_failure(error))

    run.__name__ = run.__qualname__ = function.__name__
    run.__doc__ = function.__doc__
    return run


def acknowledge(ack: Ack) -> None:
    """The ack part of a listener whose work is all done by its lazy parts."""
    ack()


def open_loading(turn: Turn, title: str) -> bool:
    """Use the trigger at once (it works once, for about 3 s) for a "one moment" view, and leave it to
    the lazy part to fill. False when Slack refused (the trigger expired)."""
    try:
        opened = turn.client.views_open(
            trigger_id=turn.body["trigger_id"], view=render_view("modal_loading.json.j2", title=title)
        )["view"]
    except SlackApiError as error:
        logger.warning("views.open failed: %s", error.response.get("error"))
        hand_on(turn.context, stop=True)
        return False
    hand_on(turn.context, view={"id": opened["id"], "hash": opened.get("hash"), "title": title})
    return True


def opening_form(title_of: Callable[[dict[str, Any]], str]) -> Callable[..., None]:
    """The ack part of a button or shortcut that opens a form: a loading view titled for the payload."""

    def open_form(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
        ack()
        open_loading(turn_of(body, client, context, None), title_of(body))

    return open_form


def checking_submission(check: Callable[[Turn], None], *, block_id: str) -> Callable[..., None]:
    """The ack part of a modal submission: ``check`` the answers (and what a database read can tell)
    while the modal is still open, so any problem stands beside its field; nothing is stored here."""

    def check_submission(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
        try:
            check(turn_of(body, client, context, None))
        except FieldErrors as error:
            ack(response_action="errors", errors=error.errors)
            return
        except UserError as error:
            ack(response_action="errors", errors={block_id: str(error)})
            return
        except Exception as error:
            logger.exception("checking a %s submission failed", body["view"].get("callback_id"))
            ack(response_action="errors", errors={block_id: describe_failure(error)})
            return
        ack()

    return check_submission


def form_values(state_values: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Each input block's answer by block id: text, a chosen option's value, a list of values, a
    date, a time or a user id; None when left empty."""
    values: dict[str, Any] = {}
    for block_id, elements in state_values.items():
        for element in elements.values():
            if "selected_options" in element:
                values[block_id] = [option["value"] for option in element["selected_options"] or []]
            elif "selected_option" in element:
                option = element["selected_option"]
                values[block_id] = option["value"] if option else None
            else:
                answer_key = next(
                    (key for key in ("selected_date", "selected_time", "selected_user") if key in element),
                    "value",
                )
                values[block_id] = element.get(answer_key)
    return values


def tell(client: WebClient, *, response_url: str | None, user_id: str, message: dict[str, Any]) -> None:
    """Answer where the person started (ephemeral, via the response URL), else in a direct message."""
    if isinstance(response_url, str) and response_url.startswith(("https://", "http://")):
        try:
            response = WebhookClient(response_url).send(
                text=message["text"],
                blocks=message["blocks"],
                response_type="ephemeral",
                replace_original=False,
            )
        except (SlackRequestError, ValueError, OSError) as error:
            # A response URL from a form's metadata may have been tampered with: not a usable address.
            logger.warning("response_url could not be used (%s); sending a direct message instead", error)
        else:
            if response.status_code == 200:
                return
            logger.warning("response_url answered %s; sending a direct message instead", response.status_code)
    send_privately(client, user_id=user_id, message=message)
