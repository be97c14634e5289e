"""Action items through the real App: create (command, modal, shortcut), list, close, snooze, reassign."""

import json
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View
from sqlmodel import select

from storage.db import session_scope
from storage.models import ActionItem, AuditEntry, Meeting, Organisation, Person
from tests.harness import CHANNEL, PEOPLE, message_text

NOW = datetime(2030, 1, 15, 9, 0, tzinfo=UTC)


# -- helpers ---------------------------------------------------------------------------------------------


def _items(bot) -> list[ActionItem]:
    with session_scope(bot.deps.engine) as session:
        return list(session.exec(select(ActionItem).order_by(ActionItem.id)))


def _item(bot, item_id: int) -> ActionItem:
    with session_scope(bot.deps.engine) as session:
        item = session.get(ActionItem, item_id)
        assert item is not None
        return item


def _audit(bot, action: str | None = None) -> list[AuditEntry]:
    with session_scope(bot.deps.engine) as session:
        entries = session.exec(
            select(AuditEntry).where(AuditEntry.entity == "action_item").order_by(AuditEntry.id)
        )
        return [e for e in entries if action is None or e.action == action]


def _state(bot) -> tuple:
    """Everything a bad request must leave alone: every item's columns and the audit trail."""
    return [item.model_dump() for item in _items(bot)], len(_audit(bot))


def _org_id(bot, acronym: str) -> int:
    with session_scope(bot.deps.engine) as session:
        return session.exec(select(Organisation.id).where(Organisation.acronym == acronym)).one()


def _person_id(bot, slack_user_id: str) -> int:
    with session_scope(bot.deps.engine) as session:
        return session.exec(select(Person.id).where(Person.slack_user_id == slack_user_id)).one()


def _add_meeting(bot, title: str, starts_at: datetime) -> int:
    with session_scope(bot.deps.engine) as session:
        meeting = Meeting(uid=f"{title}@itwg", title=title, starts_at=starts_at, timezone="Europe/Vienna")
        session.add(meeting)
        session.flush()
        return meeting.id


def _create(bot, text: str, who: str = "ILO") -> int:
    bot.command(f"action {text}", who=who)
    assert "Recorded action item" in bot.last_reply_text(), bot.last_reply_text()
    return _items(bot)[-1].id


def _last_view(bot) -> dict:
    """The modal as the person sees it after the "one moment" view was replaced."""
    return bot.slack.calls_to("views.update")[-1].params["view"]


def _valid_view(view: dict) -> dict:
    View(**view).validate_json()
    return view


def _valid_message(message: dict) -> dict:
    assert len(message["blocks"]) <= 50
    Block.parse_all(message["blocks"])
    return message


def _form_values(**fields) -> dict:
    values = {
        "title": {"value": {"type": "plain_text_input", "value": fields.get("title")}},
        "owner": {"value": {"type": "static_select", "selected_option": None}},
        "person": {"value": {"type": "users_select", "selected_user": fields.get("person")}},
        "due": {"value": {"type": "datepicker", "selected_date": fields.get("due")}},
        "notes": {"value": {"type": "plain_text_input", "value": fields.get("notes")}},
    }
    if fields.get("owner") is not None:
        values["owner"]["value"]["selected_option"] = {"value": str(fields["owner"])}
    if "meeting" in fields:
        selected = None if fields["meeting"] is None else {"value": str(fields["meeting"])}
        values["meeting"] = {"value": {"type": "static_select", "selected_option": selected}}
    return values


def _errors(response) -> dict:
    body = json.loads(response.body)
    assert body["response_action"] == "errors"
    return body["errors"]


def _shortcut(bot, text: str, who: str = "WHO", ts: str = "1894000000.000200"):
    user = PEOPLE[who]
    payload = {
        "type": "message_action",
        "callback_id": "create_action_item",
        "trigger_id": f"trigger.{time.time_ns()}",
        "team": {"id": user.team_id},
        "user": {"id": user.id, "team_id": user.team_id, "name": user.name},
        "channel": {"id": CHANNEL, "name": "itwg"},
        "message_ts": ts,
        "message": {"type": "message", "user": "UILO00001", "ts": ts, "text": text},
        "response_url": bot.slack.response_url(),
    }
    return bot.interaction(payload)


