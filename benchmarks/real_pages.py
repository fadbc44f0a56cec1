"""Narrative items on real report passages fetched at run time (never stored in the repo).

Real passages of section 五 were found in the search tool's "pages" corpus and labelled by hand
before any pipeline run on them. ``benchmarks/real_pages.yaml`` records, per passage, the query and
page address it came from, the SHA-256 of its text, and its items as character offsets and labels;
the texts themselves stay outside the repo. Half the passages are held out: measured, never looked
at while fixing.

    python benchmarks/real_pages.py score PASSAGES.yaml [--model DIR] [--errors-dev | --errors]
    python benchmarks/real_pages.py record PASSAGES.yaml [--record FILE --all-held-out]   # the record, from labels

``PASSAGES.yaml``: a list of ``{id, url, query, text, items: [[label, text], …]}`` (item texts as in the
passage, line breaks left out), as fetched and labelled by a session. ``score`` uses only the passages
whose text hashes to the recorded SHA-256, and gold items from the recorded offsets, so a changed text
or label file cannot change the figure silently.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RECORD = ROOT / "benchmarks" / "real_pages.yaml"
FIVE = ["problems", "improvements"]


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def locate(text: str, item: str, start: int = 0) -> tuple[int, int]:
    """Offsets of ``item`` in ``text``, line breaks and indentation in the text allowed between its characters."""
    rx = r"\s*".join(re.escape(c) for c in item if not c.isspace())
    m = re.compile(rx).search(text, start) or re.compile(rx).search(text)
    if not m:
        raise ValueError(f"item not in its passage: {item}")
    return m.start(), m.end()


def flat(text: str) -> str:
    return re.sub(r"\s*\n\s*", "", text)


def record(passages: Path, record_file: Path = RECORD, all_held_out: bool = False) -> None:
    recs = yaml.safe_load(passages.read_text("utf-8"))
    out = []
    for k, r in enumerate(recs):
        items, pos = [], 0
        for label, t in r["items"]:
            a, b = locate(r["text"], t, pos)
            items.append([a, b, label])
            pos = b
        out.append({"id": r["id"], "url": r["url"], "query": r["query"], "sha256": sha(r["text"]),
                    "chars": len(r["text"]), "held_out": all_held_out or k % 2 == 1, "items": items})
    header = ("# Real passages of section 五 (search tool, \"pages\" corpus): query, address, SHA-256 of the\n"
              "# passage text and its hand labels as [start, end, label] offsets. Labelled before any pipeline run;\n"
              "# the texts are not stored here. held_out: measured, never looked at while fixing.\n")
    body = yaml.safe_dump(out, allow_unicode=True, sort_keys=False, width=200, default_flow_style=None)
    record_file.write_text(header + body, "utf-8")
    print(f"wrote {record_file}: {len(out)} passages, {sum(len(r['items']) for r in out)} items")


def score(passages: Path, model: Path | None, errors_dev: bool, record_file: Path = RECORD,
          errors_all: bool = False) -> None:
    from gongkai.nlp.analyse import Analysis, analyse, load
    from gongkai.nlp.evaluate import Score, same_statement

    nlp = load(model) if model else load()
    texts = {sha(r["text"]): r["text"] for r in yaml.safe_load(passages.read_text("utf-8"))}
    recs = yaml.safe_load(record_file.read_text("utf-8"))
    missing = [r["id"] for r in recs if r["sha256"] not in texts]
    groups: dict[str, Score] = {}
    for r in recs:
        text = texts.get(r["sha256"])
        if text is None:
            continue
        gold = [(lab, flat(text[a:b])) for a, b, lab in r["items"]]
        trad = bool(re.search(r"[開關與於這們對據為來時實體]", text))
        for with_heading in (True, False):
            res: Analysis = analyse(text, FIVE if with_heading else None, nlp)
            sc = Score()
            used: set[int] = set()
            for it in res.items:
                hit = next((i for i, (lab, t) in enumerate(gold) if i not in used and lab == it.label
                            and same_statement(it.text, t)), None)
                if hit is None:
                    sc.fp += 1
                    sc.errors.append(f"{r['id']}: extra {it.label} “{it.text}”")
                else:
                    used.add(hit)
                    sc.tp += 1
            for i, (lab, t) in enumerate(gold):
                if i not in used:
                    sc.fn += 1
                    sc.errors.append(f"{r['id']}: missed {lab} “{t}”")
            h = "with heading" if with_heading else "withheld"
            for g in ("all", "held out" if r["held_out"] else "dev", *(["traditional"] if trad else [])):
                groups.setdefault(f"{g} | {h}", Score()).add(sc)
    n = len(recs) - len(missing)
    print(f"real passages: {n} of {len(recs)} found in {passages} (missing: {', '.join(missing) or 'none'})")
    for name in sorted(groups):
        sc = groups[name]
        print(f"{name:28s} items P {sc.precision:.3f} R {sc.recall:.3f} F1 {sc.f1:.3f} "
              f"(tp {sc.tp} fp {sc.fp} fn {sc.fn})")
        if (errors_dev and name.startswith("dev")) or (errors_all and name.startswith("all")):
            for e in sc.errors:
                print("   ", e)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=["score", "record"])
    ap.add_argument("passages", type=Path)
    ap.add_argument("--model", type=Path)
    ap.add_argument("--errors-dev", action="store_true", help="list the misses on the dev half only")
    ap.add_argument("--errors", action="store_true",
                    help="list every passage's misses (a released set: its record marks all held out)")
    ap.add_argument("--record", type=Path, default=RECORD, help="recorded offsets and hashes")
    ap.add_argument("--all-held-out", action="store_true", help="record: every passage held out (a new round's set)")
    args = ap.parse_args()
    if args.mode == "record":
        record(args.passages, args.record, args.all_held_out)
    else:
        score(args.passages, args.model, args.errors_dev, args.record, args.errors)


if __name__ == "__main__":
    main()
