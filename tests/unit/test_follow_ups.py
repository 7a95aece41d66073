"""Follow-up after discharge: the rules of recording one, which are due on Home, and the
summary's figures recounted by hand.

Today is 15 Jun 2026. The house:

    A  discharged 1 Dec 2025 (completed)  → 6-month point 1 Jun 2026: due (window 2 May–31 Jul)
    B  discharged 1 Jan 2026 (left)       → 6-month point 2 Jul 2026: due (opens 2 Jun)
    C  discharged 1 Feb 2026              → point 2 Aug 2026: window opens 3 Jul, not yet
    D  discharged 1 Nov 2025, died        → never due
    E  discharged 1 Dec 2025, readmitted 1 Mar 2026 → back in residence: not due
    F  discharged 15 Jun 2025             → 12-month point 15 Jun 2026: due; 6-month point
                                             14 Dec 2025 long closed
"""

from __future__ import annotations

import datetime as dt

import pytest

from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.errors import ValidationError
from peerdesk.core.funder_vocab import FollowUpPoint, YesNo
from peerdesk.core.outcome_follow_ups import follow_up_figures
from peerdesk.core.outcomes import Period
from peerdesk.core.services import follow_ups, residents
from peerdesk.core.vocab import DischargeReason as R
from tests import factories as f

D = dt.date
SIX, TWELVE = FollowUpPoint.SIX_MONTHS, FollowUpPoint.TWELVE_MONTHS


def build(db: Database, admin: Actor) -> dict[str, int]:
    plan = {
        "A": (D(2025, 6, 1), D(2025, 12, 1), R.COMPLETED),
        "B": (D(2025, 7, 1), D(2026, 1, 1), R.LEFT_VOLUNTARILY),
        "C": (D(2025, 8, 1), D(2026, 2, 1), R.COMPLETED),
        "D": (D(2025, 5, 1), D(2025, 11, 1), R.DECEASED),
        "E": (D(2025, 6, 1), D(2025, 12, 1), R.MOVED_ON),
        "F": (D(2025, 1, 10), D(2025, 6, 15), R.COMPLETED),
    }
    stays = {}
    with db.begin() as s:
        for name, (intake, out, reason) in plan.items():
            person = f.resident(s, admin, name, "Gone", intake=intake).id
            residents.discharge_resident(s, admin, person, residents.Discharge(out, reason))
            stays[name] = residents.get_resident(s, person).stays[-1].id
            stays[name + "_person"] = person
        residents.readmit_resident(
            s, admin, stays["E_person"], residents.Admission(D(2026, 3, 1), f.phase_id(s))
        )
    return stays


def test_the_follow_ups_due_are_those_whose_window_is_open(
    db: Database, admin: Actor, today: dt.date
) -> None:
    stays = build(db, admin)
    with db.read() as s:
        due = follow_ups.follow_ups_due(s, today)
    assert [(d.resident_name, d.point, d.due_on) for d in due] == [
        ("A Gone", SIX, D(2026, 6, 1)),
        ("F Gone", TWELVE, D(2026, 6, 15)),
        ("B Gone", SIX, D(2026, 7, 2)),
    ]
    with db.begin() as s:
        follow_ups.record_follow_up(
            s, admin, follow_ups.FollowUpEntry(stays["A"], SIX, D(2026, 6, 10), reached=False)
        )
    with db.read() as s:
        assert "A Gone" not in [d.resident_name for d in follow_ups.follow_ups_due(s, today)]


def test_what_a_follow_up_may_say(db: Database, admin: Actor, today: dt.date) -> None:
    stays = build(db, admin)

    def refused(entry: follow_ups.FollowUpEntry) -> str:
        with pytest.raises(ValidationError) as caught, db.begin() as s:
            follow_ups.record_follow_up(s, admin, entry)
        return str(caught.value)

    a = stays["A"]
    assert "before the discharge" in refused(follow_ups.FollowUpEntry(a, SIX, D(2025, 11, 1), True))
    assert "future" in refused(follow_ups.FollowUpEntry(a, SIX, D(2026, 7, 1), True))
    assert "not reached has no answers" in refused(
        follow_ups.FollowUpEntry(a, SIX, D(2026, 6, 1), False, employed=YesNo.YES)
    )
    with db.begin() as s:
        first = follow_ups.record_follow_up(
            s, admin,
            follow_ups.FollowUpEntry(a, SIX, D(2026, 6, 1), True, "own_rent", YesNo.YES, YesNo.NO),
        )  # fmt: skip
    assert "already recorded; void it first" in refused(
        follow_ups.FollowUpEntry(a, SIX, D(2026, 6, 2), True)
    )
    with db.begin() as s:
        follow_ups.void_follow_up(s, admin, first.id, "Called the wrong Jamie")
        follow_ups.record_follow_up(s, admin, follow_ups.FollowUpEntry(a, SIX, D(2026, 6, 2), True))
        kept = follow_ups.follow_ups_of_stay(s, a)
    assert [(k.contacted_on, k.voided) for k in kept] == [
        (D(2026, 6, 1), True),
        (D(2026, 6, 2), False),
    ]


def test_the_summary_counts_follow_ups_by_hand(db: Database, admin: Actor, today: dt.date) -> None:
    stays = build(db, admin)
    with db.begin() as s:
        entries = [
            follow_ups.FollowUpEntry(stays["A"], SIX, D(2026, 6, 3), True, "own_rent",
                                     YesNo.YES, YesNo.YES),
            follow_ups.FollowUpEntry(stays["E"], SIX, D(2026, 6, 1), True, "street",
                                     YesNo.NO, YesNo.UNKNOWN),
            follow_ups.FollowUpEntry(stays["F"], TWELVE, D(2026, 6, 15), False),
        ]  # fmt: skip
        for entry in entries:
            follow_ups.record_follow_up(s, admin, entry)
    # 1 Jan – 15 Jun 2026: the 6-month points in it are A (1 Jun) and E (1 Jun); D's death
    # leaves it out; B's (2 Jul) and C's (2 Aug) are later. Both contacted and reached; of
    # the two, one stable (A, own or rent), one in recovery (A), one employed (A).
    # The 12-month points in it: F (15 Jun), contacted, not reached.
    with db.read() as s:
        six, twelve = follow_up_figures(s, Period(D(2026, 1, 1), D(2026, 6, 15), D(2026, 6, 15)))
    assert (six.due, six.contacted, six.reached) == (2, 2, 2)
    assert (six.stable, six.in_recovery, six.employed) == (1, 1, 1)
    assert (twelve.due, twelve.contacted, twelve.reached, twelve.stable) == (1, 1, 0, 0)
    # As of 2 Jun, E's contact (1 Jun) was recorded, A's (3 Jun) not yet.
    with db.read() as s:
        six, _ = follow_up_figures(s, Period(D(2026, 1, 1), D(2026, 6, 15), D(2026, 6, 2)))
    assert (six.due, six.contacted, six.reached, six.stable) == (2, 1, 1, 0)
