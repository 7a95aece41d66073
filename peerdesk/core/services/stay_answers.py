"""The funders' questions of a stay: answered at intake and at discharge, changed later with an
audit line like any other correction.

Answers belong to a stay (a readmitted resident is asked again: employment and income change,
and funders count admissions). A stay never asked has every answer "unknown", which is how an
older house's stays read and how the outcome summary counts them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from peerdesk.core import audit, clock, funder_vocab
from peerdesk.core.audit import Actor
from peerdesk.core.models import Stay, StayAnswers
from peerdesk.core.permissions import Action
from peerdesk.core.services._common import Problems, get_or_not_found

QUESTIONS = {**funder_vocab.INTAKE_QUESTIONS, **funder_vocab.EXIT_QUESTIONS}


@dataclass(frozen=True)
class Answers:
    """A stay's answers by question (``gender``, ``income_exit`` …); a question not in
    ``given`` is unknown."""

    given: Mapping[str, str]

    def __getitem__(self, question: str) -> str:
        return self.given.get(question, funder_vocab.UNKNOWN)

    def label(self, question: str) -> str:
        enum, _ = QUESTIONS[question]
        return enum(self[question]).label


def answers_of(s: Session, stay_id: int) -> Answers:
    row = s.get(StayAnswers, stay_id)
    if row is None:
        return Answers({})
    return Answers({q: getattr(row, q) for q in QUESTIONS})


def check_answers(answers: Mapping[str, str]) -> dict[str, str]:
    """The answers as stored codes; a code or label that is not on its list is refused with
    one sentence for that question. Anything missing stays as it is."""
    problems = Problems()
    found = {}
    for question, value in answers.items():
        if question not in QUESTIONS:
            raise KeyError(question)
        enum, label = QUESTIONS[question]
        member = enum.from_text(str(value)) if str(value).strip() else enum("unknown")
        if member is None:
            choices = ", ".join(m.label for m in enum)
            problems.add(question, f"{label} must be one of: {choices}.")
            continue
        found[question] = member.value
    problems.raise_if_any()
    return found


def record_answers(s: Session, actor: Actor, stay_id: int, answers: Mapping[str, str]) -> Answers:
    """Set some answers of a stay (the intake's, the discharge's or a correction); one audit
    line on the stay with what changed, none if nothing did."""
    actor.require(Action.EDIT_RESIDENTS)
    values = check_answers(answers)
    get_or_not_found(s, Stay, stay_id, "stay")
    before = answers_of(s, stay_id)
    changes = audit.diff({q: before[q] for q in values}, values)
    if not changes:
        return before  # nothing new: no row, no audit line
    row = s.get(StayAnswers, stay_id)
    if row is None:
        row = StayAnswers(stay_id=stay_id, updated_at=clock.now_utc())
        for question in QUESTIONS:
            setattr(row, question, funder_vocab.UNKNOWN)
        s.add(row)
    for question, value in values.items():
        setattr(row, question, value)
    row.updated_at = clock.now_utc()
    s.flush()
    audit.record(s, actor, "change", "stays", stay_id, "Funders' answers recorded", changes)
    return answers_of(s, stay_id)
