"""What is read from raw/: only files inside it, each once; links leading out, links that loop,
named pipes and dangling links are never opened, and each is reported with its reason."""

from __future__ import annotations

import errno
import os
import threading
from pathlib import Path

import duckdb
import pytest

from scorecard.cli import main
from scorecard.ingest.discover import LINK_DANGLING, LINK_LOOP, LINK_OUTSIDE, SourceFile, discover_files, plan_work, printable_name
from scorecard.kinds import KINDS
from scorecard.pipeline import RunOptions, RunSummary, run
from scorecard.publish.status import warehouse_status

HEADER = "respondent_id,area_code,survey_year,influence\n"
INSIDE = HEADER + "1,E06000023,2010,1\n2,E06000023,2010,2\n"
OUTSIDE = HEADER + "77,E06000023,2010,3\n"
HOSTILE_LINK = "evil\x1b[2J\u202e.csv"  # clears a terminal, then reverses the text shown after it


def hostile_raw(root: Path) -> Path:
    """raw/ with one real export and every kind of entry that must not be read (or read twice)."""
    (root / "outside" / "folder").mkdir(parents=True)
    (root / "outside" / "secret.csv").write_text(OUTSIDE)
    (root / "outside" / "folder" / "more.csv").write_text(OUTSIDE)
    ni7 = root / "raw" / "ni7"
    ni7.mkdir(parents=True)
    (ni7 / "real.csv").write_text(INSIDE)
    (ni7 / "to_outside.csv").symlink_to(root / "outside" / "secret.csv")
    (ni7 / HOSTILE_LINK).symlink_to(root / "outside" / "secret.csv")
    (ni7 / "alias.csv").symlink_to("real.csv")
    (ni7 / "outside_folder").symlink_to(root / "outside" / "folder")
    (ni7 / "loop").symlink_to("..")
    (ni7 / "dangling.csv").symlink_to("gone.csv")
    os.mkfifo(ni7 / "pipe.csv")
    (root / "raw" / "top_level_link").symlink_to(root / "outside")
    return root / "raw"


def run_with_deadline(options: RunOptions, seconds: float = 180) -> RunSummary:
    """The run in a thread that cannot keep the test process alive: a blocked open of the named
    pipe fails the test instead of hanging it."""
    outcome: dict[str, RunSummary | BaseException] = {}

    def target() -> None:
        try:
            outcome["summary"] = run(options)
        except BaseException as error:  # handed to the test below
            outcome["error"] = error

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"the run did not finish within {seconds} s (a named pipe opened?)"
    if "error" in outcome:
        raise outcome["error"]
    summary = outcome["summary"]
    assert isinstance(summary, RunSummary)
    return summary


def nobody_has_it_open(fifo: Path) -> bool:
    """A writer opening without waiting fails with ENXIO exactly when no reader has the pipe open."""
    try:
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    except OSError as error:
        return error.errno == errno.ENXIO
    return False


@pytest.fixture(scope="module")
def outcome(tmp_path_factory):
    root = tmp_path_factory.mktemp("links")
    raw = hostile_raw(root)
    warehouse = root / "warehouse" / "scorecard.duckdb"
    summary = run_with_deadline(RunOptions(raw_dir=raw, warehouse=warehouse, settle_seconds=0))
    assert nobody_has_it_open(raw / "ni7" / "pipe.csv")
    return summary, {f["file_path"]: f for f in summary.files}, warehouse


def test_only_the_file_inside_raw_is_loaded_and_only_once(outcome):
    summary, files, warehouse = outcome
    assert files["ni7/real.csv"]["status"] == "loaded" and files["ni7/real.csv"]["rows_loaded"] == 2
    assert (summary.files_loaded, summary.rows_loaded) == (1, 2)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT respondent_id, source_file FROM staging.ni7_responses ORDER BY 1").fetchall() == [
            ("1", "ni7/real.csv"),
            ("2", "ni7/real.csv"),
        ]


@pytest.mark.parametrize(
    "name, reason",
    [
        ("ni7/to_outside.csv", LINK_OUTSIDE),
        ("ni7/outside_folder", LINK_OUTSIDE),
        ("ni7/loop", LINK_LOOP),
        ("ni7/dangling.csv", LINK_DANGLING),
        ("ni7/pipe.csv", "a named pipe (FIFO), not a regular file: not opened"),
        ("ni7/alias.csv", "the same file as ni7/real.csv (through a link): read once, under that name"),
        ("ni7/evil\\x1b[2J\\u202e.csv", LINK_OUTSIDE),
    ],
)
def test_each_entry_not_read_is_in_the_run_summary_and_the_status_with_its_reason(outcome, name, reason):
    _, files, warehouse = outcome
    assert (files[name]["status"], files[name]["message"], files[name]["rows_read"]) == ("rejected", reason, 0)
    recorded = {f["file_path"]: f for f in warehouse_status(warehouse)["files"]}
    assert (recorded[name]["status"], recorded[name]["message"]) == ("rejected", reason)


