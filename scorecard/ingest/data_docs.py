"""Great Expectations' Data Docs of a run, written so that opening them makes no network request.

GX's page templates load Bootstrap, jQuery, Vega and fonts from CDNs and its logo from a cloud
bucket; a page opened by an analyst would tell those hosts it was opened. The pages are kept, with
every external script, stylesheet and image removed (the logo served from the site's own
`static/`), and the index — which GX fills with a script from a CDN — is written here as a plain
table. Validation results carry no file names (the batch is "<kind>-<n>-files"; the files are in
the result's meta, which the pages do not show), so nothing from a raw file reaches a page.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path
from typing import Any

from scorecard.ingest.rules import suite_result
from scorecard.ingest.validate import KindValidation, Validator

# Elements that make the browser fetch something from another host.
EXTERNAL_SCRIPT = re.compile(r"<script\b[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//[^>]*>\s*</script>", re.IGNORECASE)
EXTERNAL_LINK = re.compile(r"<link\b[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//[^>]*>", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\b)[^>]*>.*?</script>", re.IGNORECASE | re.DOTALL)
GX_LOGO = re.compile(r"(?:https?:)?//great-expectations-web-assets\.[^\"']*/logo-long\.png[^\"']*", re.IGNORECASE)
EXTERNAL_IMAGE = re.compile(r"<img\b[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//[^>]*>", re.IGNORECASE)
EXTERNAL_CSS_URL = re.compile(r"url\(\s*[\"']?(?:https?:)?//[^)]*\)", re.IGNORECASE)
EXTERNAL_CSS_IMPORT = re.compile(r"@import\s+[^;]*(?:https?:)?//[^;]*;", re.IGNORECASE)
# Without Bootstrap the pages are plain HTML; this keeps their tables readable.
STYLE = (
    "<style>body{font-family:system-ui,sans-serif;margin:1rem 2rem;color:#1b1b1b}"
    "table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}"
    ".hide,.d-none,.collapse:not(.show){display:none}</style>"
)


def make_context() -> Any:
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


def import_great_expectations() -> None:
    """Import the parts of Great Expectations Data Docs need (~2 s of Python). A run starts this on a
    background thread while DuckDB reads and loads, so the Data Docs step does not wait for it."""
    import great_expectations.core.expectation_validation_result
    import great_expectations.data_context.types.resource_identifiers  # noqa: F401


def write_data_docs(validations: list[KindValidation], validator: Validator, site_dir: Path, run_name: str) -> Path:
    """Great Expectations' Data Docs of the run: one validation result per kind validated, with
    each expectation's counts over that kind's new files (which files: in the result's meta)."""
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
    run_time = dt.datetime.now(dt.UTC)
    run_id = RunIdentifier(run_name=run_name, run_time=run_time)
    entries = []
    for validation in validations:
        meta = {"run_id": run_id, "validation_time": run_time, "source_files": validation.files}
        result = suite_result(validator.suite_path(validation.kind), validator.parameters, validation.statistics, meta)
        key = ValidationResultIdentifier(
            expectation_suite_identifier=ExpectationSuiteIdentifier(name=result.suite_name),
            run_id=run_id,
            batch_identifier=f"{validation.kind}-{len(validation.files)}-files",
        )
        context.validation_results_store.set(key, result)
        entries.append((validation, bool(result.success), Path("validations", *key.to_tuple()).with_suffix(".html")))
    context.build_data_docs(site_names=["scorecard"])
    for page in site_dir.rglob("*.html"):
        page.write_text(offline(page.read_text(encoding="utf-8"), page.relative_to(site_dir)), encoding="utf-8")
    index = site_dir / "index.html"
    index.write_text(index_page(entries, run_name, run_time), encoding="utf-8")
    return index


def offline(page: str, relative: Path) -> str:
    """A GX page with nothing fetched from another host: external scripts, stylesheets, images and
    CSS urls removed (with the inline scripts that need them), GX's logo from the site's own
    static/images."""
    to_root = "../" * (len(relative.parts) - 1)
    page = GX_LOGO.sub(f"{to_root}static/images/logo-long.png", page)
    page = EXTERNAL_IMAGE.sub("", page)
    page = EXTERNAL_SCRIPT.sub("", page)
    page = EXTERNAL_LINK.sub("", page)
    page = EXTERNAL_CSS_URL.sub("none", page)
    page = EXTERNAL_CSS_IMPORT.sub("", page)
    page = INLINE_SCRIPT.sub("", page)
    return page.replace("</head>", f"{STYLE}</head>", 1)


def index_page(entries: list[tuple[KindValidation, bool, Path]], run_name: str, run_time: dt.datetime) -> str:
    """The site's index: this run's validation results, one row per kind, linking to its page."""
    rows = "".join(
        f'<tr><td><a href="{html.escape(page.as_posix(), quote=True)}">{html.escape(validation.kind)}</a></td>'
        f"<td>{'passed' if success else 'failed: rows quarantined'}</td><td>{len(validation.files)}</td></tr>"
        for validation, success, page in entries
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Data Docs: validation of the run</title>'
        f'<link rel="icon" href="static/images/favicon.ico">{STYLE}</head><body>'
        f"<h1>Validation results</h1><p>Run {html.escape(run_name)}, {html.escape(run_time.isoformat(timespec='seconds'))}. "
        "Each kind's new files are validated together against its suite in <code>expectations/</code>; "
        "the row-level reasons are in the warehouse's <code>audit.quarantine</code>.</p>"
        "<table><thead><tr><th>Kind</th><th>Result</th><th>Files</th></tr></thead>"
        f"<tbody>{rows or '<tr><td colspan=3>No file was validated in this run.</td></tr>'}</tbody></table></body></html>"
    )
