"""Exports: CSV and JSON round-trip what is stored, ics carries the meetings, nothing is half-written."""

import csv
import io
import json
import os
from datetime import date
from pathlib import Path

import pytest
import vobject
from icalendar import Calendar

from bot import exports
from bot.errors import UserError
from storage.db import session_scope
from tests import digest_fixtures as fx
from tests.bot.test_cli import run_itwg
from tests.harness import PEOPLE


@pytest.fixture
def records(engine, clock):
    clock.set(fx.NOW)
    with session_scope(engine) as session:
        fx.meeting(session, "q1-2030@itwg", fx.at(2030, 2, 1, 10), title="Q1 meeting")
        fx.meeting(session, "q2-2030@itwg", fx.at(2030, 4, 1, 10), status="cancelled", title="Q2 meeting")
        fx.initiative(
            session,
            "ILO",
            'Côte d\'Ivoire youth; "skills", jobs',
            summary="Line one\nline two, with <tags>",
            objectives=("advocacy", "stigma"),
            populations=("youth",),
            continuum=("prevention",),
            regions=("africa", "middle_east_north_africa"),
            countries=("CI", "GH"),
            start=date(2030, 1, 1),
            end=date(2031, 6, 30),
            link="https://ilo.org/youth",
            visibility="shareable",
        )
        fx.initiative(
            session, "UNHCR", "Internal camps plan", scope_global=True, objectives=("normative_guidance",)
        )
        fx.action_item(session, "WHO", "Circulate draft", due=date(2030, 3, 10))
        fx.action_item(
            session, "UNICEF", "Map services", due=date(2030, 2, 1), status="done", outcome="Done; published"
        )


def test_json_round_trips_every_initiative_action_item_and_meeting(records, deps):
    document = json.loads(exports.to_json(exports.collect(deps, public=False)))
    assert document["format"] == "itwg-export" and document["version"] == 1 and not document["public"]
    first, second = document["initiatives"]
    assert first["title"] == 'Côte d\'Ivoire youth; "skills", jobs'
    assert first["summary"] == "Line one\nline two, with <tags>"
    assert first["lead_organisation"] == "ILO" and first["partner_organisations"] == []
    assert first["objectives"] == ["advocacy", "stigma"] and first["populations"] == ["youth"]
    assert first["continuum"] == ["prevention"]
    assert first["scope"] == {
        "global": False,
        "regions": ["africa", "middle_east_north_africa"],
        "countries": ["CI", "GH"],
    }
    assert (first["start_date"], first["end_date"]) == ("2030-01-01", "2031-06-30")
    assert first["link"] == "https://ilo.org/youth" and first["visibility"] == "shareable"
    assert second["scope"]["global"] is True and second["start_date"] is None
    assert [a["title"] for a in document["action_items"]] == ["Map services", "Circulate draft"]
    assert document["action_items"][0]["outcome"] == "Done; published"
    assert [m["uid"] for m in document["meetings"]] == ["q1-2030@itwg", "q2-2030@itwg"]
    assert document["meetings"][0]["ends_at"] == "2030-02-01T11:30:00+00:00"


def test_csv_opens_as_one_table_and_round_trips(records, deps):
    content = exports.to_csv(exports.collect(deps, public=False))
    assert content.startswith("\ufeff"), "a byte-order mark so spreadsheet software reads UTF-8"
    raw = content.encode("utf-8")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert list(rows[0]) == list(exports.CSV_COLUMNS)
    assert [r["record"] for r in rows] == [
        "initiative",
        "initiative",
        "action item",
        "action item",
        "meeting",
        "meeting",
    ]
    ilo = rows[0]
    assert ilo["title"] == 'Côte d\'Ivoire youth; "skills", jobs'
    assert ilo["details"] == "Line one\nline two, with <tags>"
    assert ilo["organisations"] == "ILO"
    labels = {v: k for k, v in exports.vocabulary.OBJECTIVES.items()}
    assert [labels[x] for x in ilo["objectives"].split("; ")] == ["advocacy", "stigma"]
    assert ilo["scope"] == "Africa; Middle East and North Africa; Côte d'Ivoire; Ghana"
    assert rows[1]["scope"] == "Global"
    assert (ilo["start"], ilo["end"], ilo["status"]) == ("2030-01-01", "2031-06-30", "Ongoing")
    assert rows[2]["title"] == "Map services" and rows[2]["details"] == "Done; published"
    assert rows[5]["id"] == "q2-2030@itwg" and rows[5]["status"] == "cancelled"


def test_public_export_has_shareable_initiatives_only(records, deps):
    document = json.loads(exports.to_json(exports.collect(deps, public=True)))
    assert [i["title"] for i in document["initiatives"]] == ['Côte d\'Ivoire youth; "skills", jobs']
    assert "action_items" not in document and "meetings" not in document
    rows = exports.csv_rows(exports.collect(deps, public=True))
    assert [r["record"] for r in rows] == ["initiative"]


def test_markdown_export_escapes_user_text(records, deps):
    text = exports.to_markdown(exports.collect(deps, public=False))
    assert "## Initiatives (2)" in text and "## Meetings (2)" in text
    assert "with \\<tags\\>" in text


