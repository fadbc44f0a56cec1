"""Leave-one-source-out for the item finder: does a change carry to writers and real text it was not chosen on?

    python benchmarks/cross_source.py [--only NAME …] [--drop NAME …] [--no-block] [--no-folds]
                                      [--fill F …] [--withheld] [--errors NAME]

Round 10's lesson (README, issue 14): a change chosen on one dev set lowered every held-out figure. This measure
scores each *source* (one writer's set, or one round of real passages) with item and clause CRFs trained on
everything else the shipped model trains on, so no source is ever scored by a model that saw it:

- the sources the shipped model trains on (``TRAINED``: each writer's training or released set, simplified and
  traditional of one writer together) are left out in turn: both CRFs are retrained without that source;
- the sources it never trains on (``SCORED``: the writers' dev sets and the released real rounds r6 settled, r7
  and r7b, whose texts live outside the repo in ``/work/nlpdata``) are scored by the CRFs trained on the whole
  pool (the shipped recipe).

Always trained on (never a source here): the older hand sets written by the rules' authors and the headingless
sets labelled by section only. The section CRF and the textcat are the shipped ones in every fold (they learn
sections, not statements; the clause tagger's section feature is read through them): a small leak of the left-out
source's section labels, the same in every variant compared. Figures: item F1 with headings per source, their mean
and the worst source (``--withheld``: also with headings withheld). Ablations of round 10's changes: ``--drop
train10`` (train without a source), ``--no-block`` (the clause tagger without ``clauses.block_context``'s
features), ``--no-folds`` (``normalise`` without the ``script_folds`` table), ``--fill`` (``fill_floor`` values,
each scored on the same folds). Never reads a held-out set (``indep8_*``, ``sections8_*``, real r8 / r9).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import spacy  # noqa: E402

from gongkai.extract.domain.narrative import SECTION_LABELS  # noqa: E402
from gongkai.nlp import normalise as normalise_mod  # noqa: E402
from gongkai.nlp.analyse import DEFAULT_MODEL, analyse, blank, load  # noqa: E402
from gongkai.nlp.evaluate import Score, score  # noqa: E402
from gongkai.nlp.training import clause_sequences, passage_sequences, train_crf  # noqa: E402

T = ROOT / "tests"
TR, TE = T / "nlp_train", T / "nlp_test"
NLPDATA = Path("/work/nlpdata")


@dataclass(frozen=True)
class Source:
    name: str
    paths: tuple[Path, ...]
    settled: bool
    """Labelled to the round-7 comma rule (``gongkai train-learned --settled``)."""


TRAINED = [
    Source("train r1", (TR / "train_simplified.yaml", TR / "train_traditional.yaml"), True),
    Source("train3", (TR / "train3_simplified.yaml", TR / "train3_traditional.yaml"), True),
    Source("train6", (TR / "train6_real_style.yaml",), True),
    Source("train7", (TR / "train7_comma_rule.yaml",), True),
    Source("train9", (TR / "train9_real_style.yaml",), True),
    Source("train10", (TR / "train10_real_style.yaml",), True),
    Source("indep3", (TE / "indep3_simplified.yaml", TE / "indep3_traditional.yaml"), False),
    Source("indep4", (TE / "indep4_simplified.yaml", TE / "indep4_traditional.yaml"), False),
    Source("indep5", (TE / "indep5_simplified.yaml", TE / "indep5_traditional.yaml"), False),
    Source("indep7_s", (TE / "indep7_simplified.yaml",), True),
]
"""The writers' sets the shipped model trains on (README, "The narrative"'s ``train-learned`` command)."""
ALWAYS = [Source("sections3", (TR / "sections3.yaml",), True),
          Source("hand sets", tuple(TE / f"{s}.yaml" for s in ("sections3_heldout", "sections5_heldout", "five",
                                                                "overall", "free", "fresh", "fresh2", "fresh3",
                                                                "fresh4", "fresh6", "fresh7", "fresh8")), False)]
SCORED = [Source(n, (TE / f,), False) for n, f in (
    ("indep_s", "indep_simplified.yaml"), ("indep_t", "indep_traditional.yaml"),
    ("indep6_s", "indep6_simplified.yaml"), ("indep6_t", "indep6_traditional.yaml"),
    ("indep7_t", "indep7_traditional.yaml"), ("fresh5", "fresh5.yaml"), ("fresh9", "fresh9.yaml"))]
REAL = [("real r6", NLPDATA / "r6_real/passages_r6_settled.yaml", ROOT / "benchmarks/real_pages_r6_settled.yaml", ""),
        ("real r7", NLPDATA / "r7_real/passages_r7_all.yaml", ROOT / "benchmarks/real_pages_r7.yaml", "r7_"),
        ("real r7b", NLPDATA / "r7_real/passages_r7_all.yaml", ROOT / "benchmarks/real_pages_r7.yaml", "r7b_")]
"""Released real rounds (dev since rounds 7 and 8): texts outside the repo, gold from the recorded offsets."""


def records(src: Source) -> list[dict]:
    return [r for p in src.paths for r in yaml.safe_load(p.read_text("utf-8")) or []]


def real_records(texts: Path, record: Path, prefix: str) -> list[dict]:
    """A released real round as hand-set records under 五's heading (``real_pages.py score`` reads them so)."""
    from real_pages import flat, sha

    by_sha = {sha(r["text"]): r["text"] for r in yaml.safe_load(texts.read_text("utf-8"))}
    out = []
    for r in yaml.safe_load(record.read_text("utf-8")):
        text = by_sha.get(r["sha256"])
        if text is None or not r["id"].startswith(prefix):
            continue
        out.append({"id": r["id"], "heading": "problems_improvements", "text": text, "sections": [],
                    "items": [{"label": lab, "text": flat(text[a:b])} for a, b, lab in r["items"]]})
    return out


