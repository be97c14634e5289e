"""Who comes to meetings: each person's RSVP before, and each organisation's attendance after.

Anyone in the working group answers "coming / not coming" for a meeting that has not started. The
co-leads record attendance per organisation for a held meeting, prefilled from those answers: present,
excused or absent, with the people who came. The observer's line is recorded like any other but never
counted as an absence (``bot.records.counted``).
"""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot import identity
from bot.actor import Actor
from bot.deps import Deps
from bot.errors import FieldErrors, UserError
from bot.minutes import require_co_lead
from bot.records import MeetingRecord, get_meeting, held_meeting, record_of
from storage.db import read_scope, session_scope
from storage.models import Meeting, MeetingAttendance, MeetingRsvp, Organisation
from storage.repositories import audit, organisations
from storage.repositories import records as repository

RSVP_USAGE = "`/itwg rsvp N yes|no`, e.g. `/itwg rsvp 3 yes`"
ATTENDEES_MAX = 500
ANSWERS = {"yes": True, "y": True, "coming": True, "no": False, "n": False, "not-coming": False}


def parse_answer(text: str) -> bool:
    answer = ANSWERS.get(text.strip().lower())
    if answer is None:
        raise UserError(f"Answer yes or no: {RSVP_USAGE}.")
    return answer


def rsvp(deps: Deps, *, actor: Actor, meeting_id: int, coming: bool) -> Meeting:
    """Record (or change) the person's answer for a meeting that has not started."""
    identity.require_organisation(actor)
    now = deps.now()
    with session_scope(deps.engine) as session:
        meeting = get_meeting(session, meeting_id)
        if meeting.status == "cancelled":
            raise UserError(f"Meeting #{meeting_id} was cancelled; there is nothing to answer.")
        if meeting.starts_at <= now:
            raise UserError(f"Meeting #{meeting_id} has already started; answers are for coming meetings.")
        answer = repository.rsvp(session, meeting_id=meeting_id, person_id=actor.person_id)
        before = answer.coming if answer else None
        answer = answer or MeetingRsvp(meeting_id=meeting_id, person_id=actor.person_id, coming=coming)
        answer.coming, answer.answered_at = coming, now
        repository.save(session, record=answer)
        audit.record(
            session,
            by=actor,
            action="meeting.rsvp",
            entity="meeting",
            entity_id=meeting_id,
            details={"before": before, "after": coming},
        )
        return meeting


@dataclass(frozen=True)
class AttendanceForm:
    record: MeetingRecord
    organisations: list[Organisation]
    present: list[Organisation]
    excused: list[Organisation]
    attendees: str


def attendance_form(deps: Deps, *, actor: Actor, meeting_id: int) -> AttendanceForm:
    """The form's starting point: what was recorded, else who said they were coming."""
    require_co_lead(actor, "record attendance")
    with read_scope(deps.engine) as session:
        meeting = held_meeting(session, meeting_id, now=deps.now(), what="attendance")
        record = record_of(session, meeting, now=deps.now())
        answers = repository.rsvps(session, meeting_id=meeting_id)
        names = {p.slack_user_id: p.display_name for _, p, _ in answers}
        session.expunge_all()
    if record.attendance_recorded:
        present = [line.organisation for line in record.attendance if line.status == "present"]
        excused = [line.organisation for line in record.attendance if line.status == "excused"]
        people = {line.organisation.acronym: line.attendees for line in record.attendance if line.attendees}
    else:
        present = [line.organisation for line in record.attendance if line.coming]
        excused = [line.organisation for line in record.attendance if line.not_coming and not line.coming]
        people = {
            line.organisation.acronym: ", ".join(names.get(u) or u for u in line.coming)
            for line in record.attendance
            if line.coming
        }
    attendees = "\n".join(f"{acronym}: {who}" for acronym, who in people.items())
    return AttendanceForm(
        record=record,
        organisations=[line.organisation for line in record.attendance],
        present=present,
        excused=excused,
        attendees=attendees,
    )


