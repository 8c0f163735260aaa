"""Describe an export (`scorecard inspect`) and draft a mapping for a new instrument
(`scorecard draft-mapping`).

A draft never guesses silently. A template column is taken with full confidence only when the
export names it as the template does (or it is the tool's respondent id): what `run` would take
with no mapping. Anything else is a guess from whole words of the column's name or question text
matched against a small table of synonyms (never a part of a word: "age" is not in "UserLanguage"),
written as `{confirm: …}` with its evidence in a comment; `run` and `validate` refuse the mapping
until each guess is confirmed. For each mapped column with coded answers, every distinct answer the
template does not know is listed for the analyst (a question group's answers once, for all its
sub-questions). Only distinct values and the first rows of a column are looked at.
"""

from __future__ import annotations

import datetime as dt
import glob
import json
import re
from dataclasses import dataclass, field

import pandas as pd

from scorecard.bounded_yaml import parse_yaml, yaml_scalar
from scorecard.ingest.layouts import DateOrder, detect_date_order
from scorecard.ingest.mapping import CONFIRM, TODO, RejectedFile, canonical_name, find_column, resolve_columns
from scorecard.ingest.normalise import NORMALISERS
from scorecard.ingest.personal import PERSONAL_VALUE_PATTERN
from scorecard.ingest.read import Export
from scorecard.kinds import Kind
from scorecard.paths import EXPECTATIONS_DIR

# Per template column, phrases that suggest it: a phrase fits when each of its words is a whole
# word of the column's name or question text (plurals folded). First phrase that fits a column wins.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "respondent_id": ("respondent id", "response id", "record id", "respondent"),
    "area_code": ("area code", "local authority", "council area", "borough", "la code", "area"),
    "survey_year": ("survey year", "academic year", "year"),
    "influence": ("influence", "statutory bodies"),
    "weight": ("weight", "weighting"),
    "org_type": ("organisation type", "type organisation", "organization type"),
    "income_band": ("income", "turnover"),
    "funding_satisfaction": ("funding satisfaction", "satisfied funding", "satisfaction funding"),
    "side": ("describes you", "describes organisation", "side"),
    "relationship_good": ("relationship good", "relation good", "good"),
    "relationship_improving": ("relationship improving", "relation improving", "improving"),
    "views_listened_to": ("view listened", "listened"),
    "independence_respected": ("independence",),
    "funding_fair": ("funding fair", "fair funding"),
    "partner_body": ("partner",),
    "ukprn": ("ukprn", "provider", "college"),
    "overall_satisfaction": ("overall satisfaction", "overall satisfied", "satisfaction", "satisfied"),
    "recommend": ("recommend",),
    "teaching": ("teaching",),
    "support": ("support",),
    "home_lsoa": ("lsoa",),
    "age_band": ("age band", "age group", "how old", "age"),
    "confidence_before": ("confident before", "confidence before"),
    "confidence_now": ("confident now", "confidence now"),
    "skills_before": ("skill before",),
    "skills_now": ("skill now",),
    "employer_size": ("how many people", "how many employee", "employer size", "number employee", "size"),
    "sector": ("industry", "sector"),
}
CODED_DOMAINS = {"influence", "agreement", "scale", "category"}
# Answer words that suggest a category code (first code with a word in the answer wins).
CATEGORY_WORDS = {
    "side": {"public_body": ("public", "council", "statutory"), "sector": ("voluntary", "community", "charity", "charitable", "sector")},
    "assessor": {"public_body": ("public",), "sector": ("voluntary", "community", "sector"), "agreed": ("agreed", "panel")},
}
LISTED_ANSWERS = 40  # distinct answers listed per question; more is free text, not a coded question
ANSWER_CODE = re.compile(r"[A-Za-z]{0,3}\d{1,4}")  # LimeSurvey answer codes: A1, A2 … or SQ001
LIMESURVEY_ANSWER_TEXTS = (
    "these are LimeSurvey answer codes, and this export has no answer texts: export the responses again with "
    '"Full answers" (Responses → Export → Export results) and draft from that file, or look each code up in the '
    "survey structure (Display/Export → Tab Separated Values: an answer's `name` is its code, `text` its wording)"
)