def _buttons(message: dict) -> dict[str, set[str]]:
    """Item number → the action ids of the buttons shown under it."""
    shown: dict[str, set[str]] = {}
    for block in message["blocks"]:
        if block["type"] == "actions" and block["block_id"].startswith("action_item_"):
            for element in block["elements"]:
                shown.setdefault(element["value"], set()).add(element["action_id"])
    return shown


def _listed_ids(message: dict) -> list[int]:
    return [
        int(block["block_id"].rsplit("_", 1)[1])
        for block in message["blocks"]
        if block.get("block_id", "").startswith("action_item_text_")
    ]


# -- creating with the command ---------------------------------------------------------------------------


def test_command_records_item_for_own_organisation_linked_to_last_held_meeting(bot):
    _add_meeting(bot, "Q4 meeting", NOW - timedelta(days=30))
    held = _add_meeting(bot, "Q1 meeting", NOW - timedelta(days=2))
    _add_meeting(bot, "Q2 meeting", NOW + timedelta(days=60))
    bot.command("action ilo 2030-03-01 Circulate the draft joint statement", who="ILO")
    reply = bot.replies()[-1]
    assert reply["response_type"] == "ephemeral"
    _valid_message(reply)
    text = message_text(reply)
    assert "#1" in text and "Circulate the draft joint statement" in text and "Fri 01 Mar 2030" in text
    [item] = _items(bot)
    assert (item.title, item.due_date, item.status) == (
        "Circulate the draft joint statement",
        date(2030, 3, 1),
        "open",
    )
    assert item.owner_organisation_id == _org_id(bot, "ILO")
    assert item.meeting_id == held
    assert item.created_by_person_id == _person_id(bot, "UILO00001")
    [entry] = _audit(bot)
    assert (entry.action, entry.entity_id, entry.actor) == ("action_item.create", "1", "UILO00001")


def test_command_with_no_meetings_records_item_without_one(bot):
    _create(bot, "ILO 2030-03-01 Draft")
    assert _items(bot)[0].meeting_id is None


def test_mention_assigns_the_person_and_their_organisation(bot):
    bot.command("action <@UUNHCR001|hana> 2030-02-01 Map refugee services", who="WHO")
    text = bot.last_reply_text()
    assert "<@UUNHCR001>" in text and "UNHCR" in text
    [item] = _items(bot)
    assert item.owner_organisation_id == _org_id(bot, "UNHCR")
    assert item.assignee_person_id == _person_id(bot, "UUNHCR001")


def test_mention_of_person_without_organisation_is_refused(bot):
    bot.command("action <@UGUEST001> 2030-02-01 Something", who="WHO")
    assert "which organisation Gus Guest belongs to" in bot.last_reply_text()
    assert _items(bot) == []


def test_co_lead_creates_for_any_organisation(bot):
    _create(bot, "UNICEF 2030-02-01 Youth prevention toolkit", who="UNODC")
    assert _items(bot)[0].owner_organisation_id == _org_id(bot, "UNICEF")


def test_member_cannot_create_for_another_organisation(bot):
    bot.command("action UNICEF 2030-02-01 Youth prevention toolkit", who="ILO")
    assert "own organisation (ILO)" in bot.last_reply_text()
    assert _items(bot) == []
    bot.command("action <@UUNHCR001> 2030-02-01 Youth prevention toolkit", who="ILO")
    assert "own organisation (ILO)" in bot.last_reply_text()
    assert _items(bot) == []


def test_observer_cannot_create(bot):
    bot.command("action OHCHR 2030-02-01 Human rights note", who="OHCHR")
    assert "Observers" in bot.last_reply_text()
    assert _items(bot) == []