def test_a_link_outside_raw_at_the_top_level_is_among_the_ignored(outcome):
    summary, _, _ = outcome
    assert summary.ignored == [f"top_level_link: {LINK_OUTSIDE}"]


def test_status_shows_the_hostile_name_escaped(outcome, capsys):
    _, _, warehouse = outcome
    assert main(["status", "--warehouse", str(warehouse)]) == 0
    shown = capsys.readouterr().out
    assert "ni7/evil\\x1b[2J\\u202e.csv" in shown and "ni7/pipe.csv" in shown and LINK_LOOP in shown
    assert "\x1b" not in shown and "\u202e" not in shown


def test_a_folder_linked_into_a_kind_folder_from_inside_raw_is_read_under_the_link(tmp_path):
    (tmp_path / "archive" / "2010").mkdir(parents=True)
    (tmp_path / "archive" / "2010" / "results.csv").write_text(INSIDE)
    (tmp_path / "ni7").mkdir()
    (tmp_path / "ni7" / "2010").symlink_to(tmp_path / "archive" / "2010")
    discovery = discover_files(tmp_path)
    assert [(f.file_path, f.kind, f.problem) for f in discovery.files] == [("ni7/2010/results.csv", "ni7", None)]
    assert discovery.files[0].path == (tmp_path / "archive" / "2010" / "results.csv").resolve()
    assert discovery.ignored == [f"archive/2010/results.csv: folder 'archive' is not a survey kind ({', '.join(KINDS)})"]


def test_a_folder_reached_twice_is_read_once_under_its_own_name(tmp_path):
    (tmp_path / "ni7" / "2010").mkdir(parents=True)
    (tmp_path / "ni7" / "2010" / "results.csv").write_text(INSIDE)
    (tmp_path / "ni7" / "latest").symlink_to("2010")
    files = {f.file_path: f.problem for f in discover_files(tmp_path).files}
    assert files == {
        "ni7/2010/results.csv": None,
        "ni7/latest/results.csv": "the same file as ni7/2010/results.csv (through a link): read once, under that name",
    }


def test_links_that_loop_between_folders_end(tmp_path):
    (tmp_path / "ni7" / "a").mkdir(parents=True)
    (tmp_path / "ni7" / "b").mkdir()
    (tmp_path / "ni7" / "a" / "to_b").symlink_to("../b")
    (tmp_path / "ni7" / "b" / "to_a").symlink_to("../a")
    (tmp_path / "ni7" / "self.csv").symlink_to("self.csv")
    files = {f.file_path: f.problem for f in discover_files(tmp_path).files}
    assert files == {
        "ni7/a/to_b/to_a/to_b": "a link to the folder ni7/b, reached through another link: not followed",
        "ni7/b/to_a": "a link to the folder ni7/a, reached through another link: not followed",
        "ni7/self.csv": LINK_DANGLING,
    }


def test_an_entry_not_read_is_rejected_again_on_every_run():
    not_read = SourceFile(Path("raw/ni7/x.csv"), "ni7/x.csv", "ni7", "", LINK_OUTSIDE)
    to_load, skipped = plan_work([not_read], {"ni7/x.csv": "", "ni7/other.csv": ""})
    assert (to_load, skipped) == ([not_read], {})


@pytest.mark.parametrize(
    "name, shown",
    [
        ("ni7/plain name-1.csv", "ni7/plain name-1.csv"),
        ("ni7/bell\a.csv", "ni7/bell\\x07.csv"),
        ("ni7/line\nbreak.csv", "ni7/line\\nbreak.csv"),
        ("ni7/\u202egnp.csv", "ni7/\\u202egnp.csv"),
        ("ni7/caf\udce9.csv", "ni7/caf\\xe9.csv"),  # a Latin-1 byte in a name, as Python lists it
    ],
)
def test_names_are_shown_with_control_characters_escaped(name, shown):
    printable, problem = printable_name(name)
    assert printable == shown
    assert (problem is None) == (name == shown)


def test_the_provider_register_never_opens_a_pipe_or_a_link_out(tmp_path):
    from scorecard.ingest.register import read_register

    providers = tmp_path / "raw" / "providers"
    providers.mkdir(parents=True)
    (providers / "register.csv").write_text(
        "ukprn,provider_name,provider_type,area_code\n10000001,A College,sixth form college,E06000023\n"
    )
    os.mkfifo(providers / "pipe.csv")
    outside = tmp_path / "outside.csv"
    outside.write_text("ukprn,provider_name,provider_type,area_code\n10000002,B College,sixth form college,E06000023\n")
    (providers / "out.csv").symlink_to(outside)
    result: list = []
    reader = threading.Thread(target=lambda: result.append(read_register(tmp_path / "raw")), daemon=True)
    reader.start()
    reader.join(30)
    assert result, "reading the register hung"
    register, problems = result[0]
    assert register["ukprn"].tolist() == ["10000001"]
    assert (
        len(problems) == 2
        and any(p.startswith("providers/pipe.csv: ") for p in problems)
        and any(p.startswith("providers/out.csv: ") for p in problems)
    )
