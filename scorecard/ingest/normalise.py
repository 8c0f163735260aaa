"""Normalise mapped text values into the codes the expectation suites check.

Pure, vectorised functions on pandas Series. A value that is recognised is rewritten to its
code (labels → codes, academic years → start year, "don't know" → missing); a value that is not
recognised is left as written (trimmed) so validation can quarantine the row and say why —
nothing is silently altered into something valid.
"""

from __future__ import annotations

import re

import pandas as pd

DONT_KNOW = {
    "don't know",
    "dont know",
    "do not know",
    "don't know / not sure",
    "don't know/not sure",
    "not sure",
    "no opinion",
    "dk",
}

INFLUENCE_CODES = {
    "very positive": "1",
    "positive": "2",
    "neither positive nor negative": "3",
    "neither positive or negative": "3",
    "no influence": "3",
    "negative": "4",
    "very negative": "5",
}

AGREEMENT_CODES = {
    "strongly disagree": "1",
    "disagree": "2",
    "neither agree nor disagree": "3",
    "neither agree or disagree": "3",
    "agree": "4",
    "strongly agree": "5",
}

_CURLY_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_ACADEMIC_YEAR = re.compile(r"^(?P<start>(?:19|20)\d\d)\s*(?:[/-]\s*(?:\d\d|(?:19|20)\d\d))?(?:\.0+)?$")
_WHOLE_NUMBER_WRITTEN_AS_DECIMAL = re.compile(r"^(-?\d+)\.0+$")


def trim(values: pd.Series) -> pd.Series:
    """Strip surrounding whitespace (incl. non-breaking spaces); empty → missing."""
    stripped = values.astype("str").str.strip()
    return stripped.mask(stripped == "")


def label_key(values: pd.Series) -> pd.Series:
    """Lower case, straight apostrophes, single spaces: how labels are compared."""
    return values.str.translate(_CURLY_APOSTROPHES).str.lower().str.replace(r"\s+", " ", regex=True)


def drop_dont_know(values: pd.Series) -> pd.Series:
    return values.mask(label_key(values).isin(DONT_KNOW))


def labels_to_codes(values: pd.Series, codes: dict[str, str]) -> pd.Series:
    """Known labels → codes; don't-know → missing; anything else unchanged."""
    values = drop_dont_know(trim(values))
    coded = label_key(values).map(codes)
    return whole_numbers(coded.where(coded.notna(), values))


def whole_numbers(values: pd.Series) -> pd.Series:
    """'3.0' (as spreadsheets write integers) → '3'."""
    return values.str.replace(_WHOLE_NUMBER_WRITTEN_AS_DECIMAL, r"\1", regex=True)


def normalise_text(values: pd.Series) -> pd.Series:
    return trim(values)


def normalise_code(values: pd.Series) -> pd.Series:
    return whole_numbers(trim(values).str.upper())


def normalise_category(values: pd.Series) -> pd.Series:
    return trim(values).str.lower().str.replace(r"[\s-]+", "_", regex=True)


def normalise_year(values: pd.Series) -> pd.Series:
    """'2010', '2010/11', '2010-11', '2010-2011', '2010.0' → '2010'; anything else unchanged."""
    values = trim(values)
    return values.str.replace(_ACADEMIC_YEAR, r"\g<start>", regex=True)


def normalise_scale(values: pd.Series) -> pd.Series:
    return whole_numbers(drop_dont_know(trim(values)))


def normalise_number(values: pd.Series) -> pd.Series:
    return trim(values)


def normalise_influence(values: pd.Series) -> pd.Series:
    return labels_to_codes(values, INFLUENCE_CODES)


def normalise_agreement(values: pd.Series) -> pd.Series:
    return labels_to_codes(values, AGREEMENT_CODES)


# Every character Python's str.strip() removes, so SQL can trim exactly as `trim` above does.
WHITESPACE = "".join(char for char in map(chr, range(0x110000)) if char.isspace())


def sql_trim(value: str) -> str:
    """SQL for `trim`: surrounding whitespace stripped, empty → NULL."""
    return "nullif(trim(" + value + ", '" + WHITESPACE + "'), '')"


# Domains whose whole rule is `trim`: run as SQL, which matters for columns of mostly distinct
# values (respondent ids), where normalising each distinct value in Python gains nothing.
SQL_NORMALISERS = {"text": sql_trim, "number": sql_trim}

NORMALISERS = {
    "text": normalise_text,
    "code": normalise_code,
    "area": normalise_code,  # and then a pre-2011 ONS code → its GSS code (validate.py, from the reference data)
    "category": normalise_category,
    "year": normalise_year,
    "scale": normalise_scale,
    "number": normalise_number,
    "influence": normalise_influence,
    "agreement": normalise_agreement,
}
