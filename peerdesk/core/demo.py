"""A realistic, deterministic synthetic house, for exploring PeerDesk and for measuring it.

``build_demo_house(db, beds=24, years=2, seed=1)`` simulates the house day by day: beds kept
mostly full with turnover, residents moving forward through the phases, discharges with
plausible reasons and outcomes, readmissions, a morning and an evening house group every
day, weekly one-to-ones with each resident's mentor, a weekly phase meeting, monthly outings,
assessments at intake and every 30 days, supervision twice a month (with the odd overdue
mentor), training and credentials (a few expiring soon). The same seed gives the same house.

Everything the simulation makes obeys the services' rules (no one attends a session outside
their stay, phases only move forward within a stay, and so on); rows are written with bulk
inserts in one transaction, so ten years of a 100-bed house take well under two minutes.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select

from peerdesk.core import audit, clock, funder_vocab, vocab
from peerdesk.core.audit import Actor
from peerdesk.core.db import Database
from peerdesk.core.errors import ValidationError
from peerdesk.core.models import Mentor, ProgramPhase, Resident
from peerdesk.core.permissions import Action

FIRST_NAMES = tuple(
    """
    James Michael Robert John David William Richard Joseph Thomas Christopher Charles Daniel
    Matthew Anthony Mark Donald Steven Andrew Paul Joshua Kenneth Kevin Brian Timothy Ronald
    Jason George Edward Jeffrey Ryan Jacob Nicholas Gary Eric Jonathan Stephen Larry Justin
    Scott Brandon Benjamin Samuel Gregory Alexander Patrick Frank Raymond Jack Dennis Jerry
    Tyler Aaron Jose Adam Nathan Henry Zachary Douglas Peter Kyle Noah Ethan Jeremy Christian
    Walter Keith Austin Roger Terry Sean Gerald Carl Dylan Harold Jordan Jesse Bryan Lawrence
    Arthur Gabriel Bruce Logan Billy Joe Alan Juan Elijah Willie Albert Wayne Randy Mason
    Vincent Liam Roy Bobby Caleb Bradley Russell Lucas Mary Patricia Jennifer Linda Elizabeth
    Barbara Susan Jessica Karen Sarah Lisa Nancy Sandra Ashley Emily Kimberly Betty Margaret
    Donna Michelle Carol Amanda Melissa Deborah Stephanie Rebecca Sharon Laura Cynthia Amy
    Kathleen Angela Dorothy Shirley Emma Brenda Nicole Pamela Samantha Anna Katherine Christine
    Debra Rachel Olivia Carolyn Maria Janet Heather Diane Catherine Julie Victoria Joyce Lauren
    Kelly Christina Joan Evelyn Judith Andrea Hannah Megan Cheryl Jacqueline Martha Madison
    Teresa Gloria Sara Janice Ann Kathryn Abigail Sophia Frances Jean Alice Judy Isabella Julia
    Grace Amber Denise Danielle Marilyn Beverly Charlotte Natalie Theresa Diana Brittany Doris
    Kayla Alexis Lori Marie José Renée Zoë Dmitri Aisha Tremaine DeShawn Keisha Latoya Malik
    Jamal Imani Xavier Marisol Luz Ngozi Tuan Mai
    """.split()
)
LAST_NAMES = tuple(
    """
    Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez
    Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris
    Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill
    Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips
    Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook
    Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward
    Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez
    Castillo Sanders Patel Myers Long Ross Foster Jimenez Powell Jenkins Perry Russell Sullivan
    Bell Coleman Butler Henderson Barnes Fisher Vasquez Simmons Graham Marshall Owens Harrison
    O'Neil O'Brien McCoy Dubois Nakamura Okafor Kowalski Lindqvist Abernathy Caudill Combs
    Napier Slone Sizemore Fugate Hensley Gayheart Ritchie
    """.split()
)
REFERRALS = (
    "Drug court",
    "Self-referral",
    "Hospital discharge planner",
    "Probation and parole",
    "Family member",
    "Homeless shelter",
    "Detox center",
    "Church outreach",
    "Another recovery house",
)
INTAKE_SITUATIONS = (
    ("street", 18),
    ("shelter", 22),
    ("jail", 20),
    ("treatment", 12),
    ("hospital", 4),
    ("family_friends", 14),
    ("hotel", 3),
    ("recovery_housing", 3),
    ("own_rent", 2),
    ("unknown", 2),
)
GROUP_TOPICS = (
    "Morning check-in and meditation",
    "Relapse prevention",
    "Coping with cravings",
    "Twelve steps study",
    "Anger and resentment",
    "Healthy relationships",
    "Gratitude circle",
    "Life skills: budgeting",
    "Job readiness",
    "Family roles in recovery",
    "Trauma and recovery",
    "Community meeting",
    "Big Book study",
    "Grief and loss",
    "Boundaries",
    "Sleep and self-care",
    "Nutrition and health",
    "Spirituality in recovery",
)
EVENING_TOPICS = (
    "Evening reflection",
    "Recovery dharma",
    "Open share",
    "Speaker night",
    "Men's and women's share",
    "Journaling",
    "Goal setting for the week",
    "Celebrating milestones",
)
ONE_TO_ONE_TOPICS = (
    "Weekly check-in",
    "Recovery plan review",
    "Employment search",
    "Housing plan after discharge",
    "Family contact",
    "Court and probation requirements",
    "Sponsor and meetings",
    "Benefits application",
    "Medical appointment follow-up",
    "Budget and savings",
    "Driver's licence reinstatement",
    "Education goals",
    "Dealing with a craving",
)
NOTE_FRAGMENTS = (
    "{name} shared honestly about the past week.",
    "{name} reported attending five outside meetings and has a sponsor.",
    "Talked through a trigger at work; {name} used the phone list.",
    "{name} is worried about a court date and asked for a ride.",
    "Set a goal to open a savings account by the end of the month.",
    "{name} reconnected with a sister by phone and felt hopeful.",
    "Reviewed the resume together; two applications sent.",
    "{name} described cravings on payday and made a plan for Friday.",
    "Discussed boundaries with old friends from the neighbourhood.",
    "Followed up on the clinic appointment; {name} kept it.",
    "{name} is sleeping better and eating breakfast with the house.",
    "Practised a conversation with a landlord for the housing search.",
    "{name} celebrated 90 days clean and sober.",
    "Explored what recovery capital means and listed supports.",
)
GROUP_NOTES = (
    "Good energy; several residents shared for the first time.",
    "Discussion ran long; follow up on the questions about step work.",
    "New residents welcomed; house rules reviewed.",
    "Guest speaker from the alumni group shared their story.",
    "Quiet group; two residents asked to talk one-to-one afterwards.",
    "Role-played saying no to an old using friend.",
)
SUPERVISION_SUMMARIES = (
    "Reviewed caseload and the week's one-to-ones; mentor is managing well.",
    "Discussed a resident asking to borrow money; agreed the boundary and how to say it.",
    "Talked about self-care and the mentor's own recovery supports.",
    "Mentor felt pulled into a conflict between two residents; worked through staying neutral.",
    "Went over documentation: notes should say what was done, not opinions.",
    "Practised motivational interviewing with a resident who is ambivalent.",
    "A former friend of the mentor was admitted; agreed to reassign to avoid a dual relationship.",
    "Feedback on leading the morning group: strong, invite quieter residents in.",
    "Reviewed trauma-informed language for the evening share.",
)
ACTION_ITEMS = (
    "Complete the ethics refresher module",
    "Update the notes for last week's one-to-ones",
    "Share the housing resource list with the phase II residents",
    "Schedule a three-way meeting with the resident and case manager",
    "Read the chapter on motivational interviewing",
    "Ask the program director about the conference budget",
)
TRAINING_TOPICS = (
    ("Ethics for peer workers", vocab.Competency.ETHICS_BOUNDARIES),
    ("Trauma-informed care basics", vocab.Competency.TRAUMA_INFORMED),
    ("Motivational interviewing", vocab.Competency.COMMUNICATION),
    ("Sharing your story with purpose", vocab.Competency.LIVED_EXPERIENCE),
    ("Medication for opioid use disorder", vocab.Competency.TREATMENT_FRAMEWORKS),
    ("Community resources and benefits", vocab.Competency.RESOURCE_SHARING),
    ("Naloxone training", vocab.Competency.TREATMENT_FRAMEWORKS),
    ("Suicide prevention (QPR)", vocab.Competency.OTHER),
)
SUPERVISORS = ("Dana Whitaker, LCADC", "Marcus Hale, LCSW")
DISCHARGE_CHOICES = (
    (vocab.DischargeReason.COMPLETED, 32),
    (vocab.DischargeReason.MOVED_ON, 14),
    (vocab.DischargeReason.LEFT_VOLUNTARILY, 27),
    (vocab.DischargeReason.ADMINISTRATIVE, 17),
    (vocab.DischargeReason.TRANSFERRED, 6),
    (vocab.DischargeReason.OTHER, 3),
    (vocab.DischargeReason.DECEASED, 1),
)
PHASE_DAYS = ((7, 14), (25, 40), (25, 40), (50, 90))  # days spent in SOS, MT I, MT II, Phase I

# The funders' answers: the first names above are men's up to "Mary", then women's (the
# names mixed in at the end are listed); a Spanish surname is usually a Hispanic resident.
MEN = frozenset(FIRST_NAMES[: FIRST_NAMES.index("Mary")]) | {
    "José", "Dmitri", "Tremaine", "DeShawn", "Malik", "Jamal", "Xavier", "Tuan",
}  # fmt: skip
SPANISH_SURNAMES = frozenset(
    """
    Garcia Rodriguez Martinez Hernandez Lopez Gonzalez Perez Sanchez Ramirez Torres Flores
    Rivera Gomez Diaz Cruz Reyes Morales Gutierrez Ortiz Ramos Chavez Mendoza Ruiz Alvarez
    Castillo Jimenez Vasquez
    """.split()
)
NOT_ASKED = 0.05  # stays nobody asked the questions of: no answers row, every answer unknown
D, U = funder_vocab.DECLINED, funder_vocab.UNKNOWN
RACES = (("white", 62), ("black", 20), ("multiracial", 6), ("american_indian", 1), ("asian", 1),
         ("pacific_islander", 1), ("other", 2), (D, 3), (U, 4))  # fmt: skip
VETERAN = (("no", 84), ("yes", 9), (D, 2), (U, 5))
JUSTICE = (("none", 58), ("court", 8), ("supervision", 16), ("both", 6), (D, 4), (U, 8))
EMPLOYMENT_AT_ENTRY = (("full_time", 8), ("part_time", 10), ("looking", 50), ("not_looking", 20),
                       (D, 3), (U, 9))  # fmt: skip
# Leaving well usually means working; leaving early, often that nobody could ask.
EMPLOYMENT_AT_POSITIVE_EXIT = (("full_time", 52), ("part_time", 24), ("looking", 12),
                               ("not_looking", 5), (D, 2), (U, 5))  # fmt: skip
EMPLOYMENT_AT_OTHER_EXIT = (("full_time", 8), ("part_time", 12), ("looking", 30),
                            ("not_looking", 12), (D, 3), (U, 35))  # fmt: skip
INCOME_BY_EMPLOYMENT = {
    "full_time": (("1000_1999", 55), ("2000_up", 30), ("500_999", 10), (D, 5)),
    "part_time": (("500_999", 50), ("under_500", 25), ("1000_1999", 20), (D, 5)),
    "looking": (("none", 55), ("under_500", 30), ("500_999", 10), (D, 5)),
    "not_looking": (("500_999", 45), ("none", 25), ("1000_1999", 20), (D, 10)),
}
MOUD_AT_ENTRY = (("no", 62), ("yes", 28), (D, 3), (U, 7))
MOUD_AT_EXIT = {"yes": (("yes", 85), ("no", 12), (U, 3)), "no": (("no", 90), ("yes", 5), (U, 5))}


@dataclass
class DemoSummary:
    """What was built, for the command line to print."""

    beds: int
    years: float
    seed: int
    residents: int = 0
    stays: int = 0
    mentors: int = 0
    sessions: int = 0
    attendance: int = 0
    assessments: int = 0
    supervision_notes: int = 0
    password: str = ""  # the demo accounts' shared password, when they were made
    usernames: tuple[str, ...] = ()


@dataclass
class _Stay:
    id: int
    resident: int
    intake: dt.date
    discharge: dt.date | None = None
    # the planned path through the phases: (phase position index, from date)
    phases: list[tuple[int, dt.date]] = field(default_factory=list)


@dataclass
class _Mentor:
    id: int
    start: dt.date
    end: dt.date | None = None
    caseload: int = 0
    reliable: bool = True


class _Rows:
    """Rows per table, in insert order, with explicit ids."""

    def __init__(self) -> None:
        self.tables: dict[str, tuple[list[str], list[tuple[object, ...]]]] = {}

    def add(self, table: str, columns: list[str], row: tuple[object, ...]) -> None:
        entry = self.tables.setdefault(table, (columns, []))
        entry[1].append(row)

    def count(self, table: str) -> int:
        return len(self.tables.get(table, ((), []))[1])


def _stamp(day: dt.date, hour: int = 9) -> str:
    return f"{day.isoformat()} {hour:02d}:00:00.000000"


class _House:
    """The simulation's state; ``run`` walks the calendar and fills ``rows``."""

    def __init__(
        self, beds: int, years: float, seed: int, today: dt.date, phase_ids: list[int]
    ) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.beds = beds
        self.today = today
        self.start = today - dt.timedelta(days=round(years * 365.25))
        self.phase_ids = phase_ids  # database ids of the five default phases, in order
        self.rows = _Rows()
        self.stays: list[_Stay] = []
        self.active: list[_Stay] = []
        self.mentors: list[_Mentor] = []
        self.resident_mentor: dict[int, int] = {}
        self.resident_first: dict[int, str] = {}
        self.former_names: dict[int, tuple[str, str]] = {}
        self.intake_situation: dict[int, str] = {}
        self.discharges: dict[int, tuple[str, str, str]] = {}
        self.last_discharge: dict[int, dt.date] = {}
        self.discharged_pool: list[int] = []
        self.graduates: list[tuple[int, dt.date]] = []
        self.attendance: list[tuple[int, int, int | None, int | None]] = []
        self.next_id: dict[str, int] = {}
        self.used_names: set[tuple[str, str]] = set()
        # Two beds (A and B) to a room, rooms numbered from 101; a bed is taken at admission
        # and freed at discharge, so no two people in residence share one.
        self.free_beds: list[tuple[str, str]] = [
            (str(101 + n // 2), "AB"[n % 2]) for n in range(beds)
        ]
        self.resident_bed: dict[int, tuple[str, str]] = {}

    def new_id(self, table: str) -> int:
        self.next_id[table] = self.next_id.get(table, 0) + 1
        return self.next_id[table]

    # -- people -----------------------------------------------------------------------

    def _name(self) -> tuple[str, str]:
        for _ in range(50):
            name = (self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES))
            if name not in self.used_names:
                break
        self.used_names.add(name)
        return name

    def add_mentor(self, start: dt.date, former_resident: int | None = None) -> _Mentor:
        mentor_id = self.new_id("mentors")
        if former_resident is not None:
            first, last = self.former_names[former_resident]
        else:
            first, last = self._name()
        reliable = self.rng.random() > 0.2
        mentor = _Mentor(mentor_id, start, reliable=reliable)
        self.mentors.append(mentor)
        self.rows.add(
            "mentors",
            [
                "id",
                "first_name",
                "last_name",
                "phone",
                "email",
                "role_title",
                "start_date",
                "end_date",
                "status",
                "supervisor_name",
                "former_resident_id",
                "user_id",
                "notes",
                "created_at",
                "created_by",
                "updated_at",
            ],
            (
                mentor_id,
                first,
                last,
                self._phone(),
                f"{first.lower()}.{last.lower()}@example.org",
                "Senior peer mentor" if mentor_id % 4 == 1 else "Peer mentor",
                start.isoformat(),
                None,
                "active",
                self.rng.choice(SUPERVISORS),
                former_resident,
                None,
                "",
                _stamp(start),
                "demo",
                _stamp(start),
            ),
        )
        self._credentials(mentor)
        return mentor

    def _phone(self) -> str:
        return f"(859) 555-{self.rng.randint(0, 9999):04d}"

    def _credentials(self, mentor: _Mentor) -> None:
        issued = mentor.start - dt.timedelta(days=self.rng.randint(0, 400))
        name = self.rng.choice(
            (
                "Kentucky Peer Support Specialist",
                "Certified Alcohol and Drug Counselor (CADC)",
                "Certified Peer Recovery Specialist",
            )
        )
        # Renew every two years; the last one may be expiring soon or just expired.
        while True:
            expires = issued + dt.timedelta(days=730)
            credential_id = self.new_id("credentials")
            self.rows.add(
                "credentials",
                [
                    "id",
                    "mentor_id",
                    "name",
                    "number",
                    "issued_on",
                    "expires_on",
                    "created_at",
                    "created_by",
                ],
                (
                    credential_id,
                    mentor.id,
                    name,
                    f"PSS-{self.rng.randint(10000, 99999)}",
                    issued.isoformat(),
                    expires.isoformat(),
                    _stamp(max(issued, self.start)),
                    "demo",
                ),
            )
            renew = expires - dt.timedelta(days=self.rng.randint(-20, 45))
            if renew >= self.today or (mentor.end and renew >= mentor.end):
                break
            issued = renew

    def _first_phase_plan(self, stay: _Stay, start_index: int = 0) -> None:
        day = stay.intake
        for index in range(start_index, 5):
            stay.phases.append((index, day))
            if index < 4:
                low, high = PHASE_DAYS[index]
                day = day + dt.timedelta(days=self.rng.randint(low, high))

    def admit(self, day: dt.date) -> None:
        readmit = None
        if self.discharged_pool and self.rng.random() < 0.1:
            candidate = self.rng.choice(self.discharged_pool)
            if (day - self.last_discharge[candidate]).days >= 30:
                readmit = candidate
                self.discharged_pool.remove(candidate)
        if readmit is None:
            resident = self.new_id("residents")
            first, last = self._name()
            self.resident_first[resident] = first
            self.former_names[resident] = (first, last)
            dob = day - dt.timedelta(days=self.rng.randint(19 * 365, 62 * 365))
            self.rows.add(
                "residents",
                [
                    "id",
                    "first_name",
                    "last_name",
                    "preferred_name",
                    "date_of_birth",
                    "phone",
                    "emergency_contact_name",
                    "emergency_contact_phone",
                    "room",
                    "bed",
                    "mentor_id",
                    "notes",
                    "created_at",
                    "created_by",
                    "updated_at",
                ],
                (
                    resident,
                    first,
                    last,
                    "",
                    dob.isoformat(),
                    self._phone(),
                    " ".join(self._name()),
                    self._phone(),
                    "",  # room and bed: the last bed they had, written at the end
                    "",
                    None,
                    "",
                    _stamp(day),
                    "demo",
                    _stamp(day),
                ),
            )
        else:
            resident = readmit
        stay = _Stay(self.new_id("stays"), resident, day)
        self._first_phase_plan(stay)
        self.stays.append(stay)
        self.active.append(stay)
        if self.free_beds:
            self.resident_bed[resident] = self.free_beds.pop(0)
        mentor = self.pick_mentor(day)
        self.resident_mentor[resident] = mentor.id
        mentor.caseload += 1
        self.intake_situation[stay.id] = self._weighted(INTAKE_SITUATIONS)
        self.assess(stay, day, first=True)

    def pick_mentor(self, day: dt.date) -> _Mentor:
        candidates = [m for m in self.mentors if m.start <= day and m.end is None]
        return min(candidates, key=lambda m: (m.caseload, m.id))

    def _weighted(self, choices: tuple[tuple[object, int], ...]) -> str:
        values = [c for c, _ in choices]
        weights = [w for _, w in choices]
        return str(self.rng.choices(values, weights)[0])

    def discharge(self, stay: _Stay, day: dt.date, reason: vocab.DischargeReason) -> None:
        stay.discharge = day
        stay.phases = [(i, d) for i, d in stay.phases if d <= day]
        bed = self.resident_bed.get(stay.resident)
        if bed is not None:
            self.free_beds.append(bed)
            self.free_beds.sort()
        self.active.remove(stay)
        mentor_id = self.resident_mentor.pop(stay.resident)
        for mentor in self.mentors:
            if mentor.id == mentor_id:
                mentor.caseload -= 1
        outcome = reason.default_outcome
        if reason in (vocab.DischargeReason.COMPLETED, vocab.DischargeReason.MOVED_ON):
            exit_to = self._weighted(
                (
                    ("own_rent", 30),
                    ("own_rent_subsidy", 20),
                    ("recovery_housing", 25),
                    ("family_permanent", 15),
                    ("family_friends", 10),
                )
            )
        elif reason == vocab.DischargeReason.TRANSFERRED:
            exit_to = self._weighted(
                (("treatment", 60), ("hospital", 30), ("recovery_housing", 10))
            )
        elif reason == vocab.DischargeReason.DECEASED:
            exit_to = "unknown"
        else:
            exit_to = self._weighted(
                (
                    ("street", 20),
                    ("shelter", 20),
                    ("family_friends", 30),
                    ("jail", 10),
                    ("unknown", 20),
                )
            )
        self.discharges[stay.id] = (reason.value, outcome.value, exit_to)
        self.last_discharge[stay.resident] = day
        if reason != vocab.DischargeReason.DECEASED:
            self.discharged_pool.append(stay.resident)
        if reason == vocab.DischargeReason.COMPLETED:
            self.graduates.append((stay.resident, day))

    # -- measurements -----------------------------------------------------------------

    def assess(self, stay: _Stay, day: dt.date, *, first: bool = False) -> None:
        days_in = (day - stay.intake).days
        progress = min(1.0, days_in / 240)
        base = 2.4 + 2.6 * progress
        items = [max(1, min(6, round(self.rng.gauss(base, 0.8)))) for _ in range(10)]
        self._assessment(stay.resident, day, "barc10", sum(items), None, items)
        readiness = max(0, min(10, round(self.rng.gauss(5 + 3.5 * progress, 1.5))))
        self._assessment(stay.resident, day, "readiness", readiness, None, [None] * 10)
        if not first:
            satisfaction = max(1, min(5, round(self.rng.gauss(3.6 + 0.8 * progress, 0.8))))
            self._assessment(stay.resident, day, "satisfaction", satisfaction, None, [None] * 10)
        else:
            situation = self.intake_situation[stay.id]
            self._assessment(stay.resident, day, "living_situation", None, situation, [None] * 10)

    def _assessment(
        self,
        resident: int,
        day: dt.date,
        instrument: str,
        score: int | None,
        situation: str | None,
        items: list[int] | list[None],
    ) -> None:
        self.rows.add(
            "assessments",
            [
                "id",
                "resident_id",
                "assessed_on",
                "instrument",
                "score",
                "living_situation",
                *[f"item_{n}" for n in range(1, 11)],
                "created_at",
                "created_by",
            ],
            (
                self.new_id("assessments"),
                resident,
                day.isoformat(),
                instrument,
                score,
                situation,
                *items,
                _stamp(day, 14),
                "demo",
            ),
        )

    # -- sessions ---------------------------------------------------------------------

    def session(
        self,
        day: dt.date,
        mentor: int,
        fmt: vocab.SessionFormat,
        topic: str,
        notes: str,
        minutes: int,
        types: set[vocab.SupportType],
        attendees: Sequence[tuple[int, int | None, int | None]],
    ) -> None:
        session_id = self.new_id("peer_sessions")
        self.rows.add(
            "peer_sessions",
            [
                "id",
                "session_date",
                "duration_minutes",
                "mentor_id",
                "format",
                "topic",
                "notes",
                "emotional",
                "informational",
                "instrumental",
                "affiliational",
                "created_at",
                "created_by",
                "updated_at",
            ],
            (
                session_id,
                day.isoformat(),
                minutes,
                mentor,
                fmt.value,
                topic,
                notes,
                vocab.SupportType.EMOTIONAL in types,
                vocab.SupportType.INFORMATIONAL in types,
                vocab.SupportType.INSTRUMENTAL in types,
                vocab.SupportType.AFFILIATIONAL in types,
                _stamp(day, 17),
                "demo",
                _stamp(day, 17),
            ),
        )
        for resident, motivation, satisfaction in attendees:
            self.attendance.append((session_id, resident, motivation, satisfaction))

    def day_sessions(self, day: dt.date) -> None:
        present = [s for s in self.active if s.intake <= day]
        if not present:
            return
        on_duty = [m for m in self.mentors if m.start <= day and m.end is None]
        rng = self.rng
        # Morning and evening house groups, every day.
        for topics, share, minutes in ((GROUP_TOPICS, 0.9, 60), (EVENING_TOPICS, 0.78, 75)):
            group = [s for s in present if rng.random() < share]
            if not group:
                continue
            attendees = [
                (s.resident, None, rng.randint(3, 5) if rng.random() < 0.08 else None)
                for s in group
            ]
            types = {vocab.SupportType.AFFILIATIONAL, vocab.SupportType.EMOTIONAL}
            if rng.random() < 0.5:
                types.add(vocab.SupportType.INFORMATIONAL)
            self.session(
                day,
                rng.choice(on_duty).id,
                vocab.SessionFormat.GROUP,
                rng.choice(topics),
                rng.choice(GROUP_NOTES),
                minutes,
                types,
                attendees,
            )
        weekday = day.weekday()
        # Weekly one-to-ones, each resident on the weekday of their stay id.
        for stay in present:
            if stay.id % 7 == weekday:
                fmt = (
                    vocab.SessionFormat.PHONE_VIDEO
                    if rng.random() < 0.08
                    else vocab.SessionFormat.ONE_TO_ONE
                )
                first = self.resident_first[stay.resident]
                notes = " ".join(f.format(name=first) for f in rng.sample(NOTE_FRAGMENTS, 2))
                types = {vocab.SupportType.EMOTIONAL}
                types.add(
                    rng.choice((vocab.SupportType.INFORMATIONAL, vocab.SupportType.INSTRUMENTAL))
                )
                progress = min(1.0, (day - stay.intake).days / 240)
                motivation = (
                    max(0, min(10, round(rng.gauss(5 + 3.5 * progress, 1.5))))
                    if rng.random() < 0.25
                    else None
                )
                self.session(
                    day,
                    self.resident_mentor[stay.resident],
                    fmt,
                    rng.choice(ONE_TO_ONE_TOPICS),
                    notes,
                    rng.choice((30, 45, 60)),
                    types,
                    [(stay.resident, motivation, None)],
                )
        # Phase meeting on Wednesdays: everyone in the same phase.
        if weekday == 2:
            by_phase: dict[int, list[int]] = {}
            for stay in present:
                phase = max((i for i, d in stay.phases if d <= day), default=0)
                by_phase.setdefault(phase, []).append(stay.resident)
            for phase, residents in sorted(by_phase.items()):
                attendees = [(r, None, None) for r in residents if rng.random() < 0.85]
                if attendees:
                    self.session(
                        day,
                        rng.choice(on_duty).id,
                        vocab.SessionFormat.GROUP,
                        f"{vocab.DEFAULT_PHASES[phase].short_name} phase meeting",
                        "Reviewed phase goals and privileges.",
                        45,
                        {vocab.SupportType.INFORMATIONAL, vocab.SupportType.AFFILIATIONAL},
                        attendees,
                    )
        # A community outing on the first Saturday of the month.
        if weekday == 5 and day.day <= 7:
            attendees = [
                (s.resident, None, rng.randint(4, 5)) for s in present if rng.random() < 0.5
            ]
            if attendees:
                self.session(
                    day,
                    rng.choice(on_duty).id,
                    vocab.SessionFormat.COMMUNITY_OUTING,
                    rng.choice(
                        (
                            "Recovery rally",
                            "Volunteering at the food bank",
                            "Park clean-up",
                            "Museum visit",
                            "Alumni picnic",
                        )
                    ),
                    "Transport by the house van.",
                    180,
                    {vocab.SupportType.AFFILIATIONAL, vocab.SupportType.INSTRUMENTAL},
                    attendees,
                )

    # -- supervision and training -----------------------------------------------------

    def supervise(self, day: dt.date) -> None:
        rng = self.rng
        for mentor in self.mentors:
            if mentor.start > day or (mentor.end is not None and mentor.end < day):
                continue
            # Scheduled long check-in on the 1st–5th; a short one mid-month. Unreliable
            # mentors sometimes miss, and one stays overdue at the end.
            due_long = day.day == 1 + mentor.id % 5
            due_short = day.day == 14 + mentor.id % 5
            if not (due_long or due_short):
                continue
            miss = (not mentor.reliable and rng.random() < 0.35) or (
                mentor.id == self.overdue_mentor() and (self.today - day).days < 45
            )
            if miss:
                continue
            note_id = self.new_id("supervision_notes")
            kind = (
                vocab.SupervisionKind.SCHEDULED
                if due_long
                else rng.choice(list(vocab.SupervisionKind))
            )
            domains = ",".join(sorted({c.value for c in rng.sample(list(vocab.Competency)[:6], 2)}))
            acknowledged = day + dt.timedelta(days=rng.randint(0, 6))
            ack = acknowledged if acknowledged <= self.today and rng.random() < 0.9 else None
            self.rows.add(
                "supervision_notes",
                [
                    "id",
                    "note_date",
                    "duration_minutes",
                    "supervisor_name",
                    "mentor_id",
                    "kind",
                    "domains",
                    "summary",
                    "acknowledged_on",
                    "acknowledged_by",
                    "created_at",
                    "created_by",
                    "updated_at",
                ],
                (
                    note_id,
                    day.isoformat(),
                    45 if due_long else rng.choice((15, 20, 30)),
                    rng.choice(SUPERVISORS),
                    mentor.id,
                    kind.value,
                    domains,
                    rng.choice(SUPERVISION_SUMMARIES),
                    ack.isoformat() if ack else None,
                    "demo" if ack else None,
                    _stamp(day, 11),
                    "demo",
                    _stamp(day, 11),
                ),
            )
            if rng.random() < 0.4:
                due = day + dt.timedelta(days=rng.choice((7, 14, 30)))
                done_day = due - dt.timedelta(days=rng.randint(0, 6))
                # Most items get done; the few left open are from the last couple of months.
                settled = (self.today - due).days > 60 or rng.random() < 0.5
                done = done_day if done_day <= self.today and settled else None
                self.rows.add(
                    "action_items",
                    ["id", "note_id", "description", "due_date", "done_on"],
                    (
                        self.new_id("action_items"),
                        note_id,
                        rng.choice(ACTION_ITEMS),
                        due.isoformat(),
                        done.isoformat() if done else None,
                    ),
                )
            if due_long and day.month % 3 == 0:
                topic, competency = rng.choice(TRAINING_TOPICS)
                self.rows.add(
                    "training_entries",
                    [
                        "id",
                        "mentor_id",
                        "trained_on",
                        "topic",
                        "competency",
                        "minutes",
                        "created_at",
                        "created_by",
                    ],
                    (
                        self.new_id("training_entries"),
                        mentor.id,
                        day.isoformat(),
                        topic,
                        competency.value,
                        rng.choice((60, 90, 120, 180, 360)),
                        _stamp(day, 16),
                        "demo",
                    ),
                )

    def overdue_mentor(self) -> int:
        """The mentor who goes without supervision for the last weeks (nobody leaves then)."""
        return min(m.id for m in self.mentors if m.end is None)

    def mentor_turnover(self, day: dt.date) -> None:
        """About once a year a mentor leaves; a recent graduate is hired in their place."""
        active = [m for m in self.mentors if m.end is None and m.start < day]
        quiet_end = (self.today - day).days < 60
        if len(active) > 2 and not quiet_end and self.rng.random() < 1 / 365:
            leaving = self.rng.choice(active)
            leaving.end = day
            for stay in self.active:
                if self.resident_mentor.get(stay.resident) == leaving.id:
                    leaving.caseload -= 1
                    replacement = min(
                        (m for m in self.mentors if m.end is None and m.start <= day),
                        key=lambda m: (m.caseload, m.id),
                    )
                    self.resident_mentor[stay.resident] = replacement.id
                    replacement.caseload += 1
            graduates = [r for r, d in self.graduates if (day - d).days >= 60]
            graduate = graduates[-1] if graduates else None
            self.add_mentor(day, former_resident=graduate)
            if graduate is not None:
                self.graduates = [(r, d) for r, d in self.graduates if r != graduate]
                if graduate in self.discharged_pool:
                    self.discharged_pool.remove(graduate)

    # -- the simulation ---------------------------------------------------------------

    def run(self, progress: Callable[[float], None] | None) -> None:
        rng = self.rng
        mentor_count = max(3, self.beds // 8)
        for _ in range(mentor_count):
            self.add_mentor(self.start - dt.timedelta(days=rng.randint(200, 900)))
        # The house opens most of the way full, with residents admitted over the months before.
        for _ in range(round(self.beds * 0.85)):
            self.admit(self.start - dt.timedelta(days=rng.randint(0, 150)))
        for stay in self.active:
            stay.phases = []
            self._first_phase_plan(stay)
        total_days = (self.today - self.start).days
        day = self.start
        while day <= self.today:
            for stay in list(self.active):
                days_in = (day - stay.intake).days
                if days_in <= 0:
                    continue
                if days_in % 30 == 0:
                    self.assess(stay, day)
                hazard = 0.0025 if days_in < 180 else 0.012
                if days_in > 270:
                    hazard = 0.03
                if rng.random() < hazard:
                    if days_in >= 180:
                        reason = self._weighted(
                            (
                                (vocab.DischargeReason.COMPLETED, 70),
                                (vocab.DischargeReason.MOVED_ON, 20),
                                (vocab.DischargeReason.LEFT_VOLUNTARILY, 10),
                            )
                        )
                    else:
                        reason = self._weighted(
                            (*DISCHARGE_CHOICES[2:], (vocab.DischargeReason.MOVED_ON, 6))
                        )
                    self.discharge(stay, day, vocab.DischargeReason(reason))
            target = round(self.beds * 0.92)
            for _ in range(max(0, target - len(self.active))):
                if rng.random() < 0.35:
                    self.admit(day)
            self.day_sessions(day)
            self.supervise(day)
            self.mentor_turnover(day)
            if progress is not None and day.day == 1:
                progress(min(0.9, 0.9 * (day - self.start).days / max(1, total_days)))
            day += dt.timedelta(days=1)
        self._finish_rows()

    def _finish_rows(self) -> None:
        # The answers draw from their own generator, so the rest of the house is the same as
        # a house built before there were answers, and the same seed still gives the same one.
        answers = _Answers(random.Random(f"{self.seed}:answers"), self.former_names)
        calls = _FollowUps(random.Random(f"{self.seed}:follow-ups"), self.stays, self.today)
        for stay in self.stays:
            reason, outcome, exit_to = self.discharges.get(stay.id, (None, None, None))
            referral = self.rng.choice(REFERRALS)
            self.rows.add(
                "stays",
                [
                    "id",
                    "resident_id",
                    "intake_date",
                    "referral_source",
                    "intake_living_situation",
                    "discharge_date",
                    "discharge_reason",
                    "discharge_outcome",
                    "exit_living_situation",
                    "discharge_notes",
                    "created_at",
                    "created_by",
                ],
                (
                    stay.id,
                    stay.resident,
                    stay.intake.isoformat(),
                    referral,
                    self.intake_situation[stay.id],
                    stay.discharge.isoformat() if stay.discharge else None,
                    reason,
                    outcome,
                    exit_to,
                    "",
                    _stamp(stay.intake),
                    "demo",
                ),
            )
            row = answers.of(stay, referral, self.intake_situation[stay.id], outcome)
            if row is not None:
                self.rows.add("stay_answers", ANSWER_COLUMNS, row)
            for call in calls.of(stay, reason, outcome):
                self.rows.add("follow_ups", FOLLOW_UP_COLUMNS, call)
            for index, day in stay.phases:
                if day > self.today:
                    continue
                self.rows.add(
                    "phase_changes",
                    [
                        "id",
                        "resident_id",
                        "phase_id",
                        "from_date",
                        "note",
                        "created_at",
                        "created_by",
                    ],
                    (
                        self.new_id("phase_changes"),
                        stay.resident,
                        self.phase_ids[index],
                        day.isoformat(),
                        "Intake" if day == stay.intake else "",
                        _stamp(day),
                        "demo",
                    ),
                )

    def last_beds(self) -> list[tuple[str, str, int]]:
        """(room, bed, resident id): where each resident slept last."""
        return [(room, bed, resident) for resident, (room, bed) in self.resident_bed.items()]

    def current_mentors(self) -> list[tuple[int, int]]:
        """(mentor id, resident id) for everyone in residence at the end."""
        return [(self.resident_mentor[s.resident], s.resident) for s in self.active]

    def ended_mentors(self) -> list[tuple[str, int]]:
        return [(m.end.isoformat(), m.id) for m in self.mentors if m.end is not None]


ANSWER_COLUMNS = [
    "stay_id",
    *funder_vocab.INTAKE_QUESTIONS,
    *funder_vocab.EXIT_QUESTIONS,
    "updated_at",
]


FOLLOW_UP_COLUMNS = [
    "id", "stay_id", "point", "contacted_on", "reached", "living_situation", "in_recovery",
    "employed", "notes", "created_at", "created_by",
]  # fmt: skip


class _FollowUps:
    """The calls about 6 and 12 months after a stay: most made once their time is past, some
    still to make (so Home has a few due), nobody called after a death or back in residence;
    those who left positively more often found housed, in recovery and working."""

    def __init__(self, rng: random.Random, stays: Sequence[_Stay], today: dt.date) -> None:
        self.rng = rng
        self.today = today
        self.next_id = 1
        self.returns: dict[int, list[dt.date]] = {}
        for stay in stays:
            self.returns.setdefault(stay.resident, []).append(stay.intake)

    def of(self, stay: _Stay, reason: str | None, outcome: str | None) -> list[tuple[object, ...]]:
        ended = stay.discharge
        if ended is None or reason == vocab.DischargeReason.DECEASED.value:
            return []
        if any(intake > ended for intake in self.returns[stay.resident]):
            return []
        rng = self.rng
        rows: list[tuple[object, ...]] = []
        good = outcome == vocab.OutcomeClass.POSITIVE.value
        for point in funder_vocab.FollowUpPoint:
            due = ended + dt.timedelta(days=point.days)
            opens = due - dt.timedelta(days=funder_vocab.FOLLOW_UP_OPENS_BEFORE)
            closes = due + dt.timedelta(days=funder_vocab.FOLLOW_UP_CLOSES_AFTER)
            if opens > self.today or rng.random() > (0.85 if closes < self.today else 0.4):
                continue
            day = min(self.today, max(ended, due + dt.timedelta(days=rng.randint(-20, 40))))
            reached = rng.random() < 0.7
            living = None
            recovery = employed = funder_vocab.UNKNOWN
            if reached:
                living = rng.choice(
                    ["own_rent", "recovery_housing", "family_friends"]
                    if rng.random() < (0.8 if good else 0.45)
                    else ["street", "shelter", "jail"]
                )
                recovery = "yes" if rng.random() < (0.75 if good else 0.45) else "no"
                employed = "yes" if rng.random() < (0.6 if good else 0.3) else "no"
            rows.append(
                (self.next_id, stay.id, point.value, day.isoformat(), reached, living, recovery,
                 employed, "", _stamp(day, 15), "demo")
            )  # fmt: skip
            self.next_id += 1
        return rows


class _Answers:
    """Plausible funders' answers for each stay: who the person is stays the same across
    their stays; employment, income and MOUD are asked again each time."""

    def __init__(self, rng: random.Random, names: dict[int, tuple[str, str]]) -> None:
        self.rng = rng
        self.names = names
        self.person: dict[int, tuple[str, str, str, str]] = {}

    def _pick(self, choices: Sequence[tuple[str, int]]) -> str:
        return self.rng.choices([c for c, _ in choices], [w for _, w in choices])[0]

    def _who(self, resident: int) -> tuple[str, str, str, str]:
        """Gender, race, ethnicity and veteran, the same at every stay."""
        if resident not in self.person:
            first, last = self.names[resident]
            named = "man" if first in MEN else "woman"
            gender = self._pick(
                ((named, 92), ("transgender", 2), ("non_binary", 1), (D, 2), (U, 3))
            )
            hispanic = 70 if last in SPANISH_SURNAMES else 4
            ethnicity = self._pick(
                (("hispanic", hispanic), ("not_hispanic", 95 - hispanic), (D, 2), (U, 3))
            )
            self.person[resident] = (gender, self._pick(RACES), ethnicity, self._pick(VETERAN))
        return self.person[resident]

    def _income(self, employment: str) -> str:
        return self._pick(INCOME_BY_EMPLOYMENT.get(employment, ((employment, 1),)))

    def of(
        self, stay: _Stay, referral: str, came_from: str, outcome: str | None
    ) -> tuple[object, ...] | None:
        """The stay's answers row (as ANSWER_COLUMNS), or None for a stay nobody asked."""
        person = self._who(stay.resident)
        if self.rng.random() < NOT_ASKED:
            return None
        if referral == "Drug court":
            justice = self._pick((("court", 70), ("both", 30)))
        elif referral == "Probation and parole" or came_from == "jail":
            justice = self._pick((("supervision", 75), ("both", 25)))
        else:
            justice = self._pick(JUSTICE)
        employment = self._pick(EMPLOYMENT_AT_ENTRY)
        moud = self._pick(MOUD_AT_ENTRY)
        exit_answers = (U, U, U)
        if stay.discharge is not None:
            positive = outcome == vocab.OutcomeClass.POSITIVE.value
            left = self._pick(EMPLOYMENT_AT_POSITIVE_EXIT if positive else EMPLOYMENT_AT_OTHER_EXIT)
            exit_moud = self._pick(MOUD_AT_EXIT.get(moud, ((moud, 1),)))
            exit_answers = (left, self._income(left), exit_moud)
        on = stay.discharge or stay.intake
        return (
            stay.id,
            *person,
            justice,
            employment,
            self._income(employment),
            moud,
            *exit_answers,
            _stamp(on),
        )


def build_demo_house(
    db: Database,
    *,
    beds: int = 24,
    years: float = 2.0,
    seed: int = 1,
    actor: Actor | None = None,
    progress: Callable[[float], None] | None = None,
    with_accounts: bool = False,
) -> DemoSummary:
    """Fill an empty database with a synthetic house of ``beds`` beds over ``years`` years.

    ``with_accounts`` also makes one account per role (admin, supervisor, mentor — linked to
    a peer mentor — and viewer) sharing one random password, returned in the summary.
    """
    actor = actor or Actor.local_administrator()
    actor.require(Action.GENERATE_DEMO)
    if not 1 <= beds <= 2000:
        raise ValidationError.single("residents", "The demo house needs between 1 and 2000 beds.")
    if not 0 < years <= 30:
        raise ValidationError.single("years", "The demo house covers between 0 and 30 years.")
    with db.read() as s:
        if (
            s.execute(select(func.count()).select_from(Resident)).scalar_one()
            or s.execute(select(func.count()).select_from(Mentor)).scalar_one()
        ):
            raise ValidationError.single(
                "db",
                f"{db.path.name} already holds a house's records; build the demo house in a new "
                "file instead.",
            )
        phase_ids = list(
            s.execute(
                select(ProgramPhase.id)
                .where(ProgramPhase.name.in_([p.name for p in vocab.DEFAULT_PHASES]))
                .order_by(ProgramPhase.position)
            ).scalars()
        )
    if len(phase_ids) != len(vocab.DEFAULT_PHASES):
        raise ValidationError.single(
            "db", "The demo house needs the five default program phases; use a new file."
        )
    house = _House(beds, years, seed, clock.today(), phase_ids)
    house.run(progress)
    _write(db, house, actor)
    password, usernames = _demo_accounts(db, actor) if with_accounts else ("", ())
    if progress is not None:
        progress(1.0)
    rows = house.rows
    return DemoSummary(
        password=password,
        usernames=usernames,
        beds=beds,
        years=years,
        seed=seed,
        residents=rows.count("residents"),
        stays=rows.count("stays"),
        mentors=rows.count("mentors"),
        sessions=rows.count("peer_sessions"),
        attendance=len(house.attendance),
        assessments=rows.count("assessments"),
        supervision_notes=rows.count("supervision_notes"),
    )


DEMO_ACCOUNTS = (
    ("admin", "Demo Administrator", vocab.Role.ADMINISTRATOR),
    ("supervisor", "Demo Supervisor", vocab.Role.SUPERVISOR),
    ("mentor", "Demo Peer Mentor", vocab.Role.PEER_MENTOR),
    ("viewer", "Demo Viewer", vocab.Role.VIEWER),
)
PASSWORD_WORDS = (
    "river maple lantern harbor meadow cedar pebble willow summit orchard beacon compass "
    "garden prairie canyon meadowlark sparrow juniper"
).split()


def _demo_accounts(db: Database, actor: Actor) -> tuple[str, tuple[str, ...]]:
    """One account per role, all with one memorable random password; the mentor account is
    linked to the first active peer mentor so it can log its own sessions."""
    from peerdesk.core.services import users

    words = [secrets.choice(PASSWORD_WORDS) for _ in range(3)]
    password = "-".join(words) + f"-{secrets.randbelow(90) + 10}"
    with db.begin() as s:
        made = [users.create_user(s, actor, u, n, r, password) for u, n, r in DEMO_ACCOUNTS]
        mentor = s.execute(
            select(Mentor).where(Mentor.status == "active").order_by(Mentor.id).limit(1)
        ).scalar_one()
        mentor.user_id = next(m.id for m in made if m.role == vocab.Role.PEER_MENTOR)
    return password, tuple(u for u, _, _ in DEMO_ACCOUNTS)


INSERT_ORDER = (
    "residents",
    "mentors",
    "stays",
    "stay_answers",
    "follow_ups",
    "phase_changes",
    "credentials",
    "training_entries",
    "peer_sessions",
    "supervision_notes",
    "action_items",
    "assessments",
)


def _write(db: Database, house: _House, actor: Actor) -> None:
    connection = db.raw_connection()
    try:
        connection.execute("BEGIN IMMEDIATE")
        try:
            for table in INSERT_ORDER:
                if table not in house.rows.tables:
                    continue
                columns, rows = house.rows.tables[table]
                marks = ", ".join("?" for _ in columns)
                connection.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows
                )
                if table == "peer_sessions":
                    connection.executemany(
                        "INSERT INTO session_attendees (session_id, resident_id, motivation, "
                        "satisfaction) VALUES (?, ?, ?, ?)",
                        house.attendance,
                    )
            connection.executemany(
                "UPDATE residents SET mentor_id = ? WHERE id = ?", house.current_mentors()
            )
            connection.executemany(
                "UPDATE residents SET room = ?, bed = ? WHERE id = ?", house.last_beds()
            )
            connection.executemany(
                "UPDATE mentors SET status = 'inactive', end_date = ? WHERE id = ?",
                house.ended_mentors(),
            )
            connection.execute(
                "UPDATE house_settings SET is_demo = 1, house_name = CASE WHEN house_name = '' "
                "THEN 'Riverbend Recovery House (demo)' ELSE house_name END, "
                "address = CASE WHEN address = '' THEN '1200 Bluegrass Pike, Lexington, KY 40505' "
                "ELSE address END WHERE id = 1"
            )
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
    finally:
        connection.close()
    with db.begin() as s:
        audit.record(
            s,
            actor,
            "demo",
            "house_settings",
            1,
            f"Demo house built: {house.beds} beds, {len(house.stays)} stays, "
            f"{house.rows.count('peer_sessions')} sessions since {house.start.isoformat()}",
        )
