"""People at a terminal, talking to the real App through a local stand-in for Slack.

Lines typed (or piped) as ``/itwg …`` become signed slash-command requests dispatched through the
same App as production; whatever the App sends to Slack is printed as text, every button numbered.
A modal the App opens is filled in at prompts, field by field, and submitted as a real
``view_submission``. Console lines of its own: ``/as EMAIL`` switches person (each e-mail keeps one
Slack user id, run after run), ``/press N`` presses button N, ``/tick TIME`` runs the clock's tick at
that time against the same stand-in. ``@name`` resolves to a known person; files the App uploads
are saved in a folder the console names.
"""

import hashlib
import json
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from pydantic import SecretStr
from slack_bolt import App, BoltRequest
from slack_sdk import WebClient
from sqlmodel import select

from bot import parsing
from bot.app import create_app
from bot.console.flatten import flatten_blocks, flatten_message
from bot.deps import Deps
from bot.local_slack import LocalSlack, SlackUser
from bot.queue import make_huey
from bot.settings import Settings
from bot.signing import command_body, interaction_body, signed_headers
from bot.tick import describe, tick
from storage.db import make_engine, read_scope
from storage.models import Person

CONSOLE_CHANNEL_ID = "CCONSOLE1"
FILES_FOLDER = "itwg-console-files"
TYPED_MENTION = re.compile(r"(?<![<\w])@([A-Za-z0-9][\w.\-]*)")


def console_user_id(email: str) -> str:
    """One Slack user id per e-mail, the same in every run: the bot knows people by it."""
    return "U" + hashlib.sha256(email.strip().lower().encode()).hexdigest()[:10].upper()


@dataclass(frozen=True)
class Button:
    """A button the console showed, and where it was: what ``/press N`` sends back to the App."""

    element: dict[str, Any]
    block_id: str
    container: dict[str, Any]
    view: dict[str, Any] | None = None


SHOWN_METHODS = {
    "chat.postMessage",
    "chat.postEphemeral",
    "chat.update",
    "response_url",
    "files.completeUploadExternal",
}