def describe(export: Export, mapping_path: str | None = None) -> dict:
    """What `scorecard inspect --json` prints: one JSON-ready object."""
    dates = date_order_of(export)
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
        "date_order": {"order": dates.order, "columns": list(dates.columns), "evidence": dates.evidence} if dates else None,
        "columns": [{"name": c.name, "question": c.question, "personal": c.name in export.personal_dropped} for c in export.layout.columns],
    }


def date_order_of(export: Export) -> DateOrder | None:
    """The order of the export's dates. Google Forms timestamps are rewritten as ISO on reading,
    so theirs are read again as written (the first column only)."""
    if export.layout.tool != "google_forms":
        return detect_date_order(export.frame)
    written = pd.read_csv(
        export.path, usecols=[0], dtype="str", encoding=export.encoding, sep=export.delimiter, keep_default_na=False, na_values=[""]
    )
    return detect_date_order(written)


# ---- which export column holds each template column -------------------------------------------


def words(text: str) -> set[str]:
    """Whole words, lower case, camelCase split, a plural 's' folded: "UserLanguage" → {user, language}."""
    split = re.sub(r"([a-z])([A-Z])", r"\1 \2", text).lower()
    return {w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in re.split(r"[^0-9a-z]+", split) if w}


@dataclass(frozen=True)
class Guess:
    """Where a template column is in the export: `source` (a column name), whether that is certain
    (`full`), and the evidence in words (written as a comment in the draft)."""

    source: str
    full: bool
    evidence: str


def question_groups(export: Export) -> dict[str, str]:
    """Column → its question group's stem, for sub-questions that share one question: LimeSurvey
    `q[SQ001]`, Qualtrics `Q5_1`, SurveyMonkey `Question - Option`. Groups of one are not groups."""
    tool = export.layout.tool
    stems: dict[str, str] = {}
    for name in export.names:
        sub_question = re.fullmatch(r"(.+)\[[^\]]+\]", name) or (tool == "qualtrics" and re.fullmatch(r"(.+)_\d+", name))
        if sub_question:
            stems[name] = sub_question[1]
        elif tool == "surveymonkey" and " - " in name:
            stems[name] = name.rsplit(" - ", 1)[0]
    sizes = pd.Series(list(stems.values()), dtype="str").value_counts()
    return {name: stem for name, stem in stems.items() if sizes[stem] > 1}


def suggest_columns(export: Export, kind: Kind) -> dict[str, Guess]:
    """Template column → where it most likely is. Full confidence for a column named as the template
    names it (or the tool's id column); otherwise whole-word synonyms of its name or question text."""
    questions = export.questions
    guesses: dict[str, Guess] = {}
    for column in kind.columns:
        name = find_column(export, column)
        if name is not None:
            guesses[column] = Guess(name, True, "named as the template names it")
        elif column == "respondent_id" and export.layout.id_column in export.names:
            guesses[column] = Guess(export.layout.id_column, True, f"the {export.layout.tool} respondent id column")
    taken = {guess.source for guess in guesses.values()} | {export.layout.id_column}
    column_words = {n: (words(n), words(questions.get(n, n))) for n in export.names if n not in taken}
    for column in kind.columns:
        if column in guesses:
            continue
        for phrase in SYNONYMS.get(column, ()):
            wanted = words(phrase)
            fits = [n for n, (in_name, in_question) in column_words.items() if n not in taken and wanted <= in_name | in_question]
            if fits:
                name = fits[0]
                in_name = wanted <= column_words[name][0]
                text = name if in_name else questions[name]
                where = "header" if questions.get(name, name) == name else "column name" if in_name else "question text"
                evidence = f"guessed from the {where}" + ("" if where == "header" else f" {yaml_scalar(text, quoted=True)}")
                evidence += f" (words: {phrase})"
                if len(fits) > 1:
                    evidence += f"; {len(fits) - 1} other column(s) fit too: {', '.join(yaml_scalar(n, quoted=True) for n in fits[1:4])}"
                guesses[column] = Guess(name, False, evidence)
                taken.add(name)
                break
    return guesses


