"""Cross-validated item F1 of the learned item finder against the rules, on the writers' training sets.

    python benchmarks/cv_learned.py [--folds 4] [--no-rule-features]

The rules were fixed on every older hand set, so they look best there; the writers' training passages
(tests/nlp_train) are the fair ground: each fold of them is scored by a CRF trained on everything but
that fold, and by the rules (the pipeline without its CRFs). Used to choose the item finder's design.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gongkai.extract.domain.narrative import SECTION_LABELS  # noqa: E402
from gongkai.nlp import learned  # noqa: E402
from gongkai.nlp.analyse import analyse, load  # noqa: E402
from gongkai.nlp.evaluate import Score, score  # noqa: E402
from gongkai.nlp.training import crf_sequences, train_crf  # noqa: E402

T = ROOT / "tests"
OTHER = [T / f"nlp_test/{s}.yaml" for s in ("five", "overall", "free", "fresh", "fresh2", "fresh3", "fresh4",
                                             "fresh5", "fresh6", "fresh7", "fresh8")]
WRITERS = [T / "nlp_train/train_simplified.yaml", T / "nlp_train/train_traditional.yaml"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--folds", type=int, default=4)
    ap.add_argument("--no-rule-features", action="store_true")
    args = ap.parse_args()
    if args.no_rule_features:
        orig = learned.item_features
        learned.item_features = lambda text, sents, items, allowed: orig(text, sents, [], allowed)
    recs = [(p, r) for p in WRITERS for r in yaml.safe_load(p.read_text("utf-8"))]
    random.Random(0).shuffle(recs)
    base = load()
    base_items = base.get_pipe("gongkai_items")
    rules = Score(), Score()
    crf = Score(), Score()
    with tempfile.TemporaryDirectory() as tmp:
        other_seqs = []
        for p in OTHER:
            other_seqs += crf_sequences(p)[0]
        for k in range(args.folds):
            test = [r for i, r in enumerate(recs) if i % args.folds == k]
            train = [r for i, r in enumerate(recs) if i % args.folds != k]
            f = Path(tmp) / f"fold{k}.yaml"
            f.write_text(yaml.safe_dump([r for _, r in train], allow_unicode=True), "utf-8")
            model = train_crf(other_seqs + crf_sequences(f)[0])
            for use_crf, scores in ((False, rules), (True, crf)):
                base_items.crf.tagger = None
                if use_crf:
                    base_items.crf.load(model)
                for j, with_h in enumerate((True, False)):
                    for _, r in test:
                        allowed = SECTION_LABELS.get(r["heading"]) if with_h and r["heading"] else None
                        res = analyse(r["text"], allowed, base)
                        scores[j].add(score(res, r["text"], r["items"], [], r["id"]))
            print(f"fold {k}: rules F1 {rules[0].f1:.3f}/{rules[1].f1:.3f}  crf F1 {crf[0].f1:.3f}/{crf[1].f1:.3f}",
                  flush=True)
    for name, (a, b) in (("rules", rules), ("crf", crf)):
        print(f"{name:6s} with headings P {a.precision:.3f} R {a.recall:.3f} F1 {a.f1:.3f}; "
              f"withheld P {b.precision:.3f} R {b.recall:.3f} F1 {b.f1:.3f}")


if __name__ == "__main__":
    main()
