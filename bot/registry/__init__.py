"""The public registry: shareable initiatives and upcoming meetings, readable without Slack.

Off unless ``ITWG_PUBLIC_REGISTRY=on``: ``bot.web`` registers this blueprint only then, so with the
setting off every ``/registry`` URL is an ordinary 404. Read-only: only GET (and HEAD) routes exist.
"""

from bot.registry.views import create_blueprint

__all__ = ["create_blueprint"]
