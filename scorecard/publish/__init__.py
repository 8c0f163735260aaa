"""Publish: the scorecard report, panel packs and the status summary, read from the published warehouse."""
