"""Reduce a full postcode to the 2011 LSOA the learner-survey template needs, then forget it.

The lookup is a postcode directory the user supplies (ONS's National Statistics Postcode Lookup,
NSPL, has columns `pcds` and `lsoa11`; any CSV with a postcode column and an LSOA column will do).
The project ships none: NSPL is ~1 GB and machines here cannot download it at run time.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

POSTCODE_COLUMNS = ("pcds", "pcd", "pcd2", "postcode")
LSOA_COLUMNS = ("lsoa11", "lsoa11cd", "lsoa", "lsoa_code")


def postcode_key(values: pd.Series) -> pd.Series:
    """'ng2 1ab', 'NG21AB', ' NG2  1AB ' → 'NG21AB'."""
    return values.astype("str").str.upper().str.replace(r"\s+", "", regex=True)


@lru_cache(maxsize=4)
def load_lookup(path: Path) -> pd.Series:
    header = pd.read_csv(path, nrows=0).columns
    lowered = {c.lower(): c for c in header}
    postcode = next((lowered[c] for c in POSTCODE_COLUMNS if c in lowered), None)
    lsoa = next((lowered[c] for c in LSOA_COLUMNS if c in lowered), None)
    if postcode is None or lsoa is None:
        raise ValueError(
            f"{path}: a postcode lookup needs a postcode column ({'/'.join(POSTCODE_COLUMNS)}) and an LSOA column ({'/'.join(LSOA_COLUMNS)})"
        )
    table = pd.read_csv(path, usecols=[postcode, lsoa], dtype="str")
    return pd.Series(table[lsoa].to_numpy(), index=postcode_key(table[postcode]).to_numpy()).groupby(level=0).first()


def lsoa_for(postcodes: pd.Series, lookup: Path) -> pd.Series:
    """The LSOA of each postcode; missing where the postcode is blank or not in the lookup."""
    return postcode_key(postcodes).map(load_lookup(lookup)).where(postcodes.notna())
