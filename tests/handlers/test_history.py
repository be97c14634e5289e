"""Audits that answer questions: before and after values, ``/itwg history``, the owning organisation
told of a co-lead's change; and "shared this cycle" moved only by the organisation itself."""

from datetime import UTC, datetime

from sqlmodel import select

from storage.db import session_scope
from storage.models import AuditEntry
from storage.repositories import organisations
from tests.handlers.initiative_helpers import VALID, add_meetings, initiatives, share
from tests.harness import message_text
from tests.reliability.forms import latest_form, state_values


def _organisation_id(bot, acronym: str) -> str:
    with session_scope(bot.deps.engine) as session:
        organisation = organisations.find_by_acronym(session, text=acronym)
        assert organisation is not None
        return str(organisation.id)


def _edit(bot, number: int, who: str, **changes):
    bot.command(f"edit-initiative {number}", who=who)
    view = latest_form(bot)
    return bot.submit(view, state_values(view, {**VALID, **changes}), who=who)


def _status_line(bot, acronym: str) -> str:
    bot.command("status", who="UNODC")
    return next(line for line in bot.last_reply_text().splitlines() if f"*{acronym}*" in line)


def _dms_to(bot, user_id):
    return [message_text(p) for p in bot.posts() if p.get("channel") == user_id]


def test_a_co_leads_no_change_save_leaves_the_organisation_not_shared(bot):
    add_meetings(bot, datetime(2030, 1, 20, 12, tzinfo=UTC), datetime(2030, 4, 20, 12, tzinfo=UTC))
    bot.command("focal-point", who="ILO")
    share(bot, who="ILO")
    bot.clock.set(datetime(2030, 2, 1, 9, tzinfo=UTC))
    assert "not yet" in _status_line(bot, "ILO")
    (before,) = initiatives(bot)

    _edit(bot, 1, who="UNODC")
    assert "Nothing changed" in _dms_to(bot, "UUNODC001")[-1]
    (after,) = initiatives(bot)
    assert (after.shared_at, after.updated_at) == (before.shared_at, before.updated_at)
    assert "not yet" in _status_line(bot, "ILO")
    assert not [t for t in _dms_to(bot, "UILO00001") if "(a co-lead) changed" in t]

    _edit(bot, 1, who="UNODC", title="Family skills, revised by the co-leads")
    (edited,) = initiatives(bot)
    assert edited.updated_at > before.updated_at and edited.shared_at == before.shared_at
    assert "not yet" in _status_line(bot, "ILO"), "a co-lead's edit is not ILO sharing"
    notice = _dms_to(bot, "UILO00001")[-1]
    assert "<@UUNODC001> (a co-lead) changed ILO's initiative #1" in notice
    assert "title: Family skills for youth prevention → *Family skills, revised by the co-leads*" in notice

    bot.command("confirm-initiative 1 ongoing", who="UNODC")
    assert "1 shared" in _status_line(bot, "ILO"), "an explicit confirmation on ILO's behalf counts"
    with session_scope(bot.deps.engine) as session:
        confirmed = session.exec(select(AuditEntry).where(AuditEntry.action == "initiative.confirm")).one()
    assert confirmed.details["on_behalf_of"] == "ILO"
    bot.command("history initiative 1", who="ILO")
    assert "on behalf of ILO" in bot.last_reply_text()


def test_an_organisations_own_real_edit_counts_as_sharing(bot):
    add_meetings(bot, datetime(2030, 1, 20, 12, tzinfo=UTC), datetime(2030, 4, 20, 12, tzinfo=UTC))
    share(bot, who="ILO")
    bot.clock.set(datetime(2030, 2, 1, 9, tzinfo=UTC))
    _edit(bot, 1, who="ILO")
    assert "not yet" in _status_line(bot, "ILO"), "its own save without a change is not sharing either"
    _edit(bot, 1, who="ILO", status="completed")
    assert "1 shared" in _status_line(bot, "ILO")


