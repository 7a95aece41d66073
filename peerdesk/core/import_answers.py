"""The funders' answers as house spreadsheets write them, for the import.

Besides each list's own codes and labels, the spellings sheets use: "F" and "M", "Y" and "N",
"Non-Hispanic", "Refused", a medicine's name in a MOUD column, a monthly amount in an income
column (sorted into its band). Compared without case, spaces or punctuation.
"""

from __future__ import annotations

import re
import unicodedata

from peerdesk.core import funder_vocab, vocab

QUESTIONS = {**funder_vocab.INTAKE_QUESTIONS, **funder_vocab.EXIT_QUESTIONS}

# Headers a sheet may give each question's column, besides the question's own label.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "gender": ("sex", "gender identity"),
    "race": ("race category",),
    "ethnicity": ("hispanic", "hispanic or latino", "latino", "hispanic/latino"),
    "veteran": ("veteran status", "vet", "military service", "us veteran"),
    "justice": (
        "justice involved",
        "criminal justice",
        "probation",
        "parole",
        "probation or parole",
        "probation/parole",
        "legal status",
    ),
    "employment_entry": ("employment", "employment status", "employment at intake"),
    "income_entry": ("income", "monthly income", "income at intake"),
    "moud_entry": (
        "moud",
        "mat",
        "medication assisted treatment",
        "medication for opioid use disorder",
        "moud at intake",
        "mat at intake",
        "mat at entry",
    ),
    "employment_exit": ("employment at discharge", "exit employment"),
    "income_exit": ("income at discharge", "exit income", "monthly income at exit"),
    "moud_exit": ("moud at discharge", "mat at exit", "mat at discharge"),
}


def _normalise(text: str) -> str:
    """As the import compares headers: "Non-Hispanic" → "nonhispanic"."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in folded if ch.isascii() and ch.isalnum())


# Answers as sheets spell them, besides each list's own codes and labels.
_SPELLINGS: dict[type[vocab._Labelled], dict[str, tuple[str, ...]]] = {
    funder_vocab.Gender: {
        "woman": ("f", "female", "w"),
        "man": ("m", "male"),
        "transgender": ("trans",),
        "non_binary": ("nb", "nonbinary", "genderqueer"),
    },
    funder_vocab.Race: {
        "american_indian": ("american indian", "native american", "alaska native"),
        "black": ("african american",),
        "pacific_islander": ("pacific islander", "native hawaiian"),
        "white": ("caucasian",),
        "multiracial": ("mixed", "biracial", "two or more races"),
    },
    funder_vocab.Ethnicity: {  # a "Hispanic" column of Y and N
        "hispanic": ("yes", "y", "hispanic", "latino", "latina", "latinx"),
        "not_hispanic": ("no", "n", "non hispanic", "not hispanic"),
    },
    funder_vocab.YesNo: {"yes": ("y", "true"), "no": ("n", "false")},
    funder_vocab.Justice: {
        "none": ("no", "n"),
        "court": ("court referred", "court ordered", "drug court"),
        "supervision": ("probation", "parole", "on probation", "on parole", "probation or parole"),
    },
    funder_vocab.Employment: {
        "full_time": ("full time", "ft"),
        "part_time": ("part time", "pt"),
        "looking": ("unemployed", "looking for work"),
        "not_looking": ("not looking", "not in labor force", "retired", "unable to work"),
    },
    funder_vocab.Income: {"none": ("no", "zero")},
}
_DECLINED_WORDS = ("refused", "client refused", "prefer not to say", "prefer not to answer")
_UNKNOWN_WORDS = ("don't know", "client doesn't know", "not collected", "data not collected")
# A medicine's name in a MOUD column means they take one.
_MOUD_MEDICINES = ("buprenorphine", "suboxone", "sublocade", "methadone", "naltrexone", "vivitrol")
_MONEY = re.compile(r"\$?\s*(\d[\d,]*(?:\.\d+)?)")


def _answer_table(question: str) -> dict[str, str]:
    """Every spelling of an answer to ``question`` (normalised) and the answer's code."""
    enum, _label = QUESTIONS[question]
    table: dict[str, str] = {}
    for member in enum:
        table[_normalise(member.value)] = member.value
        table[_normalise(member.label)] = member.value
    words = [(code, w) for code, spelt in _SPELLINGS.get(enum, {}).items() for w in spelt]
    words += [(funder_vocab.DECLINED, w) for w in _DECLINED_WORDS]
    words += [(funder_vocab.UNKNOWN, w) for w in _UNKNOWN_WORDS]
    if question.startswith("moud_"):
        words += [("yes", w) for w in _MOUD_MEDICINES]
    for code, word in words:
        table.setdefault(_normalise(word), code)
    return table


_ANSWERS = {question: _answer_table(question) for question in QUESTIONS}


def read_answer(question: str, text: str) -> str | None:
    """The answer's code for a non-empty cell, or None when the text is none of its answers."""
    enum, _label = QUESTIONS[question]
    member = enum.from_text(text)
    if member is not None:
        return member.value
    code = _ANSWERS[question].get(_normalise(text))
    money = _MONEY.fullmatch(text.strip()) if enum is funder_vocab.Income else None
    if code is None and money is not None:
        code = _income_band(float(money.group(1).replace(",", "")))
    return code


def _income_band(amount: float) -> str:
    """A monthly amount as the income answer it falls in."""
    income = funder_vocab.Income
    if amount <= 0:
        return income.NONE.value
    if amount < 500:
        return income.UNDER_500.value
    if amount < 1000:
        return income.FROM_500.value
    return (income.FROM_1000 if amount < 2000 else income.FROM_2000).value