def test_person_without_organisation_is_told_to_join(bot):
    bot.command("action UNHCR 2030-02-01 Note", who="GUEST")
    assert "/itwg join" in bot.last_reply_text()
    assert _items(bot) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NOPE 2030-03-01 Title", "I don't know the organisation “NOPE”"),
        ("ILO 31/02/2030 Title", "write it as YYYY-MM-DD"),
        ("ILO 2030-02-30 Title", "2030-02-30 is not a real date: write it as YYYY-MM-DD"),
        ("ILO 2030-13-01 Title", "not a real date"),
        ("ILO tomorrow Title", "write it as YYYY-MM-DD"),
        ("ILO 2030-01-14 Title", "2030-01-14 is in the past"),
        ("ILO 2030-03-01", "Give the action item a title"),
        ("ILO", "Say who owns it"),
    ],
)
def test_bad_input_changes_nothing_and_says_what_is_wrong(bot, text, expected):
    _create(bot, "ILO 2030-03-01 Existing item")
    before = _state(bot)
    bot.command(f"action {text}", who="ILO")
    reply = bot.replies()[-1]
    assert reply["response_type"] == "ephemeral"
    assert expected in message_text(reply)
    assert len(reply["text"]) < 350
    assert _state(bot) == before


def test_due_date_today_in_the_readers_timezone_is_accepted(bot):
    # 23:30 UTC on 15 Jan is already 16 Jan in Vienna: the 15th is past there, the 16th is today.
    bot.clock.set(datetime(2030, 1, 15, 23, 30, tzinfo=UTC))
    bot.command("action ILO 2030-01-15 Too late", who="ILO")
    assert "in the past" in bot.last_reply_text()
    _create(bot, "ILO 2030-01-16 Due today")


# -- creating with the modal -----------------------------------------------------------------------------


def test_bare_command_opens_modal_then_fills_it(bot):
    held = _add_meeting(bot, "Q1 meeting", NOW - timedelta(days=2))
    bot.command("action", who="ILO")
    [opened] = bot.slack.calls_to("views.open")
    assert opened.params["view"]["callback_id"] == "loading"
    methods = [c.method for c in bot.slack.calls if c.method not in ("response_url", "auth.test")]
    assert methods[:3] == ["views.open", "users.info", "views.update"], "the trigger is used first"
    view = _valid_view(_last_view(bot))
    assert view["callback_id"] == "action_item_create"
    blocks = {b["block_id"]: b for b in view["blocks"] if "block_id" in b}
    assert set(blocks) == {"title", "owner", "person", "due", "meeting", "notes"}
    assert blocks["owner"]["element"]["initial_option"]["value"] == str(_org_id(bot, "ILO"))
    assert [o["value"] for o in blocks["owner"]["element"]["options"]] == [str(_org_id(bot, "ILO"))]
    assert blocks["person"]["element"]["type"] == "users_select"
    assert blocks["meeting"]["element"]["initial_option"]["value"] == str(held)

    response = bot.submit(
        view,
        _form_values(
            title="  Share the  evaluation ",
            owner=_org_id(bot, "ILO"),
            due="2030-02-20",
            meeting=held,
            notes="See annex",
        ),
        who="ILO",
    )
    assert response.status == 200 and not response.body
    [item] = _items(bot)
    assert (item.title, item.notes, item.due_date, item.meeting_id) == (
        "Share the evaluation",
        "See annex",
        date(2030, 2, 20),
        held,
    )
    assert "Recorded action item" in bot.last_reply_text()
    assert bot.replies()[-1]["response_type"] == "ephemeral"
    assert _audit(bot, "action_item.create")


def test_co_lead_modal_offers_every_organisation_and_assigns_a_person(bot):
    bot.command("whoami", who="UNICEF")
    bot.command("action", who="WHO")
    view = _last_view(bot)
    owner = next(b for b in view["blocks"] if b.get("block_id") == "owner")
    assert len(owner["element"]["options"]) == 17
    assert not any(b.get("block_id") == "meeting" for b in view["blocks"]), "no meetings yet, no select"
    values = _form_values(title="Toolkit", owner=_org_id(bot, "UNICEF"), person="UUNICEF01", due="2030-02-01")
    bot.submit(view, values, who="WHO")
    [item] = _items(bot)
    assert item.assignee_person_id == _person_id(bot, "UUNICEF01")
    assert item.owner_organisation_id == _org_id(bot, "UNICEF")


