"""``/itwg history``: who changed a record, from what, to what, and when; and telling an organisation
what a co-lead changed in its records."""

from dataclasses import replace

from bot import history
from bot.rendering import render_list_message, render_message
from handlers.common import Turn
from handlers.delivery import send_to_each
from handlers.itwg import CommandRequest, Subcommand


def show_history(request: CommandRequest) -> None:
    found = history.history(request.deps, actor=request.actor, text=request.args)
    request.reply(
        render_list_message(
            "history.json.j2",
            found.entries,
            lambda shown: {"history": replace(found, entries=list(shown)), "actions": history.ACTIONS},
        )
    )


def tell_owner(turn: Turn, *, entity: str, entity_id: int, organisation_id: int, title: str) -> None:
    """Direct-message the owning organisation's people what a co-lead of another organisation just
    changed in their record (nothing when the person changing it is one of theirs)."""
    notice = history.owner_notice(
        turn.deps, actor=turn.actor, entity=entity, entity_id=entity_id, organisation_id=organisation_id
    )
    if notice is None:
        return
    command = "action" if entity == "action_item" else entity
    message = render_message(
        "record_changed_notice.json.j2",
        by=turn.user_id,
        owner=notice.owner,
        title=title,
        changes=history.change_lines(notice.changes),
        history_command=f"/itwg history {command} {entity_id}",
    )
    send_to_each(turn.client, user_ids=notice.recipients, message=message)


SUBCOMMANDS = [
    Subcommand(
        name="history",
        usage=history.USAGE,
        example="/itwg history initiative 12",
        summary="Who changed a record, from what, to what, and when (co-leads and the owning organisation).",
        handler=show_history,
    ),
]
