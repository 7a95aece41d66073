"""The fixed words of the field: formats, support types, discharge reasons, scales.

Each vocabulary is a ``StrEnum`` whose value is what the database stores and whose
``label`` is what a person reads. Lists a house may change (program phases) live in tables
instead; their defaults are here so the first migration and the demo house share them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class _Labelled(StrEnum):
    """A StrEnum whose members carry a human label: ``Member = ("code", "Label")``."""

    label: str

    def __new__(cls, value: str, label: str = "") -> _Labelled:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label or value.replace("_", " ").capitalize()
        return member

    @classmethod
    def from_text(cls, text: str) -> _Labelled | None:
        """Find a member by its stored code or its label, ignoring case and spaces."""
        key = text.strip().casefold()
        for member in cls:
            if key in (member.value.casefold(), member.label.casefold()):
                return member
        return None


class ResidentStatus(_Labelled):
    ACTIVE = ("active", "Active")
    DISCHARGED = ("discharged", "Discharged")


class OutcomeClass(_Labelled):
    POSITIVE = ("positive", "Positive")
    NEUTRAL = ("neutral", "Neutral")
    NEGATIVE = ("negative", "Negative")


class DischargeReason(_Labelled):
    COMPLETED = ("completed", "Completed program")
    MOVED_ON = ("moved_on", "Moved on positively")
    LEFT_VOLUNTARILY = ("left_voluntarily", "Left voluntarily")
    ADMINISTRATIVE = ("administrative", "Administrative discharge")
    TRANSFERRED = ("transferred", "Transferred")
    DECEASED = ("deceased", "Deceased")
    OTHER = ("other", "Other")

    @property
    def default_outcome(self) -> OutcomeClass:
        """The outcome class a discharge for this reason usually has (the form may change it)."""
        return _DEFAULT_OUTCOME[self]


_DEFAULT_OUTCOME = {
    DischargeReason.COMPLETED: OutcomeClass.POSITIVE,
    DischargeReason.MOVED_ON: OutcomeClass.POSITIVE,
    DischargeReason.LEFT_VOLUNTARILY: OutcomeClass.NEGATIVE,
    DischargeReason.ADMINISTRATIVE: OutcomeClass.NEGATIVE,
    DischargeReason.TRANSFERRED: OutcomeClass.NEUTRAL,
    DischargeReason.DECEASED: OutcomeClass.NEUTRAL,
    DischargeReason.OTHER: OutcomeClass.NEUTRAL,
}


class LivingCategory(_Labelled):
    """The HMIS-style groups of living situations."""

    HOMELESS = ("homeless", "Homeless")
    INSTITUTION = ("institution", "Institution")
    TEMPORARY = ("temporary", "Temporary")
    RECOVERY_HOUSING = ("recovery_housing", "Recovery housing")
    PERMANENT = ("permanent", "Permanent")
    UNKNOWN = ("unknown", "Unknown")

    @property
    def is_stable(self) -> bool:
        """Recovery housing and permanent housing count as stable for the housing outcome."""
        return self in (LivingCategory.RECOVERY_HOUSING, LivingCategory.PERMANENT)


@dataclass(frozen=True)
class LivingSituationSeed:
    code: str
    label: str
    category: LivingCategory
    position: int


DEFAULT_LIVING_SITUATIONS: tuple[LivingSituationSeed, ...] = (
    LivingSituationSeed(
        "street", "Homeless — street or place not meant for habitation", LivingCategory.HOMELESS, 10
    ),
    LivingSituationSeed("shelter", "Homeless — emergency shelter", LivingCategory.HOMELESS, 20),
    LivingSituationSeed("jail", "Jail, prison or detention", LivingCategory.INSTITUTION, 30),
    LivingSituationSeed(
        "hospital", "Hospital or psychiatric facility", LivingCategory.INSTITUTION, 40
    ),
    LivingSituationSeed(
        "treatment", "Residential treatment or detox", LivingCategory.INSTITUTION, 50
    ),
    LivingSituationSeed(
        "family_friends", "Staying with family or friends (temporary)", LivingCategory.TEMPORARY, 60
    ),
    LivingSituationSeed(
        "hotel", "Hotel or motel paid without a voucher", LivingCategory.TEMPORARY, 70
    ),
    LivingSituationSeed(
        "recovery_housing", "Recovery housing", LivingCategory.RECOVERY_HOUSING, 80
    ),
    LivingSituationSeed("own_rent", "Own or rent, no subsidy", LivingCategory.PERMANENT, 90),
    LivingSituationSeed(
        "own_rent_subsidy", "Own or rent, with subsidy", LivingCategory.PERMANENT, 100
    ),
    LivingSituationSeed(
        "family_permanent", "Living with family, permanent tenure", LivingCategory.PERMANENT, 110
    ),
    LivingSituationSeed("unknown", "Unknown or not collected", LivingCategory.UNKNOWN, 120),
)


@dataclass(frozen=True)
class PhaseSeed:
    name: str
    short_name: str
    position: int
    mentors_allowed: bool


# The Recovery Kentucky model; a house may rename, add or retire phases.
DEFAULT_PHASES: tuple[PhaseSeed, ...] = (
    PhaseSeed("Safe Off the Streets", "SOS", 10, False),
    PhaseSeed("Motivational Track I", "MT I", 20, False),
    PhaseSeed("Motivational Track II", "MT II", 30, False),
    PhaseSeed("Phase I", "Phase I", 40, False),
    PhaseSeed("Phase II", "Phase II", 50, True),
)


class SessionFormat(_Labelled):
    ONE_TO_ONE = ("one_to_one", "One-to-one")
    GROUP = ("group", "Group")
    PHONE_VIDEO = ("phone_video", "Phone / video")
    COMMUNITY_OUTING = ("community_outing", "Community outing")


class SupportType(_Labelled):
    """The four SAMHSA types of peer support."""

    EMOTIONAL = ("emotional", "Emotional")
    INFORMATIONAL = ("informational", "Informational")
    INSTRUMENTAL = ("instrumental", "Instrumental")
    AFFILIATIONAL = ("affiliational", "Affiliational")


class Competency(_Labelled):
    """The peer support core competencies; training and supervision domains use them."""

    LIVED_EXPERIENCE = ("lived_experience", "Lived experience sharing")
    COMMUNICATION = ("communication", "Communication skills")
    TREATMENT_FRAMEWORKS = ("treatment_frameworks", "Treatment frameworks")
    RESOURCE_SHARING = ("resource_sharing", "Resource sharing")
    ETHICS_BOUNDARIES = ("ethics_boundaries", "Ethics and boundaries")
    TRAUMA_INFORMED = ("trauma_informed", "Trauma-informed care")
    OTHER = ("other", "Other")


class SupervisionKind(_Labelled):
    SCHEDULED = ("scheduled", "Scheduled check-in")
    ETHICAL_DILEMMA = ("ethical_dilemma", "Ethical dilemma")
    BOUNDARY_ISSUE = ("boundary_issue", "Boundary issue")
    TRAINING = ("training", "Training / continuing education")
    FEEDBACK = ("feedback", "Feedback")


class Instrument(_Labelled):
    """What an assessment measured. Scores of different instruments are never mixed."""

    BARC10 = ("barc10", "BARC-10 recovery capital")
    READINESS = ("readiness", "Readiness ruler")
    SATISFACTION = ("satisfaction", "Satisfaction")
    LIVING_SITUATION = ("living_situation", "Living situation")


@dataclass(frozen=True)
class Scale:
    low: int
    high: int


SCALES: dict[Instrument, Scale] = {
    Instrument.READINESS: Scale(0, 10),
    Instrument.SATISFACTION: Scale(1, 5),
}
BARC10_ITEM_SCALE = Scale(1, 6)
BARC10_THRESHOLD = 47  # the one validated marker: ≥ 47 predicts sustained remission

# Fixed wording; it must not be altered (a test compares it with DESIGN.md).
BARC10_ITEMS: tuple[str, ...] = (
    "There are more important things to me in life than using substances.",
    "In general I am happy with my life.",
    "I have enough energy to complete the tasks I set myself.",
    "I am proud of the community I live in and feel part of it.",
    "I get lots of support from friends.",
    "I regard my life as challenging and fulfilling without the need for using drugs or alcohol.",
    "My living space has helped to drive my recovery journey.",
    "I take full responsibility for my actions.",
    "I am happy dealing with a range of professional people.",
    "I am making good progress on my recovery journey.",
)


class Role(_Labelled):
    ADMINISTRATOR = ("administrator", "Administrator")
    SUPERVISOR = ("supervisor", "Supervisor")
    PEER_MENTOR = ("peer_mentor", "Peer mentor")
    VIEWER = ("viewer", "Viewer")


class MentorStatus(_Labelled):
    ACTIVE = ("active", "Active")
    INACTIVE = ("inactive", "Inactive")


class PaperSize(_Labelled):
    LETTER = ("letter", "Letter")
    A4 = ("a4", "A4")


class DateOrder(_Labelled):
    """How an ambiguous typed date such as 3/7/2026 is read."""

    MONTH_FIRST = ("mdy", "Month first (3/7 = 7 March)")
    DAY_FIRST = ("dmy", "Day first (3/7 = 3 July)")
