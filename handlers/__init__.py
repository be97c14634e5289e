"""Slack listeners, one module per feature, each with ``register(app)``; ``/itwg``'s subcommands are
gathered from the features into one command (``handlers.itwg``)."""

from slack_bolt import App

from handlers import (
    action_items,
    contacts,
    digest,
    help,
    history,
    home,
    initiatives,
    itwg,
    meetings,
    membership,
    organisation_options,
    organisations,
    records,
)
from handlers.itwg import Subcommand

# The order here is the order of `/itwg help`.
FEATURES_WITH_SUBCOMMANDS = (
    initiatives,
    action_items,
    meetings,
    records,
    digest,
    membership,
    organisations,
    contacts,
    history,
    help,
)


def catalogue() -> list[Subcommand]:
    return [subcommand for feature in FEATURES_WITH_SUBCOMMANDS for subcommand in feature.SUBCOMMANDS]


def register(app: App) -> None:
    itwg.register(app, catalogue())
    initiatives.register(app)
    action_items.register(app)
    meetings.register(app)
    records.register(app)
    digest.register(app)
    home.register(app)
    organisation_options.register(app)
    membership.register(app)
