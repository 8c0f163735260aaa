"""Generate the demo survey exports in raw/<kind>/ and their guide raw/README.md.

    python scripts/make_demo_data.py            # from the repository root

Deterministic: every section draws from its own seeded numpy Generator, the XLSX files are
written with fixed timestamps, so re-running produces byte-identical files (same SHA-256, so the
pipeline sees them as unchanged). The files imitate real exports: different encodings,
delimiters, line endings, labels instead of codes, academic-year spellings, and a few deliberate
defects so the quarantine and the rejection path have something to show. raw/README.md is written
from the same data, so the row numbers and expected figures it quotes always match the files.

Needs the IMD 2019 LSOA file (for real 2011 LSOA codes): reference/deprivation/imd2019_lsoa.csv.gz
in the repository, or ../shared/reference/deprivation/ next to it, or $SCORECARD_REFERENCE_DIR.
Only stdlib, numpy, pandas and openpyxl are used.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "raw"
SEED = 20081010  # one seed; each section derives its own stream from it

AREAS = {
    "E06000023": "Bristol, City of",
    "E08000025": "Birmingham",
    "E09000007": "Camden",
    "E10000024": "Nottinghamshire",
    "E07000176": "Rushcliffe",
    "E10000032": "West Sussex",
    "E10000006": "Cumbria",
}

INFLUENCE_LABELS = [
    "Very positive",
    "Positive",
    "Neither positive nor negative",
    "Negative",
    "Very negative",
]  # codes 1..5
AGREEMENT_LABELS = [
    "Strongly disagree",
    "Disagree",
    "Neither agree nor disagree",
    "Agree",
    "Strongly agree",
]  # codes 1..5 (5 = strongly agree)
DONT_KNOW = "Don't know"
DONT_KNOW_CURLY = "Don\u2019t know"  # right single quotation mark, as Word/Excel type it

ORG_TYPES = [
    "Registered charity",
    "Community group (unincorporated)",
    "Charitable company",
    "Social enterprise",
    "Community interest company",
    "Faith-based organisation",
]
ORG_TYPE_P = [0.38, 0.22, 0.16, 0.10, 0.08, 0.06]
INCOME_BANDS = [
    "Under £10,000",
    "£10,000\u2013£100,000",  # en dash: cp1252 0x96, £ is 0xA3
    "£100,001\u2013£1 million",
    "Over £1 million",
]
INCOME_BAND_P = [0.34, 0.38, 0.20, 0.08]
# Design weights: small groups are under-represented among respondents, so weigh more.
INCOME_BAND_WEIGHT = [1.55, 1.05, 0.80, 0.62]


def rng_for(section: str) -> np.random.Generator:
    """An independent, reproducible stream per section (changing one leaves the others alone)."""
    return np.random.default_rng([SEED, sum(map(ord, section)) * 7919 + len(section)])


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


@dataclass
class DemoFile:
    """One written file, with what the README says about it."""

    path: Path
    rows: int
    quirks: list[str]
    defects: list[tuple[int, str, str]] = field(default_factory=list)  # (row, what, expected)


def gapped_ids(rng: np.random.Generator, n: int, start: int = 1) -> np.ndarray:
    """n increasing integers with occasional gaps, like ids after partial responses were removed."""
    pool = np.arange(start, start + int(n * 1.2) + 5)
    return np.sort(rng.choice(pool, size=n, replace=False))


def place_rows(frame: pd.DataFrame, extras: dict[int, dict]) -> pd.DataFrame:
    """Insert extra rows so that each ends up at its 1-based data-row number in the file."""
    rows = frame.to_dict("records")
    for position in sorted(extras):
        rows.insert(position - 1, extras[position])
    return pd.DataFrame(rows, columns=frame.columns)


def variant(frame: pd.DataFrame, source_row: int, **changes) -> dict:
    """A new row: a copy of data row `source_row` (0-based) with some values changed."""
    return {**frame.iloc[source_row].to_dict(), **changes}


def ordinal(latent: np.ndarray, low: int, high: int) -> np.ndarray:
    """Round a latent score (plus noise already added by the caller) onto an integer scale."""
    return np.clip(np.rint(latent), low, high).astype(int)


def write_csv(frame: pd.DataFrame, path: Path, *, sep=",", encoding="utf-8", newline="\n") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, sep=sep, index=False, encoding=encoding, lineterminator=newline, na_rep="")


FIXED_ZIP_TIME = (2024, 1, 1, 0, 0, 0)


def write_xlsx(frame: pd.DataFrame, path: Path, sheet: str, numeric: set[str]) -> None:
    """Header in row 1, bold; numbers as numbers; blanks as empty cells; fixed timestamps."""
    import datetime as dt

    workbook = Workbook()
    sheet_ = workbook.active
    sheet_.title = sheet
    sheet_.append(list(frame.columns))
    for cell in sheet_[1]:
        cell.font = Font(bold=True)
    for record in frame.itertuples(index=False):
        row = []
        for name, value in zip(frame.columns, record, strict=True):
            if value == "" or value is None:
                row.append(None)
            elif name in numeric:
                number = float(value)
                row.append(int(number) if number.is_integer() else number)
            else:
                row.append(value)
        sheet_.append(row)
    sheet_.freeze_panes = "A2"
    fixed = dt.datetime(2024, 1, 1)
    workbook.properties.creator = "community-scorecard demo data"
    workbook.properties.created = fixed
    buffer = io.BytesIO()
    workbook.save(buffer)
    # openpyxl stamps "modified" with the current time and the zip entries with the current
    # date: rewrite both so the file is byte-identical on every run.
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>2024-01-01T00:00:00Z\g<2>",
                    data,
                )
            info = zipfile.ZipInfo(item.filename, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, data)


def find_reference(relative: str) -> Path:
    candidates = []
    if os.environ.get("SCORECARD_REFERENCE_DIR"):
        candidates.append(Path(os.environ["SCORECARD_REFERENCE_DIR"]) / relative)
    candidates += [ROOT / "reference" / relative, ROOT.parent / "shared" / "reference" / relative]
    for candidate in candidates:
        if candidate.exists():
            return candidate
    raise SystemExit(f"reference file not found: {relative} (looked in {', '.join(map(str, candidates))})")


# --------------------------------------------------------------------------------------------
# NI7 third-sector survey (2008, 2010)
# --------------------------------------------------------------------------------------------

# (area, year) -> (rows in the file, probability of "very positive" or "positive" among 1-5 answers)
NI7_DESIGN = {
    ("E06000023", 2008): (112, 0.22),
    ("E08000025", 2008): (146, 0.17),
    ("E09000007", 2008): (94, 0.36),
    ("E10000024", 2008): (131, 0.27),
    ("E07000176", 2008): (8, 0.30),  # a tiny base: published as suppressed
    ("E10000032", 2008): (103, 0.24),
    ("E10000006", 2008): (77, 0.13),
    ("E06000023", 2010): (124, 0.31),
    ("E08000025", 2010): (139, 0.12),
    ("E09000007", 2010): (88, 0.27),
    ("E10000024", 2010): (127, 0.33),
    ("E07000176", 2010): (63, 0.36),
    ("E10000032", 2010): (97, 0.29),
    ("E10000006", 2010): (71, 0.19),  # written to its own XLSX
}


# 2008 was before GSS codes (2011): the survey carried ONS's older codes (reference/geography/legacy).
PRE_2011_CODES = {
    "E06000023": "00HB",  # Bristol
    "E08000025": "00CN",  # Birmingham
    "E09000007": "00AG",  # Camden
    "E10000024": "37",  # Nottinghamshire (county)
    "E07000176": "37UJ",  # Rushcliffe
    "E10000032": "45",  # West Sussex (county)
    "E10000006": "16",  # Cumbria (county)
}


def ni7_responses(rng: np.random.Generator, area: str, year: int, n: int, p_positive: float) -> pd.DataFrame:
    """Clean NI7 responses for one area-year: codes, with 0 meaning don't know / blank."""
    rest = 1.0 - p_positive
    p = np.array([0.27 * p_positive, 0.73 * p_positive, 0.46 * rest, 0.36 * rest, 0.18 * rest])
    influence = rng.choice(np.arange(1, 6), size=n, p=p / p.sum())
    not_in_base = rng.random(n) < 0.08  # don't know or left blank
    if n < 10:
        not_in_base[:] = False
        not_in_base[0] = True
    influence = np.where(not_in_base, 0, influence)
    income = rng.choice(len(INCOME_BANDS), size=n, p=INCOME_BAND_P)
    # Funding satisfaction leans negative, and tracks how positive the influence is.
    latent = 2.7 + 0.55 * (3 - np.where(influence == 0, 3, influence)) + rng.normal(0, 0.95, n)
    funding = ordinal(latent, 1, 5)
    funding = np.where(rng.random(n) < 0.06, 0, funding)
    weight = np.array(INCOME_BAND_WEIGHT)[income] * rng.lognormal(0.0, 0.18, n)
    return pd.DataFrame(
        {
            "area_code": area,
            "survey_year": year,
            "org_type": rng.choice(ORG_TYPES, size=n, p=ORG_TYPE_P),
            "income_band": np.array(INCOME_BANDS, dtype=object)[income],
            "influence": influence,
            "funding": funding,
            "weight": np.round(np.clip(weight, 0.5, 2.5), 3),
        }
    )


