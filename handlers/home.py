"""The bot's Home tab: the person's organisation, its initiatives' state and the next meeting."""

from slack_bolt import App
from slack_sdk import WebClient

from bot import initiatives
from bot.actor import Actor
from bot.deps import Deps
from bot.rendering import render_view
from handlers.common import Turn, acknowledge, lazy_part


def publish_home(deps: Deps, client: WebClient, actor: Actor) -> None:
    home = initiatives.home(deps, actor=actor)
    client.views_publish(user_id=actor.slack_user_id, view=render_view("home.json.j2", home=home))


@lazy_part
def show_home(turn: Turn) -> None:
    if turn.body["event"].get("tab", "home") == "home":
        publish_home(turn.deps, turn.client, turn.actor)


def register(app: App) -> None:
    app.event("app_home_opened")(ack=acknowledge, lazy=[show_home])
