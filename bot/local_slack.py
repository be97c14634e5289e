"""A Slack Web API stand-in on 127.0.0.1 that records every call and answers like Slack.

The offline console talks to it instead of a workspace, and the tests point ``SLACK_API_URL`` at it.
It serves the methods the bot uses, the ``response_url`` of commands, and the upload URLs of
``files_upload_v2``. Tests can queue failures: 429s with ``Retry-After``, or Slack errors by method.
"""

import contextlib
import itertools
import json
import socket
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class SlackUser:
    id: str
    name: str
    email: str | None = None
    tz: str | None = "Europe/Vienna"
    team_id: str = "T0ITWG"
    is_bot: bool = False
    deleted: bool = False

    def as_api(self) -> dict[str, Any]:
        profile: dict[str, Any] = {"real_name": self.name, "display_name": self.name}
        if self.email:
            profile["email"] = self.email
        user: dict[str, Any] = {
            "id": self.id,
            "team_id": self.team_id,
            "name": self.name.lower().replace(" ", "."),
            "real_name": self.name,
            "is_bot": self.is_bot,
            "deleted": self.deleted,
            "profile": profile,
        }
        if self.tz:
            user["tz"] = self.tz
        return user


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.time)
    # What the stand-in answered (a view's id, a message's ts), once it has.
    response: dict[str, Any] = field(default_factory=dict)


