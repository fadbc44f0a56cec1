"""Across reports: how well bodies are matched and continuity found, and how long the cross tables take.

python benchmarks/bench_across.py                      # held-out series (seed 101, 40 bodies) + 10,000 reports
python benchmarks/bench_across.py --seed 202 --bodies 60
python benchmarks/bench_across.py --no-quality --reports 10000

Quality: a generated multi-year series (tests/generator/series.py; the committed tests/corpus/series is
seed 25, the one looked at while building) is written as web pages, extracted with `gongkai run`, and
the cross-report tables are scored against the generator's truth: pairs of reports called the same body,
division codes, continuity findings, duplicate body-years, recurring problems, unmentioned promises.

Speed: the committed series' reports (their true values, items and sentences) copied under distinct
bodies up to --reports, loaded into a run database, then `build_across` timed (keys already set at
extraction), and next to it, in the same run, DuckDB alone doing the carried-over check as one SQL join
(the library we build on, without our rules engine, findings format or narrative), and the cost of keying
reports that were stored before keys existed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gongkai.extract.archive.across import build_across
from gongkai.extract.archive.batch import RunOptions, run_batch
from gongkai.extract.archive.store import Store
from gongkai.extract.domain.across.orgs import identify
from tests.generator.series import generate, score

ROOT = Path(__file__).resolve().parent.parent
SERIES = ROOT / "tests" / "corpus" / "series"


def quality(seed: int, bodies: int, workers: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "series"
        truth = generate(out, bodies, seed)
        t0 = time.perf_counter()
        run_batch([out], RunOptions(db=Path(tmp) / "s.duckdb", workers=workers))
        seconds = time.perf_counter() - t0
        con = duckdb.connect(str(Path(tmp) / "s.duckdb"), read_only=True)
        result = score(truth, con)
        con.close()
    result["extract_seconds"] = round(seconds, 1)
    return result


def _load(db: Path, n_reports: int) -> int:
    """The committed series' truth reports, copied under new bodies until there are n_reports."""
    truth = json.loads((SERIES / "truth.json").read_text("utf-8"))
    base = truth["reports"]
    keys = {t["file"]: identify(t["organization"], t["text"]).key for t in base}
    reports, cells, items, sentences = [], [], [], []
    copy = 0
    while len(reports) < n_reports:
        for t in base:
            if len(reports) >= n_reports:
                break
            rid = f"r{copy:05d}_{t['file']}"
            key = f"{keys[t['file']]}#{copy}"
            reports.append({"report_id": rid, "key": rid, "sha256": rid, "organization": t["organization"],
                            "year": t["year"], "status": "ok", "n_cells": len(t["cells"]), "n_findings": 0,
                            "report_json": "{}", "org_key": key})
            cells += [(rid, k, *k.split("."), v) for k, v in t["cells"].items()]
            items += [(rid, "problem", None, p, i) for i, p in enumerate(t["problems"])]
            items += [(rid, "improvement", None, p, 100 + i) for i, p in enumerate(t["improvements"])]
            sentences += [(rid, s, i) for i, s in enumerate(t["text"].split("。")) if s.strip()]
        copy += 1
    with Store(db) as store:
        con = store.con
        con.register("_r", pd.DataFrame(reports))  # by name: the columns not given stay NULL
        con.execute("INSERT INTO reports BY NAME SELECT * FROM _r")
        con.register("_c", pd.DataFrame(cells, columns=["report_id", "cell_id", "table_name", "row_name",
                                                        "column_name", "value"]))
        con.execute("INSERT INTO cells (report_id, cell_id, table_name, row_name, column_name, value) SELECT * FROM _c")
        con.register("_i", pd.DataFrame(items, columns=["report_id", "label", "topic", "text", "start_char"]))
        con.execute("INSERT INTO items (report_id, label, topic, text, start_char) SELECT * FROM _i")
        con.register("_s", pd.DataFrame(sentences, columns=["report_id", "text", "start_char"]))
        con.execute("INSERT INTO sentences (report_id, text, start_char) SELECT * FROM _s")
    return len(cells)


