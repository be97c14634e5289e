"""People are mapped to organisations by email domain, or choose with /itwg join."""

from sqlmodel import select

from storage.db import session_scope
from storage.models import AuditEntry, Person


def _person(bot, user_id):
    with session_scope(bot.deps.engine) as session:
        return session.exec(select(Person).where(Person.slack_user_id == user_id)).one()


def test_first_contact_maps_person_by_email_domain(bot):
    bot.command("whoami", who="ILO")
    assert "ILO" in bot.last_reply_text()
    person = _person(bot, "UILO00001")
    assert person.email == "focal.point@ilo.org"
    assert person.timezone == "Europe/Zurich"
    assert len(bot.slack.calls_to("users.info")) == 1
    bot.command("whoami", who="ILO")
    assert len(bot.slack.calls_to("users.info")) == 1, "known people are not looked up again"


def test_co_lead_mapped_by_domain(bot):
    bot.command("whoami", who="WHO")
    assert "WHO" in bot.last_reply_text()
    assert "Co-lead" in bot.last_reply_text()


def test_slack_connect_guest_without_email_is_asked_to_join_then_joins(bot):
    bot.command("whoami", who="GUEST")
    assert "/itwg join" in bot.last_reply_text()
    assert _person(bot, "UGUEST001").organisation_id is None
    bot.command("join unhcr", who="GUEST")
    assert "UNHCR" in bot.last_reply_text()
    bot.command("whoami", who="GUEST")
    assert "UNHCR" in bot.last_reply_text()
    with session_scope(bot.deps.engine) as session:
        actions = [e.action for e in session.exec(select(AuditEntry))]
    assert "person.join" in actions


def test_join_unknown_organisation_lists_known_ones_and_changes_nothing(bot):
    bot.command("join NOPE", who="GUEST")
    text = bot.last_reply_text()
    assert "NOPE" in text and "UNICEF" in text
    assert _person(bot, "UGUEST001").organisation_id is None


def test_guest_cannot_join_a_co_lead_organisation(bot):
    bot.command("join WHO", who="GUEST")
    assert "co-lead" in bot.last_reply_text().lower()
    assert _person(bot, "UGUEST001").organisation_id is None


def test_member_mapped_by_email_cannot_switch_organisation(bot):
    bot.command("join UNICEF", who="ILO")
    assert "maps you to ILO" in bot.last_reply_text()


def test_co_lead_places_a_guest_in_a_co_lead_organisation(bot):
    bot.command("whoami", who="GUEST")
    bot.command("join WHO <@UGUEST001|gus>", who="UNODC")
    assert "WHO" in bot.last_reply_text()
    bot.command("whoami", who="GUEST")
    assert "WHO" in bot.last_reply_text()


def test_focal_point_marks_self_and_member_cannot_mark_others(bot):
    bot.command("focal-point", who="ILO")
    assert _person(bot, "UILO00001").is_focal_point
    bot.command("whoami", who="UNHCR")
    bot.command("focal-point <@UUNHCR001>", who="ILO")
    assert "Only a co-lead" in bot.last_reply_text()
    assert not _person(bot, "UUNHCR001").is_focal_point
    bot.command("focal-point <@UUNHCR001>", who="UNODC")
    assert _person(bot, "UUNHCR001").is_focal_point


def test_users_info_failure_still_registers_person_without_organisation(bot):
    bot.slack.fail("users.info", "missing_scope")
    bot.command("whoami", who="UNICEF")
    assert "/itwg join" in bot.last_reply_text()
