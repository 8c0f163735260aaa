import os
from pathlib import Path

import pytest

from conftest import DEMO_RAW
from scorecard.cli import main


def test_validate_lists_what_would_be_quarantined(capsys):
    assert main(["validate", str(DEMO_RAW / "ni7" / "ni7_2008_results.csv"), "--kind", "ni7"]) == 0
    out = capsys.readouterr().out
    assert "675 data rows — 671 would load, 3 would be quarantined, 1 are exact duplicates" in out
    assert "row 37: area_code must be the ONS code" in out and "(got 'E06999999')" in out


def test_validate_exits_1_when_the_file_would_be_rejected(capsys):
    assert main(["validate", str(DEMO_RAW / "employer_survey" / "employer_feedback_no_ukprn.csv"), "--kind", "employer_survey"]) == 1
    assert "whole file would be rejected — missing required column ukprn" in capsys.readouterr().out


def test_help_explains_the_commands(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "run" in out and "validate" in out and "examples:" in out


def test_missing_raw_folder_is_a_clear_error(tmp_path, capsys):
    assert main(["run", "--raw", str(tmp_path / "nope")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_inspect_json_is_one_object_with_the_facts(capsys):
    import json

    from conftest import TOOLS

    assert main(["inspect", str(TOOLS / "limesurvey_ni7.csv"), "--json"]) == 0
    facts = json.loads(capsys.readouterr().out)
    assert {
        k: facts[k] for k in ("tool", "encoding", "delimiter", "header_rows", "data_rows", "respondent_id_column", "not_respondents")
    } == {
        "tool": "limesurvey",
        "encoding": "utf-8-sig",
        "delimiter": ";",
        "header_rows": 1,
        "data_rows": 12,
        "respondent_id_column": "id",
        "not_respondents": 1,
    }
    assert {"name": "ipaddr", "question": "ipaddr", "personal": True} in facts["columns"]


def test_draft_mapping_matches_what_it_can_and_lists_the_rest(tmp_path, capsys):
    import yaml

    from conftest import TOOLS
    from scorecard.ingest.mapping import MappingError, parse_mapping

    output = tmp_path / "draft.yaml"
    assert (
        main(["draft-mapping", str(TOOLS / "surveymonkey_relationship_poll.csv"), "--kind", "relationship_poll", "--output", str(output)])
        == 0
    )
    out = capsys.readouterr().out
    assert "8 guess(es) to confirm, 0 item(s) to fill in" in out and "CONFIRM columns.survey_year: every response is dated 2012" in out
    draft = yaml.safe_load(output.read_text())
    assert draft["columns"]["respondent_id"] == "Respondent ID"  # named as the template names it: certain
    assert draft["columns"]["area_code"] == {"confirm": "Which local authority area does your organisation work in?"}
    assert draft["values"]["area_code"] == {"Bristol": "E06000023", "Camden": "E09000007"}  # names in the ONS reference: certain
    assert draft["values"]["side"] == {
        "Public body (council, NHS, police…)": {"confirm": "public_body"},
        "Voluntary or community organisation": {"confirm": "sector"},
    }
    with pytest.raises(MappingError, match=r"unconfirmed guesses at columns.area_code .*\{confirm: X\} → X"):
        parse_mapping(draft, output)  # a draft with guesses can't be used by mistake
    draft["columns"] = {column: source["confirm"] if isinstance(source, dict) else source for column, source in draft["columns"].items()}
    draft["values"]["side"] = {"Public body (council, NHS, police…)": "public_body", "Voluntary or community organisation": "sector"}
    draft["columns"]["survey_year"] = {"value": 2012}
    parse_mapping(draft, output)
    assert (
        main(["draft-mapping", str(TOOLS / "surveymonkey_relationship_poll.csv"), "--kind", "relationship_poll", "--output", str(output)])
        == 2
    )  # no silent overwrite


# ---- who can steer the scheduler: serve needs an API auth string, runs only allowed folders ------

SECRET = "scheduler:s3cret-never-shown"


def unused_api_url() -> str:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}/api"  # nothing listens here once closed


def serve_output(monkeypatch, capsys, *args: str, auth: str | None = None) -> tuple[int, str]:
    from prefect.settings import PREFECT_API_AUTH_STRING, temporary_settings

    monkeypatch.setenv("PREFECT_API_URL", unused_api_url())
    with temporary_settings(updates={PREFECT_API_AUTH_STRING: auth}):
        status = main(["serve", *args])
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def test_serve_refuses_to_start_without_an_api_auth_string(monkeypatch, capsys):
    status, said = serve_output(monkeypatch, capsys)
    assert status == 2
    assert "no auth string for the Prefect API is configured: set PREFECT_API_AUTH_STRING" in said and "--insecure-no-auth" in said


def test_serve_checks_the_server_wants_the_auth_string_and_never_shows_it(monkeypatch, capsys):
    status, said = serve_output(monkeypatch, capsys, auth=SECRET)
    assert status == 2 and "cannot reach the Prefect server at PREFECT_API_URL" in said
    assert "s3cret" not in said


def test_serve_insecure_no_auth_still_keeps_to_the_allowed_folders(monkeypatch, capsys, tmp_path):
    monkeypatch.delenv("SCORECARD_ALLOWED_ROOTS", raising=False)
    status, said = serve_output(monkeypatch, capsys, "--insecure-no-auth", "--raw", str(tmp_path / "raw"))
    assert status == 2
    assert f"--raw {str(tmp_path / 'raw')!r} resolves to" in said and "outside the allowed folders" in said
    assert "SCORECARD_ALLOWED_ROOTS" in said


@pytest.fixture
def roots(tmp_path):
    allowed = tmp_path / "allowed"
    (allowed / "raw").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    return allowed, tmp_path / "elsewhere"


def test_paths_inside_an_allowed_root_are_resolved(roots):
    from scorecard.paths import inside_allowed_roots

    allowed, _ = roots
    paths = {"raw_dir": allowed / "raw", "warehouse": allowed / "warehouse" / "new.duckdb", "mappings_dir": allowed / "raw" / ".." / "m"}
    assert inside_allowed_roots(paths, [allowed]) == {
        "raw_dir": (allowed / "raw").resolve(),
        "warehouse": (allowed / "warehouse" / "new.duckdb").resolve(),
        "mappings_dir": (allowed / "m").resolve(),
    }


@pytest.mark.parametrize("how", ["outside", "dot-dot", "symlink", "sibling-prefix", "nul byte"])
def test_paths_outside_every_allowed_root_are_refused_by_name(roots, how):
    from scorecard.paths import PathNotAllowed, inside_allowed_roots

    allowed, elsewhere = roots
    if how == "symlink":
        (allowed / "raw" / "exports").symlink_to(elsewhere)
    hostile = {
        "outside": elsewhere,
        "dot-dot": allowed / "raw" / ".." / ".." / "elsewhere",
        "symlink": allowed / "raw" / "exports" / "ni7",
        "sibling-prefix": Path(f"{allowed}-evil") / "raw",  # shares the root's spelling, not its folder
        "nul byte": allowed / "raw\x00",
    }[how]
    with pytest.raises(PathNotAllowed) as refused:
        inside_allowed_roots({"raw_dir": allowed / "raw", "warehouse": hostile}, [allowed])
    message = str(refused.value)
    assert message.startswith(f"warehouse {str(hostile)!r} ") and "raw_dir" not in message
    assert "\x00" not in message and f"Allowed folders: {str(allowed)!r}" in message


def test_allowed_roots_come_from_the_environment_or_default_to_the_project(tmp_path):
    from scorecard.paths import PROJECT_ROOT, PathNotAllowed, allowed_roots

    assert allowed_roots({}) == [PROJECT_ROOT]
    assert allowed_roots({"SCORECARD_ALLOWED_ROOTS": f"{tmp_path}/a{os.pathsep}{tmp_path}/b/../c"}) == [tmp_path / "a", tmp_path / "c"]
    with pytest.raises(PathNotAllowed, match="SCORECARD_ALLOWED_ROOTS must list absolute folders; not absolute: 'data'"):
        allowed_roots({"SCORECARD_ALLOWED_ROOTS": f"data{os.pathsep}{tmp_path}"})


def test_a_long_refused_path_is_cut_short_in_the_message(roots):
    from scorecard.paths import SHOWN_PATH_CHARACTERS, PathNotAllowed, inside_allowed_roots

    allowed, elsewhere = roots
    with pytest.raises(PathNotAllowed, match=f"first {SHOWN_PATH_CHARACTERS} characters shown") as refused:
        inside_allowed_roots({"raw_dir": elsewhere / ("x" * 5000)}, [allowed])
    assert "x" * 1000 not in str(refused.value)


# ---- export and status --history --------------------------------------------------------------------


@pytest.fixture
def small_warehouse(tmp_path) -> Path:
    """A warehouse with the audit schema, two marts and twelve runs a minute apart, the last one newest."""
    import datetime as dt

    from scorecard.warehouse.build import ensure_schema
    from scorecard.warehouse.connect import connect

    warehouse = tmp_path / "warehouse" / "scorecard.duckdb"
    warehouse.parent.mkdir()
    start = dt.datetime(2026, 1, 1, 2, 0, 0)
    with connect(warehouse) as con:
        ensure_schema(con)
        con.execute("CREATE SCHEMA IF NOT EXISTS marts")
        con.execute("CREATE TABLE marts.providers AS SELECT '=HYPERLINK(\"x\")' AS provider_name, -3 AS change")
        con.execute("CREATE VIEW marts.provider_names AS SELECT provider_name FROM marts.providers")
        for run in range(12):
            started = start + dt.timedelta(minutes=run)
            con.execute(
                "INSERT INTO audit.run_log VALUES (?, ?, ?, 'completed', 'raw', ?, ?, ?, ?, ?, ?, 0)",
                [f"run-{run:02}", started, started + dt.timedelta(seconds=2.5 + run), run, 12 - run, run % 2, 100 * run, run, 0],
            )
    return warehouse


def test_export_writes_the_chosen_format_and_says_what_it_did(small_warehouse, tmp_path, capsys):
    output = tmp_path / "out"
    assert main(["export", "--warehouse", str(small_warehouse), "--output", str(output), "--format", "csv"]) == 0
    assert capsys.readouterr().out == f"exported 2 marts as CSV to {output}\n"
    assert sorted(path.name for path in output.iterdir()) == ["provider_names.csv", "providers.csv"]
    assert (output / "providers.csv").read_text(encoding="utf-8-sig") == 'provider_name,change\n"\'=HYPERLINK(""x"")",-3\n'


def test_export_defaults_to_both_formats_in_exports_beside_the_warehouse(small_warehouse, capsys):
    assert main(["export", "--warehouse", str(small_warehouse)]) == 0
    exports = small_warehouse.parent / "exports"
    assert capsys.readouterr().out == f"exported 2 marts as Parquet and CSV to {exports}\n"
    assert {path.suffix for path in exports.iterdir()} == {".csv", ".parquet"}


def test_export_help_explains_formats_and_spreadsheet_safety(capsys):
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    said = " ".join(capsys.readouterr().out.split())
    assert "--format {parquet,csv,both}" in said and "byte-order mark" in said and "prefixed with '" in said
    assert "default: exports/ beside the warehouse" in said


@pytest.mark.parametrize("command", ["export", "status"])
def test_a_missing_or_unreadable_warehouse_is_a_one_line_error(tmp_path, capsys, command):
    assert main([command, "--warehouse", str(tmp_path / "none.duckdb")]) == 2
    assert capsys.readouterr().err == f"scorecard {command}: no warehouse at {tmp_path / 'none.duckdb'} (run `scorecard run` first)\n"
    damaged = tmp_path / "damaged.duckdb"
    damaged.write_bytes(b"not a database" * 100)
    assert main([command, "--warehouse", str(damaged)]) == 2
    said = capsys.readouterr().err
    assert said.startswith(f"scorecard {command}: cannot open the warehouse {damaged}: ") and said.count("\n") == 1
    assert "Traceback" not in said


def test_export_into_something_that_is_not_a_folder_is_a_clear_error(small_warehouse, tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    assert main(["export", "--warehouse", str(small_warehouse), "--output", str(blocker)]) == 2
    assert capsys.readouterr().err == f"scorecard export: {blocker} is not a folder\n"
    assert main(["export", "--warehouse", str(small_warehouse), "--output", str(blocker / "exports")]) == 2
    said = capsys.readouterr().err
    assert said.startswith(f"scorecard export: cannot write the exports to {blocker / 'exports'}: ") and "Not a directory" in said


def test_status_history_lists_the_last_runs_newest_first(small_warehouse, capsys):
    assert main(["status", "--warehouse", str(small_warehouse), "--history"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"{small_warehouse}: published ") and lines[0].endswith("the last 10 run(s), newest first")
    assert lines[1].split() == [
        "run", "id", "started", "(UTC)", "finished", "(UTC)", "seconds", "files", "loaded", "skipped", "rejected",
        "rows", "loaded", "quarantined", "duplicate", "outcome",
    ]  # fmt: skip
    assert [line.split()[0] for line in lines[2:]] == [f"run-{run:02}" for run in range(11, 1, -1)]
    assert lines[2].split() == [
        "run-11",
        "2026-01-01",
        "02:11:00",
        "2026-01-01",
        "02:11:13",
        "13.5",
        "11",
        "1",
        "1",
        "1100",
        "11",
        "0",
        "completed",
    ]


def test_status_history_n_as_json(small_warehouse, capsys):
    import json

    assert main(["status", "--warehouse", str(small_warehouse), "--history", "3", "--json"]) == 0
    facts = json.loads(capsys.readouterr().out)
    assert set(facts) == {"warehouse", "published_at", "runs"}
    assert [run["run_id"] for run in facts["runs"]] == ["run-11", "run-10", "run-09"]
    assert facts["runs"][-1] == {
        "run_id": "run-09",
        "started_at": "2026-01-01T02:09:00",
        "finished_at": "2026-01-01T02:09:11",
        "duration_seconds": 11.5,
        "files_loaded": 9,
        "files_skipped": 3,
        "files_rejected": 1,
        "rows_loaded": 900,
        "rows_quarantined": 9,
        "rows_duplicate": 0,
        "outcome": "completed",
    }


def test_status_history_needs_a_positive_count(small_warehouse, capsys):
    with pytest.raises(SystemExit):
        main(["status", "--warehouse", str(small_warehouse), "--history", "0"])
    assert "must be 1 or more" in capsys.readouterr().err
