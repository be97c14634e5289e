"""The options of an organisation select too long for Slack's 100 (``external_select`` with action
id ``organisation``): answered at once, in the acknowledgement, as Slack requires."""

from slack_bolt import Ack, App, BoltContext

from bot import organisation_search
from bot.blockkit import fit_options


def answer_organisations(ack: Ack, body: dict, context: BoltContext) -> None:
    found = organisation_search.search(context["deps"], query=body.get("value") or "")
    ack(options=fit_options([{"text": {"type": "plain_text", "text": t}, "value": v} for v, t in found]))


def register(app: App) -> None:
    app.options("organisation")(answer_organisations)
