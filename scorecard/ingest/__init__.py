"""Ingest: discover → read → map → normalise → validate → load, one module per job."""