def influence_label_text(rng: np.random.Generator, codes: np.ndarray, *, messy: bool) -> np.ndarray:
    """Codes -> labels; messy = mixed case, 'No influence', curly apostrophes, stray spaces."""
    n = len(codes)
    labels = np.array([INFLUENCE_LABELS[c - 1] if c else "" for c in codes], dtype=object)
    dont_know = codes == 0
    blank = dont_know & (rng.random(n) < 0.25)
    if not messy:
        labels[dont_know] = DONT_KNOW
        labels[blank] = ""
        return labels
    no_influence = (codes == 3) & (rng.random(n) < 0.12)
    labels[no_influence] = "No influence"
    case = rng.choice(4, size=n, p=[0.66, 0.14, 0.10, 0.10])
    labels = np.array([[text, text.lower(), text.upper(), text.title()][k] for text, k in zip(labels, case, strict=True)], dtype=object)
    labels[dont_know] = rng.choice([DONT_KNOW, DONT_KNOW_CURLY, "don't know"], size=dont_know.sum(), p=[0.45, 0.4, 0.15])
    labels[blank] = ""
    padded = (~dont_know) & (rng.random(n) < 0.03)
    labels[padded] = labels[padded] + " "
    return labels


def agreement_label_text(rng: np.random.Generator, codes: np.ndarray) -> np.ndarray:
    labels = np.array([AGREEMENT_LABELS[c - 1] if c else "" for c in codes], dtype=object)
    dont_know = codes == 0
    labels[dont_know] = np.where(rng.random(dont_know.sum()) < 0.7, DONT_KNOW, "")
    return labels


def code_text(codes: np.ndarray) -> np.ndarray:
    return np.array([str(c) if c else "" for c in codes], dtype=object)


def make_ni7() -> tuple[list[DemoFile], pd.DataFrame]:
    rng = rng_for("ni7")
    clean = {key: ni7_responses(rng, *key, *value) for key, value in NI7_DESIGN.items()}
    files = []

    # (a) 2008: UTF-8, comma, LF, labels in mixed case, no weights, pre-2011 ONS area codes. ---
    frame = pd.concat([f for (a, y), f in clean.items() if y == 2008], ignore_index=True)
    frame = frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)
    out = pd.DataFrame(
        {
            "respondent_id": "",
            "survey_year": frame["survey_year"].astype(str),
            "area_code": frame["area_code"].map(PRE_2011_CODES),
            "org_type": frame["org_type"],
            "income_band": frame["income_band"],
            "influence": influence_label_text(rng, frame["influence"].to_numpy(), messy=True),
            "funding_satisfaction": agreement_label_text(rng, frame["funding"].to_numpy()),
        }
    )
    out = place_rows(
        out,
        {
            37: variant(out, 0, area_code="E06999999", influence="Positive"),
            112: variant(out, 1, area_code="00HB", influence="Maybe"),
            205: variant(out, 2),  # placeholder: becomes an exact duplicate of row 58 once ids exist
            301: variant(out, 3, area_code="00CN", influence="Negative"),
        },
    )
    ids = gapped_ids(rng, len(out), start=101)
    out["respondent_id"] = [f"R_2008_{i:06d}" for i in ids]
    out.loc[301 - 1, "respondent_id"] = ""
    out.loc[205 - 1] = out.loc[58 - 1]
    path = RAW / "ni7" / "ni7_2008_results.csv"
    write_csv(out, path)
    files.append(
        DemoFile(
            path,
            len(out),
            [
                "UTF-8 (no BOM), comma-delimited, LF line ends; `income_band` values contain commas, so they are quoted",
                "no `weight` column (weight defaults to 1)",
                "`influence` as label text in mixed case (`Positive`, `positive`, `POSITIVE`, `Very Positive`), "
                "some `No influence` (= code 3), a few with a trailing space",
                "don't know written three ways: `Don't know`, `Don\u2019t know` (curly apostrophe U+2019), `don't know`; "
                "some answers blank (also not in the base)",
                "`funding_satisfaction` as agreement labels, `Don't know` or blank",
                "rows in submission order, areas interleaved; respondent ids `R_2008_000123` with gaps",
                "area codes as ONS wrote them before 2011 (`00HB` Bristol, `00CN` Birmingham, `00AG` Camden, `37` "
                "Nottinghamshire, `37UJ` Rushcliffe, `45` West Sussex, `16` Cumbria): stored under their GSS codes",
            ],
            [
                (37, "`area_code` is `E06999999` (not an ONS code)", "quarantine (area_code)"),
                (112, "`influence` is `Maybe` (not a label of the scale)", "quarantine (influence)"),
                (205, "exact duplicate of data row 58 (every column identical)", "count as duplicate, do not load"),
                (301, "`respondent_id` is empty", "quarantine (respondent_id)"),
            ],
        )
    )

    # (b) 2010: cp1252, semicolon, CRLF, codes, weights, some "2010/11". --------------------
    frame = pd.concat([f for (a, y), f in clean.items() if y == 2010 and a != "E10000006"], ignore_index=True)
    frame = frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)
    year_text = frame["survey_year"].astype(str).to_numpy(dtype=object)
    academic = (frame["area_code"] == "E08000025").to_numpy() | (rng.random(len(frame)) < 0.05)
    year_text[academic] = "2010/11"
    out = pd.DataFrame(
        {
            "respondent_id": "",
            "area_code": frame["area_code"],
            "survey_year": year_text,
            "org_type": frame["org_type"],
            "income_band": frame["income_band"],
            "influence": code_text(frame["influence"].to_numpy()),
            "funding_satisfaction": code_text(frame["funding"].to_numpy()),
            "weight": frame["weight"].map(lambda w: f"{w:.3f}"),
        }
    )
    out = place_rows(
        out,
        {
            54: variant(out, 4, area_code="E09000007", survey_year="2010", influence="2", weight="-1"),
            433: variant(out, 5, area_code="E10000032", survey_year="20x0", influence="4"),
        },
    )
    out["respondent_id"] = [f"R_2010_{i:06d}" for i in gapped_ids(rng, len(out), start=2001)]
    path = RAW / "ni7" / "ni7_2010_results.csv"
    write_csv(out, path, sep=";", encoding="cp1252", newline="\r\n")
    files.append(
        DemoFile(
            path,
            len(out),
            [
                "Windows-1252 (cp1252) encoded, semicolon-delimited, CRLF line ends",
                "`income_band` contains `£` (0xA3) and an en dash `\u2013` (0x96), e.g. `£10,000\u2013£100,000`",
                "`influence` and `funding_satisfaction` as codes 1\u20135; don't know exported as blank",
                "`survey_year` is `2010/11` (academic-year form, = 2010) for all Birmingham rows and a few others",
                "`weight` design weights 0.5\u20132.5 with three decimals",
                "Cumbria's 2010 responses are not in this file (see the XLSX)",
            ],
            [
                (54, "`weight` is `-1` (weights must be positive)", "quarantine (weight)"),
                (433, "`survey_year` is `20x0`", "quarantine (survey_year)"),
            ],
        )
    )

    # (c) Cumbria 2010: XLSX, labels, numeric respondent ids. ------------------------------
    frame = clean[("E10000006", 2010)]
    out = pd.DataFrame(
        {
            "respondent_id": [str(i) for i in gapped_ids(rng, len(frame), start=70001)],
            "area_code": frame["area_code"],
            "survey_year": frame["survey_year"].astype(str),
            "org_type": frame["org_type"],
            "income_band": frame["income_band"],
            "influence": influence_label_text(rng, frame["influence"].to_numpy(), messy=False),
            "funding_satisfaction": agreement_label_text(rng, frame["funding"].to_numpy()),
            "weight": frame["weight"].map(lambda w: f"{w:.3f}"),
        }
    )
    path = RAW / "ni7" / "ni7_2010_cumbria.xlsx"
    write_xlsx(out, path, "NI7 Cumbria 2010", numeric={"respondent_id", "survey_year", "weight"})
    files.append(
        DemoFile(
            path,
            len(out),
            [
                "XLSX, one worksheet `NI7 Cumbria 2010`, header in row 1 (bold, frozen)",
                "numeric cells for `respondent_id`, `survey_year` and `weight`; empty cells for blanks",
                "`influence` and `funding_satisfaction` as labels; `Don't know` or empty cell",
                "`E10000006` Cumbria was abolished on 2023-04-01 (successors E06000063, E06000064): valid for 2010",
            ],
        )
    )

    stats = []
    for (area, year), f in clean.items():
        base = f["influence"].to_numpy() > 0
        positive = np.isin(f["influence"].to_numpy(), [1, 2])
        w = f["weight"].to_numpy()
        stats.append(
            {
                "area_code": area,
                "area_name": AREAS[area],
                "survey_year": year,
                "rows": len(f),
                "respondents": int(base.sum()),
                "positive": int(positive.sum()),
                "pct_positive": 100.0 * positive.sum() / base.sum(),
                "weighted_pct": (100.0 * w[positive].sum() / w[base].sum()) if year == 2010 else np.nan,
            }
        )
    return files, pd.DataFrame(stats).sort_values(["survey_year", "area_code"], ignore_index=True)


