"""A meeting's whole record over real HTTP, from an empty database, with ``itwg serve`` and its worker:
schedule, agenda items, RSVPs, the meeting held, attendance, minutes with decisions and an action item,
publishing in the meeting's thread, and the yearly report reopened with python-docx.

The processes keep real time, so the meeting is scheduled a minute or two ahead and the test waits for
it to start: slow.
"""

import json
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import docx
import pytest

from bot.signing import command_body, interaction_body, signed_headers
from tests.handlers.initiative_helpers import VALID
from tests.harness import CHANNEL, PEOPLE, SIGNING_SECRET, message_text
from tests.reliability.forms import state_values
from tests.serving import itwg_serve, post, serve_env

pytestmark = pytest.mark.slow


def wait_for(check, *, seconds: float = 30, what: str = "the bot"):
    """Poll until ``check()`` gives something truthy; the bot answers from another process."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


class Session:
    """Signed requests to ``itwg serve``, and what the worker then sent to the local Slack."""

    def __init__(self, base: str, slack) -> None:
        self.base, self.slack = base, slack

    def _send(self, body: str) -> bytes:
        status, answer = post(self.base + "/slack/events", body, signed_headers(SIGNING_SECRET, body))
        assert status == 200, answer
        return answer

    def command(self, text: str, who: str) -> str:
        """Run ``/itwg text`` as ``who`` and wait for its reply (or the form it fills)."""
        before = len(self.slack.calls)
        user = PEOPLE[who]
        fields = {
            "command": "/itwg",
            "text": text,
            "user_id": user.id,
            "team_id": user.team_id,
            "channel_id": CHANNEL,
            "trigger_id": f"t.{time.time_ns()}",
            "response_url": self.slack.response_url(),
        }
        self._send(command_body(fields))
        call = wait_for(lambda: self._answer_since(before), what=f"/itwg {text}")
        return json.dumps(call.params) if call.method == "views.update" else message_text(call.params)

    def _answer_since(self, before: int, who: str | None = None):
        """What the person was shown since call ``before``: a reply, a filled form or a direct message."""
        for call in self.slack.calls[before:]:
            if (
                call.method == "response_url"
                or (call.method == "views.update" and call.params["view"].get("callback_id") != "loading")
                or (
                    call.method == "chat.postMessage" and who and call.params.get("channel") == PEOPLE[who].id
                )
            ):
                return call
        return None

    def form(self) -> dict:
        return self.slack.calls_to("views.update")[-1].params["view"]

    def submit(self, view: dict, values: dict, who: str) -> str:
        before = len(self.slack.calls)
        user = PEOPLE[who]
        payload = {
            "type": "view_submission",
            "team": {"id": user.team_id},
            "user": {"id": user.id, "team_id": user.team_id, "name": user.name},
            "trigger_id": f"t.{time.time_ns()}",
            "view": {**view, "id": "VE2E", "hash": "h", "state": {"values": values}},
        }
        assert self._send(interaction_body(payload)) == b"", "the form was refused"
        call = wait_for(lambda: self._answer_since(before, who), what=f"the {view['callback_id']} form")
        return message_text(call.params)


def text(value: str) -> dict:
    return {"value": {"type": "plain_text_input", "value": value}}


def chosen(*ids: str) -> dict:
    return {"value": {"type": "multi_static_select", "selected_options": [{"value": i} for i in ids]}}


def option_ids(view: dict, block_id: str) -> dict[str, str]:
    [block] = [b for b in view["blocks"] if b.get("block_id") == block_id]
    return {o["text"]["text"]: o["value"] for o in block["element"]["options"]}


def test_a_meeting_recorded_end_to_end_ends_up_in_the_yearly_report(database_url, slack, tmp_path: Path):
    env = serve_env(slack_api_url=slack.api_url, database_url=database_url)
    subprocess.run([sys.executable, "-m", "bot", "migrate"], env=env, check=True, capture_output=True)
    starts = (datetime.now(UTC) + timedelta(seconds=75)).replace(second=0, microsecond=0)
    with itwg_serve(env) as (base, _process, _logged):
        bot = Session(base, slack)
        bot.command("share-initiative", who="ILO")
        shared = bot.submit(bot.form(), state_values(bot.form(), VALID), who="ILO")
        assert VALID["title"] in shared
        assert "Scheduled" in bot.command(f"schedule {starts:%Y-%m-%d %H:%M} UTC", who="UNODC")
        assert "Added item" in bot.command("agenda add #1 Joint statement for 26 June", who="ILO")
        assert "Added item" in bot.command("agenda add Evaluation of school programmes", who="UNHCR")
        assert "coming" in bot.command("rsvp 1 yes", who="ILO")
        assert "coming" in bot.command("rsvp 1 yes", who="WHO")
        assert "not coming" in bot.command("rsvp 1 no", who="UNHCR")
        assert "has not been held yet" in bot.command("minutes 1", who="WHO")

        # The meeting is held: wait for its start, and let the clock's tick pass it.
        wait_for(lambda: datetime.now(UTC) > starts + timedelta(seconds=1), seconds=120, what="the start")
        tick = subprocess.run(
            [sys.executable, "-m", "bot", "tick", "--at", f"{starts + timedelta(minutes=5):%Y-%m-%dT%H:%MZ}"],
            env=env,
            capture_output=True,
            text=True,
        )
        assert tick.returncode == 0, tick.stderr

        bot.command("attendance 1", who="UNODC")
        form = bot.form()
        orgs = option_ids(form, "present")
        present = [orgs[a] for a in ("ILO", "UNODC", "WHO")]
        answer = bot.submit(
            form,
            {
                "present": chosen(*present),
                "excused": chosen(orgs["UNHCR"]),
                "attendees": text("ILO: Ike Focal"),
            },
            who="UNODC",
        )
        assert "3 of 16 organisations present" in answer

        bot.command("minutes 1", who="WHO")
        answer = bot.submit(
            bot.form(),
            {
                "summary": text("The group reviewed the initiatives shared this cycle."),
                "decisions": text("Issue a joint statement on 26 June\nMeet in person in Geneva in October"),
                "actions": text("ILO 2031-03-31 Circulate the draft joint statement"),
            },
            who="WHO",
        )
        assert "2 decisions, 1 action item" in answer
        assert "published" in bot.command("minutes 1 publish", who="UNODC")

        shown = bot.command("meeting 1", who="OHCHR")
        for expected in (
            "Joint statement for 26 June",
            "3 of 16 organisations present",
            "(published)",
            "Meet in person in Geneva in October",
            "Circulate the draft joint statement",
        ):
            assert expected in shown
        past = bot.command("meetings past", who="ILO")
        assert "#1" in past and "3 of 16 organisations present" in past and "minutes published" in past

    in_thread = [c.params for c in slack.calls_to("chat.postMessage") if c.params.get("thread_ts")]
    assert any("Issue a joint statement on 26 June" in message_text(p) for p in in_thread)

    output = tmp_path / "report.docx"
    written = subprocess.run(
        [sys.executable, "-m", "bot", "report", "--year", str(starts.year), "--output", str(output)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert written.returncode == 0, written.stderr
    document = docx.Document(str(output))
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    cells = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    assert "Issue a joint statement on 26 June" in paragraphs
    assert "Meet in person in Geneva in October" in paragraphs
    [meeting_row] = [row for row in cells if row[0] == "#1"]
    assert meeting_row[3] == "ILO, UNODC, WHO" and meeting_row[4] == "3 of 16"
    assert ["Organisation", "Completed", "Open", "Overdue"] in cells and ["ILO", "0", "1", "0"] in cells
    assert ["Title", "Lead", "Partners", "Status"] in cells, "the initiatives annex"
    assert [VALID["title"], "ILO", "", "Ongoing"] in cells
