"""Every input limit rejects the one file over it, names the limit and its variable, and can be
raised or lowered by its environment variable at the time of the check."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook

from scorecard.bounded_yaml import YamlRefused, compose_yaml, load_yaml, parse_yaml
from scorecard.frameworks import load_frameworks
from scorecard.ingest.discover import SourceFile, file_version
from scorecard.ingest.mapping import MappingError, load_mappings
from scorecard.ingest.read import UnreadableFile, physical_lines, read_export
from scorecard.ingest.stage import close_scratch, stage_file
from scorecard.limits import MAX_FILE_BYTES, MAX_YAML_NODES, Limit, byte_size

HEADER = "respondent_id,area_code,survey_year,influence\n"


def rows(count: int, start: int = 1) -> str:
    return "".join(f"{i},E06000023,2010,1\n" for i in range(start, start + count))


def workbook(path: Path, data_rows: list[list[object]]) -> Path:
    book = Workbook()
    book.active.append(["respondent_id", "area_code", "survey_year", "influence"])
    for row in data_rows:
        book.active.append(row)
    book.save(path)
    return path


def xlsx_bomb(path: Path, data_rows: int) -> Path:
    """What an attacker writes: a sheet of identical rows straight into the zip, which deflates them
    a few hundred to one (3 million rows in ~1.3 MB)."""
    plain = workbook(path.with_suffix(".plain.xlsx"), [])
    row = b"<row><c><v>1</v></c><c><v>2</v></c><c><v>2010</v></c><c><v>1</v></c></row>"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", row * data_rows + b"</sheetData>")
            target.writestr(item, data)
    return path


# ---- the limits themselves ----------------------------------------------------------------------


def test_a_limit_is_read_from_its_variable_at_the_time_of_the_check(monkeypatch):
    assert MAX_FILE_BYTES.value() == 2 << 30
    assert MAX_FILE_BYTES.named() == "the file-size limit of 2 GiB (SCORECARD_MAX_FILE_BYTES)"
    monkeypatch.setenv("SCORECARD_MAX_FILE_BYTES", "1_000")
    assert MAX_FILE_BYTES.named() == "the file-size limit of 1,000 bytes (SCORECARD_MAX_FILE_BYTES)"


@pytest.mark.parametrize("setting", ["0", "-5", "2GB", "lots"])
def test_a_limit_set_to_nonsense_is_an_error_naming_the_variable(monkeypatch, setting):
    monkeypatch.setenv("SCORECARD_MAX_ROWS", setting)
    with pytest.raises(ValueError, match="SCORECARD_MAX_ROWS must be a positive whole number"):
        Limit("SCORECARD_MAX_ROWS", 5, "rows-per-file limit", "rows").value()


def test_byte_sizes_read_as_people_write_them():
    assert [byte_size(n) for n in (1 << 30, 512 << 20, 4096, 1000)] == ["1 GiB", "512 MiB", "4 KiB", "1,000 bytes"]


# ---- survey exports: the file is rejected with the limit named ------------------------------------


def test_a_file_over_the_file_size_limit_is_rejected(tmp_path, monkeypatch):
    path = tmp_path / "e.csv"
    path.write_text(HEADER + rows(100))
    monkeypatch.setenv("SCORECARD_MAX_FILE_BYTES", "1024")
    with pytest.raises(UnreadableFile, match=r"larger than the file-size limit of 1 KiB \(SCORECARD_MAX_FILE_BYTES\)"):
        read_export(path)
    monkeypatch.setenv("SCORECARD_MAX_FILE_BYTES", str(path.stat().st_size))
    assert len(read_export(path).frame) == 100  # exactly at the limit is within it


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_a_csv_over_the_rows_limit_is_rejected_and_one_at_it_is_read(tmp_path, monkeypatch, newline):
    monkeypatch.setenv("SCORECARD_MAX_ROWS", "50")
    at, over = tmp_path / "at.csv", tmp_path / "over.csv"
    at.write_text(HEADER + rows(50), newline=newline)
    over.write_text(HEADER + rows(51), newline=newline)
    assert len(read_export(at).frame) == 50
    with pytest.raises(UnreadableFile, match=r"more than 50 data rows: over the rows-per-file limit of 50 rows \(SCORECARD_MAX_ROWS\)"):
        read_export(over)


def test_an_xlsx_over_the_rows_limit_is_rejected(tmp_path, monkeypatch):
    monkeypatch.setenv("SCORECARD_MAX_ROWS", "3")
    path = workbook(tmp_path / "e.xlsx", [[i, "E06000023", 2010, 1] for i in range(4)])
    with pytest.raises(UnreadableFile, match=r"over the rows-per-file limit of 3 rows \(SCORECARD_MAX_ROWS\)"):
        read_export(path)


def test_columns_over_the_limit_are_rejected_in_csv_and_xlsx(tmp_path, monkeypatch):
    monkeypatch.setenv("SCORECARD_MAX_COLUMNS", "3")
    (tmp_path / "e.csv").write_text(HEADER + rows(1))
    with pytest.raises(UnreadableFile, match=r"4 columns: over the columns-per-file limit of 3 columns \(SCORECARD_MAX_COLUMNS\)"):
        read_export(tmp_path / "e.csv")
    with pytest.raises(UnreadableFile, match="SCORECARD_MAX_COLUMNS"):
        read_export(workbook(tmp_path / "e.xlsx", [[1, "E06000023", 2010, 1]]))


def test_a_long_csv_row_is_rejected_without_quoting_it(tmp_path, monkeypatch):
    monkeypatch.setenv("SCORECARD_MAX_ROW_BYTES", "4096")
    (tmp_path / "e.csv").write_text(HEADER + rows(20) + "21,E06000023,2010," + "x" * 5000 + "\n")
    with pytest.raises(UnreadableFile) as refused:
        read_export(tmp_path / "e.csv")
    assert "a row (line 22) is longer than the row-size limit of 4 KiB (SCORECARD_MAX_ROW_BYTES)" in str(refused.value)
    assert "xxx" not in str(refused.value)


def test_a_long_xlsx_row_is_rejected_counting_bytes_not_characters(tmp_path, monkeypatch):
    monkeypatch.setenv("SCORECARD_MAX_ROW_BYTES", "4096")
    fits = workbook(tmp_path / "fits.xlsx", [[1, "E06000023", 2010, "x" * 3000]])
    assert len(read_export(fits).frame) == 1
    over = workbook(tmp_path / "over.xlsx", [[1, "E06000023", 2010, "é" * 3000]])  # 3,000 characters, 6,000 bytes
    with pytest.raises(UnreadableFile, match=r"data row 1: 6,0\d\d bytes, longer than the row-size limit of 4 KiB"):
        read_export(over)


def test_an_xlsx_bomb_is_rejected_before_it_is_parsed(tmp_path):
    path = xlsx_bomb(tmp_path / "bomb.xlsx", 200_000)  # ~70 KB that unpacks to ~15 MB
    with pytest.raises(UnreadableFile, match=r"compressed \d+ to 1: over the \.xlsx compression-ratio limit of 100 to 1"):
        read_export(path)


def test_an_xlsx_over_the_unpacked_or_stored_size_limit_is_rejected(tmp_path, monkeypatch):
    path = workbook(tmp_path / "e.xlsx", [[i, "E06000023", 2010, 1] for i in range(10)])
    monkeypatch.setenv("SCORECARD_MAX_XLSX_UNCOMPRESSED_BYTES", "4096")
    with pytest.raises(UnreadableFile, match=r"unpacks to .*: larger than the \.xlsx uncompressed-size limit of 4 KiB"):
        read_export(path)
    monkeypatch.setenv("SCORECARD_MAX_XLSX_BYTES", "1024")
    with pytest.raises(UnreadableFile, match=r"larger than the \.xlsx file-size limit of 1 KiB \(SCORECARD_MAX_XLSX_BYTES\)"):
        read_export(path)


# ---- item 10: a file refused before its rows are read still has its lines counted ------------------


@pytest.mark.parametrize(
    "content, lines",
    [(b"", 0), (b"a", 1), (b"a\n", 1), (b"a\nb", 2), (b"a\r\nb\r\n", 2), (b"a\rb\rc", 3), (b"\n\n\n", 3), (b"a\r\r\n", 2)],
)
def test_physical_lines_whatever_the_line_ends(tmp_path, content, lines):
    (tmp_path / "f.csv").write_bytes(content)
    assert physical_lines(tmp_path / "f.csv") == lines


def test_physical_lines_across_chunk_boundaries(tmp_path, monkeypatch):
    from scorecard.ingest import read

    monkeypatch.setattr(read, "READ_CHUNK_BYTES", 4)
    (tmp_path / "f.csv").write_bytes(b"abc\r\nde\r\nfgh\r\rij")  # a CRLF split across chunks counts once
    assert physical_lines(tmp_path / "f.csv") == 5


def stage(path: Path, kind: str = "ni7"):
    scratch = path.parent / "scratch"
    scratch.mkdir(exist_ok=True)
    try:
        return stage_file(SourceFile(path, f"{kind}/{path.name}", kind, "0" * 64, version=file_version(path)), 1, [], scratch)
    finally:
        close_scratch(scratch)


@pytest.mark.parametrize(
    "name, content, read, reason",
    [
        ("unterminated.csv", (HEADER + rows(5) + '6,E06000023,2010,"never closed\n' + rows(3, 7)).encode(), 9, "never closed"),
        ("binary.csv", b"\x00\x01\n" * 40, 39, "NUL byte"),
        ("ragged.csv", (HEADER + rows(4) + "5,E06000023,2010,1,extra\n").encode(), 5, "more cells than the header"),
        (
            "qualtrics_broken.csv",
            b'ResponseId,Q1\r\nResponse ID,"Q1 text"\r\n"{""ImportId"":""_recordId""}","{""ImportId"":""QID1""}"\r\nR_1,"open\r\nR_2,2\r\n',
            2,
            "never closed",
        ),
    ],
)
def test_a_text_file_refused_before_its_rows_are_read_counts_its_lines(tmp_path, name, content, read, reason):
    (tmp_path / name).write_bytes(content)
    staged = stage(tmp_path / name)
    assert staged.status == "rejected" and reason in staged.message
    assert staged.rows_read == read  # the load log records rows_read = rows_quarantined = its data lines


def test_a_csv_over_the_rows_limit_counts_every_data_line(tmp_path, monkeypatch):
    monkeypatch.setenv("SCORECARD_MAX_ROWS", "10")
    (tmp_path / "long.csv").write_text(HEADER + rows(25))
    staged = stage(tmp_path / "long.csv")
    assert staged.status == "rejected" and "SCORECARD_MAX_ROWS" in staged.message and staged.rows_read == 25


def test_a_refused_workbook_has_no_lines_to_count(tmp_path):
    staged = stage(xlsx_bomb(tmp_path / "bomb.xlsx", 200_000))
    assert staged.status == "rejected" and "compression-ratio limit" in staged.message and staged.rows_read == 0


# ---- YAML: one bounded loader --------------------------------------------------------------------

BILLION_LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n" for previous, name in zip("abcdefgh", "bcdefghi", strict=True)
)


def test_billion_laughs_is_refused_before_it_is_built():
    assert len(BILLION_LAUGHS) < 500
    with pytest.raises(YamlRefused, match=r"than the YAML node limit of 100,000 nodes \(SCORECARD_MAX_YAML_NODES\)"):
        parse_yaml(BILLION_LAUGHS)
    with pytest.raises(YamlRefused, match="SCORECARD_MAX_YAML_NODES"):
        compose_yaml(BILLION_LAUGHS)


def test_merge_keys_count_what_they_copy(monkeypatch):
    doubling = "a: &a {x: 1, y: 2}\nb: &b {<<: [*a], b: 1}\n"  # 18 nodes, the merged a's 5 included
    monkeypatch.setenv("SCORECARD_MAX_YAML_NODES", "18")
    assert parse_yaml(doubling)["b"] == {"x": 1, "y": 2, "b": 1}
    monkeypatch.setenv("SCORECARD_MAX_YAML_NODES", "17")
    with pytest.raises(YamlRefused, match="SCORECARD_MAX_YAML_NODES"):
        parse_yaml(doubling)


def test_aliases_within_the_limit_still_work():
    assert parse_yaml("base: &base {points: 3}\nother: *base\n") == {"base": {"points": 3}, "other": {"points": 3}}
    assert MAX_YAML_NODES.value() == 100_000


@pytest.mark.parametrize(
    "text, message",
    [
        ("&a [*a]", "line 1: an alias inside the node it refers to (a recursive document)"),
        ("x: " + "[" * 60 + "]" * 60, "nested deeper than the YAML nesting limit of 50 levels (SCORECARD_MAX_YAML_DEPTH)"),
    ],
)
def test_recursive_and_deeply_nested_documents_are_refused(text, message):
    with pytest.raises(YamlRefused) as refused:
        parse_yaml(text)
    assert message in str(refused.value)


def test_a_yaml_file_over_the_size_limit_is_not_read_past_it(tmp_path, monkeypatch):
    monkeypatch.setenv("SCORECARD_MAX_YAML_BYTES", "64")
    (tmp_path / "big.yaml").write_text("k: " + "v" * 100)
    with pytest.raises(YamlRefused, match=r"larger than the YAML file-size limit of 64 bytes \(SCORECARD_MAX_YAML_BYTES\)"):
        load_yaml(tmp_path / "big.yaml")
    (tmp_path / "latin1.yaml").write_bytes(b"k: caf\xe9")
    monkeypatch.delenv("SCORECARD_MAX_YAML_BYTES")
    with pytest.raises(YamlRefused, match="not UTF-8 text"):
        load_yaml(tmp_path / "latin1.yaml")


def test_only_safe_tags_are_constructed():
    with pytest.raises(yaml.YAMLError):
        parse_yaml("!!python/object/apply:os.system ['true']")


def test_a_framework_file_over_a_limit_is_reported_by_name_and_the_others_load(tmp_path):
    (tmp_path / "laughs.yaml").write_text(BILLION_LAUGHS)
    (tmp_path / "good.yaml").write_text(
        yaml.safe_dump({"id": "good", "name": "Good", "points_per_indicator": 3, "indicators": [{"id": "G1", "text": "One"}]})
    )
    frameworks, problems = load_frameworks(tmp_path)
    assert [f.id for f in frameworks] == ["good"]
    assert problems == [f"{tmp_path / 'laughs.yaml'}: more nodes, with aliases written out, than {MAX_YAML_NODES.named()}"]


def test_a_mapping_file_over_a_limit_is_an_error_naming_the_file(tmp_path):
    (tmp_path / "laughs.yaml").write_text("kind: ni7\nfiles: ['ni7/*.csv']\n" + BILLION_LAUGHS)
    with pytest.raises(MappingError, match=r"laughs\.yaml: more nodes, with aliases written out, than the YAML node limit"):
        load_mappings(tmp_path)


def test_every_yaml_load_in_the_library_goes_through_the_bounded_loader():
    from scorecard.paths import PROJECT_ROOT

    unbounded = (
        "yaml.safe_load(",
        "yaml.load(",
        "yaml.compose(",
        "yaml.full_load(",
        "yaml.unsafe_load(",
        "yaml.load_all(",
        "yaml.safe_load_all(",
    )
    offenders = [
        str(path.relative_to(PROJECT_ROOT))
        for path in [*(PROJECT_ROOT / "scorecard").rglob("*.py"), *(PROJECT_ROOT / "flows").rglob("*.py")]
        if any(call in path.read_text(encoding="utf-8") for call in unbounded)
    ]
    assert offenders == []
