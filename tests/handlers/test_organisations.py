"""The co-leads manage organisations in Slack; `membership.toml` only seeds them."""

from datetime import timedelta

from bot import membership
from bot.local_slack import SlackUser
from bot.slack_client import make_clock_client
from bot.tick import tick
from storage.db import session_scope
from storage.repositories import organisations
from tests.bot.test_tick import STARTS, add_meeting
from tests.handlers.initiative_helpers import share
from tests.harness import CHANNEL, message_text
from tests.reliability.test_permissions import snapshot


def _status(bot) -> str:
    bot.command("status", who="UNODC")
    return bot.last_reply_text()


def _nudged(bot, settings) -> set[str]:
    """Whom a tick at the 14-day nudge sends a direct message."""
    add_meeting(bot.deps.engine)
    before = len(bot.posts())
    tick(bot.deps, make_clock_client(settings), now=STARTS - timedelta(days=14, minutes=-1))
    return {p["channel"] for p in bot.posts()[before:] if p["channel"] != CHANNEL}


def test_an_organisation_added_in_slack_is_counted_and_nudged(bot, settings):
    bot.slack.add_user(SlackUser(id="UWFP00001", name="Wanda", email="wanda@wfp.org"))
    bot.command("org add WFP “World Food Programme” member wfp.org", who="UNODC")
    announced = message_text(bot.posts(CHANNEL)[-1])
    assert "<@UUNODC001> (co-lead) added *WFP* (World Food Programme)" in announced
    assert "e-mail domains: — → *wfp.org*" in announced
    bot.command("whoami", who="UWFP00001")
    assert "*WFP* (Member)" in bot.last_reply_text()
    assert "*WFP* — not yet" in _status(bot)
    assert "of 17 organisations" in bot.last_reply_text()

    assert "UWFP00001" in _nudged(bot, settings)
    bot.command("history org WFP", who="WHO")
    assert "<@UUNODC001> added it" in bot.last_reply_text()


def test_a_retired_organisation_is_neither_counted_nor_nudged_but_keeps_its_records(bot, settings):
    share(bot, who="UNHCR")
    bot.command("org retire UNHCR", who="WHO")
    assert "retired *UNHCR*" in message_text(bot.posts(CHANNEL)[-1])
    status = _status(bot)
    assert "*UNHCR*" not in status and "of 15 organisations" in status
    bot.command("whoami", who="ILO")
    nudged = _nudged(bot, settings)
    assert "UILO00001" in nudged and "UUNHCR001" not in nudged
    bot.command("initiatives", who="ILO")
    assert "UNHCR" in bot.last_reply_text(), "its initiatives stay"
    bot.command("join UNHCR", who="GUEST")
    assert "I don't know the organisation “UNHCR”" in bot.last_reply_text()
    bot.command("history org UNHCR", who="UNODC")
    assert "retired it" in bot.last_reply_text()


def test_role_name_and_domains_change_and_the_seed_file_does_not_undo_them(bot):
    bot.command("org set ILO observer", who="UNODC")
    bot.command('org rename ILO "International Labour Organization (ILO)"', who="UNODC")
    bot.command("org domains ILO ilo.org ilo.int", who="UNODC")
    bot.command("org retire UNFPA", who="UNODC")
    membership.load(bot.deps.engine)
    with session_scope(bot.deps.engine) as session:
        ilo = organisations.find_by_acronym(session, text="ILO")
        assert (ilo.role, ilo.name, ilo.email_domains) == (
            "observer",
            "International Labour Organization (ILO)",
            ["ilo.int", "ilo.org"],
        )
        assert organisations.find_by_acronym(session, text="UNFPA") is None
    bot.command("history org ILO", who="WHO")
    assert "role: member → *observer*" in bot.last_reply_text()


def test_refusals_change_nothing(bot):
    bot.command("whoami", who="ILO")
    bot.command("whoami", who="UNODC")
    before = snapshot(bot)
    for who, command, reason in [
        ("ILO", 'org add WFP "World Food Programme"', "Only the co-leads"),
        ("UNODC", "org add WFP", 'org add WFP "Full name"'),
        ("UNODC", 'org add WFP "World Food" member not_a_domain', "is not an e-mail domain"),
        ("UNODC", 'org add WFP "World Food Programme', "Close the quotes"),
        (
            "UNODC",
            "org add WFP World Food Programme observer wfp.org",
            'Put the full name in quotes: `/itwg org add WFP "World Food Programme" observer wfp.org`',
        ),
        ("UNODC", "org add WFP World Food Programme", '`/itwg org add WFP "World Food Programme"`'),
        ("UNODC", 'org add ILO "Again"', "already an organisation"),
        ("UNODC", "org set WHO observer", "co-lead organisation"),
        ("UNODC", "org set ILO co_lead", "member|observer"),
        ("UNODC", "org domains ILO unhcr.org", "already UNHCR's domain"),
        ("UNODC", "org domains ILO ilo.org Gmail.com", "gmail.com is a public e-mail service"),
        ("UNODC", 'org add WFP "World Food Programme" member wfp.org outlook.com', "public e-mail service"),
        ("UNODC", "org set ILO member", "like that already"),
        ("UNODC", "org retire NOPE", "I don't know the organisation"),
        ("UNODC", "org", "Usage"),
    ]:
        bot.command(command, who=who)
        assert reason in bot.last_reply_text(), (command, bot.last_reply_text())
    assert snapshot(bot) == before


def test_people_of_a_retired_organisation_read_but_change_nothing(bot):
    share(bot, who="UNHCR")
    bot.command("org retire UNHCR", who="WHO")
    before = snapshot(bot)
    for command in [
        "share-initiative",
        "edit-initiative 1",
        "action add Draft the joint statement",
        "agenda add Joint statement",
        "rsvp 1 yes",
        'contact add UNHCR "Ana Diaz" ana@unhcr.org',
        "contact remove ana@unhcr.org",
        "focal-point",
    ]:
        bot.command(command, who="UNHCR")
        reply = bot.last_told_text()
        assert "UNHCR has been retired" in reply and "ask a co-lead" in reply, (command, reply)
    assert snapshot(bot) == before
    bot.command("initiatives", who="UNHCR")
    assert "Family skills" in bot.last_reply_text(), "reading stays allowed"
