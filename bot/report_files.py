"""The yearly report as a file: one outline of headings, paragraphs, lists and tables, written as Word
(real headings and tables a co-lead can edit and paste into the Commission's template) or as Markdown
(the same content, part for part)."""

import io
from dataclasses import dataclass, field

from docx import Document
from docx.shared import Cm, Pt

from bot import vocabulary
from bot.exports import escape_markdown
from bot.rendering import counted
from bot.report import GROUP_NAME, YearReport

FORMATS = ("docx", "md")
TABLE_WIDTH_CM = 16.0
WIDEST_COLUMN = 45  # characters: beyond this a column wraps rather than squeezing the others
ATTENDANCE_MARKS = {"present": "P", "excused": "E", "absent": "A"}


@dataclass(frozen=True)
class Heading:
    text: str
    level: int  # 0: the title


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Items:
    items: list[str]
    numbered: bool = False


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)


Part = Heading | Paragraph | Items | Table


def _day(value) -> str:
    return f"{value.day} {value:%B %Y}"


def _meetings(report: YearReport) -> list[Part]:
    parts: list[Part] = [Heading("1. Meetings held", 1)]
    if not report.meetings:
        return [*parts, Paragraph(f"No meeting was held in {report.year}.")]
    parts.append(
        Paragraph(f"The working group met {counted(len(report.meetings), 'time')} in {report.year}.")
    )
    rows = [
        [
            f"#{held.meeting.id}",
            _day(held.day),
            "In person" if held.meeting.in_person else "Video",
            ", ".join(held.present) or "Not recorded",
            f"{held.present_counted} of {held.out_of}" if held.attendance else "Not recorded",
        ]
        for held in report.meetings
    ]
    return [*parts, Table(["Meeting", "Date", "Format", "Organisations present", "Present"], rows)]


def _initiatives(report: YearReport) -> list[Part]:
    parts: list[Part] = [Heading("2. Initiatives shared", 1)]
    if not report.initiatives:
        return [*parts, Paragraph(f"No initiative was shared or updated in {report.year}.")]
    parts.append(
        Paragraph(
            f"Members shared or updated {counted(len(report.initiatives), 'initiative')} in {report.year}, "
            f"{len(report.joint)} of them joint initiatives of two or more organisations."
        )
    )
    for title, kind, column in (
        ("By objective", "objective", "Objective"),
        ("By population", "population", "Population"),
        ("By region", "region", "Region"),
    ):
        tally = report.tally(kind)
        parts.append(Heading(title, 2))
        parts.append(
            Table([column, "Initiatives"], [[label, str(n)] for label, n in tally])
            if tally
            else Paragraph("None recorded.")
        )
    parts.append(Heading("Joint initiatives", 2))
    joint = [f"{r.initiative.title} — {r.lead} with {', '.join(r.partners)}" for r in report.joint]
    parts.append(Items(joint) if joint else Paragraph("None this year."))
    return parts


def _decisions(report: YearReport) -> list[Part]:
    parts: list[Part] = [Heading("3. Decisions taken", 1)]
    decisions = [f"{d.text} (meeting #{held.meeting.id}, {_day(held.day)})" for held, d in report.decisions]
    return [*parts, Items(decisions, numbered=True) if decisions else Paragraph("No decision was recorded.")]


def _actions(report: YearReport) -> list[Part]:
    parts: list[Part] = [Heading("4. Action items", 1)]
    if not report.actions:
        return [*parts, Paragraph("No action item was completed or open this year.")]
    totals = report.action_totals
    parts.append(
        Paragraph(
            f"Action items completed in {report.year}: {totals.completed}. Open on {_day(report.as_of)}: "
            f"{totals.open}, of which {totals.overdue} overdue."
        )
    )
    rows = [[a.acronym, str(a.completed), str(a.open), str(a.overdue)] for a in [*report.actions, totals]]
    return [*parts, Table(["Organisation", "Completed", "Open", "Overdue"], rows)]


def _connections(report: YearReport) -> list[Part]:
    parts: list[Part] = [Heading("5. Collaboration opportunities connected", 1)]
    items = [f"{_day(c.day)}: {'; '.join(c.initiatives)}" for c in report.connections if c.initiatives]
    return [*parts, Items(items) if items else Paragraph("No opportunity was connected through the bot.")]