# ---- answers the template does not know -------------------------------------------------------


def allowed_codes(kind: Kind) -> dict[str, set[str]]:
    """Column → the codes its expectation suite accepts (in-set rules with a literal list)."""
    suite = json.loads((EXPECTATIONS_DIR / f"{kind.name}.json").read_text(encoding="utf-8"))
    return {
        e["kwargs"]["column"]: set(e["kwargs"]["value_set"])
        for e in suite["expectations"]
        if e["type"] == "expect_column_values_to_be_in_set" and isinstance(e["kwargs"]["value_set"], list)
    }


@dataclass
class AnswerTable:
    """The answers of one question (or one question group) the template does not know: answer →
    (code or TODO or {confirm: code}, how many responses gave it), for `columns` (template columns)."""

    columns: list[str]
    sources: list[str]
    answers: dict[str, tuple[object, int]] = field(default_factory=dict)
    not_listed: int = 0  # more distinct answers than LISTED_ANSWERS
    personal: int = 0  # answers that look like personal data: never written into a draft
    note: str = ""


def natural_key(text: str) -> list:
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", text)]


def unknown_answers(export: Export, kind: Kind, column: str, source: str, allowed: dict[str, set[str]]) -> pd.Series | None:
    """Count per distinct answer of `source` that template column `column` would not accept as it
    is (None when the column is not coded)."""
    counts = export.frame[source].dropna().str.strip().replace("", pd.NA).dropna().value_counts()
    answers = pd.Series(counts.index, dtype="str")
    domain = kind.domains[column]
    if domain == "area":
        unknown = ~answers.str.upper().str.fullmatch(r"E\d{8}")
    elif column in ("ukprn", "entity_code"):
        unknown = ~answers.str.fullmatch(r"1\d{7}|E\d{8}")
    elif domain in CODED_DOMAINS and column in allowed:
        normalised = NORMALISERS[domain](answers)
        unknown = normalised.notna() & ~normalised.isin(allowed[column])
    else:
        return None
    return counts[unknown.to_numpy()]


def suggest_values(export: Export, kind: Kind, guesses: dict[str, Guess], area_names: dict[str, str]) -> list[AnswerTable]:
    """One table per coded question (a question group's sub-questions of one domain share one)."""
    allowed = allowed_codes(kind)
    groups = question_groups(export)
    tables: dict[tuple[str, str], AnswerTable] = {}
    for column, guess in guesses.items():
        counts = unknown_answers(export, kind, column, guess.source, allowed)
        if counts is None or counts.empty:
            continue
        key = (groups.get(guess.source, guess.source), kind.domains[column])
        table = tables.setdefault(key, AnswerTable([], []))
        table.columns.append(column)
        table.sources.append(guess.source)
        for answer, count in counts.items():
            _, before = table.answers.get(str(answer), (None, 0))
            table.answers[str(answer)] = (None, before + int(count))
    for table in tables.values():
        column = table.columns[0]
        answers = sorted(table.answers, key=natural_key)
        personal = pd.Series(answers, dtype="str").str.contains(PERSONAL_VALUE_PATTERN, regex=True).to_numpy()
        table.personal = int(personal.sum())
        kept = [answer for answer, masked in zip(answers, personal, strict=True) if not masked]
        table.not_listed = max(0, len(kept) - LISTED_ANSWERS)
        table.answers = {
            answer: (answer_code(kind, column, answer, area_names), table.answers[answer][1]) for answer in kept[:LISTED_ANSWERS]
        }
        if export.layout.tool == "limesurvey" and all(ANSWER_CODE.fullmatch(answer) for answer in table.answers):
            table.note = LIMESURVEY_ANSWER_TEXTS
    return list(tables.values())


def answer_code(kind: Kind, column: str, answer: str, area_names: dict[str, str]) -> object:
    """An area's name → its ONS code (certain); a category answer's words → {confirm: code}; else TODO."""
    if kind.domains[column] == "area":
        return area_names.get(canonical_name(answer), TODO)
    answer_words = words(answer)
    for code, hints in CATEGORY_WORDS.get(column, {}).items():
        if answer_words & set(hints):
            return {CONFIRM: code}
    return TODO