def test_slack_export_ics_goes_to_the_dm_with_stable_uids(records, bot):
    bot.command("export ics", who="UNICEF")
    assert "direct messages" in bot.last_reply_text()
    assert len(bot.slack.uploads) == 1
    upload = next(iter(bot.slack.uploads.values()))
    assert upload["channel_id"].startswith("D") and upload["filename"].endswith(".ics")
    calendar = Calendar.from_ical(upload["content"])
    events = list(calendar.walk("VEVENT"))
    assert [str(e["UID"]) for e in events] == ["q1-2030@itwg", "q2-2030@itwg"]
    assert [str(e["STATUS"]) for e in events] == ["CONFIRMED", "CANCELLED"]
    assert events[0].decoded("DTSTART") == fx.at(2030, 2, 1, 10)
    parsed = vobject.readOne(upload["content"].decode("utf-8"), validate=True)
    assert [e.uid.value for e in parsed.vevent_list] == ["q1-2030@itwg", "q2-2030@itwg"]
    assert [c.params["users"] for c in bot.slack.calls_to("conversations.open")] == [PEOPLE["UNICEF"].id]
    assert not bot.posts(), "nothing is posted in any channel"


def test_slack_export_csv_is_uploaded_with_the_bom(records, bot):
    bot.command("export csv", who="ILO")
    upload = next(iter(bot.slack.uploads.values()))
    assert upload["content"].startswith(b"\xef\xbb\xbf")
    assert "itwg-export-2030-03-01.csv" in bot.last_reply_text()


@pytest.mark.parametrize("text", ["export", "export xlsx", "export csv json"])
def test_unknown_export_format_answers_briefly_and_uploads_nothing(records, bot, text):
    bot.command(text, who="ILO")
    assert "csv, json or ics" in bot.last_reply_text()
    assert not bot.slack.uploads


def test_export_needs_an_organisation(records, bot):
    bot.command("export json", who="GUEST")
    assert "/itwg join" in bot.last_reply_text()
    assert not bot.slack.uploads


def test_cli_export_writes_the_file_atomically(records, database_url, tmp_path):
    out = tmp_path / "exports"
    out.mkdir()
    target = out / "out.csv"
    result = run_itwg(
        "export", "--format", "csv", "--output", str(target), env={"DATABASE_URL": database_url}
    )
    assert result.returncode == 0, result.stderr
    assert target.read_bytes().startswith(b"\xef\xbb\xbfrecord,id,title")
    assert sorted(os.listdir(out)) == ["out.csv"], "no temporary file left behind"
    public = run_itwg("export", "--format", "json", "--public", env={"DATABASE_URL": database_url})
    document = json.loads(public.stdout)
    assert document["public"] and len(document["initiatives"]) == 1


def test_cli_export_refuses_an_unknown_format_and_writes_nothing(database_url, tmp_path):
    target = tmp_path / "out.xlsx"
    result = run_itwg(
        "export", "--format", "xlsx", "--output", str(target), env={"DATABASE_URL": database_url}
    )
    assert result.returncode == 2
    assert "invalid choice: 'xlsx'" in result.stderr and "Traceback" not in result.stderr
    assert not target.exists()


def test_cli_export_to_a_missing_directory_says_so(database_url, tmp_path):
    result = run_itwg(
        "export",
        "--format",
        "md",
        "--output",
        str(tmp_path / "nope" / "out.md"),
        env={"DATABASE_URL": database_url},
    )
    assert result.returncode == 1 and "cannot write" in result.stderr and "Traceback" not in result.stderr


def test_a_failed_write_leaves_the_previous_file_whole(tmp_path, monkeypatch):
    target = tmp_path / "export.json"
    target.write_text("previous")

    def broken_replace(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        exports.write_atomically(target, "new content")
    assert target.read_text() == "previous"
    assert sorted(p.name for p in Path(tmp_path).iterdir()) == ["export.json"]


def test_render_export_rejects_unknown_formats():
    data = exports.ExportData(generated_at=fx.NOW, public=False, initiatives=[], action_items=[], meetings=[])
    with pytest.raises(UserError, match="csv, json, md or ics"):
        exports.render_export(data, fmt="xml", organizer_email="x@example.org")


FORMULAS = ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1"]


@pytest.fixture
def formulas(engine, clock):
    clock.set(fx.NOW)
    with session_scope(engine) as session:
        for title in FORMULAS:
            fx.initiative(session, "ILO", title, summary=title, visibility="shareable")
        fx.action_item(session, "WHO", "=1+2", due=date(2030, 3, 10))


def _csv_titles(content: str) -> list[str]:
    return [row["title"] for row in csv.DictReader(io.StringIO(content.lstrip("\ufeff"), newline=""))]


def test_csv_exports_never_hand_a_spreadsheet_a_formula(formulas, bot, database_url):
    expected = ["'" + title for title in FORMULAS] + ["'=1+2"]
    cli = run_itwg("export", "--format", "csv", env={"DATABASE_URL": database_url})
    assert cli.returncode == 0, cli.stderr
    # (read back as text, the CLI's output has its carriage returns turned into newlines)
    assert _csv_titles(cli.stdout) == [title.replace("\r", "\n") for title in expected]
    bot.command("export csv", who="ILO")
    upload = next(iter(bot.slack.uploads.values()))
    assert _csv_titles(upload["content"].decode("utf-8")) == expected
