"""Forms with selects stay acceptable to Slack whatever the organisations are called and however many
there are: an option's text is at most 75 characters, a select has at most 100 options, and an
initial selection must be one of the options, text and value alike (else ``invalid_arguments``)."""

from typing import Any

from slack_sdk.models.views import View

from bot import membership
from bot.blockkit import OPTION_TEXT, OPTIONS
from storage.db import session_scope
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
    for select in _selects(view):
        options = select["options"]
        assert len(options) <= OPTIONS
        assert all(len(option["text"]["text"]) <= OPTION_TEXT for option in options)
        chosen = select.get("initial_options") or (
            [select["initial_option"]] if "initial_option" in select else []
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


def _many_organisations(bot, count: int = 120) -> None:
    _add_organisations(
        bot, [{"acronym": f"ORG{n:03d}", "name": f"Organisation {n}", "role": "member"} for n in range(count)]
    )


def test_with_more_than_100_organisations_the_co_leads_forms_keep_their_selections(bot):
    _many_organisations(bot)
    view = open_share_modal(bot, who="WHO")
    assert_slack_accepts(view)

    bot.command("action", who="WHO")
    assert_slack_accepts(_last_view(bot))

    with session_scope(bot.deps.engine) as session:
        ids = {o.acronym: o.id for o in organisations.list_all(session)}
    values = {**VALID, "lead": str(ids["WHO"]), "partners": [str(ids["ORG119"]), str(ids["UNODC"])]}
    bot.submit(view, state_values(view, values), who="WHO")
    [shared] = initiatives(bot)
    bot.command(f"edit-initiative {shared.id}", who="WHO")
    edit = _last_view(bot)
    assert_slack_accepts(edit)
    partners = next(b for b in edit["blocks"] if b.get("block_id") == "partners")["element"]
    assert {o["value"] for o in partners["initial_options"]} == {str(ids["ORG119"]), str(ids["UNODC"])}

    bot.command("action ORG119 2030-03-01 Circulate the draft", who="WHO")
    item_id = bot.last_reply_text().split("#", 1)[1].split()[0].strip("*:")
    bot.click("action_item_reassign", item_id, who="WHO")
    reassign = _last_view(bot)
    assert_slack_accepts(reassign)
    owner = next(b for b in reassign["blocks"] if b.get("block_id") == "owner")["element"]
    assert owner["initial_option"]["text"]["text"].startswith("ORG119")