class LocalSlack:
    """The server plus its state. Use as a context manager, or ``start()`` / ``stop()``."""

    def __init__(self, *, latency: float = 0.0) -> None:
        # Seconds each answer takes, as Slack's own servers take some (tests of slow Slack, benchmarks).
        self.latency = latency
        self.calls: list[Call] = []
        self.users: dict[str, SlackUser] = {}
        self.channel_members: dict[str, list[str]] = {}
        self.uploads: dict[str, dict[str, Any]] = {}
        self._failures: dict[str, list[str]] = {}
        self._rate_limits: dict[str, list[int]] = {}
        self._dropped: dict[str, int] = {}
        self._lock = threading.Lock()
        # Notified whenever a call arrives, so tests wait for the call rather than for a fixed time.
        self._arrived = threading.Condition(self._lock)
        self._counter = itertools.count(1)
        self._ts = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.listeners: list = []

    # -- lifecycle ------------------------------------------------------------------------------
    def start(self) -> "LocalSlack":
        handler = type("Handler", (_Handler,), {"slack": self})
        self._server = _Server(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        # A short poll interval: stopping waits for the loop to notice, once per test using it.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.01,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> "LocalSlack":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def api_url(self) -> str:
        return self.base_url + "/api/"

    def response_url(self) -> str:
        return f"{self.base_url}/response/{next(self._counter)}"

    # -- test controls ----------------------------------------------------------------------------
    def add_user(self, user: SlackUser) -> SlackUser:
        self.users[user.id] = user
        return user

    def fail(self, method: str, error: str, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` with ``{"ok": false, "error": error}``."""
        with self._lock:
            self._failures.setdefault(method, []).extend([error] * times)

    def rate_limit(self, method: str, times: int, retry_after: int = 1) -> None:
        with self._lock:
            self._rate_limits.setdefault(method, []).extend([retry_after] * times)

    def drop_answers(self, method: str, times: int = 1) -> None:
        """Carry out the next ``times`` calls of ``method`` (a post is stored) but close the
        connection instead of answering, as when a network drops Slack's answer on its way back."""
        with self._lock:
            self._dropped[method] = self._dropped.get(method, 0) + times

    def answer_dropped(self, method: str) -> bool:
        with self._lock:
            if not self._dropped.get(method):
                return False
            self._dropped[method] -= 1
            return True

    def wait_for_calls(self, method: str, count: int, *, timeout: float = 60) -> list[Call]:
        """The calls of ``method`` once there are ``count`` of them, or when ``timeout`` passes."""
        with self._arrived:
            self._arrived.wait_for(
                lambda: sum(call.method == method for call in self.calls) >= count, timeout=timeout
            )
            return [call for call in self.calls if call.method == method]

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def clear(self) -> None:
        with self._lock:
            self.calls.clear()

    # -- request handling --------------------------------------------------------------------------
    def _take(self, queue: dict[str, list], method: str):
        with self._lock:
            pending = queue.get(method)
            return pending.pop(0) if pending else None

    def handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        retry_after = self._take(self._rate_limits, method)
        if retry_after is not None:
            with self._lock:
                self.calls.append(Call("rate_limited:" + method, params))
                self._arrived.notify_all()
            return 429, {"Retry-After": str(retry_after)}, {"ok": False, "error": "ratelimited"}
        call = Call(method, params)
        with self._lock:
            self.calls.append(call)
            self._arrived.notify_all()
        for listener in list(self.listeners):
            listener(method, params)
        error = self._take(self._failures, method)
        call.response = {"ok": False, "error": error} if error is not None else self._answer(method, params)
        return 200, {}, call.response

    def _next_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {"ok": True, "user_id": "UBOT", "bot_id": "BBOT", "team_id": "T0ITWG"}
        if method in ("chat.postMessage", "chat.update"):
            channel = params.get("channel") or ""
            if channel[:1] in ("U", "W"):  # posting to a user id lands in the bot's DM with them
                channel = "D" + channel.upper()[:20]
            return {"ok": True, "channel": channel, "ts": self._next_ts()}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self._next_ts()}
        if method == "chat.getPermalink":
            channel, ts = params.get("channel"), params.get("message_ts", "")
            url = f"https://itwg.slack.com/archives/{channel}/p{ts.replace('.', '')}"
            return {"ok": True, "permalink": url}
        if method in ("views.open", "views.update", "views.push", "views.publish"):
            view = params.get("view")
            if isinstance(view, str):
                view = json.loads(view)
            view_id = params.get("view_id") or f"V{next(self._counter):08d}"
            return {"ok": True, "view": {**(view or {}), "id": view_id, "hash": "h" + view_id}}
        if method == "users.info":
            user = self.users.get(params.get("user", ""))
            if user is None:
                return {"ok": False, "error": "user_not_found"}
            return {"ok": True, "user": user.as_api()}
        if method == "conversations.members":
            return self._members_page(params)
        if method == "conversations.open":
            users = params.get("users", "")
            return {"ok": True, "channel": {"id": "D" + users.replace(",", "").upper()[:20]}}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._counter):08d}"
            self.uploads[file_id] = {"filename": params.get("filename"), "content": b""}
            return {
                "ok": True,
                "upload_url": f"{self.base_url}/upload/{file_id}",
                "file_id": file_id,
            }
        if method == "files.completeUploadExternal":
            files = params.get("files")
            if isinstance(files, str):
                files = json.loads(files)
            for item in files or []:
                if item["id"] in self.uploads:
                    self.uploads[item["id"]]["title"] = item.get("title")
                    self.uploads[item["id"]]["channel_id"] = params.get("channel_id")
            return {"ok": True, "files": [{"id": f["id"]} for f in files or []]}
        return {"ok": True}

    def _members_page(self, params: dict[str, Any]) -> dict[str, Any]:
        members = self.channel_members.get(params.get("channel", ""), [])
        start = int(params.get("cursor") or 0)
        limit = int(params.get("limit") or 100)
        page = members[start : start + limit]
        following = start + limit
        cursor = str(following) if following < len(members) else ""
        return {"ok": True, "members": page, "response_metadata": {"next_cursor": cursor}}

    def record_upload(self, file_id: str, content: bytes) -> None:
        with self._lock:
            self.uploads.setdefault(file_id, {})["content"] = content
            self.calls.append(Call("upload", {"file_id": file_id, "size": len(content)}))
            self._arrived.notify_all()

    def show_command_answer(self, body: str | None) -> None:
        """What Slack does with a slash command's ack that carries a message: shows it to the person
        like a reply to the response URL, which is how it is recorded."""
        if body and body.startswith("{"):
            payload = json.loads(body)
            if "text" in payload or "blocks" in payload:
                self.record_response("ack", payload)

    def record_response(self, path: str, payload: dict[str, Any]) -> None:
        with self._lock:
            self.calls.append(Call("response_url", {"path": path, **payload}))
            self._arrived.notify_all()
        for listener in list(self.listeners):
            listener("response_url", payload)


class _Server(ThreadingHTTPServer):
    # The default backlog of 5 resets connections when many listeners call at once (load tests,
    # benchmarks); Slack itself never refuses a connection that way.
    request_queue_size = 256


class _Handler(BaseHTTPRequestHandler):
    slack: LocalSlack
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:  # keep test and console output clean
        return

    def _send(self, status: int, headers: dict[str, str], body: Any) -> None:
        data = json.dumps(body).encode() if not isinstance(body, bytes) else body
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def do_POST(self) -> None:
        raw = self._body()
        if self.slack.latency:
            time.sleep(self.slack.latency)
        path = urllib.parse.urlparse(self.path).path
        if path.startswith("/upload/"):
            self.slack.record_upload(path.rsplit("/", 1)[-1], raw)
            self._send(200, {}, b"OK")
            return
        content_type = self.headers.get("Content-Type", "")
        if "json" in content_type:
            params = json.loads(raw or b"{}")
        else:
            params = {k: v[-1] for k, v in urllib.parse.parse_qs(raw.decode()).items()}
        if path.startswith("/response/"):
            self.slack.record_response(path, params)
            self._send(200, {}, {"ok": True})
            return
        method = path.removeprefix("/api/")
        for key in ("blocks", "view", "attachments"):
            if isinstance(params.get(key), str):
                with contextlib.suppress(json.JSONDecodeError):
                    params[key] = json.loads(params[key])
        status, headers, body = self.slack.handle(method, params)
        if self.slack.answer_dropped(method):
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self._send(status, headers, body)

    def do_GET(self) -> None:
        path = urllib.parse.urlparse(self.path)
        query = {k: v[-1] for k, v in urllib.parse.parse_qs(path.query).items()}
        status, headers, body = self.slack.handle(path.path.removeprefix("/api/"), query)
        self._send(status, headers, body)
