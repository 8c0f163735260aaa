"""Which survey tool wrote a file, and how its header is laid out.

Detection looks at the first three records only. Each layout says how many header rows the file
has, the name of every column (export tag / header) and its question text, which column holds the
respondent id, and which rows are not real responses (Qualtrics previews, tests and spam; LimeSurvey
responses never submitted) so they can be quarantined with that reason.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

QUALTRICS_SYSTEM = {"responseid", "startdate", "enddate", "status", "ipaddress", "finished", "recordeddate"}
# Qualtrics Status codes (numeric exports) and labels (choice-text exports) that are not respondents.
QUALTRICS_NOT_RESPONDENTS = {
    "1": "Survey Preview",
    "2": "Survey Test",
    "8": "Spam",
    "9": "Preview Spam",
    "12": "Imported Spam",
    "17": "Offline Preview",
    "survey preview": "Survey Preview",
    "survey test": "Survey Test",
    "spam": "Spam",
    "preview spam": "Preview Spam",
    "imported spam": "Imported Spam",
    "offline survey preview": "Offline Preview",
}
MICROSOFT_FORMS_START = ["id", "start time", "completion time", "email", "name"]
LIMESURVEY_SYSTEM = {"id", "submitdate", "lastpage", "startlanguage"}
KOBO_SYSTEM = {"_uuid", "_submission_time", "_id", "_index"}
GOOGLE_TIMESTAMP = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*$")
GOOGLE_ID_COLUMN = "Respondent ID (derived)"


class LayoutError(ValueError):
    """The layout was recognised but the file cannot be used as it is (the whole file is rejected)."""


@dataclass
class Column:
    name: str  # unique within the file: export tag or header text, whitespace collapsed
    question: str  # question text where the tool exports one, else the header


@dataclass
class Layout:
    tool: str
    variant: str
    header_rows: int
    columns: list[Column]
    id_column: str | None = None  # the tool's respondent id column, if it has one
    notes: list[str] = field(default_factory=list)


def clean(text: object) -> str:
    """Header cell → one line of text (exports put line breaks and trailing spaces in headers)."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    return re.sub(r"\s+", " ", str(text)).strip()


def unique_names(names: list[str]) -> list[str]:
    """Empty headers get a positional name; repeated ones get _2, _3 … in order."""
    seen: dict[str, int] = {}
    result = []
    for position, name in enumerate(names, 1):
        name = name or f"column_{position}"
        seen[name] = seen.get(name, 0) + 1
        result.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return result


def _lower(cells: list[str]) -> list[str]:
    return [clean(cell).lower() for cell in cells]


def _is_import_id_row(cells: list[str]) -> str | None:
    """Qualtrics third header row: JSON (current) or a Python dict literal (2016 Insights)."""
    filled = [cell for cell in cells if clean(cell)]
    if not filled:
        return None
    if all(cell.strip().startswith('{"ImportId"') for cell in filled):
        return "json"
    if all(cell.strip().startswith("{'ImportId'") for cell in filled):
        return "dict"
    return None


def _columns(names: list[str], questions: list[str]) -> list[Column]:
    return [Column(name, clean(question) or name) for name, question in zip(unique_names(names), questions, strict=True)]


def _pad(row: list[str], width: int) -> list[str]:
    return list(row) + [""] * (width - len(row))


