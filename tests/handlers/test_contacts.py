"""``/itwg contact add|remove``, ``/itwg contacts`` and ``/itwg email``: who may do what, one person
per address, and bad input answered briefly with nothing stored."""

import pytest
from sqlmodel import select

from bot import membership
from bot.settings import SettingsError
from storage.db import session_scope
from storage.models import AuditEntry, Contact, EmailOptOut


def _contacts(engine) -> list[tuple[str, str, bool]]:
    with session_scope(engine) as session:
        rows = session.exec(select(Contact).order_by(Contact.email)).all()
        return [(c.email, c.name, c.is_focal_point) for c in rows]


def test_a_member_adds_lists_and_removes_their_own_organisations_contact(bot):
    bot.command('contact add ILO "Ana  Díaz" Ana.Diaz@ILO.org focal', who="ILO")
    assert "Ana Díaz (ana.diaz@ilo.org) is now a contact of *ILO*, as a focal point" in bot.last_reply_text()
    assert _contacts(bot.deps.engine) == [("ana.diaz@ilo.org", "Ana Díaz", True)]
    bot.command("contacts", who="ILO")
    assert "ana.diaz@ilo.org" in bot.last_reply_text() and "focal point" in bot.last_reply_text()
    bot.command("contact remove <mailto:ana.diaz@ilo.org|ana.diaz@ilo.org>", who="ILO")
    assert "no longer a contact" in bot.last_reply_text()
    assert _contacts(bot.deps.engine) == []
    with session_scope(bot.deps.engine) as session:
        entries = session.exec(select(AuditEntry).where(AuditEntry.entity == "contact")).all()
    assert [e.action for e in entries] == ["contact.add", "contact.remove"]
    assert entries[1].details["changes"] == {
        "organisation": {"before": "ILO", "after": None},
        "name": {"before": "Ana Díaz", "after": None},
        "email": {"before": "ana.diaz@ilo.org", "after": None},
        "focal": {"before": True, "after": None},
    }


def test_co_leads_manage_any_organisation_and_members_only_their_own(bot):
    bot.command('contact add UNHCR "Rae Out" rae@unhcr.org', who="ILO")
    assert "Only UNHCR's people and the co-leads" in bot.last_reply_text()
    bot.command('contact add UNHCR "Rae Out" rae@unhcr.org', who="UNODC")
    assert "contact of *UNHCR*" in bot.last_reply_text()
    bot.command("contacts UNHCR", who="ILO")
    assert "Only UNHCR's people" in bot.last_reply_text()
    bot.command("contact remove rae@unhcr.org", who="ILO")
    assert "Only the organisation's people" in bot.last_reply_text()
    bot.command("contacts", who="UNODC")
    assert "rae@unhcr.org" in bot.last_reply_text()
    assert [email for email, _, _ in _contacts(bot.deps.engine)] == ["rae@unhcr.org"]


def test_an_address_is_one_person(bot):
    bot.command("whoami", who="UNHCR")  # the bot now knows hana@unhcr.org as a Slack person of UNHCR
    bot.command('contact add UNHCR "Hana" hana@unhcr.org', who="UNHCR")
    assert "on Slack and are reached there" in bot.last_reply_text()
    bot.command('contact add UNHCR "Hana again" HANA@unhcr.org', who="UNODC")
    assert "already a contact of UNHCR" in bot.last_reply_text()
    bot.command('contact add ILO "Hana" hana@unhcr.org', who="UNODC")
    assert "is already a contact" in bot.last_reply_text()
    assert len(_contacts(bot.deps.engine)) == 1


def test_a_slack_persons_address_cannot_become_another_organisations_contact(bot):
    bot.command("whoami", who="UNHCR")
    bot.command('contact add ILO "Not Hana" hana@unhcr.org', who="UNODC")
    assert "is on Slack as someone of UNHCR" in bot.last_reply_text()
    assert _contacts(bot.deps.engine) == []


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("contact add ILO Ana ana@ilo.org extra words", "Use `/itwg contact add ORG"),
        ('contact add ILO "Ana ana@ilo.org', "Close the quotes"),
        ('contact add ILO "Ana" not-an-address', "is not an e-mail address"),
        ('contact add ILO "Ana" "<ana@ilo.org\n>"', "is not an e-mail address"),
        ('contact add ILO "Ana" "ana@ilo.org\nBcc: x@y.org"', "is not an e-mail address"),
        ('contact add ILO "Ana" "ana@ilo.org\r\nBcc:x@y.org"', "is not an e-mail address"),
        ('contact add NOPE "Ana" ana@ilo.org', "There is no organisation `NOPE`"),
        ("contact add", "Use `/itwg contact add ORG"),
        ("contact frobnicate", "Use `/itwg contact add ORG"),
        ("contact remove nobody@ilo.org", "is not a contact"),
    ],
)
def test_bad_input_gets_a_short_answer_and_stores_nothing(bot, text, answer):
    bot.command(text, who="ILO")
    assert answer in bot.last_reply_text()
    assert _contacts(bot.deps.engine) == []


