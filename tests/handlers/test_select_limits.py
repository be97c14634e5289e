"""Forms with selects stay acceptable to Slack whatever the organisations are called and however many
there are: an option's text is at most 75 characters, a select has at most 100 options, and an
initial selection must be one of the options, text and value alike (else ``invalid_arguments``)."""

import io
import json
from typing import Any

from slack_sdk.models.views import View
from sqlmodel import select

from bot import membership
from bot.blockkit import OPTION_TEXT, OPTIONS
from bot.console.session import ConsoleSession
from storage.db import session_scope
from storage.models import ActionItem, Organisation
from storage.repositories import organisations
from tests.handlers.initiative_helpers import VALID, initiatives, open_share_modal
from tests.harness import PEOPLE
from tests.reliability.forms import state_values

LONG_NAME = ("Intergovernmental Commission for the Coordination of Evidence-Based Prevention " * 3)[:200]


def _selects(view: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for block in view["blocks"]:
        for element in [block.get("element"), block.get("accessory"), *block.get("elements", [])]:
            if isinstance(element, dict) and "options" in element:
                found.append(element)
    return found


def assert_slack_accepts(view: dict[str, Any]) -> None:
    """What Slack checks of a view's selects, beside the slack_sdk models' own validation."""
    View(**view).validate_json()
    for element in _selects(view):
        options = element["options"]
        assert len(options) <= OPTIONS
        assert all(len(option["text"]["text"]) <= OPTION_TEXT for option in options)
        chosen = element.get("initial_options") or (
            [element["initial_option"]] if "initial_option" in element else []
        )
        for option in chosen:
            assert option in options, f"initial {option} is not among the options"


def _last_view(bot) -> dict[str, Any]:
    return bot.slack.calls_to("views.update")[-1].params["view"]


def _add_organisations(bot, entries: list[dict[str, Any]]) -> None:
    with session_scope(bot.deps.engine) as session:
        organisations.upsert_many(session, entries=entries)


def test_reassign_form_opens_for_an_item_of_every_organisation(bot):
    _add_organisations(bot, [{"acronym": "LONGNAME", "name": LONG_NAME, "role": "member"}])
    acronyms = [entry["acronym"] for entry in membership.read(membership.default_path())] + ["LONGNAME"]
    for acronym in acronyms:
        bot.command(f"action {acronym} 2030-03-01 Circulate the draft", who="WHO")
        assert "Recorded action item" in bot.last_reply_text(), acronym
        item_id = bot.last_reply_text().split("#", 1)[1].split()[0].strip("*:")
        bot.click("action_item_reassign", item_id, who="WHO")
        view = _last_view(bot)
        assert view["callback_id"] == "action_item_reassign", acronym
        assert_slack_accepts(view)


def test_a_member_of_an_organisation_with_a_long_name_opens_the_action_form(bot):
    _add_organisations(
        bot, [{"acronym": "LONGNAME", "name": LONG_NAME, "role": "member", "email_domains": ["long.org"]}]
    )
    for email in ("someone@oas.org", "someone@long.org"):
        user_id = "U" + email.split("@")[1].split(".")[0].upper().ljust(8, "0")
        bot.slack.add_user(type(PEOPLE["ILO"])(id=user_id, name="Someone", email=email))
        bot.command("action", who=user_id)
        view = _last_view(bot)
        assert view["callback_id"] == "action_item_create", email
        owner = next(b for b in view["blocks"] if b.get("block_id") == "owner")["element"]
        assert owner["initial_option"]["value"] == owner["options"][0]["value"]
        assert_slack_accepts(view)


def _organisation_entries(count: int) -> list[dict[str, Any]]:
    return [{"acronym": f"ORG{n:03d}", "name": f"Organisation {n}", "role": "member"} for n in range(count)]


def _many_organisations(bot, count: int = 120) -> None:
    _add_organisations(bot, _organisation_entries(count))


def _suggest(bot, view: dict[str, Any], block_id: str, typed: str, who: str = "WHO") -> list[dict[str, Any]]:
    """What Slack shows under an external select as the person types ``typed``."""
    user = PEOPLE[who]
    response = bot.interaction(
        {
            "type": "block_suggestion",
            "team": {"id": user.team_id},
            "user": {"id": user.id, "team_id": user.team_id, "name": user.name},
            "container": {"type": "view", "view_id": "VTEST0001"},
            "action_id": "organisation",
            "block_id": block_id,
            "value": typed,
            "view": view,
        }
    )
    assert response.status == 200
    options = json.loads(response.body)["options"]
    assert len(options) <= OPTIONS and all(len(o["text"]["text"]) <= OPTION_TEXT for o in options)
    return options


def _element(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)["element"]


def test_with_more_than_100_organisations_every_one_can_be_found_and_selections_are_kept(bot):
    _many_organisations(bot)
    with session_scope(bot.deps.engine) as session:
        ids = {o.acronym: o.id for o in organisations.list_all(session)}
    view = open_share_modal(bot, who="WHO")
    assert_slack_accepts(view)
    assert _element(view, "lead")["type"] == "external_select"
    assert _element(view, "lead")["initial_option"]["value"] == str(ids["WHO"])
    assert [o["value"] for o in _suggest(bot, view, "partners", "org119")] == [str(ids["ORG119"])]
    assert len(_suggest(bot, view, "partners", "")) == OPTIONS
    assert "UNODC" in {o["text"]["text"].split()[0] for o in _suggest(bot, view, "lead", "drugs")}

    values = {**VALID, "lead": str(ids["WHO"]), "partners": [str(ids["ORG119"]), str(ids["UNODC"])]}
    response = bot.submit(view, external_values(view, values), who="WHO")
    assert response.status == 200 and not response.body, response.body
    [shared] = initiatives(bot)
    bot.command(f"edit-initiative {shared.id}", who="WHO")
    edit = _last_view(bot)
    assert_slack_accepts(edit)
    partners = _element(edit, "partners")
    assert {o["value"] for o in partners["initial_options"]} == {str(ids["ORG119"]), str(ids["UNODC"])}

    bot.command("action", who="WHO")
    form = _last_view(bot)
    assert_slack_accepts(form)
    assert _element(form, "owner")["type"] == "external_select"
    bot.command("action ORG119 2030-03-01 Circulate the draft", who="WHO")
    item_id = bot.last_reply_text().split("#", 1)[1].split()[0].strip("*:")
    bot.click("action_item_reassign", item_id, who="WHO")
    reassign = _last_view(bot)
    assert_slack_accepts(reassign)
    owner = _element(reassign, "owner")
    assert owner["type"] == "external_select" and owner["initial_option"]["text"]["text"].startswith("ORG119")


def external_values(view: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    """``state_values`` for a form whose organisation selects are external: Slack reports them the
    same way, by the option chosen, under their own action id."""
    values = state_values(view, {k: v for k, v in answers.items() if k not in ("lead", "partners")})
    values["lead"] = {
        "organisation": {"type": "external_select", "selected_option": {"value": answers["lead"]}}
    }
    values["partners"] = {
        "organisation": {
            "type": "multi_external_select",
            "selected_options": [{"value": value} for value in answers["partners"]],
        }
    }
    return values


def test_the_console_searches_an_organisation_select_beyond_100(settings, engine):
    with session_scope(engine) as session:
        organisations.upsert_many(
            session,
            entries=[
                {"acronym": f"ORG{n:03d}", "name": f"Organisation {n}", "role": "member"} for n in range(120)
            ],
        )
    answers = iter(["/itwg action", "Circulate the draft", "org119", "1", "", "2030-03-01", ""])
    out = io.StringIO()
    session = ConsoleSession(settings, email="wen.lead@who.int", ask=lambda _: next(answers, None), out=out)
    try:
        session.run_line(next(answers))
    finally:
        session.close()
    assert "1. ORG119 (Organisation 119)" in out.getvalue()
    with session_scope(engine) as db:
        [item] = db.exec(select(ActionItem)).all()
        assert db.get(Organisation, item.owner_organisation_id).acronym == "ORG119"
