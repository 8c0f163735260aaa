"""The mapping assistant (issue 15): drafts that never guess silently, ask for every coded answer,
read dates the way the file writes them; `validate` and `run` agreeing on the mapping."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from conftest import REAL_EXPORTS, TOOLS, write_csv
from scorecard.bounded_yaml import parse_yaml
from scorecard.cli import main
from scorecard.ingest.draft import allowed_codes, draft_mapping, next_years_pattern, unknown_answers
from scorecard.ingest.mapping import MappingError, canonical_name, find_column, load_mapping_file, parse_mapping
from scorecard.ingest.prepare import prepare_file
from scorecard.ingest.read import read_export
from scorecard.ingest.validate import Validator, suite_parameters
from scorecard.kinds import KINDS, get_kind
from scorecard.paths import MAPPINGS_DIR
from scorecard.pipeline import PlainSteps, RunOptions, run

EXPORTS = sorted(p for folder in (TOOLS, REAL_EXPORTS) for p in folder.iterdir() if p.suffix in {".csv", ".xlsx"})
SURVEY_KINDS = [k for k in KINDS if k != "assessment"]
AREAS = {"bristol": "E06000023", "camden": "E09000007"}


def draft_for(path: Path, kind: str, date_order: str | None = None):
    export = read_export(path, date_order=date_order)
    return export, draft_mapping(export, get_kind(kind), f"{kind}/{path.name}", AREAS)


def source_of(entry: object) -> object:
    return entry["confirm"] if isinstance(entry, dict) and "confirm" in entry else entry


def settled(document: dict) -> dict:
    """The draft as an analyst who accepts every guess leaves it."""
    document = dict(document)
    document["columns"] = {c: source_of(s) for c, s in document["columns"].items()}
    document["values"] = {c: {a: source_of(code) for a, code in table.items()} for c, table in document["values"].items()}
    return document


@pytest.mark.parametrize("path", EXPORTS, ids=lambda p: p.name)
def test_no_draft_maps_a_column_by_a_part_of_a_word(path):
    export = read_export(path)
    for kind in SURVEY_KINDS:
        document = parse_yaml(draft_mapping(export, get_kind(kind), f"{kind}/{path.name}", AREAS).text)
        for column, entry in document["columns"].items():
            source = source_of(entry)
            if not isinstance(source, str) or source == "TODO":
                continue
            assert source not in ("UserLanguage", "lastpage", "startlanguage"), (kind, column)
            text = re.sub(r"([a-z])([A-Z])", r"\1 \2", f"{source} {export.questions.get(source, '')}").lower()
            if entry == source:  # certain: named as the template names it, or the tool's id column
                assert find_column(export, column) == source or source == export.layout.id_column
            else:  # a guess: one of the column's words stands whole in the header or question text
                template_words = set(column.split("_")) | {"old", "describes", "provider", "college", "many", "authority", "area"}
                whole = {w for w in template_words if re.search(rf"(?<![a-z]){w[:5]}[a-z]*(?![a-z])", text)}
                assert whole, (kind, column, source)


def test_age_is_never_guessed_from_user_language_and_a_template_name_is_certain():
    _, draft = draft_for(TOOLS / "qualtrics_learner_survey.csv", "learner_survey")
    document = parse_yaml(draft.text)
    assert document["columns"]["age_band"] == {"confirm": "Q7"}
    assert '# guessed from the question text "How old are you?"' in draft.text
    assert document["columns"]["ukprn"] == "ukprn" and document["columns"]["respondent_id"] == "ResponseId"
    assert draft.loads_without_mapping and "loads without any mapping" in draft.text
    _, demo = draft_for(Path("raw/employer_survey/employer_feedback_no_ukprn.csv"), "employer_survey")
    assert parse_yaml(demo.text)["columns"]["respondent_id"] == "respondent_id"
    assert demo.todo == ["columns.ukprn: which column (or {value: …}) holds it?"]


@pytest.mark.parametrize("path", [p for p in EXPORTS if p.parent == TOOLS], ids=lambda p: p.name)
def test_every_unknown_answer_of_a_mapped_coded_column_is_listed(path):
    export = read_export(path)
    for kind_name in SURVEY_KINDS:
        kind = get_kind(kind_name)
        document = parse_yaml(draft_mapping(export, kind, f"{kind_name}/{path.name}", AREAS).text)
        for column, entry in document["columns"].items():
            source = source_of(entry)
            if not isinstance(source, str) or source == "TODO":
                continue
            unknown = unknown_answers(export, kind, column, source, allowed_codes(kind))
            if unknown is not None and len(unknown):
                assert set(unknown.index) <= set(document["values"][column]), (kind_name, column)


def test_a_limesurvey_question_group_is_asked_once_and_says_how_to_get_answer_texts():
    _, draft = draft_for(TOOLS / "limesurvey_relationship_poll_2013.csv", "relationship_poll")
    document = parse_yaml(draft.text)
    group = ["relationship_good", "relationship_improving", "views_listened_to"]
    assert [document["columns"][c] for c in group] == [
        {"confirm": "rel[good]"},
        {"confirm": "rel[improving]"},
        {"confirm": "rel[listened]"},
    ]
    assert all(document["values"][c] is document["values"]["relationship_good"] for c in group)  # one table, aliased
    assert list(document["values"]["relationship_good"]) == ["A1", "A2", "A3", "A4", "A5"]
    assert list(document["values"]["side"]) == ["A1", "A2"]
    assert len(draft.todo) == 7  # 5 answer codes of the group + 2 of side, each asked once
    assert draft.text.count("&relationship_good_answers") == 1 and draft.text.count("*relationship_good_answers") == 2
    assert '"Full answers"' in draft.text


def test_a_qualtrics_matrix_is_one_question_its_labels_asked_once():
    _, draft = draft_for(TOOLS / "qualtrics_learner_survey.csv", "learner_survey")
    values = parse_yaml(draft.text)["values"]
    assert values["confidence_before"] is values["confidence_now"]
    assert set(values["confidence_before"]) == {
        "Not at all confident",
        "Slightly confident",
        "Somewhat confident",
        "Fairly confident",
        "Very confident",
    }


def test_a_draft_with_guesses_is_refused_until_confirmed(tmp_path):
    _, draft = draft_for(TOOLS / "qualtrics_learner_survey.csv", "learner_survey")
    (tmp_path / "draft.yaml").write_text(draft.text, encoding="utf-8")
    with pytest.raises(MappingError, match=r"unconfirmed guesses at columns.age_band \('Q7'\).*\{confirm: X\} → X"):
        load_mapping_file(tmp_path / "draft.yaml")


def test_a_us_dated_google_forms_export_drafts_mdy_and_loads(capsys):
    path = TOOLS / "google_forms_employer_survey_2024-05.csv"
    assert main(["inspect", str(path)]) == 0
    assert "date order:    mdy: 10 of 20 dates (Timestamp) can only be month-first" in capsys.readouterr().out
    _, draft = draft_for(path, "employer_survey")
    document = parse_yaml(draft.text)
    assert document["date_order"] == "mdy"
    mapping = parse_mapping(settled(document), MAPPINGS_DIR / "drafts" / "google_us.yaml")
    assert mapping.columns["survey_year"] == {"value": 2024}
    validator = Validator(suite_parameters(["E06000023"], [], []), {})
    prepared = prepare_file(path, "employer_survey", f"employer_survey/{path.name}", validator, mappings=[mapping])
    assert (prepared.status, prepared.rows_loaded, prepared.rows_quarantined) == ("loaded", 20, 0)


def test_ambiguous_google_dates_are_reported_not_refused(tmp_path, capsys):
    path = write_csv(tmp_path / "gf.csv", ["Timestamp", "Which provider trained your staff?"], [["03/05/2024 10:00:00", "10001465"]])
    assert main(["inspect", str(path)]) == 0
    assert "ambiguous: none of the 1 dates (Timestamp) has a day or month above 12" in capsys.readouterr().out
    assert parse_yaml(draft_for(path, "employer_survey", "dmy")[1].text)["date_order"] == {"confirm": "dmy"}


def test_the_files_pattern_covers_next_years_export():
    assert (
        next_years_pattern("relationship_poll/limesurvey_relationship_poll_2013.csv")
        == "relationship_poll/limesurvey_relationship_poll_*.csv"
    )
    assert next_years_pattern("employer_survey/gf_2024-05.csv") == "employer_survey/gf_*.csv"
    assert next_years_pattern("ni7/survey [final].csv") == "ni7/survey [[]final]*.csv"  # brackets match themselves


def test_hostile_headers_and_answers_are_escaped_in_the_draft(tmp_path):
    header = ["id", "area\x1b[2J", "Which best describes you?\u202e"]
    path = write_csv(
        tmp_path / "h.csv", header, [["1", "Bristol", "Public body: yes # not a comment\x1b[2J"], ["2", "Camden", "x@example.org"]]
    )
    draft = draft_mapping(read_export(path), get_kind("relationship_poll"), "relationship_poll/h.csv", AREAS)
    assert "\x1b" not in draft.text and "\u202e" not in draft.text and "@example.org" not in draft.text
    document = parse_yaml(draft.text)
    assert document["values"]["side"] == {"Public body: yes # not a comment\x1b[2J": {"confirm": "public_body"}}
    assert "1 answer(s) that look like personal data are not shown" in draft.text


# ---- validate and run agree ---------------------------------------------------------------------

RUN_OUTCOMES = {  # what `run` gives these files with mappings/examples (tests/test_flow.py)
    ("ni7", "qualtrics_ni7_canonical_tags.csv"): "12 data rows — 11 would load, 1 would be quarantined",
    ("ni7", "limesurvey_ni7.csv"): "12 data rows — 11 would load, 1 would be quarantined",
    ("relationship_poll", "surveymonkey_relationship_poll.csv"): "12 data rows — 12 would load, 0 would be quarantined",
    ("learner_survey", "microsoft_forms_learner_survey.xlsx"): "12 data rows — 12 would load, 0 would be quarantined",
    ("learner_survey", "kobotoolbox_learner_survey.csv"): "12 data rows — 12 would load, 0 would be quarantined",
    ("employer_survey", "google_forms_employer_survey.csv"): "12 data rows — 12 would load, 0 would be quarantined",
}


@pytest.mark.parametrize("kind, name", list(RUN_OUTCOMES), ids=lambda v: v)
def test_validate_takes_the_mapping_run_takes_and_gives_its_outcome(tmp_path, capsys, kind, name):
    from scorecard.ingest.mapping import load_mappings, mapping_for

    (tmp_path / "raw" / kind).mkdir(parents=True)
    path = shutil.copy(TOOLS / name, tmp_path / "raw" / kind / name)
    examples = MAPPINGS_DIR / "examples"
    assert main(["validate", str(path), "--mappings", str(examples)]) == 0  # the kind from raw/<kind>/
    out = capsys.readouterr().out
    chosen = mapping_for(f"{kind}/{name}", kind, load_mappings(examples))
    assert (f"mapping {chosen.path} (its files patterns match {kind}/{name}, as in `run`)" if chosen else "no mapping in") in out
    assert RUN_OUTCOMES[(kind, name)] in out


def test_validate_warns_when_the_mapping_named_misses_the_file_and_names_a_near_miss(tmp_path, capsys):
    (tmp_path / "raw" / "ni7").mkdir(parents=True)
    path = shutil.copy(TOOLS / "limesurvey_ni7.csv", tmp_path / "raw" / "ni7" / "ls_2013.csv")
    example = MAPPINGS_DIR / "examples" / "limesurvey_ni7.yaml"
    assert main(["validate", str(path), "--mapping", str(example)]) == 0
    assert (
        "WARNING: none of its files patterns (ni7/limesurvey_*.csv) matches ni7/ls_2013.csv, so `run` would not use it"
        in capsys.readouterr().out
    )
    assert main(["validate", str(path), "--mappings", str(MAPPINGS_DIR / "examples")]) == 1
    out = capsys.readouterr().out
    assert "whole file would be rejected — missing required columns" in out
    assert f"mapping {example} fits this file's columns, but none of its files patterns (ni7/limesurvey_*.csv) matches it" in out


def test_validate_shows_translated_values_as_written(tmp_path, capsys):
    (tmp_path / "raw" / "relationship_poll").mkdir(parents=True)
    path = shutil.copy(TOOLS / "limesurvey_relationship_poll_2013.csv", tmp_path / "raw" / "relationship_poll")
    mapping = tmp_path / "poll.yaml"
    mapping.write_text(
        'kind: relationship_poll\nfiles: ["relationship_poll/limesurvey_relationship_poll_*.csv"]\n'
        "columns: {area_code: area, survey_year: {value: 2013}, relationship_good: 'rel[good]'}\n"
        "values: {side: {A1: sector, A2: somebody}, relationship_good: {A1: 5, A2: 4, A3: 3, A4: 2, A5: 1}}\n"
    )
    assert main(["validate", str(path), "--mapping", str(mapping), "--limit", "1"]) == 0
    out = capsys.readouterr().out
    assert "side must be sector or public_body (got 'somebody')" in out and "side='A2'" in out and "relationship_good='A1'" in out


def test_malformed_yaml_names_the_file_and_line(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: ni7\nfiles: [ni7/*.csv]\ncolumns:\n  area_code: area: code\n")
    assert main(["validate", str(TOOLS / "limesurvey_ni7.csv"), "--kind", "ni7", "--mapping", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}: not valid YAML, line 4, column 18: a second ': ' on this line" in err and "Traceback" not in err


def test_a_key_written_twice_is_reported():
    from scorecard.bounded_yaml import YamlSyntaxError

    with pytest.raises(YamlSyntaxError, match="line 3, column 3: 'area_code' is written twice"):
        parse_yaml("columns:\n  area_code: a\n  area_code: b\n")


def test_a_closed_pipe_ends_the_command_quietly(tmp_path):
    path = write_csv(
        tmp_path / "wide.csv",
        ["respondent_id", *(f"question {n} of a long survey: long enough to fill the pipe" for n in range(1500))],
        [["1", *["x"] * 1500]],
    )
    scorecard = Path(sys.executable).parent / "scorecard"
    result = subprocess.run(
        f"{scorecard} inspect {path} | head -1", shell=True, capture_output=True, text=True, env={**os.environ, "DO_NOT_TRACK": "1"}
    )
    assert result.stdout.strip() == str(path)
    assert result.stderr == ""


def test_panel_pack_rejects_an_entity_name_with_the_close_matches(tmp_path, capsys):
    from scorecard.warehouse.build import ensure_schema
    from scorecard.warehouse.connect import connect

    warehouse = tmp_path / "scorecard.duckdb"
    with connect(warehouse) as con:
        ensure_schema(con)
        con.execute("CREATE SCHEMA IF NOT EXISTS marts")
        con.execute(
            "CREATE TABLE marts.indicators AS SELECT 'compact_thriving_sector' AS framework, 'i1' AS indicator_id, 'x' AS indicator_text, "
            "'m' AS evidence_measure, 'Compact' AS framework_name, 1 AS position"
        )
        con.execute(
            "CREATE TABLE marts.entities AS SELECT * FROM (VALUES ('E06000023', 'Bristol, City of'), ('E09000007', 'Camden')) t(entity_code, entity_name)"
        )
    args = ["panel-pack", "--framework", "compact_thriving_sector", "--year", "2012", "--warehouse", str(warehouse)]
    assert main([*args, "--entity", "Bristol"]) == 2
    assert (
        "no entity 'Bristol' in the warehouse (give its area code or UKPRN); did you mean E06000023 (Bristol, City of)?"
        in capsys.readouterr().err
    )
    assert (
        main(
            [
                "panel-pack",
                "--framework",
                "compact_thriving_sectr",
                "--entity",
                "E06000023",
                "--year",
                "2012",
                "--warehouse",
                str(warehouse),
            ]
        )
        == 2
    )
    assert "did you mean compact_thriving_sector?" in capsys.readouterr().err
    assert not (tmp_path / "panel-packs").exists()


def test_canonical_names_still_forgive_punctuation():
    assert canonical_name("Respondent ID") == "respondent_id"


def test_run_names_the_mapping_whose_columns_fit_but_whose_pattern_missed(tmp_path):
    (tmp_path / "raw" / "ni7").mkdir(parents=True)
    shutil.copy(TOOLS / "limesurvey_ni7.csv", tmp_path / "raw" / "ni7" / "ls_2013.csv")
    warehouse = tmp_path / "warehouse" / "scorecard.duckdb"
    options = RunOptions(raw_dir=tmp_path / "raw", warehouse=warehouse, mappings_dir=MAPPINGS_DIR / "examples", settle_seconds=0)
    run(options, steps=PlainSteps(workers=1))
    with duckdb.connect(str(warehouse), read_only=True) as con:
        row = con.execute("SELECT status, message FROM audit.load_log WHERE file_path = 'ni7/ls_2013.csv'").fetchone()
    assert row is not None and row[0] == "rejected"
    assert "mapping limesurvey_ni7.yaml fits its columns but none of its files patterns (ni7/limesurvey_*.csv) matches this file" in row[1]
