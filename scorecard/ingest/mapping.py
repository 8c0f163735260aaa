"""Map an export's columns onto the canonical columns of its kind's import template.

With no mapping file, a column whose header (or, for KoboToolbox group paths, its last segment)
is the canonical name is taken, forgiving case, spacing and punctuation ("Area code" →
`area_code`), and the respondent id comes from the tool's own id column (Qualtrics ResponseId,
SurveyMonkey Respondent ID, Microsoft Forms ID, LimeSurvey id, KoboToolbox _uuid, the derived
Google Forms id). A mapping file (mappings/*.yaml) names the source of any other column — by
export tag, header or question text — or a constant, and translates the instrument's answer labels
into the template's codes. Columns outside the template are dropped here, before anything is stored.
A draft (scorecard draft-mapping) marks what it could not find as TODO and each guess as
`{confirm: …}`; a mapping holding either is refused until the analyst has settled it.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pandas as pd
import yaml

from scorecard.bounded_yaml import YamlRefused, YamlSyntaxError, load_yaml
from scorecard.ingest.normalise import label_key, trim
from scorecard.ingest.read import Export
from scorecard.kinds import KINDS, Kind

ANSWER_DOMAINS = {"influence", "agreement", "scale"}
# Qualtrics numeric exports recode "no basis for evaluation" / "don't know" / "not applicable" as negatives.
QUALTRICS_NOT_IN_BASE = {"-1", "-2", "-99"}
DATE_ORDERS = {"dmy", "mdy"}
TODO = "TODO"
CONFIRM = "confirm"  # a draft's guess: {confirm: source}, to be replaced by the source once checked


class RejectedFile(Exception):
    """The file as a whole cannot be loaded as this kind (e.g. a required column is missing)."""


class MappingError(ValueError):
    """A mapping file is malformed; the message names the file and the problem."""


@dataclass
class Mapping:
    path: Path
    kind: str
    files: list[str]
    columns: dict[str, object] = field(default_factory=dict)  # canonical → source name/question, or {value: …}
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # canonical → {answer as exported: code}
    personal: list[str] = field(default_factory=list)
    date_order: str | None = None
    postcode_lsoa: tuple[str, Path] | None = None  # (postcode column, lookup CSV)

    def read_options(self) -> dict:
        return {"personal": tuple(self.personal), "date_order": self.date_order, "postcode_lsoa": self.postcode_lsoa}

    def applies_to(self, file_path: str) -> bool:
        return any(fnmatch.fnmatch(file_path, pattern) for pattern in self.files)


@dataclass
class Mapped:
    frame: pd.DataFrame  # canonical columns only, in template order, original text values
    sources: dict[str, str] = field(default_factory=dict)  # canonical column → where it came from
    dropped_columns: list[str] = field(default_factory=list)


def canonical_name(header: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", str(header).strip().lower()).strip("_")


# ---- mapping files ----------------------------------------------------------------------------


def parse_mapping(document: object, path: Path) -> Mapping:
    def fail(message: str) -> MappingError:
        return MappingError(f"{path}: {message}")

    if not isinstance(document, dict):
        raise fail("expected a mapping with kind, files and columns")
    kind = document.get("kind")
    if kind not in KINDS:
        raise fail(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    files = document.get("files")
    if not isinstance(files, list) or not files or not all(isinstance(p, str) for p in files):
        raise fail("files must be a list of patterns relative to raw/, e.g. ['ni7/ni7_2012_*.csv']")
    template = set(KINDS[kind].columns)
    columns = document.get("columns") or {}
    values = document.get("values") or {}
    for section, entries in (("columns", columns), ("values", values)):
        if not isinstance(entries, dict):
            raise fail(f"{section} must map template columns to sources")
        unknown = set(entries) - template
        if unknown:
            raise fail(f"{section}: {', '.join(sorted(unknown))} not in the {kind} template ({', '.join(KINDS[kind].columns)})")
    unsettled = unsettled_entries(columns, values, document.get("date_order"))
    if unsettled:
        raise fail(unsettled)
    for column, source in columns.items():
        if not (isinstance(source, str) or (isinstance(source, dict) and set(source) in ({"value"}, {"column"}))):
            raise fail(f"columns.{column}: give the source column's name or question text, {{column: …}} or {{value: …}}")
    for column, table in values.items():
        if not isinstance(table, dict):
            raise fail(f"values.{column}: map each answer as exported to its code")
    date_order = document.get("date_order")
    if date_order is not None and date_order not in DATE_ORDERS:
        raise fail("date_order must be dmy (UK) or mdy")
    postcodes = document.get("postcode_lsoa")
    if postcodes is not None:
        if not isinstance(postcodes, dict) or set(postcodes) != {"column", "lookup"}:
            raise fail("postcode_lsoa needs `column` (the postcode column) and `lookup` (a CSV with pcds and lsoa11)")
        lookup = (path.parent / postcodes["lookup"]).resolve()
        if not lookup.is_file():
            raise fail(f"postcode_lsoa.lookup: no file {lookup}")
        postcodes = (str(postcodes["column"]), lookup)
    return Mapping(
        path=path,
        kind=kind,
        files=files,
        columns=columns,
        values={column: {str(k): ("" if v is None else str(v)) for k, v in table.items()} for column, table in values.items()},
        personal=[str(name) for name in document.get("personal") or []],
        date_order=date_order,
        postcode_lsoa=postcodes,
    )


def is_guess(entry: object) -> bool:
    return isinstance(entry, dict) and set(entry) == {CONFIRM}


def unsettled_entries(columns: dict, values: dict, date_order: object) -> str:
    """What a draft still asks of the analyst (empty when nothing): each TODO and each {confirm: …}."""
    todo = [f"columns.{c}" for c, source in columns.items() if source in (None, TODO)]
    todo += [f"values.{c}.{k}" for c, table in values.items() if isinstance(table, dict) for k, v in table.items() if v == TODO]
    guesses = [f"columns.{c} ({source[CONFIRM]!r})" for c, source in columns.items() if is_guess(source)]
    guesses += [
        f"values.{c}.{k} ({v[CONFIRM]!r})"
        for c, table in values.items()
        if isinstance(table, dict)
        for k, v in table.items()
        if is_guess(v)
    ]
    if is_guess(date_order):
        guesses.append(f"date_order ({date_order[CONFIRM]!r})")  # type: ignore[index]
    if date_order == TODO:
        todo.append("date_order")
    problems = []
    if todo:
        problems.append(f"unfinished draft: replace the TODO at {', '.join(todo)}")
    if guesses:
        problems.append(
            f"unconfirmed guess{'es' if len(guesses) > 1 else ''} at {', '.join(guesses)}: check each against the export "
            "(scorecard inspect FILE); where it is right write the value alone ({confirm: X} → X), else put the right one"
        )
    return "; ".join(problems)


def load_mapping_file(path: Path) -> Mapping:
    """One mapping file, read within the YAML limits (scorecard/limits.py)."""
    try:
        document = load_yaml(path)
    except YamlRefused as error:
        raise MappingError(f"{path}: {error}") from None
    except YamlSyntaxError as error:
        raise MappingError(f"{path}: not valid YAML, {error}") from None
    except yaml.YAMLError as error:
        raise MappingError(f"{path}: not valid YAML: {error}") from None
    return parse_mapping(document, path)


def load_mappings(directory: Path) -> list[Mapping]:
    paths = sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml")) if directory.is_dir() else []
    return [load_mapping_file(path) for path in paths]


def mapping_for(file_path: str, kind: str, mappings: list[Mapping]) -> Mapping | None:
    """The one mapping whose `files` patterns match this file (relative to raw/)."""
    matches = [mapping for mapping in mappings if mapping.applies_to(file_path)]
    if len(matches) > 1:
        raise RejectedFile(f"matched by several mappings: {', '.join(str(m.path.name) for m in matches)}")
    if matches and matches[0].kind != kind:
        raise RejectedFile(f"mapping {matches[0].path.name} is for kind {matches[0].kind!r}, but the file is in {kind}/")
    return matches[0] if matches else None


def raw_file_path(path: Path, kind: str | None) -> tuple[str | None, str]:
    """The kind and the name `run` gives a file (relative to raw/: `<kind>/…`): both from the
    nearest folder named after a kind (raw/ni7/2012/x.csv → ni7, ni7/2012/x.csv); otherwise
    `<kind>/<file name>` for the kind given. A kind given that differs from the folder's wins."""
    parents = path.resolve().parents
    for depth, folder in enumerate(parents):
        if folder.name in KINDS and (kind is None or folder.name == kind):
            return folder.name, "/".join([folder.name, *(parent.name for parent in reversed(parents[:depth])), path.name])
    return kind, f"{kind}/{path.name}"