# ---- the draft ---------------------------------------------------------------------------------


def next_years_pattern(file_path: str) -> str:
    """A `files` pattern for this export and later ones of the same instrument: below the kind's
    folder, every run of digits (a year, a date, a number) becomes `*`; a name without digits
    gets `*` before its extension."""
    kind, _, rest = file_path.partition("/")
    stem, dot, suffix = rest.rpartition(".") if "." in rest.rsplit("/", 1)[-1] else (rest, "", "")
    pattern = re.sub(r"\d+(?:[-_. ]\d+)*", "*", glob.escape(stem))
    if "*" not in pattern.replace("[*]", ""):
        pattern += "*"
    return f"{kind}/{pattern}{dot}{glob.escape(suffix)}"


@dataclass
class Draft:
    text: str  # the YAML, with comments
    todo: list[str]  # what the analyst must fill in
    confirm: list[str]  # guesses the analyst must confirm
    files_pattern: str
    date_order: DateOrder | None
    loads_without_mapping: bool  # the file's required columns are already named as the template's


def survey_year_guess(dates: DateOrder | None) -> Guess | None:
    if dates is None or dates.order in ("mixed", "ambiguous") or len(dates.years) != 1:
        return None
    year = dates.years[0]
    return Guess(
        str(year),
        False,
        f"every response is dated {year} ({', '.join(dates.columns)}); for an academic year write e.g. {year - 1}/{year % 100:02d}",
    )