# --------------------------------------------------------------------------------------------
# Relationship poll (2009, 2010)
# --------------------------------------------------------------------------------------------

POLL_AREAS = {
    "E06000023": ["Bristol City Council", "NHS Bristol", "Avon and Somerset Constabulary", "Bristol Partnership"],
    "E09000007": ["Camden Council", "NHS Camden", "Metropolitan Police (Camden)", "Camden Partnership Board"],
    "E10000024": [
        "Nottinghamshire County Council",
        "NHS Nottinghamshire County",
        "Nottinghamshire Police",
        "One Nottinghamshire (LSP)",
    ],
    "E10000032": ["West Sussex County Council", "NHS West Sussex", "Sussex Police", "West Sussex Partnership"],
}
# Sector's mean latent agreement per area-year; public bodies sit `gap` higher (perception gap).
POLL_LEVEL = {
    ("E06000023", 2009): 2.6,
    ("E06000023", 2010): 3.0,
    ("E09000007", 2009): 3.1,
    ("E09000007", 2010): 2.7,
    ("E10000024", 2009): 2.8,
    ("E10000024", 2010): 3.1,
    ("E10000032", 2009): 2.7,
    ("E10000032", 2010): 2.9,
}
POLL_ITEMS = {  # item -> offset from the overall relationship level
    "relationship_good": 0.2,
    "relationship_improving": 0.0,
    "views_listened_to": -0.2,
    "independence_respected": 0.1,
    "funding_fair": -0.6,
}
POLL_COLUMNS = ["respondent_id", "area_code", "survey_year", "side", "partner_body", *POLL_ITEMS]
LEARNER_COLUMNS = [
    "respondent_id",
    "ukprn",
    "survey_year",
    "age_band",
    "home_lsoa",
    "overall_satisfaction",
    "recommend",
    "teaching",
    "support",
    "confidence_before",
    "confidence_now",
    "skills_before",
    "skills_now",
]
EMPLOYER_COLUMNS = ["respondent_id", "ukprn", "survey_year", "employer_size", "sector", "overall_satisfaction", "recommend"]


def poll_responses(rng: np.random.Generator, area: str, year: int) -> pd.DataFrame:
    parts = []
    for side, gap in (("sector", 0.0), ("public_body", 0.75)):
        n = int(rng.integers(30, 61))
        person = POLL_LEVEL[(area, year)] + gap + rng.normal(0, 0.7, n)
        part = {"area_code": area, "survey_year": year, "side": side}
        part["partner_body"] = rng.choice(POLL_AREAS[area], size=n, p=[0.5, 0.25, 0.15, 0.10])
        for item, offset in POLL_ITEMS.items():
            codes = ordinal(person + offset + rng.normal(0, 0.6, n), 1, 5)
            part[item] = np.where(rng.random(n) < 0.06, 0, codes)  # don't know / blank
        parts.append(pd.DataFrame(part))
    return pd.concat(parts, ignore_index=True)


def make_poll() -> tuple[list[DemoFile], pd.DataFrame]:
    rng = rng_for("relationship_poll")
    clean = {(a, y): poll_responses(rng, a, y) for (a, y) in POLL_LEVEL}
    files = []
    for year in (2009, 2010):
        frame = pd.concat([f for (a, y), f in clean.items() if y == year], ignore_index=True)
        frame = frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)
        out = frame.assign(respondent_id="", survey_year=frame["survey_year"].astype(str))[POLL_COLUMNS]
        for item in POLL_ITEMS:
            codes = frame[item].to_numpy()
            out[item] = agreement_label_text(rng, codes) if year == 2009 else code_text(codes)
        defects = []
        if year == 2010:
            out = place_rows(
                out, {88: variant(out, 6, area_code="E10000024", side="council", partner_body="Nottinghamshire County Council")}
            )
            defects = [(88, "`side` is `council` (must be `sector` or `public_body`)", "quarantine (side)")]
        ids = gapped_ids(rng, len(out), start=1)
        out["respondent_id"] = [f"RP{year % 100:02d}-{i:04d}" for i in ids]
        path = RAW / "relationship_poll" / f"relationship_poll_{year}.csv"
        if year == 2009:
            write_csv(out, path)
            quirks = [
                "UTF-8, comma-delimited, LF line ends",
                "agreement items as labels (`Strongly disagree` \u2026 `Strongly agree`), `Don't know` or blank",
            ]
        else:
            write_csv(out, path, sep="\t", encoding="utf-8-sig")
            quirks = [
                "tab-delimited although named `.csv`; UTF-8 with BOM; LF line ends",
                "agreement items as codes 1\u20135 (5 = strongly agree); don't know exported as blank",
            ]
        quirks += [
            "both sides in one file: `side` = `sector` (a group rating its relationship with `partner_body`) "
            "or `public_body` (an officer of `partner_body` rating its relationship with the sector)",
            "public bodies rate the relationship more positively than the sector in every area-year (perception gap)",
        ]
        files.append(DemoFile(path, len(out), quirks, defects))

    files.append(small_side_poll())

    rows = []
    for (area, year), f in clean.items():
        for side, g in f.groupby("side", sort=False):
            answered = g["relationship_good"] > 0
            rows.append(
                {
                    "area_code": area,
                    "area_name": AREAS[area],
                    "survey_year": year,
                    "side": side,
                    "rows": len(g),
                    "base": int(answered.sum()),
                    "agree": int((g["relationship_good"] >= 4).sum()),
                    "pct_agree": 100.0 * (g["relationship_good"] >= 4).sum() / answered.sum(),
                }
            )
    return files, pd.DataFrame(rows).sort_values(["survey_year", "area_code", "side"], ignore_index=True)


def small_side_poll() -> DemoFile:
    """Rushcliffe 2010: 8 voluntary groups and 14 public-body officers answered — too few on the
    sector's side to publish (primary), so the other side is suppressed too (secondary: both sides
    together are published as evidence, so one side would give the other away)."""
    answers = {"sector": [4, 2, 5, 3, 2, 4, 1, 2], "public_body": [4, 5, 4, 3, 4, 5, 4, 2, 4, 5, 3, 4, 4, 5]}
    rows = [
        [f"RPR-{side[0].upper()}{n:02d}", "E07000176", "2010", side, "Rushcliffe Borough Council", *[str(code)] * len(POLL_ITEMS)]
        for side, codes in answers.items()
        for n, code in enumerate(codes, 1)
    ]
    path = RAW / "relationship_poll" / "relationship_poll_2010_rushcliffe.csv"
    write_csv(pd.DataFrame(rows, columns=POLL_COLUMNS), path)
    quirks = [
        "UTF-8, comma-delimited, LF line ends; agreement items as codes 1\u20135",
        "Rushcliffe 2010: 8 sector answers (under the base of 10: suppressed) and 14 public-body answers "
        "(suppressed too, as the complement of the published both-sides figure)",
    ]
    return DemoFile(path, len(rows), quirks, [])


# --------------------------------------------------------------------------------------------
# Learner and employer surveys of four providers (2022/23, 2023/24)
# --------------------------------------------------------------------------------------------

PROVIDERS = {  # ukprn -> (home local authority, neighbouring authorities, satisfaction level)
    "10001465": ("E06000023", ["E06000025", "E06000024", "E06000022"], 7.9),
    "10004927": ("E08000025", ["E08000028", "E08000029", "E08000030"], 7.3),
    "10007924": ("E07000176", ["E06000018", "E07000173", "E07000172"], 8.4),
    "10023139": ("E09000007", ["E09000019", "E09000033", "E09000014"], 7.6),
}
LEARNER_DESIGN = {  # (ukprn, academic year start) -> learners
    ("10001465", 2022): 164,
    ("10004927", 2022): 197,
    ("10007924", 2022): 88,
    ("10023139", 2022): 7,  # first year of a small provider: suppressed
    ("10001465", 2023): 172,
    ("10004927", 2023): 183,
    ("10007924", 2023): 96,
    ("10023139", 2023): 41,
}
AGE_BANDS = ["16-18", "19-23", "24+"]
AGE_P = {"10001465": [0.5, 0.2, 0.3], "10004927": [0.55, 0.25, 0.2], "10007924": [0.35, 0.2, 0.45], "10023139": [0.1, 0.2, 0.7]}