def _annexes(report: YearReport) -> list[Part]:
    initiatives = Table(
        ["Title", "Lead", "Partners", "Status"],
        [
            [
                r.initiative.title,
                r.lead,
                ", ".join(r.partners),
                vocabulary.INITIATIVE_STATUSES.get(r.initiative.status, r.initiative.status),
            ]
            for r in report.initiatives
        ],
    )
    attendance = Table(
        ["Organisation", *(f"#{h.meeting.id} {h.day:%d %b}" for h in report.meetings)],
        [
            [
                o.acronym + (" (observer)" if o.role == "observer" else ""),
                *(ATTENDANCE_MARKS.get(h.attendance.get(o.id or 0, ""), "–") for h in report.meetings),
            ]
            for o in report.organisations
        ],
    )
    return [
        Heading("Annex I. Initiatives", 1),
        initiatives if report.initiatives else Paragraph("None."),
        Heading("Annex II. Attendance", 1),
        Paragraph("P: present, E: excused, A: absent, –: not recorded."),
        attendance if report.meetings else Paragraph("No meeting was held."),
    ]


def outline(report: YearReport) -> list[Part]:
    """The report, part by part: what both file formats write."""
    parts: list[Part] = [
        Heading(f"The work of the {GROUP_NAME} in {report.year}", 0),
        Paragraph(
            "Draft conference room paper for the Commission, prepared from the working group's records on "
            f"{_day(report.generated_at)}. Co-led by UNODC and WHO."
        ),
    ]
    if report.empty:
        return [
            *parts,
            Paragraph(f"No meetings, initiatives, decisions or action items are recorded for {report.year}."),
        ]
    return [
        *parts,
        *_meetings(report),
        *_initiatives(report),
        *_decisions(report),
        *_actions(report),
        *_connections(report),
        *_annexes(report),
    ]


def to_markdown(parts: list[Part]) -> str:
    lines: list[str] = []
    for part in parts:
        if isinstance(part, Heading):
            lines += ["#" * (part.level + 1) + " " + escape_markdown(part.text), ""]
        elif isinstance(part, Paragraph):
            lines += [escape_markdown(part.text), ""]
        elif isinstance(part, Items):
            marker = "1." if part.numbered else "-"
            lines += [f"{marker} {escape_markdown(item)}" for item in part.items] + [""]
        else:
            lines.append("| " + " | ".join(escape_markdown(c) for c in part.header) + " |")
            lines.append("|" + "---|" * len(part.header))
            lines += ["| " + " | ".join(escape_markdown(c) for c in row) + " |" for row in part.rows]
            lines.append("")
    return "\n".join(lines)


def _column_widths(table: Table) -> list[Cm]:
    """Share the page's width by how much each column holds, so long lists of names get room."""
    weights = [
        min(max([len(table.header[n]), *(len(row[n]) for row in table.rows)]), WIDEST_COLUMN) + 7
        for n in range(len(table.header))
    ]
    return [Cm(TABLE_WIDTH_CM * w / sum(weights)) for w in weights]


def to_docx(parts: list[Part], *, title: str) -> bytes:
    document = Document()
    document.core_properties.title = title
    document.core_properties.author = "ITWG co-leads"
    for part in parts:
        if isinstance(part, Heading):
            document.add_heading(part.text, level=part.level)
        elif isinstance(part, Paragraph):
            document.add_paragraph(part.text)
        elif isinstance(part, Items):
            style = "List Number" if part.numbered else "List Bullet"
            for item in part.items:
                document.add_paragraph(item, style=style)
        else:
            table = document.add_table(rows=1, cols=len(part.header))
            table.style = "Table Grid"
            table.autofit = False
            for cell, text in zip(table.rows[0].cells, part.header, strict=True):
                cell.text = ""
                run = cell.paragraphs[0].add_run(text)
                run.bold = True
            for row in part.rows:
                for cell, text in zip(table.add_row().cells, row, strict=True):
                    cell.text = text
            widths = _column_widths(part)
            for column, width in zip(table.columns, widths, strict=True):
                column.width = width
            for row in table.rows:
                for cell, width in zip(row.cells, widths, strict=True):
                    cell.width = width
                    for paragraph in cell.paragraphs:
                        for run in paragraph.runs:
                            run.font.size = Pt(9)
            document.add_paragraph()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def filename(report: YearReport, fmt: str) -> str:
    return f"itwg-report-{report.year}.{fmt}"


def render(report: YearReport, fmt: str) -> bytes:
    """The report as the bytes of a .docx or a UTF-8 .md file."""
    parts = outline(report)
    if fmt == "md":
        return to_markdown(parts).encode("utf-8")
    return to_docx(parts, title=f"ITWG report {report.year}")
