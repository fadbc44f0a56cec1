"""Exporting a results database to files analysts' tools read."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from gongkai.extract.archive.dblock import open_results
from gongkai.extract.archive.tables import ALL
from gongkai.extract.domain.schema import TABLES

Format = Literal["parquet", "csv", "xlsx", "jsonl"]

LONG = tuple(t.name for t in ALL)
WIDE = (*(f"{t}_wide" for t in TABLES), "report_totals")


def export_db(db: Path, fmt: Format, out: Path) -> list[Path]:
    """Write every long table and wide view of ``db`` into ``out``; returns the files written.

    Works while a run writes ``db``: the read waits for the writer's commit to end."""
    out.mkdir(parents=True, exist_ok=True)
    con = open_results(db)
    written: list[Path] = []
    try:
        frames = {
            name: con.execute(
                f"SELECT * EXCLUDE (report_json) FROM {name}" if name == "reports" else f"SELECT * FROM {name}"
            ).df()
            for name in (*LONG, *WIDE)
        }
    finally:
        con.close()
    if fmt == "xlsx":
        path = out / "gongkai.xlsx"
        import pandas as pd

        with pd.ExcelWriter(path) as xl:
            for name, df in frames.items():
                for col in df.columns:
                    # lists sit in object columns; an empty column keeps its own dtype, whose any() may not exist
                    if df[col].dtype == object and df[col].map(lambda v: isinstance(v, (list, tuple))).any():
                        df[col] = df[col].map(lambda v: ",".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
                df.to_excel(xl, sheet_name=name[:31], index=False)
        return [path]
    for name, df in frames.items():
        path = out / f"{name}.{fmt}"
        if fmt == "parquet":
            df.to_parquet(path, index=False)
        elif fmt == "csv":
            df.to_csv(path, index=False)
        else:
            df.to_json(path, orient="records", lines=True, force_ascii=False, date_format="iso")
        written.append(path)
    return written
