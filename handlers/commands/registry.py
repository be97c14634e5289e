"""The ``/itwg`` subcommands: what each is called, how it is used, and who handles it."""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot import identity
from bot.actor import Actor
from bot.deps import Deps


@dataclass
class CommandRequest:
    """One ``/itwg`` invocation, already acknowledged, as a subcommand handler sees it."""

    deps: Deps
    client: WebClient
    respond: Respond
    body: dict[str, Any]
    name: str
    args: str
    catalogue: list["Subcommand"] = field(default_factory=list)

    @property
    def user_id(self) -> str:
        return self.body["user_id"]

    @property
    def team_id(self) -> str | None:
        return self.body.get("team_id")

    @property
    def channel_id(self) -> str | None:
        return self.body.get("channel_id")

    @property
    def trigger_id(self) -> str:
        return self.body["trigger_id"]

    @cached_property
    def actor(self) -> Actor:
        return identity.resolve(self.deps, self.client, slack_user_id=self.user_id, team_id=self.team_id)

    def reply(self, message: dict[str, Any]) -> None:
        """An ephemeral answer in the channel the command was typed in."""
        self.respond(response_type="ephemeral", replace_original=False, **message)


@dataclass(frozen=True)
class Subcommand:
    name: str
    usage: str
    example: str
    summary: str
    handler: Callable[[CommandRequest], None]
    aliases: tuple[str, ...] = ()
