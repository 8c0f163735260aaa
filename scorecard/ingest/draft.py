"""Describe an export (`scorecard inspect`) and draft a mapping for a new instrument
(`scorecard draft-mapping`): question texts and answer labels matched to the template where they
can be, everything else left as TODO for the analyst."""

from __future__ import annotations

import datetime as dt
import json
import re

import pandas as pd
import yaml

from scorecard.ingest.mapping import canonical_name, find_column
from scorecard.ingest.normalise import NORMALISERS
from scorecard.ingest.read import Export
from scorecard.kinds import Kind
from scorecard.paths import EXPECTATIONS_DIR

TODO = "TODO"
# Words that, all present in a question's text, suggest the template column (first group that fits wins).
QUESTION_WORDS: dict[str, list[list[str]]] = {
    "area_code": [["local", "authority"], ["council", "area"], ["area", "code"], ["which", "area"], ["borough"]],
    "survey_year": [["survey", "year"], ["year"]],
    "influence": [["influence"], ["statutory", "bodies"]],
    "weight": [["weight"]],
    "org_type": [["type", "organisation"], ["organisation", "type"]],
    "income_band": [["income"]],
    "funding_satisfaction": [["funding", "satisf"], ["funding"]],
    "side": [["describes", "you"], ["describes", "organisation"], ["side"]],
    "relationship_good": [["relation", "good"]],
    "relationship_improving": [["relation", "improv"], ["improving"]],
    "views_listened_to": [["listened"]],
    "independence_respected": [["independence"]],
    "funding_fair": [["funding", "fair"]],
    "partner_body": [["partner"]],
    "ukprn": [["ukprn"], ["provider"], ["college"]],
    "overall_satisfaction": [["overall", "satisf"], ["satisfied"]],
    "recommend": [["recommend"]],
    "teaching": [["teaching"]],
    "support": [["support"]],
    "home_lsoa": [["lsoa"]],
    "age_band": [["age"]],
    "confidence_before": [["confiden", "before"]],
    "confidence_now": [["confiden", "now"]],
    "skills_before": [["skill", "before"]],
    "skills_now": [["skill", "now"]],
    "employer_size": [["how", "many", "people"], ["size"], ["employees"]],
    "sector": [["industry"], ["sector"]],
}
CODED_DOMAINS = {"influence", "agreement", "scale", "category"}
# Answer words that suggest a category code (first code whose words appear wins).
CATEGORY_WORDS = {
    "side": {"public_body": ["public", "council", "statutory"], "sector": ["voluntary", "community", "charit", "sector"]},
    "assessor": {"public_body": ["public"], "sector": ["voluntary", "community", "sector"], "agreed": ["agreed", "panel"]},
}


def describe(export: Export, mapping_path: str | None = None) -> dict:
    """What `scorecard inspect --json` prints: one JSON-ready object."""
    return {
        "file": str(export.path),
        "tool": export.layout.tool,
        "layout": export.layout.variant,
        "encoding": export.encoding,
        "delimiter": export.delimiter,
        "header_rows": export.layout.header_rows,
        "data_rows": len(export.frame),
        "respondent_id_column": export.layout.id_column,
        "not_respondents": int(export.excluded.notna().sum()),
        "notes": export.layout.notes,
        "mapping": mapping_path,
        "columns": [{"name": c.name, "question": c.question, "personal": c.name in export.personal_dropped} for c in export.layout.columns],
    }


def _words(text: str) -> str:
    return " " + re.sub(r"[^0-9a-z]+", " ", text.lower()) + " "


def suggest_columns(export: Export, kind: Kind) -> dict[str, str | None]:
    """Template column → the export column that most likely holds it (None when nothing fits)."""
    suggestions: dict[str, str | None] = {}
    taken: set[str] = set()
    questions = export.questions
    for column in kind.columns:
        name = find_column(export, column) if column != "respondent_id" else export.layout.id_column
        if name is None:
            for group in QUESTION_WORDS.get(column, []):
                fits = [
                    n for n in export.frame.columns if n not in taken and all(w in _words(n + " " + questions.get(n, "")) for w in group)
                ]
                if fits:
                    name = fits[0]
                    break
        suggestions[column] = name
        if name:
            taken.add(name)
    return suggestions


