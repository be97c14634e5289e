"""Where people belong: mapped by e-mail domain, or by a join request that the organisation's focal
points or a co-lead approve; co-leads place people but never move themselves out."""

from datetime import timedelta

from sqlmodel import select

from bot import identity, joining
from bot.local_slack import SlackUser
from storage.db import session_scope
from storage.models import AuditEntry, Initiative, JoinRequest, Person
from tests.handlers.initiative_helpers import share
from tests.harness import message_text
from tests.reliability.test_permissions import snapshot


def _person(bot, user_id, team_id=None):
    with session_scope(bot.deps.engine) as session:
        statement = select(Person).where(Person.slack_user_id == user_id)
        if team_id:
            statement = statement.where(Person.slack_team_id == team_id)
        return session.exec(statement).one()


def _organisation_of(bot, user_id, team_id=None):
    person = _person(bot, user_id, team_id)
    if person.organisation_id is None:
        return None
    with session_scope(bot.deps.engine) as session:
        from storage.repositories import organisations

        organisation = organisations.get(session, organisation_id=person.organisation_id)
        return organisation.acronym if organisation else None


def _audit_actions(bot):
    with session_scope(bot.deps.engine) as session:
        return [e.action for e in session.exec(select(AuditEntry).order_by(AuditEntry.id))]


def _dms_to(bot, user_id):
    return [p for p in bot.posts() if p.get("channel") == user_id]


def _join_requests(bot):
    with session_scope(bot.deps.engine) as session:
        return list(session.exec(select(JoinRequest).order_by(JoinRequest.id)))


def test_first_contact_maps_person_by_email_domain(bot):
    bot.command("whoami", who="ILO")
    assert "ILO" in bot.last_reply_text()
    person = _person(bot, "UILO00001")
    assert person.email == "focal.point@ilo.org"
    assert person.timezone == "Europe/Zurich"
    assert person.slack_team_id == "T0ITWG"
    assert len(bot.slack.calls_to("users.info")) == 1
    bot.command("whoami", who="ILO")
    assert len(bot.slack.calls_to("users.info")) == 1, "known people are not looked up again"


def test_co_lead_mapped_by_domain(bot):
    bot.command("whoami", who="WHO")
    assert "WHO" in bot.last_reply_text()
    assert "Co-lead" in bot.last_reply_text()


def test_guest_request_approved_by_focal_point_then_guest_can_share(bot):
    bot.command("focal-point", who="ILO")
    bot.command("whoami", who="UNODC")  # a co-lead the bot knows
    bot.command("whoami", who="GUEST")
    assert "/itwg join" in bot.last_reply_text()

    bot.command("join ILO I run ILO's prevention work in <Kenya>", who="GUEST")
    assert "asked to join *ILO*" in bot.last_reply_text()
    assert _organisation_of(bot, "UGUEST001") is None
    for approver in ("UILO00001", "UUNODC001"):
        (asked,) = _dms_to(bot, approver)
        text = message_text(asked)
        assert "<@UGUEST001>" in text and "ILO" in text and "&lt;Kenya&gt;" in text
        buttons = [e["action_id"] for b in asked["blocks"] if b["type"] == "actions" for e in b["elements"]]
        assert buttons == ["join_request_approve", "join_request_decline"]

    bot.command("whoami", who="GUEST")
    assert "waiting" in bot.last_reply_text()
    response = share(bot, who="GUEST")
    assert "waiting for approval" in bot.last_told_text() or "waiting for approval" in str(response.body)
    assert not _initiatives(bot)

    (request,) = _join_requests(bot)
    bot.click("join_request_approve", str(request.id), who="ILO")
    assert "You approved <@UGUEST001>" in bot.last_reply_text()
    answered = _dms_to(bot, "UGUEST001")[-1]
    assert "approved your request" in message_text(answered)
    assert _organisation_of(bot, "UGUEST001") == "ILO"

    bot.click("join_request_decline", str(request.id), who="UNODC")
    assert "already approved by <@UILO00001>" in bot.last_reply_text()
    assert _organisation_of(bot, "UGUEST001") == "ILO"

    share(bot, who="GUEST")
    (initiative,) = _initiatives(bot)
    assert "join_request.create" in _audit_actions(bot) and "join_request.approve" in _audit_actions(bot)
    with session_scope(bot.deps.engine) as session:
        lead = session.get(Initiative, initiative.id).lead_organisation_id
    assert lead == _person(bot, "UILO00001").organisation_id


def _initiatives(bot):
    with session_scope(bot.deps.engine) as session:
        return list(session.exec(select(Initiative)))


