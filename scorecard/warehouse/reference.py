"""Reference lists that validation and the warehouse share (so both agree on what a valid code is)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from scorecard.paths import REFERENCE_DIR, SQL_DIR
from scorecard.warehouse.build import ensure_schema
from scorecard.warehouse.connect import connect


def reference_areas(reference_dir: Path = REFERENCE_DIR) -> pd.DataFrame:
    """Every English local-authority code a survey may carry, with its name (the staging.areas
    model, run in memory, so validation and the warehouse agree on what a valid code is)."""
    with connect(Path(":memory:")) as con:
        ensure_schema(con)
        con.execute("SET VARIABLE reference_dir = ?", [str(reference_dir)])
        con.execute((SQL_DIR / "staging" / "010_areas.sql").read_text(encoding="utf-8"))
        return con.execute("SELECT area_code, area_name, is_current FROM staging.areas").df()


def area_codes(reference_dir: Path = REFERENCE_DIR) -> list[str]:
    return reference_areas(reference_dir)["area_code"].tolist()


def lsoa_codes(reference_dir: Path = REFERENCE_DIR) -> list[str]:
    """Every 2011 LSOA in England (the staging.imd_lsoa model, run in memory): the codes a learner's
    home_lsoa may carry."""
    with connect(Path(":memory:")) as con:
        ensure_schema(con)
        con.execute("SET VARIABLE reference_dir = ?", [str(reference_dir)])
        con.execute((SQL_DIR / "staging" / "015_imd.sql").read_text(encoding="utf-8"))
        return [code for (code,) in con.execute("SELECT lsoa_code FROM staging.imd_lsoa ORDER BY lsoa_code").fetchall()]
