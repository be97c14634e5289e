"""`itwg sync-members` maps every channel member the way first contact does, across pages."""

from sqlmodel import func, select

from bot.local_slack import SlackUser
from bot.slack_profiles import sync_channel_members
from storage.db import session_scope
from storage.models import Person
from tests.harness import CHANNEL


def test_sync_maps_members_across_pages_and_lists_the_unmapped(deps, client, slack):
    extra = []
    for n in range(230):
        domain = "unicef.org" if n % 2 else "example.com"
        extra.append(slack.add_user(SlackUser(id=f"UX{n:07d}", name=f"Person {n}", email=f"p{n}@{domain}")))
    bot_user = slack.add_user(SlackUser(id="UBOTUSER1", name="Some bot", is_bot=True))
    slack.channel_members[CHANNEL] = [u.id for u in extra] + [bot_user.id]

    report = sync_channel_members(deps, client, channel=CHANNEL)

    assert report.members_seen == 231
    assert report.registered == 230
    assert report.mapped == 115
    assert len(report.unmapped) == 115
    assert "Person 0 (UX0000000)" in report.unmapped
    assert len(slack.calls_to("conversations.members")) == 2, "230 members at 200 a page"
    with session_scope(deps.engine) as session:
        assert session.exec(select(func.count()).select_from(Person)).one() == 230

    again = sync_channel_members(deps, client, channel=CHANNEL)
    assert again.registered == 0 and again.mapped == 115
    # Known people are not looked up again; only the bot account, which is never stored, is.
    assert len(slack.calls_to("users.info")) == 232