def detect_layout(head: list[list[str]]) -> Layout:
    """Work out the tool and header layout from the first (up to) three records of a file."""
    if not head:
        raise LayoutError("the file is empty (no header row)")
    width = max(len(row) for row in head)
    rows = [_pad([clean(cell) for cell in row], width) for row in head]
    first = rows[0]
    lowered = _lower(first)
    second = rows[1] if len(rows) > 1 else [""] * width
    third = head[2] if len(head) > 2 else []

    import_ids = _is_import_id_row(third)
    if import_ids and QUALTRICS_SYSTEM & set(lowered):
        variant = "current 3-row header" if import_ids == "json" else "2016 Insights 3-row header"
        names = [clean(cell) for cell in first]
        return Layout(
            "qualtrics",
            variant,
            3,
            _columns(names, second),
            _find(names, "responseid"),
            notes=[f"time zone: {_qualtrics_time_zone(third)}"] if import_ids == "json" and _qualtrics_time_zone(third) else [],
        )
    if first[:2] == ["V1", "V2"] and "responseid" in _lower(second):
        names = [second[i] if re.fullmatch(r"V\d+", first[i]) else first[i] for i in range(width)]
        return Layout("qualtrics", "legacy 2-row V1…V10 header", 2, _columns(names, second), _find(names, "responseid"))
    if lowered[0] in ("respondentid", "respondent id"):
        answers = {"response", "open-ended response"}
        if any(cell.lower() in answers for cell in second):
            questions = _forward_fill(first)
            names = [q if sub.lower() in answers | {""} else f"{q} - {sub}" for q, sub in zip(questions, second, strict=True)]
            return Layout(
                "surveymonkey", "2-row header (question / option)", 2, _columns(names, names), _find(names, lowered[0].replace(" ", ""))
            )
        if "collector id" in lowered or any(" - " in cell for cell in first):
            return Layout("surveymonkey", "1-row header (question - option)", 1, _columns(first, first), first[0])
    if lowered[:5] == MICROSOFT_FORMS_START:
        return Layout("microsoft_forms", "1-row header, questions as text", 1, _columns(first, first), first[0])
    if lowered[0] == "timestamp":
        columns = [*_columns(first, first), Column(GOOGLE_ID_COLUMN, "derived from the timestamp and answers")]
        return Layout("google_forms", "1-row header, Timestamp first", 1, columns, GOOGLE_ID_COLUMN)
    if set(lowered) >= LIMESURVEY_SYSTEM:
        return Layout("limesurvey", "1-row header, question codes", 1, _columns(first, first), _find(first, "id"))
    if KOBO_SYSTEM & set(lowered) and ("_uuid" in lowered or any("/" in cell for cell in first)):
        return Layout("kobotoolbox", "1-row header, group paths", 1, _columns(first, first), _find(first, "_uuid"))
    return Layout("generic", "1-row header", 1, _columns(first, first), None)


def _find(names: list[str], wanted: str) -> str | None:
    for name in unique_names([clean(n) for n in names]):
        if name.lower().replace(" ", "") == wanted:
            return name
    return None


def _forward_fill(cells: list[str]) -> list[str]:
    filled, last = [], ""
    for cell in cells:
        last = cell or last
        filled.append(last)
    return filled


def _qualtrics_time_zone(cells: list[str]) -> str | None:
    for cell in cells:
        try:
            value = json.loads(cell)
        except (ValueError, TypeError):
            continue
        if isinstance(value, dict) and value.get("timeZone"):
            return value["timeZone"]
    return None


# ---- rows that are not responses, and derived columns --------------------------------------------


def google_date_order(timestamps: pd.Series, declared: str | None) -> str:
    """'dmy' or 'mdy' from the Timestamp column; a mapping's `date_order` settles ambiguity."""
    parts = timestamps.dropna().str.extract(GOOGLE_TIMESTAMP)
    if parts[0].isna().any() and timestamps.notna().any():
        bad = timestamps[timestamps.notna()][parts[0].isna().to_numpy()].iloc[0]
        raise LayoutError(f"Google Forms Timestamp {bad!r} is not dd/mm/yyyy or mm/dd/yyyy")
    day_first = (parts[0].astype("float") > 12).any()
    month_first = (parts[1].astype("float") > 12).any()
    if day_first and month_first:
        raise LayoutError("Google Forms Timestamps mix day/month orders; export the sheet again in one locale")
    found = "dmy" if day_first else "mdy" if month_first else None
    if declared and found and declared != found:
        raise LayoutError(f"the mapping says date_order {declared} but the Timestamps are {found}")
    order = declared or found
    if not order:
        raise LayoutError(
            "Google Forms Timestamps are ambiguous (no day or month above 12, so dd/mm and mm/dd both fit); "
            "set date_order: dmy (UK) or mdy in the file's mapping rather than guess"
        )
    return order