def mappings_missing_the_file(export: ColumnSource, kind: Kind, file_path: str, mappings: Sequence[Mapping]) -> list[Mapping]:
    """Mappings of this kind whose column references all fit this export although none of their
    `files` patterns matches it: the likely reason a file is rejected for missing columns."""
    fitting = []
    for mapping in mappings:
        if mapping.kind != kind.name or mapping.applies_to(file_path):
            continue
        given = [source.get("column") if isinstance(source, dict) else source for source in mapping.columns.values()]
        references = [str(reference) for reference in given if reference is not None]  # constants fit any file
        try:
            if references and all(find_column(export, reference) for reference in references):
                fitting.append(mapping)
        except RejectedFile:  # a reference matching several columns does not fit this file
            continue
    return fitting


# ---- resolving columns ------------------------------------------------------------------------


class ColumnSource(Protocol):
    """An export's columns as mapping sees them: names in file order and their question texts."""

    @property
    def names(self) -> list[str]: ...

    @property
    def questions(self) -> dict[str, str]: ...


@dataclass(frozen=True)
class Source:
    """Where a template column comes from: an export column, or a constant given by the mapping."""

    column: str | None = None
    constant: str | None = None

    def describe(self) -> str:
        return self.column if self.column is not None else f"constant {self.constant!r}"