def load_lsoas() -> pd.DataFrame:
    path = find_reference("deprivation/imd2019_lsoa.csv.gz")
    imd = pd.read_csv(path, encoding="utf-8-sig", usecols=[0, 2], dtype=str)
    imd.columns = ["lsoa", "lad"]
    return imd.sort_values("lsoa", ignore_index=True)


def scale_0_10(rng: np.random.Generator, centre: np.ndarray, spread: float) -> np.ndarray:
    return ordinal(centre + rng.normal(0, spread, len(centre)), 0, 10)


def learner_responses(rng: np.random.Generator, lsoas: pd.DataFrame, ukprn: str, year: int, n: int) -> pd.DataFrame:
    home, neighbours, level = PROVIDERS[ukprn]
    level = level + (0.2 if year == 2023 else 0.0)
    where = rng.choice(4, size=n, p=[0.80, 0.14, 0.04, 0.02])  # home, neighbour, elsewhere, not given
    home_pool = lsoas.loc[lsoas["lad"] == home, "lsoa"].to_numpy()
    near_pool = lsoas.loc[lsoas["lad"].isin(neighbours), "lsoa"].to_numpy()
    far_pool = lsoas.loc[~lsoas["lad"].isin([home, *neighbours]), "lsoa"].to_numpy()
    lsoa = np.array([""] * n, dtype=object)
    for k, pool in enumerate((home_pool, near_pool, far_pool)):
        lsoa[where == k] = rng.choice(pool, size=(where == k).sum())
    person = level + rng.normal(0, 1.3, n)
    overall = ordinal(person + rng.normal(0, 0.5, n), 0, 10)
    recommend = scale_0_10(rng, person + 0.1, 0.8)
    teaching = scale_0_10(rng, person + 0.3, 0.8)
    support = scale_0_10(rng, person - 0.2, 0.9)
    gains = np.array([-1, 0, 1, 2, 3])
    conf_before = rng.choice(np.arange(1, 6), size=n, p=[0.18, 0.34, 0.30, 0.14, 0.04])
    conf_now = np.clip(conf_before + rng.choice(gains, size=n, p=[0.04, 0.26, 0.42, 0.23, 0.05]), 1, 5)
    skills_before = rng.choice(np.arange(1, 6), size=n, p=[0.22, 0.36, 0.27, 0.12, 0.03])
    skills_now = np.clip(skills_before + rng.choice(gains, size=n, p=[0.03, 0.22, 0.45, 0.25, 0.05]), 1, 5)
    text = lambda a: a.astype(str).astype(object)  # noqa: E731
    frame = pd.DataFrame(
        {
            "ukprn": ukprn,
            "survey_year": f"{year}/{(year + 1) % 100:02d}",
            "age_band": rng.choice(AGE_BANDS, size=n, p=AGE_P[ukprn]),
            "home_lsoa": lsoa,
            "overall_satisfaction": text(overall),
            "recommend": text(recommend),
            "teaching": text(teaching),
            "support": text(support),
            "confidence_before": text(conf_before),
            "confidence_now": text(conf_now),
            "skills_before": text(skills_before),
            "skills_now": text(skills_now),
        }
    )
    frame.loc[rng.random(n) < 0.03, "recommend"] = ""  # skipped the question
    return frame


def make_learners() -> tuple[list[DemoFile], pd.DataFrame]:
    rng = rng_for("learner_survey")
    lsoas = load_lsoas()
    clean = {key: learner_responses(rng, lsoas, *key, n) for key, n in LEARNER_DESIGN.items()}
    files = []
    for year in (2022, 2023):
        frame = pd.concat([f for (u, y), f in clean.items() if y == year], ignore_index=True)
        frame = frame.iloc[rng.permutation(len(frame))].reset_index(drop=True).assign(respondent_id="")[LEARNER_COLUMNS]
        defects = []
        if year == 2023:
            frame = place_rows(
                frame,
                {
                    45: variant(frame, 10, overall_satisfaction="11", recommend="10"),
                    230: variant(frame, 11, ukprn="9999999"),
                    377: variant(frame, 12, home_lsoa="E0100000X"),
                },
            )
            defects = [
                (45, "`overall_satisfaction` is `11` (scale is 0\u201310)", "quarantine (overall_satisfaction)"),
                (230, "`ukprn` is `9999999` (7 digits)", "quarantine (ukprn)"),
                (377, "`home_lsoa` is `E0100000X` (not a well-formed LSOA code)", "quarantine (home_lsoa)"),
            ]
        start = 41_000_000 if year == 2022 else 52_000_000
        frame["respondent_id"] = gapped_ids(rng, len(frame), start=start).astype(str)
        if year == 2023:  # appended after the ids are drawn, so the other rows stay as they were
            unknown = frame.iloc[[12]].assign(respondent_id="52999999", home_lsoa="E01999999")
            frame = pd.concat([frame, unknown], ignore_index=True)
            defects.append(
                (len(frame), "`home_lsoa` is `E01999999`: well formed, but not an LSOA of the reference data", "quarantine (home_lsoa)")
            )
        label = f"{year}-{(year + 1) % 100:02d}"
        path = RAW / "learner_survey" / f"learner_survey_{label}.csv"
        write_csv(frame, path)
        files.append(
            DemoFile(
                path,
                len(frame),
                [
                    "UTF-8, comma-delimited, LF line ends",
                    f"`survey_year` in academic-year form `{year}/{(year + 1) % 100:02d}` (= {year})",
                    "numeric respondent ids (8 digits); all four providers in one file",
                    "`home_lsoa`: real 2011 LSOA codes from the IMD 2019 file, ~80% in the provider's home "
                    "authority, ~14% in neighbouring authorities, ~4% elsewhere in England, ~2% blank (not given)",
                    "`recommend` blank for ~3% (question skipped)",
                ],
                defects,
            )
        )
    home_lsoas = {home: set(lsoas.loc[lsoas["lad"] == home, "lsoa"]) for home, _, _ in PROVIDERS.values()}
    stats = pd.DataFrame(
        [
            {
                "ukprn": u,
                "home_area": PROVIDERS[u][0],
                "survey_year": y,
                "learners": len(f),
                "mean_overall": f["overall_satisfaction"].astype(int).mean(),
                "home_lsoa_in_home_area": int(f["home_lsoa"].isin(home_lsoas[PROVIDERS[u][0]]).sum()),
                "home_lsoa_blank": int((f["home_lsoa"] == "").sum()),
            }
            for (u, y), f in clean.items()
        ]
    ).sort_values(["survey_year", "ukprn"], ignore_index=True)
    return files, stats


EMPLOYER_SIZES = ["Micro (1-9)", "Small (10-49)", "Medium (50-249)", "Large (250+)"]
EMPLOYER_SECTORS = [
    "Health and social care",
    "Construction",
    "Engineering and manufacturing",
    "Retail and hospitality",
    "Digital and IT",
    "Business and administration",
    "Education and childcare",
    "Public sector",
]
EMPLOYER_DESIGN = {
    ("10001465", 2022): 34,
    ("10004927", 2022): 38,
    ("10007924", 2022): 22,
    ("10023139", 2022): 21,
    ("10001465", 2023): 29,
    ("10004927", 2023): 40,
    ("10007924", 2023): 26,
    ("10023139", 2023): 24,
}


def employer_responses(rng: np.random.Generator, ukprn: str, year: int, n: int) -> pd.DataFrame:
    person = PROVIDERS[ukprn][2] - 0.4 + rng.normal(0, 1.4, n)
    overall = ordinal(person, 0, 10)
    recommend = ordinal(person + rng.normal(0, 0.9, n), 0, 10)
    return pd.DataFrame(
        {
            "ukprn": ukprn,
            "survey_year": year,
            "employer_size": rng.choice(EMPLOYER_SIZES, size=n, p=[0.32, 0.36, 0.21, 0.11]),
            "sector": rng.choice(EMPLOYER_SECTORS, size=n),
            "overall_satisfaction": overall.astype(str).astype(object),
            "recommend": recommend.astype(str).astype(object),
        }
    )


