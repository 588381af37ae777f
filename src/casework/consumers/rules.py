"""Finding a consumer (issue 13, item 7): what a typed search means. Pure: no ORM.

One box takes whatever the person has to hand, words and numbers mixed:
  a date          2024-03-01, 03/01/2024 or 3/1/2024 (month first): the birth date
  a phone number  seven or more digits once spaces, dashes, dots, brackets and a leading
                  + are dropped: the consumer's phone (compared by its digits)
  an identifier   a word holding a digit (MRN000123, A123): a record number or member id
  a name          any other word: the start of a given or family name
Every part given must match (a name and a birth date narrow each other).
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

MIN_NAME = 2
MAX_TERMS = 6
PHONE_MIN_DIGITS = 7
_PHONE_JUNK = re.compile(r"[\s().+\-]")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_US = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


@dataclass(frozen=True)
class SearchTerms:
    names: tuple[str, ...] = ()
    birth_date: date | None = None
    identifier: str = ""
    phone_digits: str = ""
    problems: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.names or self.birth_date or self.identifier or self.phone_digits)

    def criteria(self) -> list[str]:
        """Which kinds of criteria were given (for the audit trail)."""
        return [
            kind
            for kind, given in (
                ("name", self.names),
                ("birth_date", self.birth_date),
                ("identifier", self.identifier),
                ("phone", self.phone_digits),
            )
            if given
        ]


def _date(word: str) -> date | None:
    match = _ISO.match(word)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _US.match(word)
        if not match:
            return None
        month, day, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _looks_like_date(word: str) -> bool:
    return bool(_ISO.match(word) or _US.match(word))


def phone_digits(text: str) -> str:
    """The digits of a phone number as typed; "" when it is not one."""
    digits = _PHONE_JUNK.sub("", text)
    return digits if digits.isdigit() and len(digits) >= PHONE_MIN_DIGITS else ""


def search_terms(text: str) -> SearchTerms:
    """Read a typed search (see the module docstring)."""
    text = " ".join(text.split())[:200]
    problems: list[str] = []
    digits = "" if _looks_like_date(text) else phone_digits(text)
    if digits:
        return SearchTerms(phone_digits=digits)
    names: list[str] = []
    birth_date: date | None = None
    identifier = ""
    for word in text.split(" "):
        if not word:
            continue
        day = _date(word)
        if day is not None:
            birth_date = day
        elif _looks_like_date(word):
            problems.append("birth_date")
        elif any(c.isdigit() for c in word):
            identifier = word
        elif len(word) >= MIN_NAME:
            names.append(word.lower())
        else:
            problems.append("name")
    return SearchTerms(
        names=tuple(names[:MAX_TERMS]),
        birth_date=birth_date,
        identifier=identifier,
        problems=tuple(problems),
    )


# --- a returning consumer, a likely duplicate (issue 13, item 9) ---------------------------

_NAME_JUNK = re.compile(r"[\s'\u2019`.\-]+")


def normalised_name(name: str) -> str:
    """A name as compared for duplicates: no accents, case, spaces, hyphens, apostrophes
    or dots ("José María O'Neil-Smith" and "jose maria oneil smith" are the same)."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NAME_JUNK.sub("", plain.casefold())


def likely_same_person(
    given_name: str, family_name: str, other_given: str, other_family: str
) -> bool:
    """Whether two records' names (their birth dates being equal) are likely one person:
    the same normalised given and family names, or the two swapped."""
    given, family = normalised_name(given_name), normalised_name(family_name)
    other = (normalised_name(other_given), normalised_name(other_family))
    return bool(given and family) and (other in ((given, family), (family, given)))


class DuplicateDecision(StrEnum):
    """What the person taking a referral said of a likely duplicate."""

    SAME = "same"  # the same person: the referral is linked to the existing record
    DIFFERENT = "different"  # another person: a new record is created
