"""A scenario piped into ``itwg console`` plays the whole group: people switch with ``/as`` (each
e-mail its own Slack user, run after run), buttons are pressed with ``/press``, ``@name`` resolves
to a known person, uploads land in a folder, and ``itwg tick`` sends offline without a token."""

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from storage.db import make_engine, session_scope
from storage.migrate import upgrade_to_head
from storage.models import Notification
from tests.bot.test_cli import run_itwg

SCENARIO = [
    "/itwg schedule 2030-06-11 14:00",
    "/itwg action ILO 2030-03-31 Circulate the draft",
    "/as focal.point@ilo.org",
    "/itwg actions mine",
    "/press 2",  # Snooze a week
    "/as guest@gmail.com",
    "/itwg join ILO I coordinate ILO's prevention work",
    "/itwg actions mine",
    "/as secretariat@unodc.org",
    "/press 4",  # Approve, in the co-lead's direct messages
    "/itwg focal-point @focal.point",
    "/press 99",
    "/tick 2030-05-28T12:01Z",
    "",
]


def test_a_piped_scenario_switches_people_presses_buttons_and_ticks_offline(database_url, tmp_path):
    env = {"DATABASE_URL": database_url}
    first = run_itwg(
        "console", "--as", "secretariat@unodc.org", env=env, input="\n".join(SCENARIO), cwd=tmp_path
    )
    out = first.stdout
    assert first.returncode == 0, first.stderr
    assert "Traceback" not in out + first.stderr
    assert (
        (tmp_path / "itwg-console-files" / "itwg-meeting-1-2030-06-11.ics")
        .read_text()
        .startswith("BEGIN:VCALENDAR")
    )
    assert "[1 Done] [2 Snooze a week] [3 Reassign]" in out
    assert "Snoozed to Sun 07 Apr 2030" in out
    assert "[secretariat] @guest (guest) asks to join *ILO*" in out and "[4 Approve] [5 Decline]" in out
    assert "You approved @guest as part of *ILO*" in out
    assert "[guest] @secretariat approved your request" in out
    assert "@focal.point is a focal point of *ILO*" in out
    assert "Press a button by its number, 1 to 5" in out
    assert "sent reminder:" in out and "[focal.point] Hello @focal.point!" in out

    second = run_itwg(
        "console",
        "--as",
        "focal.point@ilo.org",
        env=env,
        input="/itwg whoami\n/itwg actions mine\n/press 1\nCirculated on Monday\n",
        cwd=tmp_path,
    )
    assert "*ILO* (Member), a focal point" in second.stdout, "the same e-mail is the same person"
    assert "due Sun 07 Apr 2030" in second.stdout
    assert "Outcome, in one line> Circulated on Monday" in second.stdout, "Done asks for the outcome"
    assert "Done by @focal.point" in second.stdout

    tick = run_itwg("tick", "--at", "2030-06-04T12:01Z", env=env, cwd=tmp_path)
    assert tick.returncode == 0, tick.stderr
    assert "sent to the local stand-in for Slack" in tick.stdout
    assert "ITWG meeting #1 in 7 days" in tick.stdout
    assert "tick at 2030-06-04T12:01:00+00:00: sent" in tick.stdout


def test_a_tick_ahead_of_the_present_leaves_the_real_clocks_records_alone(database_url, tmp_path):
    upgrade_to_head(database_url)
    engine = make_engine(database_url)
    now = datetime.now(UTC)
    with session_scope(engine) as session:
        session.add(Notification(key="in-flight", kind="meeting-reminder", due_at=now, claimed_at=now))
        session.add(
            Notification(
                key="to-retry",
                kind="digest",
                status="failed",
                due_at=now,
                claimed_at=now,
                next_attempt_at=now + timedelta(minutes=2),
                payload={
                    "channel": "U1",
                    "message": {"text": "x"},
                    "attachments": [],
                    "expires_at": (now + timedelta(hours=1)).isoformat(),
                },
            )
        )
    result = run_itwg("tick", "--at", "2031-01-01T00:00Z", env={"DATABASE_URL": database_url}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    with session_scope(engine) as session:
        rows = {n.key: (n.status, n.next_attempt_at) for n in session.exec(select(Notification))}
    engine.dispose()
    assert rows["in-flight"][0] == "claimed"
    assert rows["to-retry"][0] == "failed" and rows["to-retry"][1] is not None
