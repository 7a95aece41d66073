"""The answers funders and state reports start from, recorded at intake and at discharge.

Each list ends with "Declined to answer" and "Unknown", so a resident who would rather not say
is recorded as such and a house that did not ask is counted as not knowing, never as "no".
The wording follows the common federal and HMIS categories.
"""

from __future__ import annotations

import datetime as dt

from peerdesk.core.vocab import _Labelled

DECLINED = "declined"
UNKNOWN = "unknown"


class Gender(_Labelled):
    WOMAN = ("woman", "Woman")
    MAN = ("man", "Man")
    TRANSGENDER = ("transgender", "Transgender")
    NON_BINARY = ("non_binary", "Non-binary")
    OTHER = ("other", "Another gender")
    DECLINED = (DECLINED, "Declined to answer")
    UNKNOWN = (UNKNOWN, "Unknown")


class Race(_Labelled):
    AMERICAN_INDIAN = ("american_indian", "American Indian or Alaska Native")
    ASIAN = ("asian", "Asian")
    BLACK = ("black", "Black or African American")
    PACIFIC_ISLANDER = ("pacific_islander", "Native Hawaiian or Pacific Islander")
    WHITE = ("white", "White")
    MULTIRACIAL = ("multiracial", "More than one race")
    OTHER = ("other", "Another race")
    DECLINED = (DECLINED, "Declined to answer")
    UNKNOWN = (UNKNOWN, "Unknown")


class Ethnicity(_Labelled):
    HISPANIC = ("hispanic", "Hispanic or Latino/a")
    NOT_HISPANIC = ("not_hispanic", "Not Hispanic or Latino/a")
    DECLINED = (DECLINED, "Declined to answer")
    UNKNOWN = (UNKNOWN, "Unknown")


class YesNo(_Labelled):
    YES = ("yes", "Yes")
    NO = ("no", "No")
    DECLINED = (DECLINED, "Declined to answer")
    UNKNOWN = (UNKNOWN, "Unknown")


class Justice(_Labelled):
    NONE = ("none", "No justice involvement")
    COURT = ("court", "Referred by a court")
    SUPERVISION = ("supervision", "On probation or parole")
    BOTH = ("both", "Court-referred and on probation or parole")
    DECLINED = (DECLINED, "Declined to answer")
    UNKNOWN = (UNKNOWN, "Unknown")


class Employment(_Labelled):
    FULL_TIME = ("full_time", "Employed full time")
    PART_TIME = ("part_time", "Employed part time")
    LOOKING = ("looking", "Unemployed, looking for work")
    NOT_LOOKING = ("not_looking", "Not in the labor force")
    DECLINED = (DECLINED, "Declined to answer")
    UNKNOWN = (UNKNOWN, "Unknown")


class Income(_Labelled):
    NONE = ("none", "No income")
    UNDER_500 = ("under_500", "Under $500 a month")
    FROM_500 = ("500_999", "$500 to $999 a month")
    FROM_1000 = ("1000_1999", "$1,000 to $1,999 a month")
    FROM_2000 = ("2000_up", "$2,000 or more a month")
    DECLINED = (DECLINED, "Declined to answer")
    UNKNOWN = (UNKNOWN, "Unknown")


# Each question: where it is asked, its list, and its label on forms, printouts and in CSV.
INTAKE_QUESTIONS: dict[str, tuple[type[_Labelled], str]] = {
    "gender": (Gender, "Gender"),
    "race": (Race, "Race"),
    "ethnicity": (Ethnicity, "Ethnicity"),
    "veteran": (YesNo, "Veteran"),
    "justice": (Justice, "Justice involvement"),
    "employment_entry": (Employment, "Employment at entry"),
    "income_entry": (Income, "Income at entry"),
    "moud_entry": (YesNo, "Medication for opioid use disorder at entry"),
}
EXIT_QUESTIONS: dict[str, tuple[type[_Labelled], str]] = {
    "employment_exit": (Employment, "Employment at exit"),
    "income_exit": (Income, "Income at exit"),
    "moud_exit": (YesNo, "Medication for opioid use disorder at exit"),
}

AGE_BANDS = ((18, 24), (25, 34), (35, 44), (45, 54), (55, 64), (65, None))


def age_band(date_of_birth: dt.date | None, on: dt.date) -> str:
    """ "25–34", "65 and over", "Under 18" or "Unknown" (no birth date)."""
    if date_of_birth is None:
        return "Unknown"
    age = on.year - date_of_birth.year - ((on.month, on.day) < (date_of_birth.month,
                                                                  date_of_birth.day))  # fmt: skip
    if age < AGE_BANDS[0][0]:
        return "Under 18"
    for low, high in AGE_BANDS:
        if high is None:
            return f"{low} and over"
        if age <= high:
            return f"{low}–{high}"
    raise AssertionError("unreachable")


def age_band_labels() -> list[str]:
    return ["Under 18", *(f"{lo}–{hi}" if hi else f"{lo} and over" for lo, hi in AGE_BANDS),
            "Unknown"]  # fmt: skip


class FollowUpPoint(_Labelled):
    """When after a stay ends the house calls to ask how the resident is doing."""

    SIX_MONTHS = ("six_months", "6 months")
    TWELVE_MONTHS = ("twelve_months", "12 months")

    @property
    def days(self) -> int:
        return 182 if self is FollowUpPoint.SIX_MONTHS else 365


# A follow-up is due from this many days before its point to this many after it.
FOLLOW_UP_OPENS_BEFORE = 30
FOLLOW_UP_CLOSES_AFTER = 60