def sequences(src: Source, plain, piped, no_block: bool) -> tuple[list, list]:
    """The item CRF's and the clause tagger's training sequences of one source (``gongkai train-learned``'s)."""
    recs = records(src)
    items = passage_sequences(recs, plain, None)[0]
    clauses = clause_sequences(recs, piped, settled=src.settled)
    if no_block:
        clauses = [([[f for f in fs if not _is_block(f)] for fs in feats], tags) for feats, tags in clauses]
    return items, clauses


def _is_block(feature: str) -> bool:
    """A feature of ``clauses.block_context`` ("blk=…", "blk|in=…", "blk_pos|in=…", "h=…|blk=…")."""
    return feature.startswith("blk") or "|blk=" in feature


def trained(parts: list[list], cache: Path | None, c1: float = 0.05, c2: float = 0.01) -> bytes:
    """``train_crf`` on the parts' sequences, or the same CRF from ``cache`` (deterministic training: same
    sequences, same file), so that an ablation retrains only the CRFs whose sequences it changes."""
    if cache is None:
        return train_crf([x for p in parts for x in p], c1, c2)
    key = hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:24]
    f = cache / f"{key}-{c1}-{c2}.crfsuite"
    if not f.is_file():
        cache.mkdir(parents=True, exist_ok=True)
        f.write_bytes(train_crf([x for p in parts for x in p], c1, c2))
    return f.read_bytes()


