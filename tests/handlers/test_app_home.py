"""The Home tab: the person's organisation, its initiatives' state and the next meeting's date."""

from datetime import UTC, datetime

from tests.handlers.initiative_helpers import VALID, add_meetings, assert_valid_view, share
from tests.harness import PEOPLE, message_text
from tests.reliability.forms import state_values

NEXT_MEETING = datetime(2030, 2, 1, 10, 0, tzinfo=UTC)


def open_home(bot, who: str) -> dict:
    before = len(bot.slack.calls_to("views.publish"))
    bot.event({"type": "app_home_opened", "user": PEOPLE[who].id, "tab": "home", "channel": "DHOME"})
    published = bot.slack.calls_to("views.publish")
    assert len(published) == before + 1
    assert published[-1].params["user_id"] == PEOPLE[who].id
    view = published[-1].params["view"]
    assert_valid_view(view)
    return view


def actions_of(view: dict) -> list[str]:
    return [
        element["action_id"]
        for block in view["blocks"]
        for element in ([block["accessory"]] if "accessory" in block else block.get("elements", []))
        if element.get("type") == "button"
    ]


def test_home_shows_organisation_next_meeting_in_readers_timezone_and_a_share_button(bot):
    add_meetings(bot, NEXT_MEETING)
    view = open_home(bot, "ILO")
    text = message_text(view)
    assert view["type"] == "home"
    assert "*ILO* (Member)" in text
    assert f"<!date^{int(NEXT_MEETING.timestamp())}^" in text
    assert "none shared yet" in text
    assert "initiative_share_open" in actions_of(view)

    bot.click("initiative_share_open", "share", who="ILO", container={"type": "view", "view_id": "VHOME"})
    view = bot.opened_views()[-1]
    assert view["callback_id"] == "initiative_form"
    bot.submit(view, state_values(view, VALID), who="ILO")
    refreshed = bot.slack.calls_to("views.publish")[-1].params
    assert refreshed["user_id"] == PEOPLE["ILO"].id
    assert "#1 Family skills" in message_text(refreshed["view"])


def test_home_lists_the_organisations_initiatives_with_their_state_for_the_coming_meeting(bot):
    add_meetings(bot, NEXT_MEETING)
    share(bot, who="ILO")
    share(bot, who="UNICEF", title="Another organisation's work")
    view = open_home(bot, "ILO")
    text = message_text(view)
    assert "#1 Family skills for youth prevention" in text
    assert "Another organisation" not in text
    assert "Shared for the coming meeting" in text
    assert "initiative_edit" in actions_of(view)
    assert "initiative_confirm_ongoing" not in actions_of(view), "nothing to confirm yet"


def test_home_for_someone_without_organisation_says_how_to_join(bot):
    view = open_home(bot, "GUEST")
    assert "/itwg join" in message_text(view)
    assert "initiative_share_open" not in actions_of(view)


def test_other_tabs_publish_nothing(bot):
    bot.event({"type": "app_home_opened", "user": PEOPLE["ILO"].id, "tab": "messages"})
    assert bot.slack.calls_to("views.publish") == []