def test_modal_errors_are_shown_next_to_their_fields_and_store_nothing(bot):
    bot.command("action", who="ILO")
    view = _last_view(bot)
    response = bot.submit(
        view, _form_values(title=" ", owner=_org_id(bot, "ILO"), due="2029-12-01"), who="ILO"
    )
    errors = _errors(response)
    assert "title" in errors["title"] and "in the past" in errors["due"]
    forged = _form_values(title="Forged", owner=_org_id(bot, "UNICEF"), due="2030-02-01")
    assert "own organisation" in bot.refusal(bot.submit(view, forged, who="ILO"))["owner"]
    other_person = _form_values(
        title="Other", owner=_org_id(bot, "ILO"), person="UUNHCR001", due="2030-02-01"
    )
    assert "recorded as UNHCR" in bot.refusal(bot.submit(view, other_person, who="ILO"))["dm"]
    assert _items(bot) == []
    assert _audit(bot) == []


def test_observer_opening_the_modal_is_told_why_not(bot):
    bot.command("action", who="OHCHR")
    view = _valid_view(_last_view(bot))
    assert "submit" not in view
    assert "Observers" in message_text(view)


# -- creating from a message -----------------------------------------------------------------------------


def test_shortcut_prefills_modal_from_message_and_links_back(bot):
    ts = "1894000000.000200"
    _shortcut(bot, "Draft the stigma brief by March\nWHO to coordinate with <@UILO00001>", ts=ts)
    methods = [c.method for c in bot.slack.calls if c.method in ("views.open", "chat.getPermalink")]
    assert methods == ["views.open", "chat.getPermalink"], "the trigger is used before any other call"
    view = _valid_view(_last_view(bot))
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks["title"]["element"]["initial_value"] == "Draft the stigma brief by March"
    assert "<@UILO00001>" in blocks["notes"]["element"]["initial_value"]
    permalink = f"https://itwg.slack.com/archives/{CHANNEL}/p{ts.replace('.', '')}"
    assert permalink in message_text(view)

    values = _form_values(
        title="Draft the stigma brief", owner=_org_id(bot, "WHO"), due="2030-03-15", notes="from chat"
    )
    bot.submit(view, values, who="WHO")
    [item] = _items(bot)
    assert item.source_link == permalink
    assert permalink in json.dumps(bot.replies()[-1])


def test_shortcut_shows_the_messages_text_as_written_not_as_entities(bot):
    _shortcut(bot, "R&amp;D budget &lt;draft&gt;", who="ILO")  # how Slack sends "R&D budget <draft>"
    view = _valid_view(_last_view(bot))
    title = next(b for b in view["blocks"] if b.get("block_id") == "title")
    assert title["element"]["initial_value"] == "R&D budget <draft>"


def test_shortcut_still_opens_modal_when_permalink_fails(bot):
    bot.slack.fail("chat.getPermalink", "channel_not_found")
    _shortcut(bot, "Short note", who="ILO")
    view = _last_view(bot)
    assert view["callback_id"] == "action_item_create"
    assert json.loads(view["private_metadata"])["source_link"] is None


# -- listing ---------------------------------------------------------------------------------------------


@pytest.fixture
def listed(bot):
    """Items of three organisations; one assigned to the UNHCR member, one overdue, one closed."""
    ilo = _create(bot, "ILO 2030-01-20 ILO open item", who="UNODC")
    unhcr_assigned = _create(bot, "<@UUNHCR001> 2030-02-01 Assigned to Hana", who="UNODC")
    unhcr_overdue = _create(bot, "UNHCR 2030-01-16 Overdue UNHCR item", who="UNODC")
    unicef = _create(bot, "UNICEF 2030-03-01 UNICEF item", who="UNODC")
    closed = _create(bot, "ILO 2030-04-01 ILO closed item", who="UNODC")
    bot.command(f"done {closed} Finished early", who="UNODC")
    bot.clock.set(datetime(2030, 1, 18, 9, 0, tzinfo=UTC))
    return {
        "ilo": ilo,
        "assigned": unhcr_assigned,
        "overdue": unhcr_overdue,
        "unicef": unicef,
        "closed": closed,
    }


