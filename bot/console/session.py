"""One person at a terminal, talking to the real App through a local stand-in for Slack.

Lines typed (or piped) as ``/itwg …`` become signed slash-command requests dispatched through the
same App as production; whatever the App sends to Slack is printed as text. A modal the App opens is
filled in at prompts, field by field, and submitted as a real ``view_submission``.
"""

import json
import secrets
import time
from collections.abc import Callable
from typing import Any, TextIO

from pydantic import SecretStr
from slack_bolt import App, BoltRequest
from slack_sdk import WebClient

from bot import parsing
from bot.app import create_app
from bot.console.flatten import flatten_blocks, flatten_message
from bot.deps import Deps
from bot.local_slack import LocalSlack, SlackUser
from bot.queue import make_huey
from bot.settings import Settings
from bot.signing import command_body, interaction_body, signed_headers
from storage.db import make_engine

CONSOLE_USER_ID = "UCONSOLE1"
CONSOLE_CHANNEL_ID = "CCONSOLE1"
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
        self.user = self.slack.add_user(
            SlackUser(id=CONSOLE_USER_ID, name=email.split("@")[0], email=email, tz=settings.itwg_timezone)
        )
        self.slack.channel_members[channel] = [CONSOLE_USER_ID]
        self.deps = Deps(settings=self.settings, engine=make_engine(self.settings.database_url))
        client = WebClient(token="xoxb-offline-console", base_url=self.slack.api_url)
        # Tasks run at once, in this thread: each line's work is done when it has been dispatched.
        huey = make_huey(self.settings, immediate=True)
        self.app: App = create_app(self.settings, client, huey=huey, deps=self.deps)
        self._seen = 0

    def close(self) -> None:
        self.slack.stop()
        self.deps.engine.dispose()

    # -- output --------------------------------------------------------------------------------
    def print(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def _flatten(self, message: dict[str, Any]) -> str:
        return flatten_message(message, timezone=self.user.tz or "UTC", names=self._names())

    def _names(self) -> dict[str, str]:
        return {user.id: user.name for user in self.slack.users.values()}

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
                self.print("[App Home]\n" + flatten_blocks(params["view"].get("blocks", [])))
            elif call.method in SHOWN_METHODS:
                self._print_message(call.method, params)
        return views

    def _print_message(self, method: str, params: dict[str, Any]) -> None:
        if method == "files.completeUploadExternal":
            comment = self._flatten({"text": params.get("initial_comment", "")})
            self.print(f"[file shared] {comment}".rstrip())
            return
        where = {
            "response_url": "(only you)",
            "chat.postEphemeral": "(only you)",
        }.get(method, f"[{params.get('channel', '?')}]")
        self.print(f"{where} {self._flatten(params)}")

    # -- input ---------------------------------------------------------------------------------
    def run_line(self, line: str) -> None:
        line = line.strip()
        if not line or line.startswith("#"):
            return
        if not line.startswith("/itwg"):
            self.print("Type a command such as /itwg help (or Ctrl-D to leave).")
            return
        text = line[len("/itwg") :].strip()
        self.dispatch_command(text)
        self._follow_views(self._show_new_calls())

    def dispatch_command(self, text: str) -> None:
        body = command_body(
            {
                "token": "offline",
                "team_id": self.user.team_id,
                "channel_id": self.settings.itwg_channel or CONSOLE_CHANNEL_ID,
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