class ConsoleSession:
    """State for one console run: the local Slack, the App, and who is typing."""

    def __init__(
        self,
        settings: Settings,
        *,
        email: str,
        ask: Callable[[str], str | None],
        out: TextIO,
    ) -> None:
        self.ask = ask
        self.out = out
        self.slack = LocalSlack().start()
        self.secret = secrets.token_hex(16)
        channel = settings.itwg_channel or CONSOLE_CHANNEL_ID
        self.settings = settings.model_copy(
            update={
                "slack_signing_secret": SecretStr(self.secret),
                "slack_bot_token": SecretStr("xoxb-offline-console"),
                "slack_api_url": self.slack.api_url,
                "itwg_channel": channel,
            }
        )
        self.channel = channel
        self.slack.channel_members[channel] = []
        self.user = self._person(email)
        self.buttons: list[Button] = []
        self.files = Path(FILES_FOLDER).resolve()
        self.deps = Deps(settings=self.settings, engine=make_engine(self.settings.database_url))
        client = WebClient(token="xoxb-offline-console", base_url=self.slack.api_url)
        # Tasks run at once, in this thread: each line's work is done when it has been dispatched.
        huey = make_huey(self.settings, immediate=True)
        self.client = client
        self.app: App = create_app(self.settings, client, huey=huey, deps=self.deps)
        self._seen = 0

    def _person(self, email: str) -> SlackUser:
        """The stand-in's user for an e-mail (added on first use), a member of the channel."""
        user_id = console_user_id(email)
        user = self.slack.users.get(user_id) or self.slack.add_user(
            SlackUser(id=user_id, name=email.split("@")[0], email=email, tz=self.settings.itwg_timezone)
        )
        if user_id not in self.slack.channel_members[self.channel]:
            self.slack.channel_members[self.channel].append(user_id)
        return user

    def close(self) -> None:
        self.slack.stop()
        self.deps.engine.dispose()

    # -- output --------------------------------------------------------------------------------
    def print(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def _flatten(self, message: dict[str, Any], container: dict[str, Any] | None = None) -> str:
        return flatten_message(
            message, timezone=self.user.tz or "UTC", names=self._names(), number=self._numbering(container)
        )

    def _numbering(self, container: dict[str, Any] | None, view: dict[str, Any] | None = None):
        """Number each button shown in ``container`` so that ``/press N`` can press it."""
        if container is None:
            return None

        def number(element: dict[str, Any], block: dict[str, Any]) -> int:
            self.buttons.append(
                Button(element=element, block_id=block.get("block_id", ""), container=container, view=view)
            )
            return len(self.buttons)

        return number

    def _names(self) -> dict[str, str]:
        """Everyone's name by Slack user id: the people the bot knows, and the console's own."""
        with read_scope(self.deps.engine) as session:
            names = {p.slack_user_id: p.display_name for p in session.exec(select(Person))}
        return {**names, **{user.id: user.name for user in self.slack.users.values()}}

    def _show_new_calls(self) -> list[dict[str, Any]]:
        """Print what the App sent since last time; return any views it opened."""
        calls = self.slack.calls[self._seen :]
        self._seen = len(self.slack.calls)
        views: list[dict[str, Any]] = []
        for call in calls:
            params = call.params
            if call.method in ("views.open", "views.push", "views.update"):
                views.append(params)
            elif call.method == "views.publish":
                view_id = (call.response.get("view") or {}).get("id", "VHOME")
                container = {"type": "view", "view_id": view_id}
                number = self._numbering(container, view={"id": view_id, "type": "home"})
                self.print("[App Home]\n" + flatten_blocks(params["view"].get("blocks", []), number=number))
            elif call.method in SHOWN_METHODS:
                self._print_message(call.method, params, call.response)
        return views

    def _print_message(self, method: str, params: dict[str, Any], response: dict[str, Any]) -> None:
        if method == "files.completeUploadExternal":
            comment = self._flatten({"text": params.get("initial_comment", "")})
            self.print(f"[file shared] {comment}".rstrip())
            self._save_files(params)
            return
        where = {
            "response_url": "(only you)",
            "chat.postEphemeral": "(only you)",
        }.get(method, f"[{self._names().get(params.get('channel', ''), params.get('channel', '?'))}]")
        container = {
            "type": "message",
            "channel_id": response.get("channel") or self.channel,
            "message_ts": response.get("ts") or response.get("message_ts") or "0",
        }
        self.print(f"{where} {self._flatten(params, container)}")

    def _save_files(self, params: dict[str, Any]) -> None:
        files = params.get("files")
        if isinstance(files, str):
            files = json.loads(files)
        for item in files or []:
            upload = self.slack.uploads.get(item.get("id", ""), {})
            name = Path(str(upload.get("filename") or item.get("id") or "file")).name
            self.files.mkdir(parents=True, exist_ok=True)
            path = self.files / name
            path.write_bytes(upload.get("content") or b"")
            self.print(f"  saved to {path}")

    # -- input ---------------------------------------------------------------------------------
    def run_line(self, line: str) -> None:
        line = line.strip()
        if not line or line.startswith("#"):
            return
        word, _, rest = line.partition(" ")
        if word == "/as":
            self.switch(rest.strip())
        elif word == "/press":
            self.press(rest.strip())
        elif word == "/tick":
            self.run_tick(rest.strip())
        elif word == "/itwg":
            self.dispatch_command(self._mentions(rest.strip()))
        else:
            self.print("Type /itwg help, /as EMAIL, /press N or /tick TIME (or Ctrl-D to leave).")
            return
        self._follow_views(self._show_new_calls())

    def switch(self, email: str) -> None:
        if "@" not in email:
            self.print("Say whom to play by e-mail, e.g. /as focal.point@ilo.org")
            return
        self.user = self._person(email)
        self.print(f"(now {email})")

    def _mentions(self, text: str) -> str:
        """``@name`` as Slack would send it, ``<@U…|name>``, when it names a known person (by the
        start of their e-mail or their name without spaces); anything else stays as typed."""
        known: dict[str, str] = {}
        with read_scope(self.deps.engine) as session:
            for person in session.exec(select(Person)):
                known.setdefault(person.display_name.replace(" ", "").lower(), person.slack_user_id)
                if person.email:
                    known.setdefault(person.email.split("@")[0].lower(), person.slack_user_id)
        for user in self.slack.users.values():
            known.setdefault(user.name.replace(" ", "").lower(), user.id)

        def resolve(match: re.Match) -> str:
            user_id = known.get(match.group(1).lower())
            return f"<@{user_id}|{match.group(1)}>" if user_id else match.group(0)

        return TYPED_MENTION.sub(resolve, text)

    def press(self, text: str) -> None:
        number = parsing.whole_number(text)
        if number is None or not 1 <= number <= len(self.buttons):
            self.print(f"Press a button by its number, 1 to {len(self.buttons)}: /press N")
            return
        button = self.buttons[number - 1]
        payload: dict[str, Any] = {
            "type": "block_actions",
            "team": {"id": self.user.team_id},
            "user": {"id": self.user.id, "team_id": self.user.team_id, "name": self.user.name},
            "trigger_id": f"console.{time.time_ns()}",
            "response_url": self.slack.response_url(),
            "container": button.container,
            "channel": {"id": button.container.get("channel_id", self.channel)},
            "actions": [
                {
                    "type": "button",
                    "action_id": button.element.get("action_id", ""),
                    "block_id": button.block_id,
                    "value": button.element.get("value", ""),
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        }
        if button.view is not None:
            payload["view"] = button.view
        self.dispatch_interaction(payload)

    def run_tick(self, text: str) -> None:
        """The clock's tick at ``text`` (ISO 8601), sending to the stand-in as the clock would."""
        try:
            now = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            self.print("Give the tick's time as ISO 8601, e.g. /tick 2030-06-04T12:00Z")
            return
        if now.tzinfo is None:
            self.print("Give the tick's time with its offset, e.g. /tick 2030-06-04T12:00Z")
            return
        ahead = now > datetime.now(UTC)
        self.print(describe(tick(self.deps, self.client, now=now, ahead_of_present=ahead)))

    def dispatch_command(self, text: str) -> None:
        body = command_body(
            {
                "token": "offline",
                "team_id": self.user.team_id,
                "channel_id": self.channel,
                "user_id": self.user.id,
                "user_name": self.user.name,
                "command": "/itwg",
                "text": text,
                "response_url": self.slack.response_url(),
                "trigger_id": f"console.{time.time_ns()}",
            }
        )
        response = self.app.dispatch(BoltRequest(body=body, headers=signed_headers(self.secret, body)))
        self.slack.show_command_answer(response.body)

    def dispatch_interaction(self, payload: dict[str, Any]) -> dict[str, Any] | None:
        body = interaction_body(payload)
        response = self.app.dispatch(BoltRequest(body=body, headers=signed_headers(self.secret, body)))
        if response.body:
            try:
                return json.loads(response.body)
            except json.JSONDecodeError:
                return None
        return None

    def _follow_views(self, opened: list[dict[str, Any]]) -> None:
        while opened:
            params = opened.pop(0)
            view = params["view"]
            if view.get("callback_id") == "loading":  # replaced by the form, which follows
                continue
            if view.get("type") != "modal" or not _inputs(view):
                self.print(flatten_blocks(view.get("blocks", [])))
                continue
            view_id = params.get("view_id") or "VCONSOLE"
            answer = self._fill(view, view_id)
            if answer is None:
                self.print("(cancelled)")
                return
            opened.extend(self._show_new_calls())

    def _fill(self, view: dict[str, Any], view_id: str) -> dict[str, Any] | None:
        title = view.get("title", {}).get("text", "")
        self.print(f"── {title} ── (empty answer keeps the [default]; '.' cancels)")
        values: dict[str, Any] = {}
        pending = _inputs(view)
        while True:
            for block in pending:
                if block["element"]["type"] in EXTERNAL_SELECTS:
                    block = self._with_suggestions(block, view, view_id)
                    if block is None:
                        return None
                answer = _prompt_block(block, self.ask, self.print)
                if answer is _CANCEL:
                    return None
                values[block["block_id"]] = answer
            payload = {
                "type": "view_submission",
                "team": {"id": self.user.team_id},
                "user": {"id": self.user.id, "team_id": self.user.team_id},
                "trigger_id": f"console.{time.time_ns()}",
                "view": {
                    **view,
                    "id": view_id,
                    "hash": "h" + view_id,
                    "state": {"values": values},
                },
            }
            result = self.dispatch_interaction(payload) or {}
            if result.get("response_action") == "errors":
                errors: dict[str, str] = result.get("errors", {})
                for message in errors.values():
                    self.print(f"  ✗ {message}")
                pending = [b for b in _inputs(view) if b["block_id"] in errors] or _inputs(view)
                continue
            if result.get("response_action") in ("update", "push"):
                self._follow_views([{"view": result["view"], "view_id": view_id}])
            return result

    def _with_suggestions(
        self, block: dict[str, Any], view: dict[str, Any], view_id: str
    ) -> dict[str, Any] | None:
        """An external select as the console can show it: ask what to search for, then ask the app
        for the options, as Slack would while the person types. None when cancelled."""
        label = block.get("label", {}).get("text", block["block_id"])
        typed = self.ask(f"{label}: search (empty lists the first 100)> ")
        if typed is None or typed.strip() == ".":
            return None
        element = block["element"]
        payload = {
            "type": "block_suggestion",
            "team": {"id": self.user.team_id},
            "user": {"id": self.user.id, "team_id": self.user.team_id},
            "container": {"type": "view", "view_id": view_id},
            "action_id": element.get("action_id", "value"),
            "block_id": block["block_id"],
            "value": typed.strip(),
            "view": view,
        }
        options = (self.dispatch_interaction(payload) or {}).get("options", [])
        return {**block, "element": {**element, "options": options}}


_CANCEL = object()
EXTERNAL_SELECTS = ("external_select", "multi_external_select")


def _inputs(view: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for b in view.get("blocks", []) if b.get("type") == "input"]


def _option_text(option: dict[str, Any]) -> str:
    return option.get("text", {}).get("text", option.get("value", ""))


def _prompt_block(block: dict[str, Any], ask: Callable[[str], str | None], say: Callable[[str], None]) -> Any:
    element = block["element"]
    kind = element["type"]
    action_id = element.get("action_id", "value")
    label = block.get("label", {}).get("text", block["block_id"])
    optional = block.get("optional", False)
    options = element.get("options") or [
        option for group in element.get("option_groups", []) for option in group["options"]
    ]
    while True:
        if kind in ("static_select", "radio_buttons", "external_select"):
            default = element.get("initial_option")
            say(f"{label}:" + "".join(f"\n   {i}. {_option_text(o)}" for i, o in enumerate(options, 1)))
            hint = f" [{_option_text(default)}]" if default else ""
            raw = ask(f"  number{hint}{' (optional)' if optional else ''}> ")
        elif kind in ("multi_static_select", "checkboxes", "multi_external_select"):
            defaults = element.get("initial_options") or []
            say(f"{label}:" + "".join(f"\n   {i}. {_option_text(o)}" for i, o in enumerate(options, 1)))
            hint = f" [{', '.join(_option_text(o) for o in defaults)}]" if defaults else ""
            raw = ask(f"  numbers, comma-separated{hint}{' (optional)' if optional else ''}> ")
        else:
            default = (
                element.get("initial_value")
                or element.get("initial_date")
                or element.get("initial_time")
                or element.get("initial_user")
            )
            hint = f" [{default}]" if default else ""
            fmt = {"datepicker": " (YYYY-MM-DD)", "timepicker": " (HH:MM)"}.get(kind, "")
            raw = ask(f"{label}{fmt}{hint}{' (optional)' if optional else ''}> ")
        if raw is None or raw.strip() == ".":
            return _CANCEL
        raw = raw.strip()
        try:
            value = _element_value(element, kind, raw, options)
        except ValueError as error:
            say(f"  ✗ {error}")
            continue
        if value is None and not optional:
            say("  ✗ This field is required.")
            continue
        return {action_id: {"type": kind, **(value or _empty_value(kind))}}


def _pick(options: list[dict[str, Any]], token: str) -> dict[str, Any]:
    number = parsing.whole_number(token)
    if number is None or not 1 <= number <= len(options):
        raise ValueError(f"Choose a number from 1 to {len(options)}.")
    option = options[number - 1]
    return {"text": option["text"], "value": option["value"]}


def _element_value(element: dict[str, Any], kind: str, raw: str, options: list) -> dict | None:
    if kind in ("static_select", "radio_buttons", "external_select"):
        if not raw:
            default = element.get("initial_option")
            return {"selected_option": default} if default else None
        return {"selected_option": _pick(options, raw)}
    if kind in ("multi_static_select", "checkboxes", "multi_external_select"):
        if not raw:
            defaults = element.get("initial_options")
            return {"selected_options": defaults} if defaults else None
        return {"selected_options": [_pick(options, t.strip()) for t in raw.split(",") if t.strip()]}
    if kind == "datepicker":
        value = raw or element.get("initial_date")
        return {"selected_date": value} if value else None
    if kind == "timepicker":
        value = raw or element.get("initial_time")
        return {"selected_time": value} if value else None
    if kind == "users_select":
        value = raw or element.get("initial_user")
        return {"selected_user": value} if value else None
    value = raw or element.get("initial_value")
    return {"value": value} if value else None


def _empty_value(kind: str) -> dict[str, Any]:
    return {
        "static_select": {"selected_option": None},
        "external_select": {"selected_option": None},
        "multi_external_select": {"selected_options": []},
        "radio_buttons": {"selected_option": None},
        "multi_static_select": {"selected_options": []},
        "checkboxes": {"selected_options": []},
        "datepicker": {"selected_date": None},
        "timepicker": {"selected_time": None},
        "users_select": {"selected_user": None},
    }.get(kind, {"value": None})
