"""The funders' answers of a stay: unknown until given, checked against their lists, audited,
and carried by a batch intake (the import) as the form would record them."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from peerdesk.core import report_data, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.errors import PermissionDenied, ValidationError
from peerdesk.core.models import AuditEvent, StayAnswers
from peerdesk.core.services import assessments, residents
from peerdesk.core.services.stay_answers import QUESTIONS, answers_of, record_answers
from peerdesk.reports.sheets import render_face_sheets
from tests import factories as f


def stay_of(db: Database, admin: Actor) -> int:
    with db.begin() as s:
        stay = f.resident(s, admin).current_stay
    assert stay is not None
    return stay.id


def answer_rows(db: Database) -> int:
    with db.read() as s:
        return s.execute(select(func.count()).select_from(StayAnswers)).scalar_one()


def audit_lines(db: Database, entity: str = "stays") -> list[AuditEvent]:
    with db.read() as s:
        return list(
            s.execute(
                select(AuditEvent).where(AuditEvent.entity == entity).order_by(AuditEvent.id)
            ).scalars()
        )


def test_a_stay_nobody_asked_has_every_answer_unknown(db: Database, admin: Actor) -> None:
    stay_id = stay_of(db, admin)
    with db.read() as s:
        answers = answers_of(s, stay_id)
    assert {answers[q] for q in QUESTIONS} == {"unknown"}
    assert answers.label("gender") == "Unknown"
    assert answer_rows(db) == 0


def test_codes_and_labels_are_recorded_with_one_audit_line_of_what_changed(
    db: Database, admin: Actor
) -> None:
    stay_id = stay_of(db, admin)
    with db.begin() as s:
        record_answers(
            s,
            admin,
            stay_id,
            {"gender": "Woman", "race": "black", "moud_entry": " yes ", "income_entry": ""},
        )
    with db.read() as s:
        answers = answers_of(s, stay_id)
    assert (answers["gender"], answers["race"], answers["moud_entry"]) == ("woman", "black", "yes")
    assert answers["income_entry"] == "unknown"  # a blank answer is unknown
    assert answers.label("race") == "Black or African American"
    (line,) = audit_lines(db)
    assert (line.action, line.entity_id, line.summary) == (
        "change",
        stay_id,
        "Funders' answers recorded",
    )
    assert json.loads(line.changes) == {
        "gender": ["unknown", "woman"],
        "race": ["unknown", "black"],
        "moud_entry": ["unknown", "yes"],
    }

    # The same answers again change nothing and write no line.
    with db.begin() as s:
        record_answers(s, admin, stay_id, {"gender": "woman", "race": "Black or African American"})
    assert len(audit_lines(db)) == 1


def test_a_wrong_answer_is_refused_in_one_sentence_and_nothing_is_written(
    db: Database, admin: Actor
) -> None:
    stay_id = stay_of(db, admin)
    before = len(audit_lines(db))
    with pytest.raises(ValidationError) as caught, db.begin() as s:
        record_answers(s, admin, stay_id, {"gender": "Woman", "veteran": "Maybe", "race": "x"})
    errors = {e.field: e.message for e in caught.value.errors}
    assert set(errors) == {"veteran", "race"}  # one message for each wrong question
    assert errors["veteran"] == "Veteran must be one of: Yes, No, Declined to answer, Unknown."
    assert errors["race"].count(".") == 1 and errors["race"].startswith("Race must be one of:")
    assert answer_rows(db) == 0  # not even the right answer was kept
    assert len(audit_lines(db)) == before


def test_a_viewer_may_not_record_answers(db: Database, admin: Actor) -> None:
    stay_id = stay_of(db, admin)
    viewer = Actor("visitor", vocab.Role.VIEWER)
    with pytest.raises(PermissionDenied, match="viewer account may not"), db.begin() as s:
        record_answers(s, viewer, stay_id, {"gender": "man"})
    assert answer_rows(db) == 0
    with db.read() as s:
        assert answers_of(s, stay_id)["gender"] == "unknown"


def _intake(first: str, phase_id: int, **answers: str) -> residents.Intake:
    return residents.Intake(
        residents.ResidentDetails(first_name=first, last_name="Batch"),
        residents.Admission(dt.date(2026, 2, 1), phase_id, living_situation="shelter"),
        answers=answers,
    )


def test_a_batch_intake_records_each_stays_answers_as_the_form_would(
    db: Database, admin: Actor
) -> None:
    with db.begin() as s:
        batch = residents.IntakeBatch(s, admin)
        phase = f.phase_id(s)
        batch.add(_intake("Ann", phase, gender="Woman", veteran="no"))
        batch.add(_intake("Bo", phase))  # nothing asked: no row
        batch.add(_intake("Cy", phase, gender="unknown"))  # only unknowns: no row either
        with pytest.raises(ValidationError) as caught:
            batch.add(_intake("Di", phase, income_entry="plenty"))
        assert caught.value.for_field("income_entry") is not None
        ann, bo, cy = batch.write()
    assert answer_rows(db) == 1
    with db.read() as s:
        stays = {r: residents.get_resident(s, r).current_stay for r in (ann, bo, cy)}
        given = {r: answers_of(s, stay.id) for r, stay in stays.items() if stay is not None}
    assert (given[ann]["gender"], given[ann]["veteran"], given[ann]["race"]) == (
        "woman",
        "no",
        "unknown",
    )
    assert given[bo]["gender"] == given[cy]["gender"] == "unknown"
    lines = [line for line in audit_lines(db) if line.summary == "Funders' answers recorded"]
    assert [json.loads(line.changes) for line in lines] == [
        {"gender": ["unknown", "woman"], "veteran": ["unknown", "no"]}
    ]


def test_the_face_sheet_prints_the_current_stays_answers(db: Database, admin: Actor) -> None:
    with db.begin() as s:
        jamie = f.resident(s, admin)
        robin = f.resident(s, admin, "Robin", "Hill")
        assert jamie.current_stay is not None
        record_answers(s, admin, jamie.current_stay.id, {"race": "white", "justice": "supervision"})
    with db.read() as s:
        data = report_data.gather_face_sheets(
            s, admin, report_data.FaceSheetOptions((jamie.id, robin.id))
        )
    first, second = data.sheets
    assert ("Race", "White") in first.answers
    assert ("Justice involvement", "On probation or parole") in first.answers
    assert ("Gender", "Unknown") in first.answers  # on paper, to be filled in
    assert not any("at exit" in question for question, _ in first.answers)  # still here
    assert second.answers == ()
    out = io.BytesIO()
    render_face_sheets(out, data)
    pages = [page.extract_text() for page in PdfReader(out).pages]
    jamie_text = next(p for p in pages if "Jamie Doe" in p)
    robin_text = next(p for p in pages if "Robin Hill" in p)
    assert "On probation or parole" in jamie_text and "For funders' reports" in jamie_text
    assert "No answers recorded for this stay." in robin_text


def test_the_face_sheet_of_someone_discharged_shows_the_exit_answers(
    db: Database, admin: Actor
) -> None:
    with db.begin() as s:
        jamie = f.resident(s, admin)
        residents.discharge_resident(
            s,
            admin,
            jamie.id,
            residents.Discharge(dt.date(2026, 5, 1), vocab.DischargeReason.COMPLETED),
        )
        assert jamie.current_stay is not None
        record_answers(s, admin, jamie.current_stay.id, {"employment_exit": "full_time"})
    with db.read() as s:
        data = report_data.gather_face_sheets(s, admin, report_data.FaceSheetOptions((jamie.id,)))
    assert ("Employment at exit", "Employed full time") in data.sheets[0].answers


def test_a_long_history_with_every_answer_still_prints_on_one_page(
    db: Database, admin: Actor
) -> None:
    day = dt.date(2024, 1, 8)
    with db.begin() as s:
        jamie = f.resident(s, admin, intake=day)
        for _ in range(9):  # more stays than the sheet lists, each answered in full
            stay_id = residents.get_resident(s, jamie.id).stays[-1].id
            record_answers(
                s,
                admin,
                stay_id,
                {
                    "race": "pacific_islander",
                    "justice": "both",
                    "employment_entry": "looking",
                    "income_entry": "under_500",
                    "employment_exit": "part_time",
                },
            )
            day += dt.timedelta(days=30)
            for phase in ("MT I", "MT II"):
                residents.change_phase(s, admin, jamie.id, f.phase_id(s, phase), day, "On track")
                day += dt.timedelta(days=5)
            residents.discharge_resident(
                s, admin, jamie.id, residents.Discharge(day, vocab.DischargeReason.OTHER)
            )
            day += dt.timedelta(days=10)
            referral = "Referred by the county drug court after a long wait on its list, " * 2
            residents.readmit_resident(
                s,
                admin,
                jamie.id,
                residents.Admission(day, f.phase_id(s), referral[:120], "shelter"),
            )
        stay_id = residents.get_resident(s, jamie.id).stays[-1].id
        record_answers(s, admin, stay_id, {"justice": "both", "moud_entry": "yes"})
        for instrument, score in (
            (vocab.Instrument.READINESS, 7),
            (vocab.Instrument.SATISFACTION, 4),
        ):
            assessments.record_assessment(
                s, admin, assessments.AssessmentEntry(jamie.id, day, instrument, score)
            )
    with db.read() as s:
        data = report_data.gather_face_sheets(s, admin, report_data.FaceSheetOptions((jamie.id,)))
    out = io.BytesIO()
    render_face_sheets(out, data)
    (page,) = PdfReader(out).pages  # shrunk a little rather than run over
    text = page.extract_text()
    assert "Court-referred and on probation or parole" in text and "Peer support" in text