def test_pending_and_declined_guests_change_nothing(bot):
    bot.command("focal-point", who="UNHCR")
    bot.command("action UNHCR 2030-03-31 Draft the brief", who="UNHCR")
    bot.command("join UNHCR", who="GUEST")
    bot.command("whoami", who="UNICEF")
    before = snapshot(bot)
    for command in ["action UNHCR 2030-03-31 Take it over", "done 1 finished", "focal-point", "join UNICEF"]:
        bot.command(command, who="GUEST")
        assert "UNHCR" in bot.last_told_text()
    bot.click("action_item_snooze", "1", who="GUEST")
    assert "waiting for approval" in bot.last_told_text()
    assert snapshot(bot) == before

    (request,) = _join_requests(bot)
    bot.click("join_request_approve", str(request.id), who="UNICEF")
    assert "Only UNHCR's focal points and the co-leads" in bot.last_told_text()
    assert snapshot(bot) == before

    bot.click("join_request_decline", str(request.id), who="UNHCR")
    assert "declined your request" in message_text(_dms_to(bot, "UGUEST001")[-1])
    assert _organisation_of(bot, "UGUEST001") is None
    declined = snapshot(bot)
    bot.command("action UNHCR 2030-03-31 Take it over", who="GUEST")
    assert "don't know your organisation" in bot.last_told_text()
    bot.click("action_item_snooze", "1", who="GUEST")
    assert snapshot(bot) == declined


def test_requests_lists_what_the_person_may_decide(bot):
    bot.command("focal-point", who="UNHCR")
    bot.command("join UNHCR", who="GUEST")
    bot.command("requests", who="UNHCR")
    assert "1 join request waiting" in bot.last_reply_text()
    assert "<@UGUEST001>" in bot.last_reply_text()
    bot.command("requests", who="UNODC")
    assert "<@UGUEST001>" in bot.last_reply_text()
    bot.command("requests", who="ILO")
    assert "focal points and the co-leads" in bot.last_reply_text()


def test_join_unknown_organisation_lists_known_ones_and_changes_nothing(bot):
    bot.command("join NOPE", who="GUEST")
    text = bot.last_reply_text()
    assert "NOPE" in text and "UNICEF" in text
    assert _organisation_of(bot, "UGUEST001") is None
    assert not _join_requests(bot)


def test_guest_asking_for_a_co_lead_organisation_waits_for_the_co_leads(bot):
    bot.command("whoami", who="WHO")
    bot.command("join WHO", who="GUEST")
    assert _organisation_of(bot, "UGUEST001") is None
    assert _dms_to(bot, "UWHO00001"), "the co-leads are asked"
    (request,) = _join_requests(bot)
    bot.click("join_request_approve", str(request.id), who="WHO")
    assert _organisation_of(bot, "UGUEST001") == "WHO"


def test_person_with_an_ilo_email_cannot_join_unhcr(bot):
    bot.command("whoami", who="ILO")
    before = snapshot(bot)
    bot.command("join UNHCR", who="ILO")
    assert "maps you to ILO" in bot.last_reply_text()
    assert snapshot(bot) == before


def test_co_lead_cannot_move_themselves_out(bot):
    bot.command("whoami", who="UNODC")
    before = snapshot(bot)
    for command in ["join ILO", "join ILO <@UUNODC001|uma>", "join WHO"]:
        bot.command(command, who="UNODC")
        assert "can't leave a co-lead organisation" in bot.last_reply_text()
        assert "WHO" in bot.last_reply_text()
    assert snapshot(bot) == before
    bot.command("join UNODC", who="UNODC")
    assert "already" in bot.last_reply_text()


def test_co_lead_places_a_guest_and_moving_them_out_takes_the_other_co_lead(bot):
    bot.command("whoami", who="GUEST")
    bot.command("join UNHCR", who="GUEST")
    bot.command("join UNODC <@UGUEST001|gus>", who="UNODC")
    assert "now recorded as part of *UNODC*" in bot.last_reply_text()
    assert "recorded you as part of *UNODC*" in message_text(_dms_to(bot, "UGUEST001")[-1])
    assert [r.status for r in _join_requests(bot)] == ["superseded"]
    before = snapshot(bot)
    bot.command("join ILO <@UGUEST001|gus>", who="UNODC")
    assert "takes the other co-lead organisation" in bot.last_reply_text()
    assert snapshot(bot) == before
    bot.command("join ILO <@UGUEST001|gus>", who="WHO")
    assert _organisation_of(bot, "UGUEST001") == "ILO"
    bot.command("join UNICEF", who="GUEST")
    assert "only a co-lead can move you" in bot.last_reply_text()
    assert _organisation_of(bot, "UGUEST001") == "ILO"


