"""Exports of the working group's records as CSV, JSON, Markdown or an iCalendar file.

CSV is written for spreadsheet software: UTF-8 with a byte-order mark (without it Excel reads UTF-8
as the local code page and mangles "Côte d'Ivoire"), one header row, one row per record with a
``record`` column saying what it is, and lists joined with "; ". JSON keeps vocabulary codes and is
documented in the README. ``public`` exports hold shareable initiatives only: no action items and no
meetings, which are the working group's own business.
"""

import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from icalendar import Calendar, Event
from jinja2 import Environment, PackageLoader, StrictUndefined

from bot import identity, spreadsheet, vocabulary
from bot.actor import Actor
from bot.deps import Deps
from bot.errors import UserError
from bot.notifications import Attachment
from bot.rendering import label_filter
from storage.db import session_scope
from storage.models import Meeting
from storage.repositories import exports as repository
from storage.repositories.exports import ActionItemRecord, InitiativeRecord, MeetingExtras

SLACK_FORMATS = ("csv", "json", "ics")
LIST_SEPARATOR = "; "
CSV_COLUMNS = (
    "record",
    "id",
    "title",
    "status",
    "organisations",
    "objectives",
    "continuum",
    "populations",
    "scope",
    "start",
    "end",
    "link",
    "visibility",
    "details",
    "meeting",
    "assignee",
    "closed_by",
    "closed_at",
    "attendance",
    "decisions",
    "minutes",
)
JSON_VERSION = 1


class MarkdownSafe(str):
    """Text the code built as Markdown on purpose."""


MARKDOWN_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|#"})


def escape_markdown(value: object) -> str:
    if isinstance(value, MarkdownSafe):
        return value
    return "" if value is None else str(value).translate(MARKDOWN_SPECIAL)


