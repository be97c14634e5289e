"""Sharing, validating, announcing, listing and editing initiatives through the real App."""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest

from storage.db import session_scope
from storage.models import AnnouncementThread
from storage.repositories import organisations
from tests.handlers.initiative_helpers import (
    VALID,
    add_initiatives,
    add_meetings,
    assert_valid_message,
    assert_valid_view,
    audit_actions,
    initiatives,
    open_share_modal,
    partner_ids,
    share,
    tags,
)
from tests.harness import CHANNEL, PEOPLE, message_text
from tests.reliability.forms import state_values

ZWJ = "\u200d"


def organisation_id(bot, acronym: str) -> int:
    with session_scope(bot.deps.engine) as session:
        organisation = organisations.find_by_acronym(session, text=acronym)
        assert organisation is not None and organisation.id is not None
        return organisation.id


def labels(view) -> str:
    return " ".join(b["label"]["text"] for b in view["blocks"] if b["type"] == "input").lower()


def test_share_opens_the_modal_with_the_commands_trigger_before_any_other_slack_call(bot):
    bot.command("whoami", who="ILO")
    bot.slack.clear()
    bot.command("share-initiative", who="ILO", trigger_id="trigger.share.1")
    assert bot.slack.calls[0].method == "views.open"
    assert bot.slack.calls[0].params["trigger_id"] == "trigger.share.1"
    [view] = bot.opened_views()
    assert_valid_view(view)
    for word in ("title", "objective", "population", "status", "start date", "end date"):
        assert word in labels(view), word
    assert "lead" not in {b.get("block_id") for b in view["blocks"]}, (
        "members share for their own organisation"
    )
    assert "ILO" in message_text(view)


def test_someone_new_gets_the_modal_open_before_the_bot_looks_them_up_in_slack(bot):
    bot.command("share-initiative", who="UNHCR", trigger_id="trigger.share.new")
    calls = [call for call in bot.slack.calls if call.method != "auth.test"]  # Bolt's own, at start
    methods = [call.method for call in calls]
    assert methods[0] == "views.open", "the trigger is spent before users.info"
    assert calls[0].params["trigger_id"] == "trigger.share.new"
    assert methods.index("users.info") < methods.index("views.update")
    [update] = bot.slack.calls_to("views.update")
    assert_valid_view(update.params["view"])
    assert update.params["view"]["callback_id"] == "initiative_form"
    assert "UNHCR" in message_text(update.params["view"])


def test_someone_new_without_an_organisation_is_told_why_in_the_modal(bot):
    bot.command("share-initiative", who="GUEST")
    [update] = bot.slack.calls_to("views.update")
    assert_valid_view(update.params["view"])
    assert "/itwg join" in message_text(update.params["view"])


def test_co_leads_choose_the_lead_organisation(bot):
    view = open_share_modal(bot, who="WHO")
    lead = next(b for b in view["blocks"] if b.get("block_id") == "lead")
    assert lead["element"]["initial_option"]["text"]["text"] == "WHO"
    unhcr = organisation_id(bot, "UNHCR")
    response = bot.submit(view, state_values(view, {**VALID, "lead": str(unhcr)}), who="WHO")
    assert response.status == 200 and not response.body
    assert initiatives(bot)[0].lead_organisation_id == unhcr


def test_someone_without_an_organisation_is_told_to_join_in_the_form_and_cannot_submit(bot):
    bot.command("share-initiative", who="GUEST")
    [view] = bot.opened_views()
    assert view["callback_id"] == "refused" and "/itwg join" in message_text(view)
    assert not [block for block in view["blocks"] if block["type"] == "input"]


@pytest.mark.parametrize(
    ("changes", "block_id", "words"),
    [
        ({"title": "   "}, "title", "title"),
        ({"title": "x" * 151}, "title", "150 characters"),
        ({"start_date": "2030-06-01", "end_date": "2030-05-31"}, "end_date", "before the start"),
        ({"link": "ftp://files.example.org/plan.pdf"}, "link", "http"),
        ({"link": "www.example.org"}, "link", "http"),
        ({"objectives": []}, "objectives", "objective"),
        ({"countries": "KE, Atlantis"}, "countries", "Atlantis"),
    ],
)
def test_submission_errors_are_shown_inline_and_nothing_is_stored(bot, changes, block_id, words):
    response = share(bot, **changes)
    answer = json.loads(response.body)
    assert answer["response_action"] == "errors"
    assert words in answer["errors"][block_id]
    assert initiatives(bot) == []
    assert bot.posts() == []