def test_default_lists_open_items_soonest_first_with_status(bot, listed):
    bot.command("actions", who="ILO")
    reply = _valid_message(bot.replies()[-1])
    assert _listed_ids(reply) == [listed["overdue"], listed["ilo"], listed["assigned"], listed["unicef"]]
    text = message_text(reply)
    assert "Overdue" in text and "<@UUNHCR001>" in text and "Wed 16 Jan 2030" in text
    assert "ILO closed item" not in text


def test_buttons_only_where_the_reader_may_use_them(bot, listed):
    bot.command("actions", who="ILO")
    assert _buttons(bot.replies()[-1]) == {
        str(listed["ilo"]): {"action_item_done", "action_item_snooze", "action_item_reassign"}
    }
    bot.command("actions", who="OHCHR")
    assert _buttons(bot.replies()[-1]) == {}
    bot.command("actions", who="WHO")
    assert set(_buttons(bot.replies()[-1])) == {str(i) for k, i in listed.items() if k != "closed"}


@pytest.mark.parametrize(
    ("scope", "who", "expected"),
    [
        ("mine", "UNHCR", ["overdue", "assigned"]),
        ("mine", "ILO", ["ilo"]),
        ("unhcr", "ILO", ["overdue", "assigned"]),
        ("overdue", "OHCHR", ["overdue"]),
        ("all", "ILO", ["overdue", "ilo", "assigned", "unicef", "closed"]),
    ],
)
def test_list_filters(bot, listed, scope, who, expected):
    bot.command(f"actions {scope}", who=who)
    assert _listed_ids(_valid_message(bot.replies()[-1])) == [listed[key] for key in expected]


def test_all_shows_outcome_of_closed_items(bot, listed):
    bot.command("actions all", who="ILO")
    text = bot.last_reply_text()
    assert "Finished early" in text and "Done by <@UUNODC001>" in text


def test_unknown_filter_names_accepted_forms(bot, listed):
    bot.command("actions NOPE", who="ILO")
    text = bot.last_reply_text()
    assert "NOPE" in text and "mine | overdue | all | ORG" in text


def test_empty_list_says_how_to_add(bot):
    bot.command("actions", who="ILO")
    assert "/itwg action ORG YYYY-MM-DD TITLE" in bot.last_reply_text()


def test_long_list_paginates_within_block_kit_limits(bot):
    created = [
        _create(bot, f"ILO 2030-02-{day:02d} Item {day} " + "x" * 250, who="ILO") for day in range(1, 26)
    ]
    bot.command("actions", who="ILO")
    first = _valid_message(bot.replies()[-1])
    assert len(json.dumps(first["blocks"])) < 12_000
    assert "Page 1 of 3" in message_text(first)
    seen = _listed_ids(first)
    nav = next(b for b in first["blocks"] if b.get("block_id") == "action_items_pages")
    assert [e["action_id"] for e in nav["elements"]] == ["action_items_page_next"]
    value = nav["elements"][0]["value"]
    while value:
        bot.click("action_items_page_next", value, who="ILO")
        reply = _valid_message(bot.replies()[-1])
        assert reply["replace_original"] is True
        seen += _listed_ids(reply)
        nav = next(b for b in reply["blocks"] if b.get("block_id") == "action_items_pages")
        value = next(
            (e["value"] for e in nav["elements"] if e["action_id"] == "action_items_page_next"), None
        )
    assert seen == created


# -- closing ---------------------------------------------------------------------------------------------


def test_done_command_keeps_outcome_closer_and_time_and_leaves_open_list(bot):
    item_id = _create(bot, "ILO 2030-03-01 Circulate draft")
    bot.clock.set(NOW + timedelta(hours=5))
    bot.command(f"done #{item_id} Draft circulated to all members", who="ILO")
    assert "Closed action item" in bot.last_reply_text()
    item = _item(bot, item_id)
    assert item.status == "done"
    assert item.outcome == "Draft circulated to all members"
    assert item.closed_by_person_id == _person_id(bot, "UILO00001")
    assert item.closed_at == NOW + timedelta(hours=5)
    assert _audit(bot, "action_item.close")[0].details["outcome"] == "Draft circulated to all members"
    bot.command("actions", who="ILO")
    assert _listed_ids(bot.replies()[-1]) == []