def test_members_of_two_other_workspaces_go_through_the_request_flow(bot):
    bot.slack.add_user(SlackUser(id="UEXTA0001", name="Ana Partner", email=None, team_id="TPARTNERA"))
    bot.slack.add_user(SlackUser(id="UEXTB0001", name="Focal Point ILO", email=None, team_id="TPARTNERB"))
    bot.command("focal-point", who="ILO")
    bot.command("join ILO", who="UEXTA0001", team_id="TPARTNERA")
    bot.command("join ILO I am ILO's focal point", who="UEXTB0001", team_id="TPARTNERB")
    assert _organisation_of(bot, "UEXTB0001") is None, "a display name proves nothing"
    assert _person(bot, "UEXTA0001").slack_team_id == "TPARTNERA"
    assert _person(bot, "UEXTB0001").slack_team_id == "TPARTNERB"
    bot.command("requests", who="ILO")
    assert "2 join requests waiting" in bot.last_reply_text()
    first, second = _join_requests(bot)
    bot.click("join_request_approve", str(first.id), who="ILO")
    bot.click("join_request_decline", str(second.id), who="ILO")
    bot.command("whoami", who="UEXTA0001", team_id="TPARTNERA")
    assert "*ILO*" in bot.last_reply_text()
    bot.command("whoami", who="UEXTB0001", team_id="TPARTNERB")
    assert "don't know your organisation" in bot.last_reply_text()
    # A request that names the shared channel's host workspace instead of theirs is still them:
    # Slack's users.info names their own workspace.
    bot.command("whoami", who="UEXTA0001", team_id="T0ITWG")
    assert "*ILO*" in bot.last_reply_text()
    with session_scope(bot.deps.engine) as session:
        rows = session.exec(select(Person).where(Person.slack_user_id == "UEXTA0001")).all()
    assert [row.slack_team_id for row in rows] == ["TPARTNERA"]
    # An event's wrapper names the app's workspace, not theirs: their Home tab is still theirs.
    bot.event({"type": "app_home_opened", "user": "UEXTA0001", "tab": "home"})
    home = bot.slack.calls_to("views.publish")[-1].params
    assert home["user_id"] == "UEXTA0001" and "*ILO*" in message_text(home["view"])


def test_focal_point_marks_self_and_member_cannot_mark_others(bot):
    bot.command("focal-point", who="ILO")
    assert _person(bot, "UILO00001").is_focal_point
    bot.command("whoami", who="UNHCR")
    bot.command("focal-point <@UUNHCR001>", who="ILO")
    assert "Only a co-lead" in bot.last_reply_text()
    assert not _person(bot, "UUNHCR001").is_focal_point
    bot.command("focal-point <@UUNHCR001>", who="UNODC")
    assert _person(bot, "UUNHCR001").is_focal_point


def test_focal_point_refuses_what_it_does_not_understand(bot):
    bot.command("whoami", who="UNHCR")
    before = snapshot(bot)
    bot.command("focal-point of", who="UNHCR")
    assert "I don't understand “of”" in bot.last_reply_text()
    bot.command("focal-point @hana", who="UNHCR")
    assert "I can't tell who “@hana” is" in bot.last_reply_text()
    assert snapshot(bot) == before


def test_help_does_not_suggest_moving_yourself(bot):
    bot.command("help", who="UNODC")
    text = message_text(bot.replies()[-1]) if bot.replies() else ""
    answer = text or str(bot.slack.calls[-1].params)
    assert "/itwg join ILO`" not in answer
    assert "/itwg join UNHCR I coordinate" in answer


def test_users_info_failure_still_registers_person_without_organisation(bot):
    bot.slack.fail("users.info", "missing_scope")
    bot.command("whoami", who="UNICEF")
    assert "/itwg join" in bot.last_reply_text()


def test_an_approver_slack_will_not_message_does_not_stop_the_request(bot):
    bot.command("focal-point", who="ILO")
    bot.command("whoami", who="UNODC")
    bot.slack.fail("chat.postMessage", "cannot_dm_bot", times=1)
    bot.command("join ILO", who="GUEST")
    assert "asked to join *ILO*" in bot.last_reply_text()
    assert len(_join_requests(bot)) == 1
    assert _dms_to(bot, "UUNODC001"), "the other approver is still asked"


def test_a_request_to_join_an_organisation_retired_since_is_not_approved_but_can_be_declined(bot):
    bot.command("focal-point", who="UNHCR")
    bot.command("join UNHCR I work on UNHCR's prevention programme", who="GUEST")
    bot.command("org retire UNHCR", who="WHO")
    bot.command("whoami", who="UNODC")
    (request,) = _join_requests(bot)
    before = snapshot(bot)
    for approver in ("UNHCR", "UNODC"):
        bot.click("join_request_approve", str(request.id), who=approver)
        assert "UNHCR has been retired" in bot.last_told_text()
    assert snapshot(bot) == before
    assert _organisation_of(bot, "UGUEST001") is None
    bot.click("join_request_decline", str(request.id), who="UNODC")
    assert "declined your request" in message_text(_dms_to(bot, "UGUEST001")[-1])
    bot.command("join ILO I moved to ILO's team", who="GUEST")
    assert "asked to join *ILO*" in bot.last_reply_text()