def test_valid_submission_is_stored_confirmed_and_announced_in_the_cycles_thread(bot):
    unhcr = organisation_id(bot, "UNHCR")
    response = share(bot, partners=[str(unhcr)])
    assert response.status == 200 and not response.body
    [stored] = initiatives(bot)
    assert stored.title == VALID["title"]
    assert stored.status == "ongoing" and stored.visibility == "shareable"
    assert stored.lead_organisation_id == organisation_id(bot, "ILO")
    assert stored.shared_at == bot.clock() and stored.shared_by_person_id is not None
    assert str(stored.start_date) == "2030-01-01" and str(stored.end_date) == "2030-12-31"
    assert tags(bot, stored.id) == {
        ("objective", "advocacy"),
        ("objective", "good_practices"),
        ("continuum", "prevention"),
        ("population", "youth"),
        ("population", "children"),
        ("region", "africa"),
        ("country", "KE"),
        ("country", "NG"),
    }
    assert partner_ids(bot, stored.id) == {unhcr}
    assert audit_actions(bot, stored.id) == ["initiative.share"]

    [confirmation] = bot.posts(PEOPLE["ILO"].id)
    assert "shared with the working group" in message_text(confirmation)
    opening, announcement = bot.posts(CHANNEL)
    assert "thread_ts" not in opening
    assert announcement["thread_ts"]
    assert f"#{stored.id}" in message_text(announcement) and "ILO" in message_text(announcement)
    for message in (confirmation, opening, announcement):
        assert_valid_message(message)

    bot.clock.set(bot.clock() + timedelta(hours=1))
    share(bot, who="UNICEF", title="School-based prevention")
    channel_posts = bot.posts(CHANNEL)
    assert len(channel_posts) == 3, "the second share goes into the same thread, no new top-level post"
    assert channel_posts[2]["thread_ts"] == announcement["thread_ts"]


def test_a_new_meeting_cycle_starts_a_new_thread(bot):
    share(bot)
    first_thread = bot.posts(CHANNEL)[1]["thread_ts"]
    add_meetings(bot, datetime(2030, 2, 1, 10, tzinfo=UTC), datetime(2030, 5, 1, 10, tzinfo=UTC))
    bot.clock.set(datetime(2030, 2, 2, 9, tzinfo=UTC))
    share(bot, title="After the February meeting")
    posts = bot.posts(CHANNEL)
    assert len(posts) == 4
    assert "thread_ts" not in posts[2]
    assert posts[3]["thread_ts"] != first_thread


def test_listing_filters_by_organisation_or_keyword_newest_first(bot):
    unhcr = organisation_id(bot, "UNHCR")
    share(bot, who="ILO", partners=[str(unhcr)])
    bot.clock.set(bot.clock() + timedelta(hours=1))
    share(
        bot,
        who="UNICEF",
        title="School-based prevention",
        objectives=["stigma"],
        populations=["children"],
        countries="Nigeria",
    )

    def listed(query: str) -> list[str]:
        bot.command(f"initiatives {query}".strip(), who="OHCHR")
        reply = bot.replies()[-1]
        assert_valid_message(reply)
        return [b["block_id"] for b in reply["blocks"] if b.get("block_id", "").startswith("initiative-")]

    assert listed("") == ["initiative-2", "initiative-1"]
    assert listed("UNHCR") == ["initiative-1"], "partners count as involved"
    assert listed("ilo") == ["initiative-1"]
    assert listed("UNICEF") == ["initiative-2"]
    assert listed("stigma") == ["initiative-2"]
    assert listed("youth") == ["initiative-1"]
    assert listed("Kenya") == ["initiative-1"]
    assert listed("NG") == ["initiative-2", "initiative-1"]
    assert listed("school") == ["initiative-2"]
    assert listed("50% off") == []
    assert "Nothing found for “50% off”" in bot.last_reply_text()
    assert listed("NOPE") == []
    assert "organisations are AU, CICAD/OAS" in bot.last_reply_text()
    text = message_text(bot.replies()[0])
    assert "#2" in text and "UNICEF" in text and "Reducing stigma" in text and "Ongoing" in text


