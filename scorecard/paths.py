"""Where the project's own data files live (next to the package, in the checkout)."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = PROJECT_ROOT / "sql"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"
SCORECARDS_DIR = PROJECT_ROOT / "scorecards"
MAPPINGS_DIR = PROJECT_ROOT / "mappings"
REFERENCE_DIR = PROJECT_ROOT / "reference"

# Defaults of `scorecard run`, relative to the working directory like any command-line path.
DEFAULT_RAW_DIR = Path("raw")
DEFAULT_WAREHOUSE = Path("warehouse") / "scorecard.duckdb"
