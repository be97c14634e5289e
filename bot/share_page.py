"""``/share/<token>`` and ``/unsubscribe/<token>``: what people outside Slack do from an e-mail.

A nudge e-mail carries a personal sharing link (``bot.links``): signed, expiring, and spent by its
first successful use. The page shares a new initiative for the contact's organisation, or confirms
last cycle's ones, through the same service and the same field checks as the Slack modal
(``bot.initiatives.read_form``), so what it accepts and refuses is the same. It works without
JavaScript, and protects against cross-site requests with a double-submit token: a random value
set in a strict same-site cookie by the page and sent back in the form. A forged, expired or used
link, or a POST without the token, gets a clear page and stores nothing.

The channel hears of what was shared or confirmed as it does of a share made in Slack, in the meeting
cycle's thread; the page only writes that announcement down as a job on the task queue (``announce``)
and answers, without waiting for Slack: a worker posts it, retrying while Slack refuses, once.

Text typed on the page is cleaned as Slack's requests are (``bot.text_input``) before it is read.

An unsubscribe link shows one button (a POST, so that mail scanners opening links unsubscribe
nobody); pressing it records the opt-out.
"""

import hmac
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, Response, request
from werkzeug.datastructures import MultiDict

from bot import initiatives, links, vocabulary
from bot.actor import Actor
from bot.deps import Deps
from bot.errors import FieldErrors, UserError
from bot.registry.rendering import render
from bot.rendering import render_message
from bot.text_input import clean_typed
from storage.db import session_scope
from storage.models import Contact, Organisation
from storage.repositories import audit, contacts, organisations

logger = logging.getLogger(__name__)

CSRF_COOKIE = "itwg_csrf"
MULTI_FIELDS = ("objectives", "continuum", "populations", "regions", "partners", "scope")
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

# ``announce(message, key)``: queue ``message`` for the cycle's thread, once per ``key``; raises when
# it could not be written down.
Announce = Callable[[dict, str], None]


@dataclass(frozen=True)
class Visitor:
    contact: Contact
    organisation: Organisation
    nonce: str

    @property
    def actor(self) -> Actor:
        """The contact acting for their organisation: a member's rights over its own records, never a
        co-lead's (the page offers no choice of lead organisation)."""
        role = "member" if self.organisation.role == "co_lead" else self.organisation.role
        return Actor(
            person_id=None,
            slack_user_id=f"contact:{self.contact.email}"[:100],
            display_name=self.contact.name,
            timezone=None,
            organisation_id=self.organisation.id,
            organisation_acronym=self.organisation.acronym,
            role=role,
        )


class Refused(Exception):
    def __init__(self, status: int, title: str, message: str) -> None:
        super().__init__(message)
        self.status, self.title, self.message = status, title, message


def _visitor(deps: Deps, token: str) -> Visitor:
    try:
        link = links.read_share_token(deps.settings, token, now=deps.now())
    except links.ExpiredLink as error:
        raise Refused(410, "This link has expired", str(error)) from None
    except links.BadLink as error:
        raise Refused(404, "This link does not work", str(error)) from None
    with session_scope(deps.engine) as session:
        if contacts.share_link_used(session, nonce=link.nonce):
            raise Refused(410, "This link has been used", "Each sharing link works once, and this one has.")
        contact = contacts.get(session, contact_id=link.contact_id)
        organisation = (
            organisations.get(session, organisation_id=contact.organisation_id) if contact else None
        )
        if contact is None or organisation is None:
            raise Refused(
                410, "This link does not work", "Its contact is no longer on the working group's list."
            )
        if organisation.retired_at is not None:
            raise Refused(
                410,
                "This link does not work",
                f"{organisation.acronym} is no longer an organisation of the working group.",
            )
        session.expunge_all()
    return Visitor(contact=contact, organisation=organisation, nonce=link.nonce)


def _page(template: str, *, status: int = 200, csrf: str | None = None, **context) -> Response:
    response = Response(render(template, release="", **context), status=status, mimetype="text/html")
    for name, value in SECURITY_HEADERS.items():
        response.headers[name] = value
    if csrf:
        response.set_cookie(CSRF_COOKIE, csrf, httponly=True, samesite="Strict", path="/share", secure=False)
    return response


def _refused(error: Refused) -> Response:
    return _page("share_result.html", status=error.status, title=error.title, message=error.message, ok=False)


def _values(form: MultiDict) -> dict:
    """The page's fields under the modal's block ids, as ``read_form`` reads them, cleaned as Slack's
    requests are (``bot.text_input``)."""
    return clean_typed({key: form.getlist(key) if key in MULTI_FIELDS else form.get(key, "") for key in form})


