"""A discharge entered wrongly is corrected: same rules as the discharge, both values kept."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from peerdesk.core import vocab
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.errors import ValidationError
from peerdesk.core.models import AuditEvent
from peerdesk.core.services import residents
from peerdesk.core.services.discharge_correction import correct_discharge
from tests import factories as f

R = vocab.DischargeReason


def test_a_wrong_date_and_reason_are_put_right_and_the_old_ones_kept(
    db: Database, admin: Actor, today: dt.date
) -> None:
    with db.begin() as s:
        person = f.resident(s, admin, "Rosa", "Vega", intake=dt.date(2026, 3, 1)).id
        residents.discharge_resident(
            s, admin, person, residents.Discharge(dt.date(2026, 6, 1), R.LEFT_VOLUNTARILY)
        )
    with db.begin() as s:
        right = residents.Discharge(
            dt.date(2026, 5, 30), R.COMPLETED, exit_living_situation="own_rent"
        )
        fixed = correct_discharge(s, admin, person, right, "The date and reason were typed wrong")
    stay = fixed.stays[-1]
    assert (stay.discharge_date, stay.discharge_reason) == (dt.date(2026, 5, 30), R.COMPLETED)
    assert stay.discharge_outcome is vocab.OutcomeClass.POSITIVE
    with db.read() as s:
        line = s.scalars(
            select(AuditEvent).where(AuditEvent.action == "change").order_by(AuditEvent.id.desc())
        ).first()
    assert line is not None and line.summary == (
        "Discharge corrected: The date and reason were typed wrong"
    )
    changes = json.loads(line.changes)
    assert changes["discharge_reason"] == ["left_voluntarily", "completed"]
    assert changes["discharge_date"] == ["2026-06-01", "2026-05-30"]


def test_the_discharge_rules_hold_and_nothing_is_written_when_refused(
    db: Database, admin: Actor, today: dt.date
) -> None:
    with db.begin() as s:
        here = f.resident(s, admin, "Sam", "Here", intake=dt.date(2026, 3, 1)).id
        gone = f.resident(s, admin, "Gil", "Gone", intake=dt.date(2026, 3, 1)).id
        residents.discharge_resident(
            s, admin, gone, residents.Discharge(dt.date(2026, 6, 1), R.COMPLETED)
        )
    with pytest.raises(ValidationError, match="there is no discharge to correct"), db.begin() as s:
        correct_discharge(s, admin, here, residents.Discharge(dt.date(2026, 6, 1), R.COMPLETED))
    with pytest.raises(ValidationError, match="before the intake date"), db.begin() as s:
        correct_discharge(s, admin, gone, residents.Discharge(dt.date(2026, 2, 1), R.COMPLETED))
    with db.read() as s:
        assert residents.get_resident(s, gone).stays[-1].discharge_date == dt.date(2026, 6, 1)
        before = s.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
    with db.begin() as s:  # the same values again: nothing changes, no audit line
        correct_discharge(s, admin, gone, residents.Discharge(dt.date(2026, 6, 1), R.COMPLETED))
    with db.read() as s:
        assert s.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) == before
