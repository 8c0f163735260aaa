"""Prefect flows and deployment entry points: thin wrappers over `scorecard.pipeline`.

Importing `scorecard` first switches Prefect's and Great Expectations' analytics off.
"""

import scorecard  # noqa: F401