def add_google_respondent_id(frame: pd.DataFrame, date_order: str) -> pd.DataFrame:
    """Google Forms has no response id: derive a stable one from the ISO timestamp and the answers,
    so re-running on the same file (or a re-export in another locale) gives the same ids."""
    timestamp_column = frame.columns[0]
    parts = frame[timestamp_column].str.extract(GOOGLE_TIMESTAMP)
    day, month = (parts[0], parts[1]) if date_order == "dmy" else (parts[1], parts[0])
    iso = (
        parts[2]
        + "-"
        + month.str.zfill(2)
        + "-"
        + day.str.zfill(2)
        + "T"
        + parts[3].fillna("0").str.zfill(2)
        + ":"
        + parts[4].fillna("0").str.zfill(2)
        + ":"
        + parts[5].fillna("0").str.zfill(2)
    )
    frame = frame.assign(**{timestamp_column: iso.where(iso.notna(), frame[timestamp_column])})
    # pandas' row hash is deterministic (fixed key) and vectorised; 64 bits is plenty within a survey.
    hashes = pd.util.hash_pandas_object(frame.drop(columns=[GOOGLE_ID_COLUMN], errors="ignore"), index=False).to_numpy()
    return frame.assign(**{GOOGLE_ID_COLUMN: pd.Series(np.char.add("gf-", np.char.mod("%016x", hashes)), index=frame.index, dtype="str")})


# ---- the order dates are written in (what `inspect` reports, `draft-mapping` writes) -------------

DATE_LIKE = r"^\s*(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})(?:[ T]|$)"
DATE_SAMPLE = 20  # first values of a column that must all be dates for it to count as a date column


@dataclass(frozen=True)
class DateOrder:
    """How an export writes its dates: 'dmy', 'mdy', 'ymd', 'ambiguous' (nothing tells dd/mm from
    mm/dd) or 'mixed' (both occur), from which columns, and the evidence in words."""

    order: str
    columns: tuple[str, ...]
    evidence: str
    years: tuple[int, ...] = ()  # the distinct years of the dates, oldest first


def date_columns(frame: pd.DataFrame) -> list[str]:
    """Columns whose first values (up to DATE_SAMPLE, none empty) are all written as dates."""
    found = []
    for name in frame.columns:
        sample = frame[name].dropna().head(DATE_SAMPLE).astype("str")
        if len(sample) and sample.str.match(DATE_LIKE).all():
            found.append(name)
    return found


def detect_date_order(frame: pd.DataFrame) -> DateOrder | None:
    """The date order of an export's date columns (None when it has none). Every date counts: one
    with a first part above 12 can only be day-first, a second part above 12 only month-first."""
    columns = date_columns(frame)
    if not columns:
        return None
    parts = pd.concat([frame[name].dropna().astype("str").str.extract(DATE_LIKE) for name in columns], ignore_index=True).dropna()
    first, second, third = (parts[i].astype("int64") for i in range(3))
    named = ", ".join(columns)
    total = len(parts)
    year_first = int((parts[0].str.len() == 4).sum())
    years = tuple(sorted(set((first.where(parts[0].str.len() == 4, third)).tolist())))
    if year_first == total:
        return DateOrder("ymd", tuple(columns), f"ymd: all {total} dates ({named}) are written year first", years)
    day_first = int(((first > 12) & (second <= 12)).sum())
    month_first = int(((second > 12) & (first <= 12)).sum())
    if day_first and month_first:
        evidence = f"mixed: {day_first} of {total} dates ({named}) can only be day-first and {month_first} only month-first"
        return DateOrder("mixed", tuple(columns), evidence, years)
    if day_first or month_first:
        order, count, which = ("dmy", day_first, "day") if day_first else ("mdy", month_first, "month")
        evidence = f"{order}: {count} of {total} dates ({named}) can only be {which}-first; none only the other way"
        return DateOrder(order, tuple(columns), evidence, years)
    evidence = f"ambiguous: none of the {total} dates ({named}) has a day or month above 12, so dd/mm and mm/dd both fit"
    return DateOrder("ambiguous", tuple(columns), evidence, years)
