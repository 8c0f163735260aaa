"""Direct identifiers that are dropped the moment a file is read, before anything is stored.

E-mail addresses, names, IP addresses, precise location, phone numbers, postcodes and survey-tool
recipient fields never reach staging, marts or the quarantine's `record`. A mapping can mark more
columns personal (`personal:`). Postcodes are dropped whole: the project holds no postcode → LSOA
directory, so a learner's area must arrive as `home_lsoa`.
"""

from __future__ import annotations

import re

from scorecard.warehouse.sql_text import quote_literal

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


# Values that look like personal data, in any column a file keeps: the suites quarantine them
# ("looks like personal data") and the quarantine stores them masked. Written with explicit ASCII
# classes only (no \b, \d, \s or (?i)), so Python `re` (the suites' rules) and DuckDB's RE2 (the
# masking) find exactly the same matches.
_NOT_WORD = "[^0-9A-Za-z]"
PERSONAL_VALUE_PATTERNS = {
    "an e-mail address": r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z][A-Za-z]+",
    "a UK phone number": r"(?:^|[^0-9A-Za-z+])(?:\+44[ -]?(?:\(0\)[ -]?)?|0)[1-9](?:[ -]?[0-9]){8,9}(?:[^0-9]|$)",
    "a full postcode": rf"(?:^|{_NOT_WORD})[A-Za-z][A-Za-z]?[0-9][0-9A-Za-z]? ?[0-9][A-Za-z][A-Za-z](?:{_NOT_WORD}|$)",
    "an IP address": r"(?:^|[^0-9.])[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}(?:[^0-9.]|$)"
    r"|[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){7}"
    r"|[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4})*::[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4})*",
}
PERSONAL_VALUE_PATTERN = "|".join(f"(?:{pattern})" for pattern in PERSONAL_VALUE_PATTERNS.values())
MASKED = "[masked: looks like personal data]"


def masked_sql(value: str) -> str:
    """SQL: `value` (an SQL expression of text), or MASKED where it looks like personal data."""
    return f"CASE WHEN regexp_matches({value}, {quote_literal(PERSONAL_VALUE_PATTERN)}) THEN {quote_literal(MASKED)} ELSE {value} END"