def test_done_without_outcome_is_accepted(bot):
    item_id = _create(bot, "ILO 2030-03-01 Circulate draft")
    bot.command(f"done {item_id}", who="ILO")
    assert _item(bot, item_id).status == "done"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("999 whatever", "There is no action item #999"),
        ("abc", "Give the item's number"),
        ("", "Give the item's number"),
        ("{closed} again", "already closed"),
        ("{open} " + "x" * 501, "one line under 500 characters"),
    ],
)
def test_done_bad_input_changes_nothing(bot, args, expected):
    still_open = _create(bot, "ILO 2030-03-01 Open one")
    closed = _create(bot, "ILO 2030-03-02 Closed one")
    bot.command(f"done {closed} first outcome", who="ILO")
    before = _state(bot)
    bot.command("done " + args.format(closed=closed, open=still_open), who="ILO")
    assert expected in bot.last_reply_text()
    assert bot.replies()[-1]["response_type"] == "ephemeral"
    assert _state(bot) == before


def test_only_owner_organisation_or_co_lead_may_close(bot):
    item_id = _create(bot, "ILO 2030-03-01 ILO item")
    before = _state(bot)
    for who in ("UNHCR", "OHCHR"):
        bot.command(f"done {item_id} not mine", who=who)
        assert "Only people of ILO or a co-lead" in bot.last_reply_text()
    assert _state(bot) == before
    bot.command(f"done {item_id} closed by co-lead", who="WHO")
    assert _item(bot, item_id).closed_by_person_id == _person_id(bot, "UWHO00001")


def test_done_button_asks_for_outcome_in_a_modal(bot):
    item_id = _create(bot, "ILO 2030-03-01 ILO item")
    bot.click("action_item_done", str(item_id), who="ILO")
    view = _valid_view(bot.opened_views()[-1])
    assert view["callback_id"] == "action_item_done" and f"#{item_id}" in view["title"]["text"]
    empty = {"outcome": {"value": {"type": "plain_text_input", "value": "  "}}}
    assert "one line" in _errors(bot.submit(view, empty, who="ILO"))["outcome"]
    assert _item(bot, item_id).status == "open"
    outcome = {"outcome": {"value": {"type": "plain_text_input", "value": "Report shared"}}}
    response = bot.submit(view, outcome, who="ILO")
    assert response.status == 200 and not response.body
    item = _item(bot, item_id)
    assert (item.status, item.outcome) == ("done", "Report shared")
    assert "Closed action item" in bot.last_reply_text()
    again = bot.submit(view, outcome, who="ILO")
    assert "already closed" in bot.refusal(again)["outcome"]


def test_done_button_by_someone_else_is_refused_in_the_modal(bot):
    item_id = _create(bot, "ILO 2030-03-01 ILO item")
    bot.command("actions ILO", who="UNHCR")  # where the Done button is
    bot.click("action_item_done", str(item_id), who="UNHCR")
    outcome = {"outcome": {"value": {"type": "plain_text_input", "value": "sneaky"}}}
    refused = bot.refusal(bot.submit(bot.opened_views()[-1], outcome, who="UNHCR"))
    assert "Only people of ILO" in refused["outcome"]
    assert _item(bot, item_id).status == "open"


# -- snoozing and reassigning ----------------------------------------------------------------------------


def test_snooze_moves_due_date_a_week(bot):
    item_id = _create(bot, "ILO 2030-03-01 ILO item")
    bot.click("action_item_snooze", str(item_id), who="ILO")
    assert _item(bot, item_id).due_date == date(2030, 3, 8)
    assert "Snoozed to Fri 08 Mar 2030" in bot.last_reply_text()
    assert _audit(bot, "action_item.snooze")[0].details["changes"] == {
        "due_date": {"before": "2030-03-01", "after": "2030-03-08"}
    }


