"""Community scorecard pipeline: survey exports → validated DuckDB warehouse → scorecards.

No telemetry leaves the machine: Prefect and Great Expectations analytics are switched off
before either library is imported anywhere in the package.
"""

import os

for _name, _value in {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "GX_ANALYTICS_ENABLED": "false",
}.items():
    os.environ.setdefault(_name, _value)
