"""Supervision notes for peer mentors, their action items, and the mentor's acknowledgement.

Supervisors write notes; a peer mentor reads only the notes about themselves and
acknowledges them. The cadence rule (house settings) flags a mentor overdue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from peerdesk.core import audit, clock, dto, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.errors import PermissionDenied, ValidationError
from peerdesk.core.models import ActionItem, Mentor, SupervisionNote
from peerdesk.core.permissions import Action
from peerdesk.core.services._common import Problems, fmt_date, get_or_not_found, void_row


@dataclass(frozen=True)
class ActionItemEntry:
    description: str
    due_date: dt.date | None = None
    done_on: dt.date | None = None


@dataclass(frozen=True)
class NoteDetails:
    note_date: dt.date
    duration_minutes: int
    supervisor_name: str
    mentor_id: int
    kind: vocab.SupervisionKind
    domains: Sequence[vocab.Competency]
    summary: str
    action_items: Sequence[ActionItemEntry] = ()


def may_read_notes_about(actor: Actor, mentor: Mentor) -> bool:
    """Supervisors and administrators read every note; a peer mentor only their own."""
    if actor.may(Action.READ_ALL_SUPERVISION):
        return True
    return actor.may(Action.READ_OWN_SUPERVISION) and mentor.user_id == actor.user_id


def get_note(s: Session, actor: Actor, note_id: int) -> dto.SupervisionNote:
    """One supervision note, if the actor may read it."""
    row = get_or_not_found(s, SupervisionNote, note_id, "supervision note")
    mentor = s.get(Mentor, row.mentor_id)
    assert mentor is not None
    if not may_read_notes_about(actor, mentor):
        raise PermissionDenied(
            "You may read only the supervision notes about yourself.", actor=actor
        )
    return note_dto(row, mentor)


def note_dto(row: SupervisionNote, mentor: Mentor) -> dto.SupervisionNote:
    """A note as the window and the printouts receive it."""
    return dto.SupervisionNote(
        id=row.id,
        note_date=row.note_date,
        duration_minutes=row.duration_minutes,
        supervisor_name=row.supervisor_name,
        mentor_id=row.mentor_id,
        mentor_name=dto.person_name(mentor.first_name, mentor.last_name),
        kind=vocab.SupervisionKind(row.kind),
        domains=tuple(vocab.Competency(code) for code in row.domains.split(",") if code),
        summary=row.summary,
        action_items=tuple(
            dto.ActionItem(
                id=item.id,
                description=item.description,
                due_date=item.due_date,
                done_on=item.done_on,
            )
            for item in row.action_items
        ),
        acknowledged_on=row.acknowledged_on,
        acknowledged_by=row.acknowledged_by,
        voided=row.voided_at is not None,
        void_reason=row.void_reason,
    )


def _check(s: Session, details: NoteDetails) -> dict[str, object]:
    problems = Problems()
    problems.past_date(details.note_date, "note_date", "Date of the supervision")
    problems.minutes(details.duration_minutes, "duration_minutes")
    supervisor = problems.text(
        details.supervisor_name, "supervisor_name", "Supervisor", max_length=120
    )
    mentor = s.get(Mentor, details.mentor_id) if details.mentor_id is not None else None
    if mentor is None:
        problems.add("mentor_id", "Choose the peer mentor who was supervised.")
    if not isinstance(details.kind, vocab.SupervisionKind):
        problems.add("kind", "Choose the kind of supervision.")
    if any(not isinstance(d, vocab.Competency) for d in details.domains):
        problems.add("domains", "Choose the domains discussed from the list.")
    summary = problems.text(details.summary, "summary", "Summary", max_length=20000, multiline=True)
    for item in details.action_items:
        if not item.description.strip():
            problems.add("action_items", "Each action item needs a description.")
        problems.optional_text(item.description, "action_items", "An action item", max_length=1000)
        if (
            item.due_date is not None
            and details.note_date is not None
            and item.due_date < details.note_date
        ):
            problems.add(
                "action_items",
                f"An action item is due ({fmt_date(item.due_date)}) before the supervision date.",
            )
        problems.not_future(item.done_on, "action_items", "The date an action item was done")
    problems.raise_if_any()
    return {
        "note_date": details.note_date,
        "duration_minutes": details.duration_minutes,
        "supervisor_name": supervisor,
        "mentor_id": details.mentor_id,
        "kind": details.kind.value,
        "domains": ",".join(dict.fromkeys(d.value for d in details.domains)),
        "summary": summary,
    }


def write_note(s: Session, actor: Actor, details: NoteDetails) -> dto.SupervisionNote:
    """Record a supervision with its action items."""
    actor.require(Action.WRITE_SUPERVISION)
    values = _check(s, details)
    now = clock.now_utc()
    row = SupervisionNote(**values, created_at=now, created_by=actor.username, updated_at=now)
    row.action_items = [
        ActionItem(description=i.description.strip(), due_date=i.due_date, done_on=i.done_on)
        for i in details.action_items
    ]
    s.add(row)
    s.flush()
    mentor = s.get(Mentor, row.mentor_id)
    assert mentor is not None
    audit.record(
        s,
        actor,
        "create",
        "supervision_notes",
        row.id,
        f"Supervision of {mentor.first_name} {mentor.last_name} on {fmt_date(row.note_date)}",
        {k: v for k, v in values.items() if k != "summary"}
        | {"action_items": len(details.action_items)},
    )
    return note_dto(row, mentor)


def update_note(
    s: Session, actor: Actor, note_id: int, details: NoteDetails
) -> dto.SupervisionNote:
    """Correct a note. Action items are replaced by the list given; an acknowledgement stays."""
    actor.require(Action.WRITE_SUPERVISION)
    row = get_or_not_found(s, SupervisionNote, note_id, "supervision note")
    if row.voided_at is not None:
        raise ValidationError.single(
            "summary", "This note was voided; it can no longer be changed."
        )
    values = _check(s, details)
    before = {key: getattr(row, key) for key in values}
    for key, value in values.items():
        setattr(row, key, value)
    changes = audit.diff(before, values)
    old_items = [(i.description, i.due_date, i.done_on) for i in row.action_items]
    new_items = [(i.description.strip(), i.due_date, i.done_on) for i in details.action_items]
    if old_items != new_items:
        row.action_items = [
            ActionItem(description=d, due_date=due, done_on=done) for d, due, done in new_items
        ]
        changes["action_items"] = [len(old_items), len(new_items)]
    if changes:
        if "summary" in changes:
            changes["summary"] = ["…", "…"]
        row.updated_at = clock.now_utc()
        audit.record(
            s, actor, "change", "supervision_notes", row.id, "Supervision note corrected", changes
        )
    s.flush()
    mentor = s.get(Mentor, row.mentor_id)
    assert mentor is not None
    return note_dto(row, mentor)


def set_action_item_done(
    s: Session, actor: Actor, item_id: int, done_on: dt.date | None
) -> dto.SupervisionNote:
    """Tick an action item done on a date (or untick it with None)."""
    item = get_or_not_found(s, ActionItem, item_id, "action item")
    note = item.note
    mentor = s.get(Mentor, note.mentor_id)
    assert mentor is not None
    if not actor.may(Action.WRITE_SUPERVISION) and not (
        actor.may(Action.ACKNOWLEDGE_SUPERVISION) and mentor.user_id == actor.user_id
    ):
        raise PermissionDenied(
            "Only a supervisor or the mentor concerned may tick action items.", actor=actor
        )
    problems = Problems()
    problems.not_future(done_on, "done_on", "The date it was done")
    problems.raise_if_any()
    before = item.done_on
    item.done_on = done_on
    audit.record(
        s,
        actor,
        "change",
        "action_items",
        item.id,
        "Action item done" if done_on else "Action item reopened",
        {"done_on": [before, done_on]},
    )
    return note_dto(note, mentor)


def acknowledge_note(
    s: Session, actor: Actor, note_id: int, on: dt.date | None = None
) -> dto.SupervisionNote:
    """The mentor confirms they have read the note (on a date, default today)."""
    actor.require(Action.ACKNOWLEDGE_SUPERVISION)
    row = get_or_not_found(s, SupervisionNote, note_id, "supervision note")
    mentor = s.get(Mentor, row.mentor_id)
    assert mentor is not None
    if actor.role == vocab.Role.PEER_MENTOR and mentor.user_id != actor.user_id:
        raise PermissionDenied(
            "You may acknowledge only the supervision notes about yourself.", actor=actor
        )
    if row.acknowledged_on is not None:
        raise ValidationError.single(
            "acknowledged_on", f"This note was acknowledged on {fmt_date(row.acknowledged_on)}."
        )
    on = on or clock.today()
    problems = Problems()
    problems.not_future(on, "acknowledged_on", "Acknowledgement date")
    if on < row.note_date:
        problems.add("acknowledged_on", "A note cannot be acknowledged before it was written.")
    problems.raise_if_any()
    row.acknowledged_on = on
    row.acknowledged_by = actor.username
    audit.record(
        s, actor, "acknowledge", "supervision_notes", row.id, f"Acknowledged on {fmt_date(on)}"
    )
    return note_dto(row, mentor)


def void_note(s: Session, actor: Actor, note_id: int, reason: str) -> dto.SupervisionNote:
    actor.require(Action.WRITE_SUPERVISION)
    row = get_or_not_found(s, SupervisionNote, note_id, "supervision note")
    void_row(s, actor, row, "supervision_notes", row.id, reason)
    mentor = s.get(Mentor, row.mentor_id)
    assert mentor is not None
    return note_dto(row, mentor)
