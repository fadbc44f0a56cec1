"""python -m tests.generator --out tests/corpus/generated --count 50 --seed 2026"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from .narrative import make_narrative, make_rich_narrative
from .tables import Style, active_2019, active_2021, applications, review
from .values import make_numbers, pick_org, rule_violations
from .writers import Report, write_docx, write_html, write_text

ENCODINGS = ["utf-8", "gbk", "gb2312", "utf-8-bom", "gbk-undeclared"]


def generate_one(
    i: int, seed: int, out: Path, want_pdf: bool, want_html: bool, rich: bool = False, want_text: bool = False
) -> tuple[dict, Path | None]:
    rng = random.Random(seed * 1000 + i)
    doc_id = f"gen_{i:03d}"
    org = pick_org(rng)
    template = "2019" if rng.random() < 0.25 else "2021"
    year = rng.choice([2019, 2020]) if template == "2019" else rng.randint(2021, 2025)
    other_one_row = template == "2019" or rng.random() < 0.3
    breaks = rng.random() < 0.2
    nums = make_numbers(rng, org, template, other_one_row, breaks)
    pub = date(year + 1, 1, 10) + timedelta(days=rng.randint(0, 60))
    apps = nums.cells.get("applications.new_received.total") or 0
    narr = (make_rich_narrative if rich else make_narrative)(rng, org.name, year, int(apps), f"{pub.year}年{pub.month}月{pub.day}日")
    style = Style.pick(rng)
    tables = [(active_2019 if template == "2019" else active_2021)(nums, style), applications(nums, style), review(nums, style)]
    rep = Report(narr, tables)
    docx_path = out / f"{doc_id}.docx"
    write_docx(rep, docx_path, rng)
    formats = [docx_path.name]
    if want_pdf:
        formats.append(f"{doc_id}.pdf")
    if want_html:
        enc = ENCODINGS[i % len(ENCODINGS)]
        write_html(rep, out / f"{doc_id}.html", rng, enc)
        formats.append(f"{doc_id}.html")
    if want_text:
        write_text(rep, out / f"{doc_id}.txt", random.Random(seed * 1000 + i + 7))  # its own draws: the rest stays
        formats.append(f"{doc_id}.txt")
    five_body = "\n".join(narr.five)
    truth = {
        "doc_id": doc_id,
        "source": docx_path.name,
        "formats": formats,
        "organization": org.name,
        "year": year,
        "level": org.level,
        "body": org.body,
        "publication_date": pub.isoformat(),
        "template": template,
        "cells": nums.cells,
        "rule_violations": rule_violations(nums.cells),
        "sections": {"overall": "\n".join(narr.overall), "problems_improvements": five_body, "other_matters": "\n".join(narr.six)},
        "problems": narr.problems,
        "improvements": narr.improvements,
        "notes": (f"generated; template {template}; （六） {'one row' if other_one_row else 'three rows'}; "
                  f"labels: sep '{style.arabic_sep}', parens {''.join(style.paren)}, typo={style.typo}, wrap={style.wrap}, "
                  f"spaces={style.space_in_labels}; broken cells: {nums.broken or 'none'}"),
    }
    (out / f"{doc_id}.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return truth, docx_path if want_pdf else None


def convert_to_pdf(docx_files: list[Path], out: Path) -> None:
    """One LibreOffice run for all files, with a private profile."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise SystemExit("LibreOffice (soffice) is needed to make the PDFs")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", "--outdir", str(out),
             *map(str, docx_files)],
            check=True, capture_output=True, timeout=1800,
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=Path("tests/corpus/generated"))
    ap.add_argument("--count", type=int, default=50)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--only", type=int, nargs="*", help="regenerate just these indices")
    ap.add_argument("--no-pdf", action="store_true", help="skip the LibreOffice step")
    ap.add_argument("--rich-narrative", action="store_true", help="varied narrative (training data for nlp/)")
    ap.add_argument("--no-html", action="store_true", help="Word files only")
    ap.add_argument("--text", action="store_true", help="also a plain-text export of every report")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.time()
    to_pdf = []
    for i in args.only if args.only is not None else range(args.count):
        want_pdf = i % 3 != 2 and not args.no_pdf
        want_html = (i % 2 == 0 or i % 7 == 3) and not args.no_html
        _, pdf_src = generate_one(i, args.seed, args.out, want_pdf, want_html, args.rich_narrative, args.text)
        if pdf_src:
            to_pdf.append(pdf_src)
    if to_pdf:
        convert_to_pdf(to_pdf, args.out)
    print(f"{args.count} documents in {args.out} ({len(to_pdf)} PDFs) in {time.time() - started:.1f} s")


if __name__ == "__main__":
    main()
