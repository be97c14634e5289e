"""The yearly report: its numbers agree with the digest's for the same period, the Word file has real
headings and tables, Markdown says the same, and a year without records says so."""

import io
from datetime import UTC, datetime

import docx
import pytest

from bot import digest, report, report_files
from bot.cli import main
from storage.db import session_scope
from storage.models import AuditEntry, Decision, MeetingAttendance
from storage.repositories import organisations
from tests import digest_fixtures as fx
from tests.digest_fixtures import NOW, known_fixture


@pytest.fixture
def year_report(deps, engine, clock):
    known_fixture(engine)
    clock.set(NOW)
    with session_scope(engine) as session:
        orgs = {o.acronym: o.id for o in organisations.list_all(session)}
        statuses = {"ILO": "present", "UNODC": "present", "WHO": "present", "OHCHR": "present"}
        statuses["UNICEF"] = "excused"
        for acronym, organisation_id in orgs.items():  # as the form records it: everyone else absent
            status = statuses.get(acronym, "absent")
            session.add(MeetingAttendance(meeting_id=1, organisation_id=organisation_id, status=status))
        session.add(Decision(meeting_id=1, text="Adopt the 2030 workplan"))
    return report.report_for(deps, year=2030)


def test_numbers_match_the_digest_for_the_same_period(deps, engine, year_report):
    since = datetime(2029, 12, 31, 23, 0, tzinfo=UTC)  # 1 January 2030 in Vienna
    with session_scope(engine) as session:
        same_period = digest.build(session, now=NOW, settings=deps.settings, since=since)
    totals = year_report.action_totals
    assert totals.completed == same_period.action_totals.completed == 2
    assert totals.overdue == same_period.action_totals.overdue == 2
    assert totals.open == 5
    assert len(year_report.initiatives) == same_period.total.new + same_period.total.changed == 3
    from_digest = {
        line.code: line.counts.new + line.counts.changed
        for line in same_period.objectives
        if line.counts.new + line.counts.changed
    }
    labels = {v: k for k, v in report.vocabulary.OBJECTIVES.items()}
    assert {labels[label]: n for label, n in year_report.tally("objective")} == from_digest


def test_the_word_file_has_real_headings_and_tables(year_report):
    document = docx.Document(io.BytesIO(report_files.render(year_report, "docx")))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "1. Meetings held" in headings and "Annex II. Attendance" in headings
    assert document.paragraphs[0].style.name == "Title" and report.GROUP_NAME in document.paragraphs[0].text
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert {"Youth employment & prevention", "Family skills", "Rights-based services"} <= cells
    assert "ILO, OHCHR, UNODC, WHO" in cells and "3 of 16" in cells, "the observer is not counted"
    assert "Adopt the 2030 workplan (meeting #1, 1 February 2030)" in [p.text for p in document.paragraphs]
    [attendance] = [
        t for t in document.tables if t.rows[0].cells[0].text == "Organisation" and len(t.columns) == 2
    ]
    marks = {row.cells[0].text: row.cells[1].text for row in attendance.rows[1:]}
    assert marks["ILO"] == "P" and marks["UNICEF"] == "E" and marks["OHCHR (observer)"] == "P"


def test_markdown_is_the_same_content(year_report):
    markdown = report_files.render(year_report, "md").decode()
    assert "## 1. Meetings held" in markdown and "## Annex I. Initiatives" in markdown
    assert "| Youth employment & prevention | ILO |" in markdown
    assert "Adopt the 2030 workplan" in markdown


def test_a_year_without_records_says_so(deps, engine, clock):
    clock.set(NOW)
    empty = report.report_for(deps, year=2024)
    assert empty.empty
    markdown = report_files.render(empty, "md").decode()
    assert "No meetings, initiatives, decisions or action items are recorded for 2024." in markdown
    document = docx.Document(io.BytesIO(report_files.render(empty, "docx")))
    assert any("recorded for 2024" in p.text for p in document.paragraphs)


def test_the_command_line_writes_the_file(settings, engine, tmp_path, monkeypatch, capsys):
    known_fixture(engine)
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    output = tmp_path / "report.docx"
    assert main(["report", "--year", "2030", "--output", str(output)]) == 0
    document = docx.Document(str(output))
    assert any(p.text == "2. Initiatives shared" for p in document.paragraphs)
    assert main(["report", "--year", "2030", "--format", "md"]) == 0
    assert "# The work of the" in capsys.readouterr().out


def test_opportunities_connected_with_connect_us_are_in_the_report(deps, engine, bot):
    with session_scope(engine) as session:
        common = {"objectives": ("advocacy",), "populations": ("youth",), "countries": ("KE",)}
        fx.initiative(session, "ILO", "Youth clubs", shared_by="ILO", created=fx.at(2030, 1, 5), **common)
        fx.initiative(
            session, "UNICEF", "Family skills", shared_by="UNICEF", created=fx.at(2030, 1, 6), **common
        )
        fx.person(session, "UNHCR")
    bot.command("opportunities", who="UNHCR")
    value = next(
        e["value"] for b in bot.replies()[-1]["blocks"] if b["type"] == "actions" for e in b["elements"]
    )
    bot.click("opportunity_connect", value, who="UNHCR")
    [connection] = report.report_for(deps, year=2030).connections
    assert sorted(connection.initiatives) == ["Family skills (UNICEF)", "Youth clubs (ILO)"]
    assert "Youth clubs (ILO)" in report_files.render(report.report_for(deps, year=2030), "md").decode()


def test_an_initiative_changed_after_the_year_does_not_count_for_it(deps, engine, clock):
    clock.set(fx.at(2031, 3, 1))
    with session_scope(engine) as session:
        fx.initiative(session, "ILO", "Changed since", created=fx.at(2029, 5, 1), updated=fx.at(2031, 2, 1))
        fx.initiative(session, "WHO", "Changed in 2030", created=fx.at(2029, 5, 1), updated=fx.at(2030, 6, 1))
        twice = fx.initiative(
            session,
            "UNICEF",
            "Confirmed in 2030, changed since",
            created=fx.at(2029, 5, 1),
            updated=fx.at(2031, 2, 1),
        )
        session.flush()
        session.add(
            AuditEntry(
                at=fx.at(2030, 9, 1),
                actor="wen.lead@who.int",
                action="initiative.confirm",
                entity="initiative",
                entity_id=str(twice.id),
            )
        )

    def titles(year: int) -> list[str]:
        return sorted(r.initiative.title for r in report.report_for(deps, year=year).initiatives)

    assert titles(2029) == ["Changed in 2030", "Changed since", "Confirmed in 2030, changed since"]
    assert titles(2030) == ["Changed in 2030", "Confirmed in 2030, changed since"]
    assert titles(2031) == ["Changed since", "Confirmed in 2030, changed since"]
