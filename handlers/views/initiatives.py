"""The initiative modal's submission: inline field errors, or store, confirm and announce."""

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot import initiatives, parsing
from bot.deps import Deps
from bot.errors import FieldErrors, UserError
from bot.rendering import render_message
from handlers.common import actor_of, form_values
from handlers.events.app_home import publish_home
from handlers.views.failures import answering_failures


def check_initiative_form(view: dict, deps: Deps) -> None:
    initiatives.read_form(form_values(view["state"]["values"]))


FIELD_CHECKS = {"initiative_form": check_initiative_form}


def submit_initiative(ack: Ack, body: dict, client: WebClient, context) -> None:
    deps: Deps = context["deps"]
    actor = actor_of(deps, client, body)
    metadata = body["view"].get("private_metadata") or ""
    try:
        form = initiatives.read_form(form_values(body["view"]["state"]["values"]))
        saved = initiatives.save(deps, actor=actor, form=form, initiative_id=parsing.whole_number(metadata))
    except FieldErrors as error:
        ack(response_action="errors", errors=error.errors)
        return
    except UserError as error:
        ack(response_action="errors", errors={"title": str(error)})
        return
    ack()
    announced = saved.created and initiatives.announce(
        deps,
        client,
        message=render_message(
            "initiative_announcement.json.j2", card=saved.card, actor=actor.slack_user_id, event="shared"
        ),
    )
    client.chat_postMessage(
        channel=actor.slack_user_id,
        **render_message(
            "initiative_saved.json.j2", card=saved.card, created=saved.created, announced=announced
        ),
    )
    # The Home tab may be what the person shared from; keep its "state for the coming meeting" true.
    publish_home(deps, client, actor)


def register(app: App) -> None:
    app.view("initiative_form")(answering_failures(submit_initiative, block_id="title"))
