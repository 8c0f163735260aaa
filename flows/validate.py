"""Validate normalised frames with Great Expectations suites loaded from expectations/<kind>.json.

GX decides which expectations fail and which rows fail them; each expectation's `meta.reason` is
the plain-language quarantine reason. Reference value sets (area codes, frameworks and their
indicators) are suite parameters (`{"$PARAMETER": "area_codes"}`) filled in at validation time.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from flows.frameworks import Framework, framework_indicator_pairs
from flows.kinds import KINDS
from flows.paths import EXPECTATIONS_DIR

# Result format: failing rows as positions in the validated frame, without GX's per-row dicts,
# value lists and query strings (those cost seconds on large files with many failing rows).
COMPLETE_POSITIONAL = {
    "result_format": "COMPLETE",
    "partial_unexpected_count": 0,
    "exclude_unexpected_values": True,
    "return_unexpected_index_query": False,
}


# GX's suite-parameter parser (pyparsing) keeps global state and fails when two threads validate at
# once, so validations in one process take turns; reading and normalising still run in parallel,
# and the Dask runner validates in separate processes.
GX_LOCK = threading.Lock()


@dataclass
class Failure:
    expectation: str
    column: str  # the column (or columns, joined by ' + ') the expectation is about
    reason: str
    row_numbers: np.ndarray


def make_context():
    """An in-memory GX context: nothing written to disk, no progress bars, no analytics."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        # The only switch that silences the "Calculating Metrics" bars in GX 1.24.
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
        analytics_enabled=False,
    )
    return gx.get_context(project_config=config, mode="ephemeral")


def load_suite(path: Path):
    from great_expectations.core import ExpectationSuite

    document = json.loads(path.read_text(encoding="utf-8"))
    suite = ExpectationSuite(**document)
    # GX logs and drops an expectation of an unknown type; a typo must not weaken validation.
    if len(suite.expectations) != len(document.get("expectations", [])):
        known = {expectation.expectation_type for expectation in suite.expectations}
        unknown = [e.get("type") for e in document["expectations"] if e.get("type") not in known]
        raise ValueError(f"{path}: unknown expectation type(s) {unknown}")
    return suite


def suite_parameters(area_codes: list[str], frameworks: list[Framework]) -> dict:
    return {
        "area_codes": sorted(area_codes),
        "frameworks": [framework.id for framework in frameworks],
        "framework_indicators": framework_indicator_pairs(frameworks),
    }


def expectation_column(kwargs: dict) -> str:
    if "column" in kwargs:
        return kwargs["column"]
    if "column_list" in kwargs:
        return " + ".join(kwargs["column_list"])
    if "column_A" in kwargs:
        return f"{kwargs['column_A']} + {kwargs['column_B']}"
    return ""


class Validator:
    """Suites and GX set-up for validating exports, safe to share between threads and to send to
    Dask workers.

    GX keeps one execution engine per data source and gives every in-memory batch the same id, so
    two threads validating through one data source overwrite each other's batch: each thread gets
    its own context (cheap, a few ms), and validations in one process take turns (GX_LOCK). GX is imported and set up on a thread's first validation, so
    runs in which no file gets that far do not pay for it. Pickling drops the per-thread state; a
    Dask worker builds its own."""

    def __init__(self, parameters: dict, expectations_dir: Path = EXPECTATIONS_DIR):
        self.parameters = parameters
        self.expectations_dir = expectations_dir
        self._local = threading.local()

    def __getstate__(self):
        return {"parameters": self.parameters, "expectations_dir": self.expectations_dir}

    def __setstate__(self, state):
        self.__init__(**state)

    def gx(self):
        state = getattr(self._local, "gx", None)
        if state is None:
            context = make_context()
            suites = {kind: load_suite(self.expectations_dir / f"{kind}.json") for kind in KINDS}
            source = context.data_sources.add_pandas("exports")
            batches = {kind: source.add_dataframe_asset(kind).add_batch_definition_whole_dataframe("file") for kind in KINDS}
            state = self._local.gx = (context, suites, batches)
        return state

    def validate(self, frame: pd.DataFrame, kind: str) -> tuple[list[Failure], object]:
        """Validate a normalised frame that has a `row_number` column; return the failed
        expectations and GX's suite result (for Data Docs)."""
        from great_expectations.validator.v1_validator import Validator as GXValidator

        _, suites, batches = self.gx()
        frame = frame.reset_index(drop=True)  # positions in GX results index this frame
        validator = GXValidator(
            batch_definition=batches[kind],
            batch_parameters={"dataframe": frame},
            result_format=COMPLETE_POSITIONAL,
        )
        with GX_LOCK:
            result = validator.validate_expectation_suite(suites[kind], self.parameters)
        row_numbers = frame["row_number"].to_numpy()
        failures = []
        for outcome in result.results:
            if outcome.success:
                continue
            config = outcome.expectation_config
            if outcome.exception_info and outcome.exception_info.get("raised_exception"):
                raise RuntimeError(
                    f"expectation {config.type} on {expectation_column(config.kwargs)} could not run: "
                    f"{outcome.exception_info.get('exception_message')}"
                )
            positions = np.asarray((outcome.result or {}).get("unexpected_index_list") or [], dtype=np.int64)
            failures.append(
                Failure(
                    expectation=config.type,
                    column=expectation_column(config.kwargs),
                    reason=(config.meta or {}).get("reason") or config.type,
                    row_numbers=row_numbers[positions],
                )
            )
        return failures, result


def write_data_docs(results: list[tuple[str, object]], site_dir: Path, run_name: str) -> Path:
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    site_dir.mkdir(parents=True, exist_ok=True)
    context = make_context()
    context.add_data_docs_site(
        "scorecard",
        {
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(site_dir.resolve())},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            "show_how_to_buttons": False,
        },
    )
    run_time = dt.datetime.now(dt.timezone.utc)
    for label, result in results:
        result = copy.copy(result)
        run_id = RunIdentifier(run_name=run_name, run_time=run_time)
        result.meta = {**(result.meta or {}), "run_id": run_id, "validation_time": run_time, "source_file": label}
        key = ValidationResultIdentifier(
            expectation_suite_identifier=ExpectationSuiteIdentifier(name=result.suite_name),
            run_id=run_id,
            batch_identifier=label.replace("/", "__"),
        )
        context.validation_results_store.set(key, result)
    context.build_data_docs(site_names=["scorecard"])
    return site_dir / "index.html"


def quarantine_reasons(failures: list[Failure], original: pd.DataFrame) -> pd.Series:
    """row_number → every reason the row failed, '; '-separated, quoting the value as written."""
    if not failures:
        return pd.Series([], dtype="str", index=pd.Index([], name="row_number"))
    by_row = original.set_index("row_number")
    parts = []
    for failure in failures:
        reason = pd.Series(failure.reason, index=failure.row_numbers, dtype="str")
        if failure.column in by_row.columns:
            written = by_row[failure.column].reindex(failure.row_numbers)
            quoted = (" (got '" + written.astype("str") + "')").where(written.notna(), "")
            reason = reason + quoted.to_numpy()
        parts.append(reason)
    reasons = pd.concat(parts)
    return reasons.groupby(level=0, sort=True).agg("; ".join).rename_axis("row_number")
