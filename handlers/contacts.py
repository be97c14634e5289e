"""E-mail contacts and preferences: ``/itwg contact add|remove``, ``/itwg contacts``, ``/itwg email``."""

from dataclasses import replace

from bot import contacts
from bot.errors import UserError
from bot.rendering import render_list_message, render_message
from handlers.itwg import CommandRequest, Subcommand


def contact(request: CommandRequest) -> None:
    action, _, rest = request.args.strip().partition(" ")
    if action.lower() == "add":
        added = contacts.add(request.deps, actor=request.actor, args=rest)
        request.reply(render_message("contact_added.json.j2", added=added))
    elif action.lower() == "remove":
        removed = contacts.remove(request.deps, actor=request.actor, args=rest)
        request.reply(render_message("contact_removed.json.j2", contact=removed))
    else:
        raise UserError(f"{contacts.ADD_USAGE} Remove one with `/itwg contact remove EMAIL`.")


def contact_list(request: CommandRequest) -> None:
    listing = contacts.listing(request.deps, actor=request.actor, args=request.args)
    request.reply(
        render_list_message(
            "contact_list.json.j2",
            listing.contacts[: contacts.LIST_LIMIT],
            lambda shown: {"listing": replace(listing, contacts=list(shown)), "total": len(listing.contacts)},
        )
    )


def email(request: CommandRequest) -> None:
    address, on = contacts.set_email(request.deps, actor=request.actor, args=request.args)
    request.reply(render_message("email_preference.json.j2", address=address, on=on))


SUBCOMMANDS = [
    Subcommand(
        name="contact",
        usage='/itwg contact add ORG "Name" EMAIL [focal] | remove EMAIL',
        example='/itwg contact add ILO "Ana Diaz" ana@ilo.org focal',
        summary="Add or remove someone the bot reaches by e-mail (co-leads: any organisation).",
        handler=contact,
    ),
    Subcommand(
        name="contacts",
        usage="/itwg contacts [ORG]",
        example="/itwg contacts ILO",
        summary="List your organisation's e-mail contacts (co-leads: any, or all).",
        handler=contact_list,
    ),
    Subcommand(
        name="email",
        usage="/itwg email off|on",
        example="/itwg email off",
        summary="Stop (or restart) e-mail from the bot, calendar invitations included.",
        handler=email,
    ),
]