def test_history_shows_the_lead_organisations_before_and_after(bot):
    bot.command("focal-point", who="UNHCR")
    share(bot, who="UNHCR")
    _edit(bot, 1, who="UNODC", lead=_organisation_id(bot, "UNODC"), countries="KE")
    notice = _dms_to(bot, "UUNHCR001")[-1]
    assert "lead organisation: UNHCR → *UNODC*" in notice
    assert "countries: KE, NG → *KE*" in notice

    bot.command("history initiative 1", who="WHO")
    text = bot.last_reply_text()
    assert "History of initiative #1" in text
    assert "<@UUNODC001> changed it" in text
    assert "lead organisation: UNHCR → *UNODC*" in text
    assert "<@UUNHCR001> shared it" in text
    assert text.index("changed it") < text.index("shared it"), "newest first"

    for who in ("ILO", "UNHCR"):  # UNHCR no longer owns it
        bot.command("history initiative 1", who=who)
        assert "is for the co-leads and the organisation it belongs to" in bot.last_reply_text()
    bot.command("history initiative 9", who="WHO")
    assert "There is no initiative #9" in bot.last_reply_text()
    bot.command("history everything", who="WHO")
    assert "/itwg history initiative 12" in bot.last_reply_text()


def test_a_co_leads_change_to_an_action_item_is_told_to_its_organisation(bot):
    bot.command("whoami", who="ILO")
    bot.command("action ILO 2030-03-31 Circulate the draft", who="ILO")
    bot.command("done 1 Circulated on Monday", who="UNODC")
    notice = _dms_to(bot, "UILO00001")[-1]
    assert "changed ILO's action item #1" in notice and "status: open → *done*" in notice
    bot.command("history action 1", who="ILO")
    text = bot.last_reply_text()
    assert "outcome: — → *Circulated on Monday*" in text
    bot.command("history action 1", who="UNHCR")
    assert "is for the co-leads" in bot.last_reply_text()


def test_a_meetings_history_is_for_the_co_leads(bot):
    bot.command("schedule 2030-06-11 14:00", who="UNODC")
    bot.command("reschedule 1 2030-06-12 15:00", who="WHO")
    bot.command("cancel 1", who="WHO")
    bot.command("history meeting 1", who="UNODC")
    text = bot.last_reply_text()
    assert "cancelled it\n• status: scheduled → *cancelled*" in text
    assert (
        "<@UWHO00001> moved it" in text
        and "time: 2030-06-11T12:00:00+00:00 → *2030-06-12T13:00:00+00:00*" in text
    )
    assert "<@UUNODC001> scheduled it" in text
    bot.command("history meeting 1", who="ILO")
    assert "is for the co-leads." in bot.last_reply_text()


def test_a_co_lead_handing_an_initiative_to_another_organisation_is_not_that_organisation_sharing(bot):
    share(bot, who="UNODC")
    assert "1 shared" in _status_line(bot, "UNODC")
    _edit(bot, 1, who="UNODC", lead=_organisation_id(bot, "ILO"))
    assert "not yet" in _status_line(bot, "ILO") and "not yet" in _status_line(bot, "UNODC")
    told = _dms_to(bot, "UUNODC001")[-1]
    assert "This does not count as *ILO* sharing this cycle" in told
    assert "`/itwg confirm-initiative 1 ongoing`" in told
    bot.command("confirm-initiative 1", who="ILO")
    assert "1 shared" in _status_line(bot, "ILO")


def test_a_long_history_shows_whole_entries_and_says_truly_how_many(bot):
    share(bot, who="ILO")
    with session_scope(bot.deps.engine) as session:
        for number in range(300):
            session.add(
                AuditEntry(
                    actor="UILO00001",
                    action="initiative.edit",
                    entity="initiative",
                    entity_id="1",
                    details={
                        "changes": {
                            f"field_{field}": {"before": "R&D <old> " * 20, "after": f"new {number} " * 30}
                            for field in range(8)
                        }
                    },
                )
            )
    bot.command("history initiative 1", who="ILO")
    blocks = bot.replies()[-1]["blocks"]
    entries = [b for b in blocks if b["type"] == "section"]
    notes = [e["text"] for b in blocks if b["type"] == "context" for e in b["elements"]]
    assert 1 < len(entries) < 25
    assert notes == [f"The newest {len(entries)} of 301 changes are shown."]
    assert "new 299" in entries[0]["text"]["text"]
