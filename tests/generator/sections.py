"""Section-labelled passages from generated narrative, for the sentence-section CRF (headings withheld).

A generated report's sentences sit under known headings, so each is a labelled example of its section
with no one reading it: the sentences of a subsection of 一 are that subsection, those of 五 before the
改进 half are problems and after it improvements, the fee sentence of 六 is fees and the rest other
matters. Written in the hand sets' format (``id``, ``heading``, ``text``, ``items``, ``sections``) so
``gongkai train-learned --sections-only`` reads them like any hand-labelled set:

    python -m tests.generator.sections --out out/sections.yaml --count 200 --seed 23

Per report: each subsection of 一 alone (as a report whose heading was lost shows it), 五, 六, and the
whole narrative run together without its section titles (a free-form report).
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

import yaml

from gongkai.nlp.segment import split_sentences

from .narrative import R_SUB, make_rich_narrative
from .values import pick_org

FEE = re.compile(r"处理费|收费")


def _labelled(paragraphs: list[tuple[str, str]]) -> tuple[str, list[list[str]]]:
    """The paragraphs as one text (a line each) and every sentence's [label, sentence] fragment."""
    text = "\n".join(p for _, p in paragraphs)
    sections = []
    for label, p in paragraphs:
        for s in split_sentences(p):
            if s.text.strip():
                sections.append([label, s.text.strip()])
    return text, sections


PARTS = ("sub", "five", "six", "whole")


def passages(count: int, seed: int, parts: tuple[str, ...] = PARTS) -> list[dict]:
    out: list[dict] = []
    for i in range(count):
        rng = random.Random(seed * 1000 + i)
        org = pick_org(rng)
        year = rng.randint(2019, 2025)
        narr = make_rich_narrative(rng, org.name, year, rng.randint(0, 3000), f"{year + 1}年1月{rng.randint(10, 28)}日")
        overall: list[tuple[str, str]] = [("overall", narr.overall[0])]
        subs: dict[str, list[str]] = {}
        rest = narr.overall[1:]
        inline = len(rest) == len(R_SUB)
        for k, key in enumerate(R_SUB):
            paras = [rest[k]] if inline else rest[2 * k : 2 * k + 2]
            overall += [(key, p) for p in paras]
            # as a reader gives a subsection whose heading it took off: the body alone
            body = paras[0].split("。", 1)[1] if inline else paras[1]
            subs[key] = [body]
        five = [("problems" if j < narr.five_turn else "improvements", p) for j, p in enumerate(narr.five)]
        six = [("fees" if FEE.search(p) else "other_matters", p) for p in narr.six]
        items = [{"label": "problem", "text": t} for t in narr.problems] + \
                [{"label": "improvement", "text": t} for t in narr.improvements]
        chosen: list[tuple[str, str | None, list[tuple[str, str]], list[dict]]] = [
            (f"sub.{key}", f"overall.{key}", [(key, b) for b in body], []) for key, body in subs.items()
        ]
        chosen += [("five", "problems_improvements", five, items), ("six", "other_matters", six, []),
                  ("whole", None, overall + five + six, items)]
        for name, heading, paras, its in chosen:
            if name.split(".")[0] not in parts:
                continue
            text, sections = _labelled(paras)
            out.append({"id": f"g{seed}_{i:04d}.{name}", "heading": heading, "text": text, "items": its,
                        "sections": sections})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--seed", type=int, default=23)
    ap.add_argument("--parts", nargs="+", choices=PARTS, default=list(PARTS))
    args = ap.parse_args()
    recs = passages(args.count, args.seed, tuple(args.parts))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(yaml.safe_dump(recs, allow_unicode=True, sort_keys=False, width=1000), "utf-8")
    print(f"wrote {args.out}: {len(recs)} passages from {args.count} generated reports, "
          f"{sum(len(r['sections']) for r in recs)} labelled sentences")


if __name__ == "__main__":
    main()
