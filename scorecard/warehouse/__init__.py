"""The DuckDB warehouse: opened by path, built apart from the published file, swapped in atomically."""