def find_column(export: ColumnSource, reference: str) -> str | None:
    """A column by exact name, else by canonical name, question text or last path segment."""
    names = export.names
    if reference in names:
        return reference
    wanted = canonical_name(reference)
    questions = export.questions
    for candidates in (
        [n for n in names if canonical_name(n) == wanted],
        [n for n in names if canonical_name(questions.get(n, "")) == wanted],
        [n for n in names if "/" in n and canonical_name(n.rsplit("/", 1)[1]) == wanted],
    ):
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            raise RejectedFile(f"{reference!r} matches several columns: {', '.join(candidates)}")
    return None


def resolve_columns(
    export: ColumnSource,
    id_column: str | None,
    personal_dropped: list[str],
    kind: Kind,
    mapping: Mapping | None = None,
    file_path: str = "",
    other_mappings: Sequence[Mapping] = (),
) -> dict[str, Source]:
    """Template column → its source in this export. Raises RejectedFile when a required column has
    none or the mapping names a column the export does not have; with no mapping, that rejection
    names any of `other_mappings` whose columns fit the file (`file_path`) but whose patterns missed."""
    sources: dict[str, Source] = {}
    spec = mapping.columns if mapping else {}
    for column in kind.columns:
        given = spec.get(column)
        if isinstance(given, dict) and "value" in given:
            sources[column] = Source(constant=str(given["value"]))
            continue
        reference = given["column"] if isinstance(given, dict) else given
        name = find_column(export, str(reference)) if reference is not None else find_column(export, column)
        if name is None and reference is None and column == "respondent_id":
            name = id_column if id_column in export.names else None
        if name is None and reference is not None:
            assert mapping is not None
            if reference in personal_dropped:
                raise RejectedFile(f"mapping {mapping.path.name}: {column} → {reference!r} is personal data, which is never stored")
            raise RejectedFile(f"mapping {mapping.path.name}: {column} → {reference!r} is not a column or question of this file")
        if name is not None:
            sources[column] = Source(column=name)
    missing = [column for column in kind.required if column not in sources]
    if missing:
        missed_by = mappings_missing_the_file(export, kind, file_path, other_mappings) if mapping is None else []
        if missed_by:
            hint = "; " + "; ".join(
                f"mapping {m.path.name} fits its columns but none of its files patterns ({', '.join(m.files)}) matches this file: "
                "add a pattern that does"
                for m in missed_by
            )
        else:
            hint = "" if mapping else " (add a mapping file for this instrument: scorecard draft-mapping FILE --kind KIND)"
        raise RejectedFile(
            f"missing required column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"for kind {kind.name!r} (required: {', '.join(kind.required)}){hint}"
        )
    return sources


def dropped_columns(export: ColumnSource, sources: dict[str, Source]) -> list[str]:
    """Export columns no template column comes from: not stored."""
    used = {source.column for source in sources.values()}
    return [name for name in export.names if name not in used]


def translates(column: str, kind: Kind, tool: str, mapping: Mapping | None) -> bool:
    """Whether `translate_values` may change this column's values."""
    return bool(mapping and column in mapping.values) or (
        tool == "qualtrics" and kind.name != "assessment" and kind.domains[column] in ANSWER_DOMAINS
    )


def translate_values(values: pd.Series, column: str, kind: Kind, tool: str, mapping: Mapping | None) -> pd.Series:
    """The instrument's own answer labels → template codes (from the mapping), and the tool's
    not-in-base codes → missing. Anything else is left for normalisation and validation. Value by
    value, so the nightly run applies it once per distinct value."""
    table = mapping.values.get(column) if mapping else None
    if table:
        lookup = dict(zip(label_key(pd.Series(list(table), dtype="str")).str.strip(), table.values(), strict=True))
        keys = label_key(trim(values)).str.strip()
        translated = keys.map(lookup)
        values = translated.where(translated.notna() | keys.isna(), values).mask(translated == "")
    if tool == "qualtrics" and kind.name != "assessment" and kind.domains[column] in ANSWER_DOMAINS:
        values = values.mask(trim(values).isin(QUALTRICS_NOT_IN_BASE))
    return values


def map_columns(export: Export, kind: Kind, mapping: Mapping | None = None) -> Mapped:
    """One export held in memory, mapped onto the template (for checking a single file)."""
    frame = export.frame
    sources = resolve_columns(export, export.layout.id_column, export.personal_dropped, kind, mapping)
    mapped = pd.DataFrame(index=frame.index)
    for column in kind.columns:
        source = sources.get(column)
        if source is None:
            values = pd.Series(pd.NA, index=frame.index, dtype="str")
        elif source.column is None:
            values = pd.Series(source.constant, index=frame.index, dtype="str")
        else:
            values = frame[source.column].astype("str")
        mapped[column] = translate_values(values, column, kind, export.layout.tool, mapping)
    return Mapped(
        frame=mapped,
        sources={column: source.describe() for column, source in sources.items()},
        dropped_columns=dropped_columns(export, sources),
    )
