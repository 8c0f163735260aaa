"""The provider register: raw/providers/*.csv|xlsx with ukprn, provider_name, provider_type and
area_code (the provider's home local authority). Read whole each run; it only enriches the marts,
so a survey row whose UKPRN is missing from it still loads (in_register false)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from scorecard.ingest.discover import printable_name, raw_entries
from scorecard.ingest.mapping import canonical_name
from scorecard.ingest.normalise import normalise_code, normalise_text
from scorecard.ingest.read import SUPPORTED_SUFFIXES, read_export

REGISTER_COLUMNS = ["ukprn", "provider_name", "provider_type", "area_code"]
PROVIDER_TYPES = {
    "general further education college",
    "sixth form college",
    "independent training provider",
    "specialist college",
    "adult and community learning",
}


def read_register(raw_dir: Path) -> tuple[pd.DataFrame, list[str]]:
    """The register rows (text) and a message per file or row that could not be used."""
    frames, problems = [], []
    folder = raw_dir / "providers"
    # As for survey exports: only regular files inside the folder are opened (a named pipe would block).
    entries = raw_entries(folder) if folder.is_dir() else []
    for entry in entries:
        if "/" in entry.relative or not entry.relative.lower().endswith(tuple(SUPPORTED_SUFFIXES)):
            continue
        name, name_problem = printable_name(entry.relative)
        if entry.problem or name_problem:
            problems.append(f"providers/{name}: {entry.problem or name_problem}; file not used")
            continue
        frame = read_export(entry.path).frame
        frame.columns = [canonical_name(c) for c in frame.columns]
        missing = [c for c in REGISTER_COLUMNS if c not in frame.columns]
        if missing:
            problems.append(f"providers/{name}: missing column(s) {', '.join(missing)}; file not used")
            continue
        frames.append(frame[REGISTER_COLUMNS].assign(source_file=f"providers/{name}"))
    register = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=[*REGISTER_COLUMNS, "source_file"], dtype="str")
    register = register.assign(
        ukprn=normalise_code(register["ukprn"]),
        area_code=normalise_code(register["area_code"]),
        provider_name=normalise_text(register["provider_name"]),
        provider_type=normalise_text(register["provider_type"]).str.lower(),
    ).astype("str")
    bad = ~register["ukprn"].str.fullmatch(r"1\d{7}").fillna(False)
    for row in register[bad].itertuples():
        problems.append(f"{row.source_file}: UKPRN {row.ukprn!r} is not 8 digits starting with 1; row not used")
    unknown_type = ~register["provider_type"].isin(PROVIDER_TYPES) & ~bad
    for row in register[unknown_type].itertuples():
        problems.append(
            f"{row.source_file}: provider type {row.provider_type!r} of {row.ukprn} is not one of {sorted(PROVIDER_TYPES)} (kept; peers are matched by type)"
        )
    return register[~bad].reset_index(drop=True), problems