def measure(nlp, recs: list[dict], withheld: bool) -> dict[bool, Score]:
    out = {True: Score(), False: Score()}
    for r in recs:
        for with_h in (True, False) if withheld else (True,):
            allowed = SECTION_LABELS.get(r["heading"]) if with_h and r["heading"] else None
            out[with_h].add(score(analyse(r["text"], allowed, nlp), r["text"], r["items"], [], r["id"]))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", nargs="*", help="score only these sources (names as printed)")
    ap.add_argument("--drop", nargs="*", default=[], help="never train on these trained sources (e.g. train10)")
    ap.add_argument("--no-block", action="store_true", help="the clause tagger without block_context's features")
    ap.add_argument("--no-folds", action="store_true", help="normalise without the script_folds table")
    ap.add_argument("--fill", type=float, nargs="+", default=[1.0], help="fill_floor values to score (1.0: off)")
    ap.add_argument("--withheld", action="store_true", help="also score with headings withheld")
    ap.add_argument("--errors", nargs="*", default=[], help="print the misses of these sources")
    ap.add_argument("--clause-c", type=float, nargs=2, default=[0.05, 0.01], metavar=("C1", "C2"),
                    help="the clause tagger's L1 / L2 penalties (shipped: 0.05 0.01, train_crf's defaults)")
    ap.add_argument("--cache", type=Path, help="keep each trained CRF here, keyed by its training sequences' hash")
    args = ap.parse_args()
    if args.no_folds:
        normalise_mod._t2s = lambda text: normalise_mod._converter().convert(text)
    t0 = time.time()
    nlp, plain = load(), blank()
    piped = spacy.load(DEFAULT_MODEL, exclude=["gongkai_items"])  # the sections as the clause tagger reads them
    seqs = {s.name: sequences(s, plain, piped, args.no_block) for s in TRAINED + ALWAYS}
    print(f"sequences read in {time.time() - t0:.0f} s", flush=True)
    items = nlp.get_pipe("gongkai_items")
    wanted = set(args.only) if args.only else None
    folds: list[tuple[str | None, list[tuple[str, list[dict]]]]] = []
    for s in TRAINED:
        if wanted is None or s.name in wanted:
            folds.append((s.name, [(s.name, records(s))]))
    tail = [(s.name, records(s)) for s in SCORED if wanted is None or s.name in wanted]
    tail += [(n, real_records(t, r, p)) for n, t, r, p in REAL if wanted is None or n in wanted]
    if tail:
        folds.append((None, tail))
    table: dict[tuple[str, float], dict[bool, Score]] = {}
    for out, scored in folds:
        keep = [n for n in seqs if n != out and n not in args.drop]
        t1 = time.time()
        items.crf.load(trained([seqs[n][0] for n in keep], args.cache))
        items.clauses.load(trained([seqs[n][1] for n in keep], args.cache, *args.clause_c))
        for fill in args.fill:
            items.fill_floor = fill
            for name, recs in scored:
                table[(name, fill)] = measure(nlp, recs, args.withheld)
                if name in args.errors:
                    for e in table[(name, fill)][True].errors:
                        print("   ", e)
        print(f"fold without {out or 'nothing'}: {time.time() - t1:.0f} s", flush=True)
    names = list(dict.fromkeys(n for n, _ in table))
    for fill in args.fill:
        print(f"\nfill_floor {fill}{'  (off)' if fill >= 1.0 else ''}")
        print(f"{'source':12s} {'with headings P/R/F1':28s}" + (" withheld F1" if args.withheld else ""))
        for n in names:
            a = table[(n, fill)][True]
            w = f" {table[(n, fill)][False].f1:.3f}" if args.withheld else ""
            print(f"{n:12s} {a.precision:.3f}/{a.recall:.3f}/{a.f1:.3f} (tp {a.tp} fp {a.fp} fn {a.fn}){w}")
        for label, pick in (("all", names), ("writers", [n for n in names if not n.startswith("real")]),
                            ("real", [n for n in names if n.startswith("real")])):
            f1s = {n: table[(n, fill)][True].f1 for n in pick}
            if f1s:
                worst = min(f1s, key=f1s.__getitem__)
                print(f"{label:8s} mean F1 {sum(f1s.values()) / len(f1s):.3f}, worst {f1s[worst]:.3f} ({worst}), "
                      f"{len(f1s)} sources")
    print(f"\n{time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
