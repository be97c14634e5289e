"""The bot's Home tab: the person's organisation, its initiatives' state and the next meeting."""

from slack_bolt import App
from slack_sdk import WebClient

from bot import identity, initiatives
from bot.actor import Actor
from bot.deps import Deps
from bot.rendering import render_view


def publish_home(deps: Deps, client: WebClient, actor: Actor) -> None:
    home = initiatives.home(deps, actor=actor)
    client.views_publish(user_id=actor.slack_user_id, view=render_view("home.json.j2", home=home))


def app_home_opened(event: dict, client: WebClient, context) -> None:
    if event.get("tab", "home") != "home":
        return
    deps: Deps = context["deps"]
    actor = identity.resolve(deps, client, slack_user_id=event["user"], team_id=context.get("team_id"))
    publish_home(deps, client, actor)


def register(app: App) -> None:
    app.event("app_home_opened")(app_home_opened)