def _attendees_by_organisation(text: str, by_acronym: dict[str, Organisation]) -> dict[int, str]:
    """``ORG: names`` lines → names by organisation id; FieldErrors on the first line that is not."""
    people: dict[int, str] = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        acronym, colon, names = line.partition(":")
        organisation = by_acronym.get(organisations.acronym_key(acronym))
        if not colon or organisation is None:
            raise FieldErrors(
                {"attendees": f"Line {number}: write `ORG: names`, e.g. `ILO: Ike Focal, Ana Ruiz`."}
            )
        names = " ".join(names.split())
        if len(names) > ATTENDEES_MAX:
            raise FieldErrors({"attendees": f"Line {number}: keep it under {ATTENDEES_MAX} characters."})
        people[organisation.id or 0] = names
    return people


@dataclass(frozen=True)
class AttendanceAnswer:
    """The attendance form as submitted: organisation ids present and excused, and who came."""

    meeting_id: int
    present_ids: list[int]
    excused_ids: list[int]
    attendees: str


def _checked(
    session: Session, answer: AttendanceAnswer, *, now: datetime
) -> tuple[Meeting, list[Organisation], dict[int, str]]:
    """The held meeting, every organisation and who came for each; FieldErrors by the form's blocks."""
    meeting = held_meeting(session, answer.meeting_id, now=now, what="attendance")
    everyone = organisations.list_all(session)
    both = set(answer.present_ids) & set(answer.excused_ids)
    if both:
        names = ", ".join(o.acronym for o in everyone if o.id in both)
        raise FieldErrors({"excused": f"{names}: present or excused, not both."})
    if not set(answer.present_ids) | set(answer.excused_ids) <= {o.id for o in everyone}:
        raise FieldErrors({"present": "Choose organisations from the list."})
    people = _attendees_by_organisation(answer.attendees, {o.acronym_key: o for o in everyone})
    not_present = [o.acronym for o in everyone if o.id in people and o.id not in set(answer.present_ids)]
    if not_present:
        names = ", ".join(not_present)
        raise FieldErrors(
            {"attendees": f"{names}: not marked present; add it to Present or remove its line."}
        )
    return meeting, everyone, people


def check_attendance(deps: Deps, *, actor: Actor, answer: AttendanceAnswer) -> None:
    """Refuse, with reads only, what ``record_attendance`` would: while the form is still open."""
    require_co_lead(actor, "record attendance")
    with read_scope(deps.engine) as session:
        _checked(session, answer, now=deps.now())


def record_attendance(deps: Deps, *, actor: Actor, answer: AttendanceAnswer) -> MeetingRecord:
    """Replace the meeting's attendance: every organisation present, excused or (otherwise) absent."""
    require_co_lead(actor, "record attendance")
    now = deps.now()
    with session_scope(deps.engine) as session:
        meeting, everyone, people = _checked(session, answer, now=now)

        def status(organisation_id: int | None) -> str:
            if organisation_id in answer.present_ids:
                return "present"
            return "excused" if organisation_id in answer.excused_ids else "absent"

        rows = [
            MeetingAttendance(
                meeting_id=answer.meeting_id,
                organisation_id=o.id or 0,
                status=status(o.id),
                attendees=people.get(o.id or 0, ""),
                recorded_by_person_id=actor.person_id,
                recorded_at=now,
            )
            for o in everyone
        ]
        before = {
            o.acronym: r.status for r, o in repository.attendance(session, meeting_ids=[answer.meeting_id])
        }
        repository.replace_attendance(session, meeting_id=answer.meeting_id, rows=rows)
        by_id = {o.id: o.acronym for o in everyone}
        audit.record(
            session,
            by=actor,
            action="meeting.attendance",
            entity="meeting",
            entity_id=answer.meeting_id,
            details={"before": before, "after": {by_id[r.organisation_id]: r.status for r in rows}},
        )
        return record_of(session, meeting, now=now)