def make_employers() -> tuple[list[DemoFile], pd.DataFrame]:
    rng = rng_for("employer_survey")
    clean = {key: employer_responses(rng, *key, n) for key, n in EMPLOYER_DESIGN.items()}
    files = []

    frame = pd.concat([f for (u, y), f in clean.items() if y == 2022], ignore_index=True)
    frame = frame.assign(respondent_id=[f"EMP-22-{i:04d}" for i in gapped_ids(rng, len(frame))], survey_year="2022-23")
    path = RAW / "employer_survey" / "employer_survey_2022-23.csv"
    write_csv(frame[EMPLOYER_COLUMNS], path)
    files.append(
        DemoFile(
            path,
            len(frame),
            [
                "UTF-8, comma-delimited, LF line ends; rows grouped by provider",
                "`survey_year` written `2022-23` (academic year with a hyphen, = 2022)",
            ],
        )
    )

    frame = pd.concat([f for (u, y), f in clean.items() if y == 2023], ignore_index=True)
    frame = frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)
    frame = frame.assign(respondent_id=[f"EMP-23-{i:04d}" for i in gapped_ids(rng, len(frame))], survey_year="2023")
    path = RAW / "employer_survey" / "employer_survey_2023-24.xlsx"
    write_xlsx(frame[EMPLOYER_COLUMNS], path, "Responses", numeric={"ukprn", "survey_year", "overall_satisfaction", "recommend"})
    files.append(
        DemoFile(
            path,
            len(frame),
            [
                "XLSX, one worksheet `Responses`, header in row 1",
                "`ukprn`, `survey_year` (`2023`), `overall_satisfaction`, `recommend` are numeric cells",
            ],
        )
    )

    # A whole file to reject: the provider column was left out of the export.
    n = 10
    reject = employer_responses(rng, "10004927", 2023, n)
    reject = reject.assign(respondent_id=[f"EMP-X-{i:03d}" for i in range(1, n + 1)], survey_year="2023")
    path = RAW / "employer_survey" / "employer_feedback_no_ukprn.csv"
    write_csv(reject[[c for c in EMPLOYER_COLUMNS if c != "ukprn"]], path)
    files.append(
        DemoFile(
            path,
            n,
            ["UTF-8, comma-delimited, LF line ends; otherwise a normal employer export"],
            [(0, "the required column `ukprn` is missing (whole file)", "reject the file; load none of its 10 rows")],
        )
    )
    stats = pd.DataFrame(
        [
            {
                "ukprn": u,
                "survey_year": y,
                "employers": len(f),
                "mean_overall": f["overall_satisfaction"].astype(int).mean(),
            }
            for (u, y), f in clean.items()
        ]
    ).sort_values(["survey_year", "ukprn"], ignore_index=True)
    return files, stats


# --------------------------------------------------------------------------------------------
# More providers (2022/23, 2023/24): peers for the benchmarks, rural and two-tier areas
# --------------------------------------------------------------------------------------------
# Written to their own files with their own seeded streams, so the four-provider files above are
# untouched. raw/providers/provider_register.csv lists these providers (edited by hand; this
# script only checks it).


@dataclass
class MoreProvider:
    name: str
    provider_type: str
    area: str  # home local authority in the register (a county, district or unitary)
    area_label: str
    neighbours: list[str]  # 2019 district/unitary codes next to the home area
    level: dict[int, float]  # latent satisfaction per academic year start
    age_p: list[float]
    deprived_weight: float  # how strongly the provider's home-area learners come from IMD deciles 1-2
    gain_shift: float  # >0: more learners report bigger confidence/skills gains
    where_p: list[float] = field(default_factory=lambda: [0.80, 0.14, 0.04, 0.02])


MORE_PROVIDERS = {
    "10061317": MoreProvider(
        "Kernow Coast College (demo)",
        "General further education college",
        "E06000052",
        "Cornwall (unitary, rural, South West)",
        ["E06000026", "E07000046", "E07000047"],
        {2022: 7.5, 2023: 7.7},
        [0.48, 0.22, 0.30],
        1.1,
        0.0,
    ),
    "10062984": MoreProvider(
        "Sherwood Edge College (demo)",
        "General further education college",
        "E07000174",
        "Mansfield (district of Nottinghamshire, East Midlands)",
        ["E07000170", "E07000175", "E07000033"],
        {2022: 6.7, 2023: 7.1},
        [0.55, 0.20, 0.25],
        1.4,
        0.1,
    ),
    "10064420": MoreProvider(
        "Lakes and Furness Skills (demo)",
        "Independent training provider",
        "E06000064",
        "Westmorland and Furness (unitary since 2023, rural, North West)",
        ["E07000029", "E07000028", "E07000121"],
        {2022: 8.2, 2023: 8.1},
        [0.30, 0.35, 0.35],
        0.9,
        0.0,
        [0.74, 0.20, 0.04, 0.02],
    ),
    "10067115": MoreProvider(
        "Witham Valley Training (demo)",
        "Independent training provider",
        "E07000138",
        "Lincoln (district of Lincolnshire, East Midlands)",
        ["E07000139", "E07000142"],
        {2022: 7.3, 2023: 6.9},
        [0.30, 0.30, 0.40],
        1.0,
        -0.1,
    ),
    "10068732": MoreProvider(
        "Breckland Community Learning (demo)",
        "Adult and community learning",
        "E07000143",
        "Breckland (rural district of Norfolk, East of England)",
        ["E07000149", "E07000146", "E07000245"],
        {2022: 7.9, 2023: 8.2},
        [0.03, 0.12, 0.85],
        2.2,
        0.35,
    ),
    "10005810": MoreProvider(  # already in the register; no peers of its type, no employer survey
        "Moorland Sixth Form College (demo)",
        "Sixth form college",
        "E10000024",
        "Nottinghamshire (county: LSOAs of its seven districts, East Midlands)",
        ["E06000018", "E07000033", "E07000039", "E08000017"],
        {2022: 7.3, 2023: 7.4},
        [0.96, 0.04, 0.0],
        0.7,
        -0.15,
    ),
}
MORE_LEARNER_DESIGN = {  # (ukprn, academic year start) -> learners
    ("10061317", 2022): 142,
    ("10061317", 2023): 149,
    ("10062984", 2022): 118,
    ("10062984", 2023): 131,
    ("10064420", 2022): 46,
    ("10064420", 2023): 53,
    ("10067115", 2022): 64,
    ("10067115", 2023): 57,
    ("10068732", 2022): 41,
    ("10068732", 2023): 48,
    ("10005810", 2022): 97,
    ("10005810", 2023): 104,
}
MORE_EMPLOYER_DESIGN = {  # the sixth form college has no employer survey
    ("10061317", 2022): 31,
    ("10061317", 2023): 33,
    ("10062984", 2022): 27,
    ("10062984", 2023): 29,
    ("10064420", 2022): 18,
    ("10064420", 2023): 21,
    ("10067115", 2022): 24,
    ("10067115", 2023): 22,
    ("10068732", 2022): 15,
    ("10068732", 2023): 17,
}