def create_blueprint(deps: Deps, *, announce: Announce) -> Blueprint:
    pages = Blueprint(
        "email_pages", __name__, static_folder="registry/static", static_url_path="/pages/static"
    )

    def form_page(visitor: Visitor, *, status: int = 200, errors=None, values=None, problem=None) -> Response:
        home = initiatives.home(deps, actor=visitor.actor)
        with session_scope(deps.engine) as session:
            partners = [(o.id, o.acronym) for o in organisations.list_all(session)]
        # One token per browser, kept while the cookie lives, so two open tabs both work.
        csrf = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
        return _page(
            "share.html",
            status=status,
            csrf=csrf,
            csrf_token=csrf,
            visitor=visitor,
            to_confirm=[card for card in home.cards if not card.shared_this_cycle],
            partners=partners,
            vocabulary=vocabulary,
            errors=errors or {},
            values=values or MultiDict(),
            problem=problem,
        )

    @pages.get("/share/<token>")
    def share_form(token: str):
        try:
            return form_page(_visitor(deps, token))
        except Refused as error:
            return _refused(error)

    @pages.post("/share/<token>")
    def share_submit(token: str):
        sent, kept = request.form.get("csrf_token", ""), request.cookies.get(CSRF_COOKIE, "")
        if not sent or not kept or not hmac.compare_digest(sent, kept):
            return _refused(
                Refused(
                    403, "Please use the form", "This form was not sent from its page; open your link again."
                )
            )
        try:
            visitor = _visitor(deps, token)
        except Refused as error:
            return _refused(error)
        action = request.form.get("action")
        try:
            if action == "confirm":
                return _confirm(visitor)
            if action == "share":
                return _share(visitor)
        except FieldErrors as error:
            return form_page(visitor, status=400, errors=error.errors, values=request.form)
        except UserError as error:
            return form_page(visitor, status=400, values=request.form, problem=str(error))
        return form_page(
            visitor, status=400, problem="Choose to share an initiative or confirm earlier ones."
        )

    def _spend(visitor: Visitor) -> None:
        with session_scope(deps.engine) as session:
            if not contacts.use_share_link(
                session, nonce=visitor.nonce, contact_id=visitor.contact.id or 0, now=deps.now()
            ):
                raise Refused(
                    410, "This link has been used", "Each sharing link works once, and this one has."
                )

    def _share(visitor: Visitor) -> Response:
        form = initiatives.read_form(_values(request.form))
        initiatives.check_save(deps, actor=visitor.actor, form=form, initiative_id=None)
        # Stored and its announcement queued before the link is spent: the link's nonce keys both, so
        # a second try (after a crash, or a failure to queue) finds them instead of adding to them.
        saved = initiatives.save(
            deps,
            actor=visitor.actor,
            form=form,
            initiative_id=None,
            request_key=f"share-link:{visitor.nonce}",
        )
        _announce(visitor, saved.card, "shared")
        try:
            _spend(visitor)
        except Refused as error:
            return _refused(error)
        message = f"“{saved.card.title}” is shared for {visitor.organisation.acronym}. Thank you."
        return _page("share_result.html", title="Shared", message=message, ok=True)

    def _confirm(visitor: Visitor) -> Response:
        choices = {
            int(key.removeprefix("status-")): value
            for key, value in request.form.items()
            if key.startswith("status-") and key.removeprefix("status-").isdigit() and value
        }
        if not choices:
            raise UserError("Choose ongoing, completed or paused for at least one initiative.")
        if any(value not in initiatives.CONFIRM_STATUSES for value in choices.values()):
            raise UserError("Confirm an initiative as ongoing, completed or paused.")
        home = initiatives.home(deps, actor=visitor.actor)
        offered = {card.id for card in home.cards if not card.shared_this_cycle}
        if not set(choices) <= offered:
            raise UserError("Confirm only your organisation's initiatives listed on this page.")
        # Confirmed and announced before the link is spent, as a share is: confirming again sets the
        # same state, and each announcement is keyed by the link and the initiative.
        for initiative_id, status in sorted(choices.items()):
            confirmed = initiatives.confirm(
                deps, actor=visitor.actor, initiative_id=initiative_id, status=status
            )
            _announce(visitor, confirmed.card, "confirmed")
        try:
            _spend(visitor)
        except Refused as error:
            return _refused(error)
        count, acronym = len(choices), visitor.organisation.acronym
        message = f"{count} initiative{'s' if count > 1 else ''} confirmed for {acronym}. Thank you."
        return _page("share_result.html", title="Confirmed", message=message, ok=True)

    def _announce(visitor: Visitor, card: initiatives.InitiativeCard, event: str) -> None:
        who = f"{visitor.contact.name} ({visitor.organisation.acronym}, by e-mail link)"
        message = render_message("initiative_announcement.json.j2", card=card, actor=who, event=event)
        announce(message, f"share-link:{visitor.nonce}:{event}:{card.id}")

    @pages.get("/unsubscribe/<token>")
    def unsubscribe_form(token: str):
        try:
            email = links.read_unsubscribe_token(deps.settings, token)
        except links.BadLink as error:
            return _refused(Refused(404, "This link does not work", str(error)))
        return _page("unsubscribe.html", email=email, done=False)

    @pages.post("/unsubscribe/<token>")
    def unsubscribe(token: str):
        try:
            email = links.read_unsubscribe_token(deps.settings, token)
        except links.BadLink as error:
            return _refused(Refused(404, "This link does not work", str(error)))
        with session_scope(deps.engine) as session:
            if contacts.opt_out(session, email=email, now=deps.now()):
                audit.record(
                    session,
                    by="unsubscribe link",
                    action="email.off",
                    entity="email",
                    entity_id=None,
                    details={"email": email},
                    changes={"email": ("on", "off")},
                )
        return _page("unsubscribe.html", email=email, done=True)

    return pages