def test_snoozing_an_overdue_item_gives_a_week_from_today(bot):
    item_id = _create(bot, "ILO 2030-01-16 ILO item")
    bot.clock.set(datetime(2030, 1, 20, 9, 0, tzinfo=UTC))
    bot.click("action_item_snooze", str(item_id), who="WHO")
    assert _item(bot, item_id).due_date == date(2030, 1, 27)


def test_snooze_by_another_organisation_is_refused(bot):
    item_id = _create(bot, "ILO 2030-03-01 ILO item")
    before = _state(bot)
    bot.click("action_item_snooze", str(item_id), who="UNICEF")
    assert "Only people of ILO" in bot.last_reply_text()
    assert _state(bot) == before


def test_reassign_to_another_organisation_and_person(bot):
    bot.command("whoami", who="UNHCR")
    item_id = _create(bot, "ILO 2030-03-01 ILO item")
    bot.click("action_item_reassign", str(item_id), who="ILO")
    assert bot.slack.calls_to("views.open")[-1].params["view"]["callback_id"] == "loading"
    view = _valid_view(_last_view(bot))
    assert view["callback_id"] == "action_item_reassign"
    wrong = {
        "owner": {
            "value": {"type": "static_select", "selected_option": {"value": str(_org_id(bot, "UNICEF"))}}
        },
        "person": {"value": {"type": "users_select", "selected_user": "UUNHCR001"}},
    }
    assert "recorded as UNHCR" in bot.refusal(bot.submit(view, wrong, who="ILO"))["dm"]
    assert _item(bot, item_id).owner_organisation_id == _org_id(bot, "ILO")
    right = {
        "owner": {
            "value": {"type": "static_select", "selected_option": {"value": str(_org_id(bot, "UNHCR"))}}
        },
        "person": {"value": {"type": "users_select", "selected_user": "UUNHCR001"}},
    }
    bot.submit(view, right, who="ILO")
    item = _item(bot, item_id)
    assert item.owner_organisation_id == _org_id(bot, "UNHCR")
    assert item.assignee_person_id == _person_id(bot, "UUNHCR001")
    assert "Reassigned" in bot.last_reply_text()
    assert _audit(bot, "action_item.reassign")
    # The ILO member no longer owns it; the UNHCR member now does.
    bot.command("actions", who="ILO")
    assert _buttons(bot.replies()[-1]) == {}
    bot.command("actions mine", who="UNHCR")
    assert str(item_id) in _buttons(bot.replies()[-1])


def test_reassign_by_another_organisation_is_refused(bot):
    item_id = _create(bot, "ILO 2030-03-01 ILO item")
    bot.click("action_item_reassign", str(item_id), who="UNICEF")
    view = _valid_view(_last_view(bot))
    assert "submit" not in view and "Only people of ILO" in message_text(view)
    assert _item(bot, item_id).owner_organisation_id == _org_id(bot, "ILO")


def test_a_form_whose_person_comes_back_empty_records_the_item_for_nobody(bot):
    bot.command("action", who="ILO")
    view = _last_view(bot)
    response = bot.submit(
        view, _form_values(title="Draft", owner=_org_id(bot, "ILO"), person="", due="2030-03-31"), who="ILO"
    )
    assert (response.status, response.body) == (200, "")
    assert "Recorded action item" in bot.last_reply_text()
    assert _item(bot, 1).assignee_person_id is None


def test_optional_fields_do_not_say_optional_twice(bot):
    """Slack itself adds "(optional)" after the label of an optional input."""
    bot.command("action ILO 2030-03-01 Circulate the draft", who="WHO")
    bot.command("action", who="WHO")
    views = [_last_view(bot)]
    bot.click("action_item_reassign", "1", who="WHO")
    views.append(_last_view(bot))
    assert [v["callback_id"] for v in views] == ["action_item_create", "action_item_reassign"]
    for view in views:
        for block in view["blocks"]:
            if block["type"] == "input" and block.get("optional"):
                assert "optional" not in block["label"]["text"].lower(), block["label"]
