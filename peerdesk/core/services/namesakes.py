"""Residents already on record under the name of a new intake: the likely duplicate.

The intake refuses the same name with the same date of birth outright (see
:func:`peerdesk.core.services.residents.person_key`). With a date of birth missing on either
side, the same name may be the same person typed twice, or another person: the intake form
asks, naming who is already there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peerdesk.core import dto
from peerdesk.core.models import Resident, Stay
from peerdesk.core.services.residents import name_key


@dataclass(frozen=True)
class Namesake:
    resident_id: int
    name: str
    date_of_birth: dt.date | None
    last_intake: dt.date | None
    discharged_on: dt.date | None  # None while in residence


def likely_duplicates(
    s: Session, first_name: str, last_name: str, date_of_birth: dt.date | None
) -> list[Namesake]:
    """Residents of the same name who may be this person: a birth date missing on either
    side (the same one is refused by the intake; a different one is someone else)."""
    first, last = name_key(first_name), name_key(last_name)
    if not first or not last:
        return []
    latest = (
        select(Stay.resident_id, func.max(Stay.id).label("stay_id"))
        .group_by(Stay.resident_id)
        .subquery()
    )
    rows = s.execute(
        select(Resident.id, Resident.first_name, Resident.last_name, Resident.date_of_birth,
               Stay.intake_date, Stay.discharge_date)
        .outerjoin(latest, latest.c.resident_id == Resident.id)
        .outerjoin(Stay, Stay.id == latest.c.stay_id)
        .order_by(Resident.id)
    ).all()  # fmt: skip
    found = []
    # Names are compared as the intake compares them (any case, any spacing, any script), in
    # Python: a twenty-year house has a few thousand residents.
    for rid, their_first, their_last, born, intake, left in rows:
        if (name_key(their_first), name_key(their_last)) != (first, last):
            continue
        if born is not None and date_of_birth is not None:
            continue  # both known: the same is refused, a different one is another person
        found.append(Namesake(rid, dto.person_name(their_first, their_last), born, intake, left))
    return found