def test_many_long_requests_are_listed_whole_with_their_buttons_and_a_true_count(bot):
    for number in range(25):
        bot.slack.add_user(SlackUser(id=f"UGX{number:06d}", name="Guest " + "N" * 90, email=None))
        bot.command("join ILO " + "I coordinate R&D <prevention> " * 20, who=f"UGX{number:06d}")
    bot.command("requests", who="UNODC")
    blocks = bot.replies()[-1]["blocks"]
    asked = [b for b in blocks[1:] if b["type"] == "section"]
    buttons = [b for b in blocks if b["type"] == "actions"]
    assert 1 < len(asked) == len(buttons) < 20
    assert f"*25 join requests waiting* (the oldest {len(asked)} shown)" in blocks[0]["text"]["text"]
    assert [b["type"] for b in blocks if b["type"] == "context"] == []
    assert "<@UGX000000>" in asked[0]["text"]["text"]


def test_a_declined_guest_does_not_ask_the_same_approvers_again_for_a_week(bot):
    bot.command("focal-point", who="UNHCR")
    bot.command("join UNHCR", who="GUEST")
    (request,) = _join_requests(bot)
    bot.click("join_request_decline", str(request.id), who="UNHCR")
    with session_scope(bot.deps.engine) as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "join_request.decline")).one()
    assert entry.details["changes"] == {"request": {"before": "pending", "after": "declined"}}
    asked = len(_dms_to(bot, "UUNHCR001"))
    for _ in range(3):
        bot.command("join UNHCR please, really", who="GUEST")
        assert "was declined on" in bot.last_reply_text()
    assert len(_dms_to(bot, "UUNHCR001")) == asked
    assert len(_join_requests(bot)) == 1
    bot.command("join ILO I moved to ILO", who="GUEST")
    assert "asked to join *ILO*" in bot.last_reply_text()
    bot.command("whoami", who="WHO")
    bot.command("join UNHCR <@UGUEST001>", who="WHO")
    assert _organisation_of(bot, "UGUEST001") == "UNHCR"


def test_a_declined_guest_may_ask_the_same_organisation_again_after_a_week(bot):
    bot.command("focal-point", who="UNHCR")
    bot.command("join UNHCR", who="GUEST")
    (request,) = _join_requests(bot)
    bot.click("join_request_decline", str(request.id), who="UNHCR")
    bot.clock.set(bot.clock() + timedelta(days=8))
    bot.command("join UNHCR I now lead UNHCR's prevention work", who="GUEST")
    assert "asked to join *UNHCR*" in bot.last_reply_text()
    assert "I now lead" in message_text(_dms_to(bot, "UUNHCR001")[-1])


def test_a_join_run_again_after_its_worker_died_still_tells_the_approvers(bot):
    """The request was stored, then the worker died before the approvers were told: the run the ledger
    hands out again (same request key) tells them, while any other request is "still pending"."""
    bot.command("whoami", who="UNODC")
    bot.command("join UNHCR I run UNHCR's prevention work", who="GUEST")
    [stored] = _join_requests(bot)
    guest = identity.known_actor(bot.deps, slack_user_id="UGUEST001", team_id="TOTHER")
    assert guest is not None
    again = joining.join(
        bot.deps,
        actor=guest,
        text="UNHCR I run UNHCR's prevention work",
        target_user_id=None,
        request_key=stored.request_key,
    )
    assert (again.kind, again.request_id) == ("requested", stored.id)
    assert "UUNODC001" in again.approvers and again.reason == "I run UNHCR's prevention work"
    other = joining.join(bot.deps, actor=guest, text="UNHCR", target_user_id=None, request_key="another")
    assert other.kind == "still_pending" and not other.approvers
    assert len(_join_requests(bot)) == 1


def test_a_decision_run_again_after_its_worker_died_still_tells_the_requester(bot):
    bot.command("whoami", who="UNODC")
    bot.command("join UNHCR", who="GUEST")
    [request] = _join_requests(bot)
    co_lead = identity.known_actor(bot.deps, slack_user_id="UUNODC001", team_id="T0ITWG")
    assert co_lead is not None
    first = joining.decide(
        bot.deps, actor=co_lead, request_id=request.id, approve=True, request_key="click-1"
    )
    again = joining.decide(
        bot.deps, actor=co_lead, request_id=request.id, approve=True, request_key="click-1"
    )
    other = joining.decide(
        bot.deps, actor=co_lead, request_id=request.id, approve=True, request_key="click-2"
    )
    assert (first.already, first.status) == (False, "approved")
    assert (again.already, again.status) == (False, "approved"), "the same click: tell the requester"
    assert other.already, "another click: it was decided before"
    assert _organisation_of(bot, "UGUEST001") == "UNHCR"