def allowed_codes(kind: Kind) -> dict[str, set[str]]:
    """Column → the codes its expectation suite accepts (in-set rules with a literal list)."""
    suite = json.loads((EXPECTATIONS_DIR / f"{kind.name}.json").read_text(encoding="utf-8"))
    return {
        e["kwargs"]["column"]: set(e["kwargs"]["value_set"])
        for e in suite["expectations"]
        if e["type"] == "expect_column_values_to_be_in_set" and isinstance(e["kwargs"]["value_set"], list)
    }


def suggest_values(export: Export, kind: Kind, sources: dict[str, str | None], area_names: dict[str, str]) -> dict[str, dict[str, str]]:
    """For coded columns: each distinct answer the standard labels do not cover, with its code when an
    area name gives it, else TODO."""
    allowed = allowed_codes(kind)
    tables: dict[str, dict[str, str]] = {}
    for column, source in sources.items():
        if not source:
            continue
        distinct = pd.Series(export.frame[source].dropna().unique(), dtype="str")
        if column == "area_code":
            codes = distinct.str.strip().str.upper()
            unknown = distinct[~codes.isin(area_names.values())]
            table = {value: area_names.get(canonical_name(value), TODO) for value in unknown}
        elif column in ("ukprn", "entity_code"):
            unknown = distinct[~distinct.str.strip().str.fullmatch(r"1\d{7}|E\d{8}")]
            table = {value: TODO for value in unknown}
        elif kind.domains[column] in CODED_DOMAINS and column in allowed:
            normalised = NORMALISERS[kind.domains[column]](distinct)
            unknown = distinct[normalised.notna() & ~normalised.isin(allowed[column])]
            table = {value: guess_category(column, value) for value in unknown}
        else:
            continue
        if table:
            tables[column] = dict(sorted(table.items()))
    return tables


def guess_category(column: str, answer: str) -> str:
    words = _words(answer)
    for code, hints in CATEGORY_WORDS.get(column, {}).items():
        if any(hint in words for hint in hints):
            return code
    return TODO


def draft_mapping(export: Export, kind: Kind, file_pattern: str, area_names: dict[str, str]) -> tuple[str, list[str]]:
    """The draft's YAML text and the list of things the analyst must fill in."""
    sources = suggest_columns(export, kind)
    values = suggest_values(export, kind, sources, area_names)
    todo = [f"columns.{c}: which column (or {{value: …}}) holds it?" for c in kind.required if not sources[c]]
    todo += [f"values.{c}: code for {label!r}" for c, table in values.items() for label, code in table.items() if code == TODO]
    document = {
        "kind": kind.name,
        "files": [file_pattern],
        "columns": {c: (s if s else TODO) for c, s in sources.items() if s or c in kind.required},
        "values": values,
        "personal": [],
    }
    if export.layout.tool == "google_forms":
        document["date_order"] = "dmy"
    header = [
        f"# Draft mapping for {export.path.name} ({export.layout.tool}, {export.layout.variant}),",
        f"# written by `scorecard draft-mapping` on {dt.date.today().isoformat()}. Check every line, replace each",
        "# TODO, then move the file into mappings/ (drafts in mappings/drafts/ are not used).",
        "# columns: template column → the export's column name or question text, or {value: constant}.",
        "# values: answer as exported → template code (null = not in the base, like don't know).",
        "# personal: further columns to drop as personal data (e-mails, names, IPs are dropped anyway).",
    ]
    header += ["# Still to do:"] + [f"#   - {item}" for item in todo] if todo else ["# Nothing left unmatched."]
    return "\n".join(header) + "\n" + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=120), todo
