"""Transform: refresh the provider register, framework definitions and measure catalogue in the build
warehouse and run the SQL models, with the secondary suppression of scorecard/warehouse/disclosure.py
defined for them.

Three layers, one table per file, each file named after its table (`NNN_<table>.sql`):
- sql/staging/       `staging`: typed landing (the survey rows) and reference data, in file-name order;
- sql/intermediate/  `intermediate`: internal aggregates marts are built from (not exported);
- sql/marts/         `marts`: what analysts, dashboards, the report and the panel packs read.
Intermediate tables are built from marts and feed later marts, so the intermediate and marts models
run after staging as one sequence, merged in file-number order (a number is used once across both).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from scorecard.frameworks import Framework, indicator_table, nearest_neighbour_table, threshold_table
from scorecard.measures import Measure, load_measures, measure_table
from scorecard.paths import REFERENCE_DIR
from scorecard.warehouse.build import run_sql_folders
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
        replace_table(con, "staging.nearest_neighbour_variables", nearest_neighbour_table(frameworks))
        replace_table(con, "staging.measures", measure_table(catalogue))
        install(con)
        models = run_sql_folders(con, "staging", reference_dir=reference_dir)
        models += run_sql_folders(con, "intermediate", "marts", reference_dir=reference_dir)
        uninstall(con)
        con.execute("COMMIT")
    return models