def academic_year(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def load_lsoa_deciles() -> pd.DataFrame:
    """Every 2011 LSOA with its 2019 district/unitary and IMD 2019 decile, sorted by LSOA code."""
    path = find_reference("deprivation/imd2019_lsoa.csv.gz")
    imd = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
    imd = imd.iloc[:, [0, 2, 5]]
    imd.columns = ["lsoa", "lad", "decile"]
    return imd.astype({"decile": int}).sort_values("lsoa", ignore_index=True)


def districts_of(area: str) -> list[str]:
    """The 2019 district/unitary codes (as in the IMD file) that make up a local authority: itself,
    a county's districts, or the districts a new unitary replaced (e.g. Westmorland and Furness)."""
    codes = pd.read_csv(find_reference("geography/la_all_codes.csv"), dtype=str)
    inside = (codes["LADCD"] == area) | (codes["UTLACD"] == area) | (codes["LADCD_ACTIVE"] == area)
    return sorted(codes.loc[inside, "LADCD"].unique())


def more_learner_responses(rng: np.random.Generator, lsoas: pd.DataFrame, ukprn: str, year: int, n: int) -> pd.DataFrame:
    p = MORE_PROVIDERS[ukprn]
    home = lsoas[lsoas["lad"].isin(districts_of(p.area))]
    if home.empty:
        raise SystemExit(f"no LSOAs found for {p.area} in the IMD 2019 file")
    near_pool = lsoas.loc[lsoas["lad"].isin(p.neighbours), "lsoa"].to_numpy()
    far_pool = lsoas.loc[~lsoas["lad"].isin([*home["lad"].unique(), *p.neighbours]), "lsoa"].to_numpy()
    home_w = np.where(home["decile"].to_numpy() <= 2, p.deprived_weight, 1.0)
    where = rng.choice(4, size=n, p=p.where_p)  # home, neighbour, elsewhere, not given
    lsoa = np.array([""] * n, dtype=object)
    lsoa[where == 0] = rng.choice(home["lsoa"].to_numpy(), size=(where == 0).sum(), p=home_w / home_w.sum())
    lsoa[where == 1] = rng.choice(near_pool, size=(where == 1).sum())
    lsoa[where == 2] = rng.choice(far_pool, size=(where == 2).sum())
    person = p.level[year] + rng.normal(0, 1.3, n)
    overall = ordinal(person + rng.normal(0, 0.5, n), 0, 10)
    recommend = scale_0_10(rng, person + 0.1, 0.8)
    teaching = scale_0_10(rng, person + 0.3, 0.8)
    support = scale_0_10(rng, person - 0.2, 0.9)
    gains = np.array([-1, 0, 1, 2, 3])
    s = p.gain_shift
    conf_p = np.array([0.04, 0.26 - s * 0.5, 0.42, 0.23 + s * 0.35, 0.05 + s * 0.15])
    skill_p = np.array([0.03, 0.22 - s * 0.5, 0.45, 0.25 + s * 0.35, 0.05 + s * 0.15])
    conf_before = rng.choice(np.arange(1, 6), size=n, p=[0.18, 0.34, 0.30, 0.14, 0.04])
    conf_now = np.clip(conf_before + rng.choice(gains, size=n, p=conf_p / conf_p.sum()), 1, 5)
    skills_before = rng.choice(np.arange(1, 6), size=n, p=[0.22, 0.36, 0.27, 0.12, 0.03])
    skills_now = np.clip(skills_before + rng.choice(gains, size=n, p=skill_p / skill_p.sum()), 1, 5)
    text = lambda a: a.astype(str).astype(object)  # noqa: E731
    frame = pd.DataFrame(
        {
            "ukprn": ukprn,
            "survey_year": academic_year(year),
            "age_band": rng.choice(AGE_BANDS, size=n, p=p.age_p),
            "home_lsoa": lsoa,
            "overall_satisfaction": text(overall),
            "recommend": text(recommend),
            "teaching": text(teaching),
            "support": text(support),
            "confidence_before": text(conf_before),
            "confidence_now": text(conf_now),
            "skills_before": text(skills_before),
            "skills_now": text(skills_now),
        }
    )
    frame.loc[rng.random(n) < 0.03, "recommend"] = ""  # skipped the question
    return frame


def make_more_learners() -> tuple[list[DemoFile], pd.DataFrame]:
    rng = rng_for("learner_survey_more_providers")
    lsoas = load_lsoa_deciles()
    clean = {key: more_learner_responses(rng, lsoas, *key, n) for key, n in MORE_LEARNER_DESIGN.items()}
    parts = []
    for year, start in ((2022, 63_100_000), (2023, 74_200_000)):
        frame = pd.concat([f for (u, y), f in clean.items() if y == year], ignore_index=True)
        frame = frame.iloc[rng.permutation(len(frame))].reset_index(drop=True).assign(respondent_id="")
        frame["respondent_id"] = gapped_ids(rng, len(frame), start=start).astype(str)
        parts.append(frame[LEARNER_COLUMNS])
    frame = pd.concat(parts, ignore_index=True)
    path = RAW / "learner_survey" / "learner_survey_more_providers.csv"
    write_csv(frame, path)
    files = [
        DemoFile(
            path,
            len(frame),
            [
                "UTF-8, comma-delimited, LF line ends; both years in one file (2022/23 rows first)",
                "`survey_year` in academic-year form `2022/23` / `2023/24`",
                "numeric respondent ids (8 digits, 631xxxxx in 2022/23, 742xxxxx in 2023/24); five new providers and "
                "the register's sixth form college 10005810 (see the tables below); no deliberate defects",
                "`home_lsoa`: real 2011 LSOA codes, ~80% in the provider's home authority (for a county or a new "
                "unitary: its 2019 districts), ~14% in neighbouring authorities, ~4% elsewhere, ~2% blank",
                "`recommend` blank for ~3% (question skipped)",
            ],
        )
    ]
    deciles = lsoas.set_index("lsoa")["decile"]
    rows = []
    for (u, y), f in sorted(clean.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        p = MORE_PROVIDERS[u]
        known = f["home_lsoa"] != ""
        in_home = f["home_lsoa"].isin(set(lsoas.loc[lsoas["lad"].isin(districts_of(p.area)), "lsoa"]))
        deprived = f.loc[known, "home_lsoa"].map(deciles) <= 2
        conf_gain = f["confidence_now"].astype(int) - f["confidence_before"].astype(int)
        skill_gain = f["skills_now"].astype(int) - f["skills_before"].astype(int)
        rows.append(
            {
                "ukprn": u,
                "provider_type": p.provider_type,
                "home_area": p.area,
                "survey_year": academic_year(y),
                "learners": len(f),
                "mean_overall": f["overall_satisfaction"].astype(int).mean(),
                "home_lsoa_known": int(known.sum()),
                "home_lsoa_in_home_area": int(in_home.sum()),
                "pct_imd_decile_1_2": 100.0 * deprived.sum() / known.sum(),
                "mean_confidence_gain": conf_gain.mean(),
                "mean_skills_gain": skill_gain.mean(),
            }
        )
    return files, pd.DataFrame(rows)


def make_more_employers() -> tuple[list[DemoFile], pd.DataFrame]:
    rng = rng_for("employer_survey_more_providers")
    clean = {}
    for (u, y), n in MORE_EMPLOYER_DESIGN.items():
        person = MORE_PROVIDERS[u].level[y] + rng.normal(0, 1.4, n)  # employers rate about as learners do
        clean[(u, y)] = pd.DataFrame(
            {
                "ukprn": u,
                "survey_year": academic_year(y),
                "employer_size": rng.choice(EMPLOYER_SIZES, size=n, p=[0.32, 0.36, 0.21, 0.11]),
                "sector": rng.choice(EMPLOYER_SECTORS, size=n),
                "overall_satisfaction": ordinal(person, 0, 10).astype(str).astype(object),
                "recommend": ordinal(person + rng.normal(0, 0.9, n), 0, 10).astype(str).astype(object),
            }
        )
    parts = []
    for year in (2022, 2023):
        frame = pd.concat([f for (u, y), f in clean.items() if y == year], ignore_index=True)
        ids = gapped_ids(rng, len(frame), start=5001)
        parts.append(frame.assign(respondent_id=[f"EMP-{year % 100:02d}-{i:04d}" for i in ids])[EMPLOYER_COLUMNS])
    frame = pd.concat(parts, ignore_index=True)
    path = RAW / "employer_survey" / "employer_survey_more_providers.csv"
    write_csv(frame, path)
    files = [
        DemoFile(
            path,
            len(frame),
            [
                "UTF-8, comma-delimited, LF line ends; rows grouped by year, then provider",
                "`survey_year` in academic-year form `2022/23` / `2023/24`; "
                "respondent ids `EMP-22-5001` … (from 5001, so they never repeat the other employer files)",
                "five of the more providers (the sixth form college has no employer survey); no deliberate defects",
            ],
        )
    ]
    stats = pd.DataFrame(
        [
            {
                "ukprn": u,
                "survey_year": academic_year(y),
                "employers": len(f),
                "mean_overall": f["overall_satisfaction"].astype(int).mean(),
            }
            for (u, y), f in sorted(clean.items(), key=lambda kv: (kv[0][1], kv[0][0]))
        ]
    )
    return files, stats


def check_register() -> list[str]:
    """The more providers must be in raw/providers/provider_register.csv as declared here."""
    path = RAW / "providers" / "provider_register.csv"
    register = pd.read_csv(path, dtype=str).set_index("ukprn") if path.exists() else pd.DataFrame()
    problems = []
    for ukprn, p in MORE_PROVIDERS.items():
        expected = [p.name, p.provider_type, p.area]
        if ukprn not in register.index:
            problems.append(f"{ukprn} is not in {path.relative_to(ROOT)}")
        elif register.loc[ukprn, ["provider_name", "provider_type", "area_code"]].tolist() != expected:
            problems.append(f"{ukprn} in {path.relative_to(ROOT)} differs from {expected}")
    return problems


# --------------------------------------------------------------------------------------------
# Panel assessments, Compact Scorecard for a Thriving Sector (2009-2011)
# --------------------------------------------------------------------------------------------

FRAMEWORK = "compact_thriving_sector"
INDICATORS = [f"TS{i:02d}" for i in range(1, 18)]
ENTITIES = ["E06000023", "E10000024", "E09000007"]
YEARS = [2009, 2010, 2011]
LEVEL = {  # mean indicator score: Bristol improving, Camden declining, Nottinghamshire mixed
    "E06000023": {2009: 1.1, 2010: 1.65, 2011: 2.2},
    "E09000007": {2009: 2.25, 2010: 1.8, 2011: 1.35},
    "E10000024": {2009: 1.55, 2010: 2.05, 2011: 1.7},
}
TS10_UNSCORED = {("E06000023", 2010), ("E10000024", 2010), ("E09000007", 2010), ("E09000007", 2011)}
ONE_SIDED = {  # (entity, year, indicator) -> the side that did NOT score it
    ("E09000007", 2009, "TS16"): "public_body",  # its score was entered with a framework typo (defect)
    ("E06000023", 2011, "TS16"): "public_body",  # its score was entered as 5 (defect)
    ("E10000024", 2011, "TS07"): "sector",  # ... but the panel recorded an agreed score
}
NOTES = {  # indicator -> (note when the score is low (0-1), note when it is high (2-3))
    "TS01": ("No shared vision agreed yet", "Vision refreshed at LSP away day"),
    "TS02": ("Plan drafted but not resourced", "Combined Compact and thriving sector plan adopted"),
    "TS03": ("NI7 results not discussed by the LSP", "NI7 results reported to LSP board"),
    "TS05": ("Sector seats on only 1 of 6 thematic partnerships", "Sector reps on 4 of 6 thematic partnerships"),
    "TS07": ("Volunteer centre lost its core grant", "Volunteer centre registrations up on last year"),
    "TS11": ("No relationship poll this year", "Relationship poll run in the autumn"),
    "TS12": ("Compact checks not yet built into committee reports", "Compact checklist used for all key decisions"),
    "TS13": (
        "Most funding still 1-year contracts, few paid in advance",
        "3-year grants for 20 groups, paid quarterly in advance",
    ),
    "TS15": ("Two groups report gagging clauses in contracts", "Independence protocol agreed"),
    "TS17": ("Few groups measure their impact", "Social value toolkit piloted with 12 groups"),
}


def note_for(indicator: str, score: int) -> str:
    low, high = NOTES.get(indicator, ("", ""))
    return high if score >= 2 else low


def make_assessments() -> tuple[list[DemoFile], pd.DataFrame]:
    rng = rng_for("assessment")
    indicator_effect = dict(zip(INDICATORS, rng.normal(0, 0.45, len(INDICATORS)), strict=True))
    indicator_effect["TS13"] = -0.9  # sustainable funding is everyone's weakest indicator
    entity_indicator = {(e, i): rng.normal(0, 0.35) for e in ENTITIES for i in INDICATORS}
    columns = ["framework", "entity_code", "year", "indicator_id", "assessor", "score", "note"]
    files, expected = [], []
    for year in YEARS:
        rows = []
        for entity in ENTITIES:
            true = {
                i: int(
                    np.clip(np.rint(LEVEL[entity][year] + indicator_effect[i] + entity_indicator[(entity, i)] + rng.normal(0, 0.3)), 0, 3)
                )
                for i in INDICATORS
            }
            candidates = [i for i in INDICATORS if i != "TS10" and (entity, year, i) not in ONE_SIDED]
            disputed = sorted(rng.choice(candidates, size=int(rng.integers(2, 4)), replace=False))
            settled = set(disputed[: 1 + (len(disputed) == 3)])
            panel_date = f"{int(rng.integers(2, 27)):02d}/03/{year}"
            for i in INDICATORS:
                if i == "TS10" and (entity, year) in TS10_UNSCORED:
                    expected.append((entity, year, i, "unscored by the panel (evidence rule or missing)", None))
                    continue
                sector = public = true[i]
                if i in disputed:
                    if rng.random() < 0.75:  # public bodies usually the more generous side
                        sector, public = (true[i] - 1, true[i]) if true[i] > 0 else (0, 1)
                    else:
                        sector, public = (true[i], true[i] - 1) if true[i] > 0 else (1, 0)
                note = note_for(i, sector) if rng.random() < 0.35 else ""
                public_note = ""
                if i in disputed and public > sector and rng.random() < 0.5:
                    public_note = "Public bodies see more progress than the sector reports"
                missing_side = ONE_SIDED.get((entity, year, i))
                if missing_side != "sector":
                    rows.append([FRAMEWORK, entity, year, i, "sector", sector, note])
                if missing_side != "public_body":
                    rows.append([FRAMEWORK, entity, year, i, "public_body", public, public_note])
                if i in settled or missing_side == "sector":
                    rows.append([FRAMEWORK, entity, year, i, "agreed", true[i], f"Agreed at panel {panel_date}"])
                    expected.append((entity, year, i, "agreed", true[i]))
                elif missing_side:
                    scored_by = "sector" if missing_side == "public_body" else "public_body"
                    expected.append((entity, year, i, f"only {scored_by} scored it (evidence rule or missing)", None))
                elif i in disputed:
                    expected.append((entity, year, i, "disputed", None))
                else:
                    expected.append((entity, year, i, "consensus", sector))
        frame = pd.DataFrame(rows, columns=columns)
        order = {"sector": 0, "public_body": 1, "agreed": 2}
        frame = frame.sort_values(
            ["entity_code", "indicator_id", "assessor"],
            key=lambda s: s.map(order) if s.name == "assessor" else s,
            ignore_index=True,
        )
        frame["year"] = frame["year"].astype(str)
        frame["score"] = frame["score"].astype(str)
        defects = []
        if year == 2009:
            # The public body's TS16 score for Camden, typed with a typo in the framework id.
            after = frame.index[(frame["entity_code"] == "E09000007") & (frame["indicator_id"] == "TS16")].max()
            row = [
                "compact_thriving_sectr",
                "E09000007",
                "2009",
                "TS16",
                "public_body",
                frame.loc[after, "score"],
                "",
            ]
            frame = place_rows(frame, {int(after) + 2: dict(zip(columns, row, strict=True))})
            defects.append(
                (
                    int(after) + 2,
                    "`framework` is `compact_thriving_sectr` (typo)",
                    "quarantine (framework); Camden 2009 TS16 then has only the sector's score",
                )
            )
        if year == 2010:
            after = frame.index[(frame["entity_code"] == "E10000024") & (frame["indicator_id"] == "TS17")].max()
            extra = {
                int(after) + 2: dict(
                    zip(
                        columns,
                        [FRAMEWORK, "E10000024", "2010", "TS18", "sector", "2", "Local indicator added by the Compact group"],
                        strict=True,
                    )
                )
            }
            frame = place_rows(frame, extra)
            defects.append((int(after) + 2, "`indicator_id` is `TS18` (framework has TS01\u2013TS17)", "quarantine (indicator_id)"))
        if year == 2011:
            frame = place_rows(
                frame,
                {
                    len(frame) + 1: dict(
                        zip(columns, [FRAMEWORK, "E06000023", "2011", "TS16", "public_body", "5", "Late entry"], strict=True)
                    )
                },
            )
            defects.append(
                (
                    len(frame),
                    "`score` is `5` (scores are 0\u20133); a late entry, last row of the file",
                    "quarantine (score); Bristol 2011 TS16 then has only the sector's score",
                )
            )
            twin_of = frame.index[(frame["entity_code"] == "E06000023") & (frame["indicator_id"] == "TS15")].min()
            twin = frame.loc[[twin_of]].assign(score="4", note="typed again, wrongly")
            frame = pd.concat([frame, twin], ignore_index=True)
            defects.append(
                (
                    len(frame),
                    f"the same key as row {int(twin_of) + 1} (Bristol 2011 TS15, {frame.loc[twin_of, 'assessor']}) with `score` `4`",
                    f"quarantine (score) \u2014 only this row: the valid row {int(twin_of) + 1} loads (a key twice is a conflict "
                    "only between otherwise valid rows)",
                )
            )
        path = RAW / "assessment" / f"compact_scores_{year}.csv"
        write_csv(frame, path)
        files.append(
            DemoFile(
                path,
                len(frame),
                [
                    "UTF-8, comma-delimited, LF line ends; one row per entity \u00d7 indicator \u00d7 assessor",
                    "`assessor` = `sector`, `public_body` or `agreed` (the panel's settled score); "
                    "`note` free text, often empty, quoted where it has a comma",
                ],
                defects,
            )
        )
    return files, pd.DataFrame(expected, columns=["entity_code", "year", "indicator_id", "basis", "score"])


# --------------------------------------------------------------------------------------------
# README
# --------------------------------------------------------------------------------------------


def markdown_table(frame: pd.DataFrame) -> str:
    def cell(v):
        if isinstance(v, float):
            return "" if np.isnan(v) else f"{v:.1f}"
        return str(v)

    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(lines)


# raw/'s folders, and the files kept by hand (this script leaves them as they are), in raw/README.md.
FOLDERS_README = [
    "## Folders",
    "",
    "- `ni7/` — NI7 third-sector organisations surveys (one file per survey year, or per area)",
    "- `relationship_poll/` — relationship polls between the voluntary sector and public bodies",
    "- `learner_survey/` — learner surveys of learning providers (by UKPRN)",
    "- `employer_survey/` — employer surveys of learning providers (by UKPRN)",
    "- `assessment/` — panel scores per indicator, proposed by each side or agreed; filled panel packs go here too",
    "- `providers/` — the provider register (not a survey kind): names, types and home areas of the learning providers",
    "",
    "Two files are kept by hand; `scripts/make_demo_data.py` does not write them:",
    "",
    "- `assessment/community_scores_2023.csv` — panel scores for the community scorecard of learning providers, 2023 "
    "(8 rows: 10001465 and 10004927; each side's score, or agreed, with notes)",
    "- `providers/provider_register.csv` — the register: `ukprn`, `provider_name`, `provider_type`, `area_code` of the ten "
    "demo providers (the script checks that its providers are listed)",
    "",
]


def write_readme(
    files: list[DemoFile],
    ni7: pd.DataFrame,
    poll: pd.DataFrame,
    learners: pd.DataFrame,
    employers: pd.DataFrame,
    assessment: pd.DataFrame,
    more_learners: pd.DataFrame,
    more_employers: pd.DataFrame,
) -> None:
    out = [
        "# raw/ — the drop zone, with demo exports",
        "",
        "Put survey exports in `raw/<kind>/` (`ni7`, `relationship_poll`, `learner_survey`, "
        "`employer_survey`, `assessment`). The files below are **synthetic demo data**, made by "
        "`python scripts/make_demo_data.py` (seeded, byte-identical on every run; it overwrites them and "
        "this README). Area codes, LSOA codes and the shape of the surveys are real; the people, answers "
        "and scores are invented. The UKPRNs are plausible provider numbers used as labels only.",
        "",
        "Row numbers below are 1-based data rows (the header is not counted), as in `audit.quarantine.row_number`.",
        "",
        *FOLDERS_README,
        "## Files",
        "",
        "| file | data rows | deliberate defects |",
        "|---|---|---|",
    ]
    for f in files:
        rel = f.path.relative_to(RAW).as_posix()
        out.append(f"| `{rel}` | {f.rows} | {len(f.defects) or ''} |")
    out.append("")
    for f in files:
        rel = f.path.relative_to(RAW).as_posix()
        out += [f"### `{rel}` ({f.rows} data rows)", ""]
        out += [f"- {q}" for q in f.quirks]
        if f.defects:
            out += ["", "Deliberate defects:", "", "| row | what is wrong | the pipeline should |", "|---|---|---|"]
            out += [f"| {row or 'file'} | {what} | {todo} |" for row, what, todo in f.defects]
        out.append("")

    total_rows = sum(f.rows for f in files)
    out += [
        "## Accounting",
        "",
        f"{len(files)} files, {total_rows} data rows. One file is rejected whole "
        "(`employer_survey/employer_feedback_no_ukprn.csv`, 10 rows); every other defect above is one "
        "quarantined row, except the NI7 2008 duplicate, which is counted as a duplicate and not loaded. "
        "All other rows are valid and load.",
        "",
        "## Expected figures (from the clean rows; defect rows excluded)",
        "",
        "### NI7 — respondents and % positive",
        "",
        "`rows` = valid data rows for the area-year; `respondents` = unweighted base (answers 1\u20135; "
        "don't know and blank excluded); `positive` = very positive + positive; `pct_positive` unweighted; "
        "`weighted_pct` uses `weight` (2010 only; 2008 has no weights, so weighted = unweighted). "
        "Rushcliffe 2008 has a base under 10 and must be published as suppressed (primary, and so is the "
        "district tier, Rushcliffe alone); so must the cells it could be recovered from by differencing the "
        "published totals (secondary: Nottinghamshire and the county tier, 2008). Rushcliffe (E07000176) "
        "is a district inside Nottinghamshire (E10000024); Cumbria (E10000006) is an abolished county.",
        "",
        markdown_table(ni7),
        "",
        "### Relationship poll — `relationship_good`, % agree (agree + strongly agree among answers 1\u20135)",
        "",
        markdown_table(poll),
        "",
        "### Learner survey — learners per provider and year",
        "",
        "Home areas: 10001465 Bristol (E06000023), 10004927 Birmingham (E08000025), 10007924 Rushcliffe "
        "(E07000176), 10023139 Camden (E09000007). 10023139 in 2022/23 has fewer than 10 learners (suppressed).",
        "",
        markdown_table(learners),
        "",
        "### Employer survey — employers per provider and year",
        "",
        markdown_table(employers),
        "",
        *more_providers_readme(more_learners, more_employers),
        "### Panel assessments — expected basis of each indicator before evidence rules",
        "",
        "Counts per entity and year over TS01\u2013TS17. `consensus total` sums the agreed and consensus "
        "scores only; indicators left to an evidence rule (TS10 unscored by the panel, or scored by one "
        "side only) add to it if their rule finds evidence.",
        "",
    ]
    summary = []
    for (entity, year), g in assessment.groupby(["entity_code", "year"]):
        basis = g["basis"]
        summary.append(
            {
                "entity_code": entity,
                "name": AREAS[entity],
                "year": year,
                "agreed": int((basis == "agreed").sum()),
                "consensus": int((basis == "consensus").sum()),
                "disputed": ", ".join(g.loc[basis == "disputed", "indicator_id"]) or "-",
                "left to evidence": ", ".join(g.loc[basis.str.contains("evidence"), "indicator_id"]) or "-",
                "consensus total": int(g["score"].fillna(0).sum()),
            }
        )
    out += [markdown_table(pd.DataFrame(summary)), ""]
    (RAW / "README.md").write_text("\n".join(out), encoding="utf-8")


def more_providers_readme(learners: pd.DataFrame, employers: pd.DataFrame) -> list[str]:
    names = {u: p.name for u, p in MORE_PROVIDERS.items()}
    register = pd.DataFrame(
        [
            {"ukprn": u, "provider_name": p.name, "provider_type": p.provider_type, "area_code": p.area, "home area": p.area_label}
            for u, p in MORE_PROVIDERS.items()
        ]
    )
    learners = learners.assign(provider_name=learners["ukprn"].map(names))
    learners = learners[["ukprn", "provider_name", *[c for c in learners.columns if c not in ("ukprn", "provider_name")]]]
    return [
        "### More providers — learner and employer surveys (`*_more_providers.csv`)",
        "",
        "Providers added so peer benchmarks (same provider type, nationally and within a region) have peers, "
        "and so rural and two-tier areas are represented. They are in `providers/provider_register.csv` "
        "(appended after the original five). Peers: the two new general FE colleges join Harbourside "
        "(10001465, Bristol, South West) and Canalside (10004927, Birmingham); Kernow Coast shares the South "
        "West with Harbourside. The two new independent training providers join Trent Vale (10007924, "
        "Rushcliffe); Witham Valley shares the East Midlands with it. Breckland Community Learning joins "
        "Camden Community Learning (10023139). Moorland Sixth Form College (10005810, already in the "
        "register) now has learner responses but no peer of its type and no employer survey.",
        "",
        markdown_table(register),
        "",
        "Learners per provider-year. `mean_overall` = mean `overall_satisfaction`; `pct_imd_decile_1_2` = % of "
        "learners with a known home LSOA (`home_lsoa_known`) whose LSOA is in IMD 2019 deciles 1–2; "
        "`home_lsoa_in_home_area` counts LSOAs inside the home authority (a county or a post-2019 unitary: "
        "its 2019 districts); gains = mean of `*_now` − `*_before`. All rows are valid.",
        "",
        markdown_table(learners),
        "",
        "Employers per provider-year:",
        "",
        markdown_table(
            employers.assign(provider_name=employers["ukprn"].map(names))[
                ["ukprn", "provider_name", "survey_year", "employers", "mean_overall"]
            ]
        ),
        "",
    ]


def main() -> None:
    ni7_files, ni7_stats = make_ni7()
    poll_files, poll_stats = make_poll()
    learner_files, learner_stats = make_learners()
    employer_files, employer_stats = make_employers()
    assessment_files, assessment_expected = make_assessments()
    more_learner_files, more_learner_stats = make_more_learners()
    more_employer_files, more_employer_stats = make_more_employers()
    files = ni7_files + poll_files + learner_files + more_learner_files + employer_files + more_employer_files + assessment_files
    write_readme(files, ni7_stats, poll_stats, learner_stats, employer_stats, assessment_expected, more_learner_stats, more_employer_stats)
    for problem in check_register():
        print(f"WARNING: {problem}")

    width = max(len(f.path.relative_to(ROOT).as_posix()) for f in files)
    for f in files:
        print(f"{f.path.relative_to(ROOT).as_posix():<{width}}  {f.rows:>5} rows  {f.path.stat().st_size:>7} bytes")
    total = sum(f.path.stat().st_size for f in files)
    print(f"{'total':<{width}}  {sum(f.rows for f in files):>5} rows  {total:>7} bytes")
    print()
    print(ni7_stats.round(1).to_string(index=False))


if __name__ == "__main__":
    main()