def test_two_hundred_long_initiatives_paginate_within_block_kit_limits(bot):
    ids = add_initiatives(bot, 200, organisation="ILO")
    bot.command("initiatives", who="UNICEF")
    seen: list[int] = []
    message = bot.replies()[-1]
    pages = 0
    while True:
        pages += 1
        assert_valid_message(message)
        seen += [
            int(b["block_id"].split("-")[1])
            for b in message["blocks"]
            if b.get("block_id", "").startswith("initiative-")
        ]
        buttons = [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]
        following = [e for e in buttons if e["action_id"] == "initiatives_page_next"]
        if not following:
            break
        bot.click("initiatives_page_next", following[0]["value"], who="UNICEF")
        message = bot.replies()[-1]
        assert message.get("replace_original") is True
    assert pages == 25
    assert seen == sorted(ids, reverse=True)
    previous = next(e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"])
    assert previous["action_id"] == "initiatives_page_previous"
    bot.click("initiatives_page_previous", previous["value"], who="UNICEF")
    assert "page 24 of 25" in message_text(bot.replies()[-1])

    bot.click("initiative_edit", str(ids[0]), who="ILO")
    assert_valid_view(bot.opened_views()[-1])

    bot.event({"type": "app_home_opened", "user": PEOPLE["ILO"].id, "tab": "home"})
    home = bot.slack.calls_to("views.publish")[-1].params["view"]
    assert_valid_view(home)
    assert "of 200" in message_text(home)


def test_unknown_page_number_or_initiative_is_explained(bot):
    bot.command("whoami")
    bot.command("edit-initiative 999")
    assert "no initiative #999" in bot.last_told_text()
    assert [view["callback_id"] for view in bot.opened_views()] == ["refused"]
    bot.command("edit-initiative twelve")
    assert "/itwg edit-initiative 12" in bot.last_reply_text()
    assert len(bot.slack.calls_to("views.open")) == 1, (
        "a command that cannot name an initiative opens no form"
    )


def test_edit_only_by_the_lead_organisation_or_co_leads_same_record_and_audited(bot):
    share(bot, who="ILO")
    [original] = initiatives(bot)
    bot.command("whoami", who="UNICEF")
    bot.slack.clear()

    bot.command(f"edit-initiative {original.id}", who="UNICEF")
    assert "Only people of ILO and the co-leads" in bot.last_told_text()
    bot.click("initiative_edit", str(original.id), who="UNICEF")
    assert "Only people of ILO" in bot.last_told_text()
    assert {view["callback_id"] for view in bot.opened_views()} == {"refused"}, "a refusal offers no form"
    bot.slack.clear()

    bot.command(f"edit-initiative {original.id}", who="ILO")
    [view] = bot.opened_views()
    assert_valid_view(view)
    title = next(b for b in view["blocks"] if b["block_id"] == "title")
    assert title["element"]["initial_value"] == VALID["title"]
    forged = bot.submit(view, state_values(view, {**VALID, "title": "Taken over"}), who="UNICEF")
    assert "Only people of ILO" in bot.refusal(forged)["title"]
    assert initiatives(bot)[0].title == VALID["title"]

    bot.clock.set(bot.clock() + timedelta(days=1))
    response = bot.submit(
        view, state_values(view, {**VALID, "title": "Family skills, phase 2", "status": "paused"})
    )
    assert response.status == 200 and not response.body
    [edited] = initiatives(bot)
    assert edited.id == original.id and edited.title == "Family skills, phase 2" and edited.status == "paused"
    assert edited.shared_at == bot.clock()
    assert "Your changes are saved" in message_text(bot.posts(PEOPLE["ILO"].id)[-1])
    assert bot.posts(CHANNEL) == [], "edits are not announced again"

    bot.click("initiative_edit", str(original.id), who="WHO")
    co_lead_view = bot.opened_views()[-1]
    bot.submit(
        co_lead_view,
        state_values(co_lead_view, {**VALID, "lead": str(original.lead_organisation_id)}),
        who="WHO",
    )
    assert [i.title for i in initiatives(bot)] == [VALID["title"]]
    assert audit_actions(bot, original.id) == ["initiative.share", "initiative.edit", "initiative.edit"]


def test_mrkdwn_in_a_title_pings_nobody_and_round_trips_in_the_edit_form(bot):
    title = "<!channel> Free & open <https://evil.example|click>"
    share(bot, title=title)
    bot.command("initiatives")
    sent = [*bot.posts(), *bot.replies()]
    assert sent
    for message in sent:
        raw = json.dumps(message, ensure_ascii=False)
        assert "<!channel>" not in raw and "<https://evil" not in raw
    assert "&lt;!channel&gt; Free &amp; open" in message_text(bot.posts(CHANNEL)[1])
    bot.command("edit-initiative 1")
    view = bot.opened_views()[-1]
    assert next(b for b in view["blocks"] if b["block_id"] == "title")["element"]["initial_value"] == title


def _bold_title(text: str, number: int) -> str:
    """The bold span ``*#N …*`` of a card, as Slack would delimit it: up to the first mark ``*``
    that is not held between zero-width joiners."""
    start = text.index(f"*#{number} ") + 1
    for at in range(start, len(text)):
        if text[at] == "*" and not (text[at - 1] == ZWJ and text[at + 1 : at + 2] == ZWJ):
            return text[start:at]
    raise AssertionError("the bold never closes")


def test_formatting_marks_in_a_title_leave_the_bold_around_it_whole(bot):
    title = "Kids *first* _and_ ~old~ `code` * end_"
    share(bot, title=title)
    bot.command("initiatives")
    bot.command("confirm-initiative 1 ongoing")
    cards = [message_text(m) for m in [*bot.posts(CHANNEL), *bot.replies()] if "#1 " in message_text(m)]
    assert len(cards) >= 3, "announcement, listing and confirmation"
    for text in cards:
        bold = _bold_title(text, 1)
        assert bold.replace(ZWJ, "") == f"#1 {title}"
        assert not re.search(r"(?<!\u200d)[*_~`]|[*_~`](?!\u200d)", bold), bold
    assert initiatives(bot)[0].title == title


def test_two_first_shares_racing_keep_one_thread_for_the_cycle(bot):
    competing_ts = "1000.000001"

    def another_share_records_its_thread_first(method: str, params: dict) -> None:
        if method == "chat.postMessage" and params.get("channel") == CHANNEL and "thread_ts" not in params:
            bot.slack.listeners.remove(another_share_records_its_thread_first)
            with session_scope(bot.deps.engine) as session:
                session.add(AnnouncementThread(cycle_key="open", channel=CHANNEL, ts=competing_ts))

    bot.slack.listeners.append(another_share_records_its_thread_first)
    share(bot)
    announcement = bot.posts(CHANNEL)[-1]
    [deleted] = bot.slack.calls_to("chat.delete")
    assert deleted.params["ts"] != competing_ts
    assert announcement["thread_ts"] == competing_ts


def test_a_share_stands_when_the_channel_refuses_the_announcement(bot):
    bot.slack.fail("chat.postMessage", "not_in_channel")
    response = share(bot)
    assert response.status == 200 and not response.body
    assert len(initiatives(bot)) == 1
    confirmation = message_text(bot.posts(PEOPLE["ILO"].id)[-1])
    assert "shared with the working group" in confirmation
    assert "announced in the channel" not in confirmation


def test_a_co_lead_must_pick_a_known_lead_organisation(bot):
    view = open_share_modal(bot, who="UNODC")
    response = bot.submit(view, state_values(view, {**VALID, "lead": "9999"}), who="UNODC")
    assert "lead organisation" in bot.refusal(response)["lead"]
    assert initiatives(bot) == []


def test_an_overlong_search_is_refused_with_the_accepted_form(bot):
    bot.command("initiatives " + "x" * 101)
    assert "up to 100 characters" in bot.last_reply_text()


UN_NAMES = {
    "Viet Nam": "VN",
    "Türkiye": "TR",
    "Czechia": "CZ",
    "Republic of Korea": "KR",
    "State of Palestine": "PS",
    "United Kingdom": "GB",
    "Bolivia (Plurinational State of)": "BO",
    "Côte d’Ivoire": "CI",
    "Democratic Republic of the Congo": "CD",
}


def test_countries_are_understood_by_their_un_and_iso_names_and_shown_by_un_short_names(bot):
    typed = (
        "; ".join(UN_NAMES) + "; Korea, Republic of; the Plurinational State of Bolivia; Korea (South); KEN"
    )
    response = share(bot, countries=typed)
    assert response.status == 200 and not response.body, response.body
    [shared] = initiatives(bot)
    assert {v for k, v in tags(bot, shared.id) if k == "country"} == {*UN_NAMES.values(), "KE"}
    [confirmation] = bot.posts(PEOPLE["ILO"].id)
    card = message_text(confirmation)
    for name in (
        "Viet Nam",
        "Republic of Korea",
        "Bolivia (Plurinational State of)",
        "Democratic Republic of",
    ):
        assert name in card


def test_a_name_that_is_no_country_is_refused_by_name(bot):
    response = share(bot, countries="Kenya, Atlantis, Africa")
    errors = bot.refusal(response)
    assert "“Atlantis”" in errors["countries"] and "“Africa”" in errors["countries"]
    assert initiatives(bot) == []


def test_cards_show_the_continuum_areas(bot):
    share(bot, continuum=["prevention", "rehabilitation_recovery"])
    bot.command("initiatives")
    [confirmation] = bot.posts(PEOPLE["ILO"].id)
    for message in (confirmation, bot.replies()[-1]):
        assert "Continuum: Prevention, Rehabilitation and recovery" in message_text(message)
