"""Whole archives: inputs walked, documents extracted by worker pools, results in DuckDB, exports."""
