"""Who was served, in funders' categories, recounted by hand.

Period 1 Jan – 31 Mar 2026. The house:

    A  born 1 Feb 2000, intake 1 Dec 2025 (woman, veteran)        — served; 25 on intake
    B  born 1 Jan 1960, intake 5 Jan 2026 (man), discharged 1 Mar  — served; 66; employed at
       entry part time, at exit full time
    C  intake 1 Jun 2025, discharged 1 Dec 2025 (woman)            — not served (left before)
    D  no birth date, intake 1 Feb 2026, never asked               — served; unknown
    E  intake 1 Oct 2025 (declined gender), discharged 1 Nov 2025, readmitted 1 Mar 2026 (man):
       served once, as answered at the latest stay (man)
"""

from __future__ import annotations

import datetime as dt

from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.outcome_people import people_figures
from peerdesk.core.outcomes import Period
from peerdesk.core.services import residents, stay_answers
from peerdesk.core.vocab import DischargeReason as R
from tests import factories as f

D = dt.date
PERIOD = Period(D(2026, 1, 1), D(2026, 3, 31), D(2026, 3, 31))


def test_who_was_served_by_hand(db: Database, admin: Actor, today: dt.date) -> None:
    with db.begin() as s:

        def person(name: str, intake: dt.date, dob: dt.date | None, **answers: str) -> int:
            pid = f.resident(s, admin, name, "X", intake=intake, dob=dob).id
            if answers:
                stay = residents.get_resident(s, pid).stays[-1].id
                stay_answers.record_answers(s, admin, stay, answers)
            return pid

        person("A", D(2025, 12, 1), D(2000, 2, 1), gender="woman", veteran="yes")
        b = person("B", D(2026, 1, 5), D(1960, 1, 1), gender="man",
                   employment_entry="part_time")  # fmt: skip
        residents.discharge_resident(s, admin, b, residents.Discharge(D(2026, 3, 1), R.COMPLETED))
        b_stay = residents.get_resident(s, b).stays[-1].id
        stay_answers.record_answers(s, admin, b_stay, {"employment_exit": "full_time"})
        c = person("C", D(2025, 6, 1), D(1990, 1, 1), gender="woman")
        residents.discharge_resident(s, admin, c, residents.Discharge(D(2025, 12, 1), R.COMPLETED))
        person("D", D(2026, 2, 1), None)
        e = person("E", D(2025, 10, 1), D(1990, 1, 1), gender="declined")
        residents.discharge_resident(
            s, admin, e, residents.Discharge(D(2025, 11, 1), R.LEFT_VOLUNTARILY)
        )
        residents.readmit_resident(s, admin, e, residents.Admission(D(2026, 3, 1), f.phase_id(s)))
        e_stay = residents.get_resident(s, e).stays[-1].id
        stay_answers.record_answers(s, admin, e_stay, {"gender": "man"})

    with db.read() as s:
        people = people_figures(s, PERIOD)
    by = {(b.group, b.question): {code: n for code, _label, n in b.rows} for b in people.all()}
    gender = by[("residents served", "gender")]
    assert (gender["woman"], gender["man"], gender["declined"], gender["unknown"]) == (1, 2, 0, 1)
    assert sum(gender.values()) == 4  # A, B, D, E: served once each
    assert by[("residents served", "veteran")]["yes"] == 1
    age = by[("residents served", "age")]
    assert (age["25–34"], age["65 and over"], age["Unknown"], age["35–44"]) == (1, 1, 1, 1)
    # Admissions in the period: B (5 Jan), D (1 Feb), E again (1 Mar): three stays.
    assert sum(by[("admissions", "employment_entry")].values()) == 3
    assert by[("admissions", "employment_entry")]["part_time"] == 1
    # Discharges in the period: B only; entry and exit over the same discharge.
    assert by[("discharges", "employment_entry")] ["part_time"] == 1  # fmt: skip
    assert by[("discharges", "employment_exit")]["full_time"] == 1
    assert sum(by[("discharges", "moud_exit")].values()) == 1
