"""Transform: refresh the provider register and framework definitions in the build warehouse and run the SQL models
(sql/staging, then sql/marts, each in file-name order), with the secondary suppression of
scorecard/warehouse/disclosure.py defined for them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from scorecard.frameworks import Framework, indicator_table, threshold_table
from scorecard.measures import Measure, load_measures, measure_table
from scorecard.paths import REFERENCE_DIR
from scorecard.warehouse.build import run_sql_folder
from scorecard.warehouse.connect import connect, replace_table
from scorecard.warehouse.disclosure import install, uninstall


def transform(
    build: Path,
    frameworks: list[Framework],
    reference_dir: Path = REFERENCE_DIR,
    providers: pd.DataFrame | None = None,
    measures: list[Measure] | None = None,
) -> list[str]:
    """Build every model; `measures` defaults to the catalogue scorecards/measures.yaml."""
    catalogue = load_measures() if measures is None else measures
    with connect(build) as con:
        con.execute("BEGIN TRANSACTION")
        if providers is not None:
            replace_table(con, "staging.providers", providers)
        replace_table(con, "staging.framework_indicators", indicator_table(frameworks))
        replace_table(con, "staging.evidence_thresholds", threshold_table(frameworks))
        replace_table(con, "staging.measures", measure_table(catalogue))
        install(con)
        models = run_sql_folder(con, "staging", reference_dir) + run_sql_folder(con, "marts", reference_dir)
        uninstall(con)
        con.execute("COMMIT")
    return models