def draft_mapping(export: Export, kind: Kind, file_path: str, area_names: dict[str, str]) -> Draft:
    """The draft mapping for `export` (named `file_path` under raw/) as YAML text with comments, and
    what is left for the analyst to fill in and to confirm."""
    guesses = suggest_columns(export, kind)
    dates = date_order_of(export)
    year = survey_year_guess(dates) if "survey_year" in kind.columns and "survey_year" not in guesses else None
    tables = suggest_values(export, kind, guesses, area_names)
    pattern = next_years_pattern(file_path)
    document: dict[str, object] = {"kind": kind.name, "files": [pattern]}
    lines = [f"kind: {kind.name}", f"files: [{yaml_scalar(pattern, in_flow=True)}]   # this export and later ones named like it"]
    todo: list[str] = []
    confirm: list[str] = []
    if export.layout.tool == "google_forms":
        order, comment = date_order_entry(dates)
        document["date_order"] = order
        if order == TODO:
            todo.append(f"date_order: {comment}")
        elif isinstance(order, dict):
            confirm.append(f"date_order: {comment}")
        lines.append(f"date_order: {flow(order)}   # {comment}")

    columns: dict[str, object] = {}
    lines.append("columns:   # template column → the export's column (its name or question text), or {value: constant}")
    for column in kind.columns:
        guess = guesses.get(column)
        if guess is None and column == "survey_year" and year is not None:
            entry: object = {CONFIRM: {"value": int(year.source)}}
            confirm.append(f"columns.survey_year: {year.evidence}")
            lines.append(f"  survey_year: {flow(entry)}   # {year.evidence}")
        elif guess is None:
            if column not in kind.required:
                continue
            entry = TODO
            todo.append(f"columns.{column}: which column (or {{value: …}}) holds it?")
            lines.append(f"  {column}: {TODO}   # required: not found in the export")
        elif guess.full:
            entry = guess.source
            lines.append(f"  {column}: {yaml_scalar(guess.source)}   # {guess.evidence}")
        else:
            entry = {CONFIRM: guess.source}
            confirm.append(f"columns.{column} → {yaml_scalar(guess.source, quoted=True)}: {guess.evidence}")
            lines.append(f"  {column}: {flow(entry)}   # {guess.evidence}: confirm")
        columns[column] = entry
    document["columns"] = columns
    missing_optional = [c for c in kind.optional if c not in columns]
    if missing_optional:
        lines.append(f"  # not found (optional, add any the export has): {', '.join(missing_optional)}")

    values: dict[str, object] = {}
    lines.append("values:   # per template column: answer as exported → template code (null = not in the base, like don't know)")
    for table in tables:
        anchor = f"{table.columns[0]}_answers"
        sources = ", ".join(yaml_scalar(s, quoted=True) for s in table.sources)
        question = export.questions.get(table.sources[0], table.sources[0])
        if len(table.columns) > 1:
            lines.append(f"  # {sources}: one question group, its answers asked once for {', '.join(table.columns)}")
        if question != table.sources[0]:
            lines.append(f"  # question: {yaml_scalar(question, quoted=True)}")
        if table.note:
            lines.append(f"  # {table.note}")
        lines.append(f"  {table.columns[0]}:" + (f" &{anchor}" if len(table.columns) > 1 else ""))
        answers: dict[str, object] = {}
        for answer, (code, count) in table.answers.items():
            answers[answer] = code
            label = yaml_scalar(answer, quoted=True)
            if code == TODO:
                todo.append(
                    f"values.{table.columns[0]}: code for {label}"
                    + (f" (also {', '.join(table.columns[1:])})" if len(table.columns) > 1 else "")
                )
            elif isinstance(code, dict):
                confirm.append(f"values.{table.columns[0]}: {label} → {code[CONFIRM]}")
            lines.append(
                f"    {yaml_scalar(answer)}: {flow(code)}   # {count} response(s)" + (": confirm" if isinstance(code, dict) else "")
            )
        if table.personal:
            lines.append(f"    # {table.personal} answer(s) that look like personal data are not shown")
        if table.not_listed:
            lines.append(f"    # … and {table.not_listed} more distinct answers: a free-text question? map only coded questions")
        for column in table.columns:
            values[column] = answers
        lines += [f"  {column}: *{anchor}" for column in table.columns[1:]]
    if not tables:
        lines[-1] = "values: {}   # no answers the template does not already know"
    document["values"] = values
    document["personal"] = []
    lines.append("personal: []   # more columns to drop as personal data (e-mails, names, IPs are dropped anyway)")

    try:
        loads_without_mapping = bool(resolve_columns(export, export.layout.id_column, export.personal_dropped, kind))
    except RejectedFile:
        loads_without_mapping = False
    header = [
        f"# Draft mapping for {yaml_scalar(export.path.name, quoted=True)} ({export.layout.tool}, {export.layout.variant}),",
        f"# written by `scorecard draft-mapping` on {dt.date.today().isoformat()}. Check every line: replace each",
        "# TODO, and where a guess {confirm: X} is right write X alone, else the right value; then move the",
        "# file into mappings/ (drafts in mappings/drafts/ are not used). `run` and `validate` refuse it until then.",
    ]
    if loads_without_mapping:
        header.append("# This export loads without any mapping: keep this one only for what it adds (optional columns, answers).")
    header.append(f"# {len(confirm)} guess(es) to confirm, {len(todo)} item(s) to fill in.")
    text = "\n".join(header + lines) + "\n"
    if parse_yaml(text) != document:  # the comments and escaping must not change what the draft says
        raise AssertionError(f"draft for {export.path.name} does not read back as written")
    return Draft(text, todo, confirm, pattern, dates, loads_without_mapping)


def flow(entry: object) -> str:
    """A column source, code or guess on one line: X, TODO, {confirm: X} or {confirm: {value: X}}."""
    if isinstance(entry, dict):
        return "{" + ", ".join(f"{key}: {flow(value)}" for key, value in entry.items()) + "}"
    return yaml_scalar(entry, in_flow=True)  # type: ignore[arg-type]


def date_order_entry(dates: DateOrder | None) -> tuple[object, str]:
    """The draft's date_order for a Google Forms export, and why."""
    if dates is None:
        return TODO, "no dates found: dmy (UK) or mdy?"
    if dates.order in ("dmy", "mdy"):
        return dates.order, dates.evidence
    if dates.order == "ambiguous":
        return {CONFIRM: "dmy"}, f"{dates.evidence}; dmy is the UK default"
    return TODO, f"{dates.evidence}: export the sheet again in one locale, then dmy (UK) or mdy"
