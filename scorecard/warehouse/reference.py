"""Reference lists that validation and the warehouse share: the staging models that build them are
run in memory here, so validation and the warehouse agree on what a valid code is."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from scorecard.paths import REFERENCE_DIR, SQL_DIR
from scorecard.warehouse.build import ensure_schema
from scorecard.warehouse.connect import connect


def reference_model(reference_dir: Path, models: list[str], query: str) -> pd.DataFrame:
    """Run sql/staging/<models> in memory over `reference_dir` and return `query`'s rows."""
    with connect(Path(":memory:")) as con:
        ensure_schema(con)
        con.execute("SET VARIABLE reference_dir = ?", [str(reference_dir)])
        for model in models:
            con.execute((SQL_DIR / "staging" / model).read_text(encoding="utf-8"))
        return con.execute(query).df()


def reference_areas(reference_dir: Path = REFERENCE_DIR) -> pd.DataFrame:
    """Every English local-authority code a survey may carry, current or historic, with its name."""
    return reference_model(reference_dir, ["010_areas.sql"], "SELECT area_code, area_name, is_current FROM staging.areas")


def area_codes(reference_dir: Path = REFERENCE_DIR) -> list[str]:
    return reference_areas(reference_dir)["area_code"].tolist()


def legacy_area_codes(reference_dir: Path = REFERENCE_DIR) -> dict[str, str]:
    """Pre-2011 ONS codes → the GSS code a row carrying one is stored under (only those that map to
    exactly the same area; see sql/staging/011_legacy_area_codes.sql)."""
    query = "SELECT legacy_code, area_code FROM staging.legacy_area_codes WHERE area_code IS NOT NULL"
    table = reference_model(reference_dir, ["010_areas.sql", "011_legacy_area_codes.sql"], query)
    return dict(zip(table["legacy_code"], table["area_code"], strict=True))


def lsoa_codes(reference_dir: Path = REFERENCE_DIR) -> list[str]:
    """Every 2011 LSOA in England: the codes a learner's home_lsoa may carry."""
    return reference_model(reference_dir, ["015_imd.sql"], "SELECT lsoa_code FROM staging.imd_lsoa ORDER BY lsoa_code")[
        "lsoa_code"
    ].tolist()