def test_email_off_and_on(bot):
    bot.command("email off", who="ILO")
    assert "no more e-mail to focal.point@ilo.org" in bot.last_reply_text()
    with session_scope(bot.deps.engine) as session:
        assert [o.email for o in session.exec(select(EmailOptOut))] == ["focal.point@ilo.org"]
    bot.command("email on", who="ILO")
    with session_scope(bot.deps.engine) as session:
        assert session.exec(select(EmailOptOut)).all() == []
    bot.command("email maybe", who="ILO")
    assert "Use `/itwg email off`" in bot.last_reply_text()


def test_email_off_without_an_address_says_so(bot):
    bot.command("email off", who="GUEST")
    assert "no e-mail address for you" in bot.last_reply_text()
    with session_scope(bot.deps.engine) as session:
        assert session.exec(select(EmailOptOut)).all() == []


def test_contacts_listed_in_the_membership_file_are_added_once(engine, tmp_path):
    listed = tmp_path / "membership.toml"
    listed.write_text(
        membership.default_path().read_text(encoding="utf-8")
        + '\n[[contact]]\norganisation = "ilo"\nname = "Ana  Díaz"\n'
        + 'email = "Ana.Diaz@ilo.org"\nfocal = true\n',
        encoding="utf-8",
    )
    membership.load(engine, listed)
    membership.load(engine, listed)
    assert _contacts(engine) == [("ana.diaz@ilo.org", "Ana Díaz", True)]


def test_a_malformed_contact_in_the_membership_file_names_the_problem(engine, tmp_path):
    listed = tmp_path / "membership.toml"
    listed.write_text('[[contact]]\norganisation = "ILO"\nname = "Ana"\nemail = "nope"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match="'nope' is not an e-mail address"):
        membership.load(engine, listed)
    assert _contacts(engine) == []


def test_email_off_and_on_are_audited_from_what_to_what(bot):
    bot.command("email off", who="ILO")
    bot.command("email off", who="ILO")
    bot.command("email on", who="ILO")
    with session_scope(bot.deps.engine) as session:
        entries = session.exec(select(AuditEntry).where(AuditEntry.action.startswith("email."))).all()
    assert [(e.action, e.details["email"], e.details["changes"]["email"]["after"]) for e in entries] == [
        ("email.off", "focal.point@ilo.org", "off"),
        ("email.on", "focal.point@ilo.org", "on"),
    ]


def test_an_address_at_another_organisations_domain_is_not_made_a_contact(bot):
    for who in ("ILO", "UNODC"):
        bot.command('contact add ILO "Boss" Boss@unhcr.org focal', who=who)
        assert "is an address of UNHCR" in bot.last_reply_text()
    assert _contacts(bot.deps.engine) == []
    bot.command('contact add ILO "Ana" ana@gmail.com', who="ILO")
    bot.command('contact add UNHCR "Boss" boss@unhcr.org', who="UNODC")
    assert [email for email, _, _ in _contacts(bot.deps.engine)] == ["ana@gmail.com", "boss@unhcr.org"]


def test_a_long_list_of_contacts_says_truly_how_many_more_there_are(bot):
    for number in range(60):
        bot.command(
            f'contact add ILO "Ana {"Díaz & <Co> " * 15}{number:02d}" ana{number:02d}@gmail.com', who="UNODC"
        )
    bot.command("contacts", who="UNODC")
    blocks = bot.replies()[-1]["blocks"]
    listed = [b for b in blocks[1:] if b["type"] == "section"]
    notes = [e["text"] for b in blocks if b["type"] == "context" for e in b["elements"]]
    assert 1 < len(listed) < 45
    assert notes == [f"and {60 - len(listed)} more: ask for one organisation with `/itwg contacts ORG`."]
    assert "ana00@gmail.com" in listed[0]["text"]["text"]