@cache
def markdown_environment() -> Environment:
    """Like the message environment, but escaping for Markdown files instead of mrkdwn-in-JSON."""
    env = Environment(
        loader=PackageLoader("bot", "templates"),
        undefined=StrictUndefined,
        autoescape=False,
        finalize=escape_markdown,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    for name, mapping in (
        ("objectives", vocabulary.OBJECTIVES),
        ("populations", vocabulary.POPULATIONS),
        ("continuum", vocabulary.CONTINUUM),
        ("initiative_status", vocabulary.INITIATIVE_STATUSES),
    ):
        env.filters[name] = label_filter(mapping)
    env.filters["places"] = vocabulary.place_labels
    env.globals.update(vocabulary=vocabulary)
    return env


def render_markdown(template_name: str, **context: Any) -> str:
    return markdown_environment().get_template(template_name).render(**context)


@dataclass(frozen=True)
class ExportData:
    generated_at: datetime
    public: bool
    initiatives: list[InitiativeRecord]
    action_items: list[ActionItemRecord]
    meetings: list[Meeting]
    meeting_extras: dict[int, MeetingExtras] = field(default_factory=dict)

    def extras(self, meeting: Meeting) -> MeetingExtras:
        return self.meeting_extras.get(meeting.id or 0) or MeetingExtras()


def collect(deps: Deps, *, public: bool) -> ExportData:
    with session_scope(deps.engine) as session:
        return ExportData(
            generated_at=deps.now(),
            public=public,
            initiatives=repository.initiatives(session, shareable_only=public),
            action_items=[] if public else repository.action_items(session),
            meetings=[] if public else repository.meetings(session),
            meeting_extras={} if public else repository.meeting_extras(session),
        )


def _iso(value: object) -> str | None:
    return value.isoformat() if value is not None else None  # type: ignore[attr-defined]


def initiative_json(record: InitiativeRecord) -> dict[str, Any]:
    i = record.initiative
    return {
        "id": i.id,
        "title": i.title,
        "summary": i.summary,
        "status": i.status,
        "lead_organisation": record.lead,
        "partner_organisations": record.partners,
        "objectives": record.tags.get("objective", []),
        "continuum": record.tags.get("continuum", []),
        "populations": record.tags.get("population", []),
        "scope": {
            "global": i.scope_global,
            "regions": record.tags.get("region", []),
            "countries": record.tags.get("country", []),
        },
        "start_date": _iso(i.start_date),
        "end_date": _iso(i.end_date),
        "link": i.link,
        "visibility": i.visibility,
        "shared_at": _iso(i.shared_at),
        "updated_at": _iso(i.updated_at),
    }


def action_item_json(record: ActionItemRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "title": record.title,
        "organisation": record.organisation,
        "status": record.status,
        "due_date": _iso(record.due_date),
        "closed_at": _iso(record.closed_at),
        "outcome": record.outcome,
        "notes": record.notes,
        "source_link": record.source_link,
        "meeting": record.meeting_id,
        "assignee": record.assignee,
        "closed_by": record.closed_by,
    }


def meeting_end(meeting: Meeting) -> datetime:
    return meeting.starts_at + timedelta(minutes=meeting.duration_minutes)


def meeting_json(meeting: Meeting, extras: MeetingExtras | None = None) -> dict[str, Any]:
    extras = extras or MeetingExtras()
    return {
        "number": meeting.id,
        "uid": meeting.uid,
        "title": meeting.title,
        "starts_at": _iso(meeting.starts_at),
        "ends_at": _iso(meeting_end(meeting)),
        "timezone": meeting.timezone,
        "in_person": meeting.in_person,
        "location": meeting.location,
        "status": meeting.status,
        "attendance": extras.attendance,
        "decisions": extras.decisions,
        "minutes": extras.minutes,
    }


def to_json(data: ExportData) -> str:
    document: dict[str, Any] = {
        "format": "itwg-export",
        "version": JSON_VERSION,
        "generated_at": _iso(data.generated_at),
        "public": data.public,
        "initiatives": [initiative_json(r) for r in data.initiatives],
    }
    if not data.public:
        document["action_items"] = [action_item_json(r) for r in data.action_items]
        document["meetings"] = [meeting_json(m, data.extras(m)) for m in data.meetings]
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _joined(codes: list[str], mapping: dict[str, str] | None = None) -> str:
    return LIST_SEPARATOR.join(mapping.get(c, c) if mapping else c for c in codes)


def scope_text(record: InitiativeRecord) -> str:
    if record.initiative.scope_global:
        return "Global"
    codes = [*record.tags.get("region", []), *record.tags.get("country", [])]
    return LIST_SEPARATOR.join(vocabulary.place_label(code) for code in codes)


def csv_rows(data: ExportData) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for record in data.initiatives:
        i = record.initiative
        rows.append(
            {
                "record": "initiative",
                "id": i.id,
                "title": i.title,
                "status": vocabulary.INITIATIVE_STATUSES.get(i.status, i.status),
                "organisations": _joined([record.lead, *record.partners]),
                "objectives": _joined(record.tags.get("objective", []), vocabulary.OBJECTIVES),
                "continuum": _joined(record.tags.get("continuum", []), vocabulary.CONTINUUM),
                "populations": _joined(record.tags.get("population", []), vocabulary.POPULATIONS),
                "scope": scope_text(record),
                "start": _iso(i.start_date),
                "end": _iso(i.end_date),
                "link": i.link,
                "visibility": vocabulary.VISIBILITY.get(i.visibility, i.visibility),
                "details": i.summary,
            }
        )
    for item in data.action_items:
        rows.append(
            {
                "record": "action item",
                "id": item.id,
                "title": item.title,
                "status": item.status,
                "organisations": item.organisation,
                "end": _iso(item.due_date),
                "link": item.source_link,
                "details": item.outcome or item.notes,
                "meeting": f"#{item.meeting_id}" if item.meeting_id else None,
                "assignee": item.assignee,
                "closed_by": item.closed_by,
                "closed_at": _iso(item.closed_at),
            }
        )
    for meeting in data.meetings:
        rows.append(
            {
                "record": "meeting",
                "id": meeting.uid,
                "title": meeting.title,
                "status": meeting.status,
                "start": _iso(meeting.starts_at),
                "end": _iso(meeting_end(meeting)),
                "details": meeting.location,
                "meeting": f"#{meeting.id}",
                "attendance": _joined([f"{o}: {s}" for o, s in data.extras(meeting).attendance.items()]),
                "decisions": _joined(data.extras(meeting).decisions),
                "minutes": data.extras(meeting).minutes,
            }
        )
    return rows


def to_csv(data: ExportData) -> str:
    return spreadsheet.to_csv(CSV_COLUMNS, csv_rows(data), bom=True)


def to_markdown(data: ExportData) -> str:
    return render_markdown("export.md.j2", data=data, scope_text=scope_text)


def to_ics(data: ExportData, *, organizer_email: str) -> str:
    """The meetings as one VCALENDAR (METHOD:PUBLISH: a snapshot to import, not an invitation)."""
    calendar = Calendar()
    calendar.add("prodid", "-//ITWG//itwg-bot//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "ITWG meetings")
    for meeting in data.meetings:
        event = Event()
        event.add("uid", meeting.uid)
        event.add("dtstamp", data.generated_at)
        event.add("dtstart", meeting.starts_at)
        event.add("dtend", meeting_end(meeting))
        event.add("summary", meeting.title)
        event.add("sequence", meeting.sequence)
        event.add("status", "CANCELLED" if meeting.status == "cancelled" else "CONFIRMED")
        event.add("organizer", f"mailto:{organizer_email}")
        if meeting.location:
            event.add("location", meeting.location)
        calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")


def render_export(data: ExportData, *, fmt: str, organizer_email: str) -> Attachment:
    stamp = data.generated_at.strftime("%Y-%m-%d")
    if fmt == "ics":
        content = to_ics(data, organizer_email=organizer_email)
        return Attachment(f"itwg-meetings-{stamp}.ics", f"ITWG meetings {stamp}", content)
    writers = {"csv": to_csv, "json": to_json, "md": to_markdown}
    if fmt not in writers:
        raise UserError(f"Unknown export format `{fmt}`; choose csv, json, md or ics.")
    name = "public-export" if data.public else "export"
    return Attachment(
        f"itwg-{name}-{stamp}.{fmt}", f"ITWG {name.replace('-', ' ')} {stamp}", writers[fmt](data)
    )


def parse_slack_format(args: str) -> str:
    fmt = args.strip().lower()
    if fmt not in SLACK_FORMATS:
        shown = f"`{args.strip()}`" if args.strip() else "nothing"
        raise UserError(f"Export as csv, json or ics (you wrote {shown}), e.g. `/itwg export csv`.")
    return fmt


def export_for_member(deps: Deps, *, actor: Actor, args: str) -> Attachment:
    """``/itwg export csv|json|ics``: any member of the working group, working-group-only records too."""
    fmt = parse_slack_format(args)
    identity.require_organisation(actor)
    data = collect(deps, public=False)
    return render_export(data, fmt=fmt, organizer_email=deps.settings.itwg_organizer_email)


def write_atomically(path: Path, content: str | bytes) -> None:
    """Write to a temporary file beside ``path`` and rename it over: readers never see half a file."""
    directory = path.resolve().parent
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
