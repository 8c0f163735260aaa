"""Direct identifiers that are dropped the moment a file is read, before anything is stored.

E-mail addresses, names, IP addresses, precise location, phone numbers, postcodes and survey-tool
recipient fields never reach staging, marts or the quarantine's `record`. A mapping can mark more
columns personal (`personal:`). Postcodes are dropped whole: the project holds no postcode → LSOA
directory, so a learner's area must arrive as `home_lsoa`.
"""

from __future__ import annotations

import re

# Matched against the column name and its question text, lower-cased with punctuation as spaces.
PERSONAL_PATTERNS = [
    r"\be ?mail\b",
    r"\bemailaddress\b",
    r"\brecipient",
    r"^name$",
    r"\b(first|last|full|sur|given|family|respondent s|your) ?name\b",
    r"\bwhat is your name\b",
    r"\bip ?address\b",
    r"\bipaddress\b",
    r"\bipaddr\b",
    r"^ip$",
    r"\blatitude\b",
    r"\blongitude\b",
    r"\blocation ?(latitude|longitude|accuracy)\b",
    r"\bgeolocation\b",
    r"\bgps\b",
    r"\bphone\b",
    r"\btelephone\b",
    r"\bmobile (number|no)\b",
    r"\bpost ?code\b",
    r"\bzip ?code\b",
]
_PERSONAL = re.compile("|".join(PERSONAL_PATTERNS))


def _words(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", " ", str(text).lower()).strip()


def is_personal(name: str, question: str = "") -> bool:
    return bool(_PERSONAL.search(_words(name)) or _PERSONAL.search(_words(question)))