SQL_BASELINE = """
SELECT count(*) FROM body_years a JOIN body_years b ON a.org_key = b.org_key AND b.year = a.year + 1
JOIN cells f ON f.report_id = a.report_id AND f.row_name = 'carried_forward' AND f.table_name = 'applications'
JOIN cells o ON o.report_id = b.report_id AND o.row_name = 'carried_over' AND o.table_name = 'applications'
     AND o.column_name = f.column_name
WHERE coalesce(o.value, 0) <> coalesce(f.value, 0)
"""


def speed(n_reports: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "big.duckdb"
        t0 = time.perf_counter()
        n_cells = _load(db, n_reports)
        load_s = time.perf_counter() - t0
        con = duckdb.connect(str(db))
        stats = build_across(con)
        t1 = time.perf_counter()
        baseline = con.execute(SQL_BASELINE).fetchone()[0]
        sql_s = time.perf_counter() - t1
        ours = con.execute(
            "SELECT count(*) FROM continuity_findings WHERE rule = 'continuity.carried_over'").fetchone()[0]
        truth = json.loads((SERIES / "truth.json").read_text("utf-8"))
        sample = truth["reports"] * 4
        t2 = time.perf_counter()
        for t in sample:
            identify(t["organization"], t["text"])
        key_ms = (time.perf_counter() - t2) / len(sample) * 1000
        con.close()
    return {"reports": n_reports, "cells": n_cells, "load_s": round(load_s, 1), "build": stats.__dict__,
            "duckdb_sql_carried_over_s": round(sql_s, 3), "duckdb_sql_carried_over_findings": baseline,
            "ours_carried_over_findings": ours,
            "keying_ms_per_report": round(key_ms, 3)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=101, help="series seed (25 is the committed, looked-at one)")
    ap.add_argument("--bodies", type=int, default=40)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--reports", type=int, default=10_000)
    ap.add_argument("--no-quality", action="store_true")
    ap.add_argument("--no-speed", action="store_true")
    args = ap.parse_args()
    if not args.no_quality:
        q = quality(args.seed, args.bodies, args.workers)
        print(f"== quality: seed {args.seed}, {args.bodies} bodies, {q['reports']} reports "
              f"(extracted in {q['extract_seconds']} s)")
        rows = [("same body (report pairs)", q["org_pairs"]), ("continuity findings", q["continuity"]),
                *((f"  {k}", v) for k, v in q["continuity_by_rule"].items()),
                ("duplicate body-years", q["duplicates"]), ("recurring problems", q["recurring_problems"]),
                ("unmentioned promises", q["unmentioned_promises"])]
        print(f"{'':30} {'P':>6} {'R':>6} {'tp':>5} {'fp':>4} {'fn':>4}")
        for name, m in rows:
            print(f"{name:30} {m['precision']:6.3f} {m['recall']:6.3f} {m['tp']:5} {m['fp']:4} {m['fn']:4}")
        print("division codes:", json.dumps(q["division_code"]))
        print("level and body:", json.dumps(q["level_body"]))
    if not args.no_speed:
        s = speed(args.reports)
        b = s["build"]
        print(f"== speed: {s['reports']} reports, {s['cells']} cells (loaded in {s['load_s']} s)")
        print(f"build_across: {b['seconds']['total']} s total ({json.dumps(b['seconds'])}); "
              f"{b['bodies']} bodies, {b['pairs']} year pairs, {b['continuity_findings']} continuity findings, "
              f"{b['recurring_rows']} narrative rows")
        print(f"DuckDB alone, carried-over check as one SQL join: {s['duckdb_sql_carried_over_s']} s "
              f"({s['duckdb_sql_carried_over_findings']} mismatching cells; build_across found "
              f"{s['ours_carried_over_findings']} carried-over findings)")
        print(f"keying a report from its name and text (databases written before keys): "
              f"{s['keying_ms_per_report']} ms/report")


if __name__ == "__main__":
    main()
