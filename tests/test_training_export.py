"""Table and page training data out (gongkai export-training --kind tables|cells|layout), each format
loaded with the reader of a tool that uses it: pycocotools for COCO, the PubTabNet HTML with TEDS
(table-recognition-metric), the cell crops with Hugging Face datasets' imagefolder."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from typer.testing import CliRunner

from gongkai.extract.archive import degradation
from gongkai.extract.archive.training import SPLITS, check_export, split_of
from gongkai.extract.interfaces.cli import app
from tests.conftest import GENERATED, SHARED

# hongze_2023 breaks a rule as printed: its cells are not certain; the others are born-digital and consistent
SOURCES = [SHARED / "pdf" / "hongze_2023.pdf", SHARED / "pdf" / "huaian_2024.pdf", GENERATED / "gen_000.pdf",
           GENERATED / "gen_001.pdf"]


def _truth(name: str) -> dict:
    for p in (SHARED / "truth" / f"{name}.json", GENERATED / f"{name}.json"):
        if p.exists():
            return json.loads(p.read_text("utf-8"))
    raise LookupError(name)


def _export(out: Path, *args: str) -> None:
    res = CliRunner().invoke(app, ["export-training", *args, "--out", str(out)])
    assert res.exit_code == 0, res.output


@pytest.fixture(scope="module")
def tables(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("tables")
    _export(out, *map(str, SOURCES), "--kind", "tables", "--dpi", "100", "--licence", "CC-BY-4.0 (test)")
    return out


def _coco_files(out: Path):
    from pycocotools.coco import COCO

    return {s: COCO(str(out / f"coco_{s}.json")) for s in SPLITS}


def test_tables_coco_loads_and_matches_itself_in_cocoeval(tables):
    from pycocotools.cocoeval import COCOeval

    cocos = _coco_files(tables)
    n_tables = sum(len(c.getAnnIds(catIds=c.getCatIds(catNms=["table"]))) for c in cocos.values())
    assert n_tables >= 12  # three reports, four to eight table fragments each
    train = max(cocos.values(), key=lambda c: len(c.getImgIds()))
    cells = train.loadAnns(train.getAnnIds(catIds=train.getCatIds(catNms=["table_cell"])))
    assert cells and all({"row", "col", "row_span", "col_span", "text", "table_id"} <= set(a) for a in cells)
    assert any(a["row_span"] > 1 or a["col_span"] > 1 for a in cells)  # spans are kept
    # the ground truth given back as detections scores AP 1.0: the file is what the evaluator expects
    dets = [{"image_id": a["image_id"], "category_id": a["category_id"], "bbox": a["bbox"], "score": 1.0}
            for a in train.loadAnns(train.getAnnIds())]
    ev = COCOeval(train, train.loadRes(dets), "bbox")
    ev.params.maxDets = [1, 10, 1000]  # a page holds a few hundred cells
    ev.evaluate()
    ev.accumulate()
    precision = ev.eval["precision"][:, :, :, 0, -1]  # every IoU, recall, category; all areas; 1000 detections
    assert precision[precision > -1].mean() == pytest.approx(1.0)


def _html(rec: dict) -> str:
    """A PubTabNet record as HTML, the way the PubTabNet authors' format_html builds it."""
    import html as _html_mod

    tokens = list(rec["html"]["structure"]["tokens"])
    cells = rec["html"]["cells"]
    to_insert = [i for i, tag in enumerate(tokens) if tag in ("<td>", ">")]
    for i, cell in zip(to_insert[::-1], cells[::-1], strict=True):
        if cell["tokens"]:
            tokens.insert(i + 1, "".join(_html_mod.escape(t) if len(t) == 1 else t for t in cell["tokens"]))
    return "<html><body><table>" + "".join(tokens) + "</table></body></html>"


def test_tables_pubtabnet_builds_html_that_teds_reads_with_the_printed_values(tables):
    from lxml import html as lhtml
    from table_recognition_metric import TEDS

    recs = [json.loads(line) for s in SPLITS for line in (tables / f"pubtabnet_{s}.jsonl").read_text("utf-8")
            .splitlines()]
    assert recs and {r["split"] for r in recs} <= set(SPLITS)
    teds = TEDS()
    checked = 0
    for rec in recs:
        page = _html(rec)
        assert teds(page, page) == pytest.approx(1.0)
        # the grid the HTML describes is rectangular once spans are expanded
        rows = lhtml.fromstring(page).xpath("//tr")
        widths, carry = [], {}
        for r, tr in enumerate(rows):
            col = 0
            for td in tr.xpath("td"):
                while carry.get((r, col)):
                    col += 1
                rs, cs = int(td.get("rowspan", 1)), int(td.get("colspan", 1))
                for dr in range(rs):
                    for dc in range(cs):
                        carry[(r + dr, col + dc)] = True
                col += cs
            widths.append(max([c + 1 for (rr, c) in carry if rr == r], default=0))
        assert len(set(widths)) == 1, rec["filename"]
        # every value cell holds the number the report printed (the truth file's)
        truth = _truth(rec["gongkai"]["doc"])["cells"]
        for cell in rec["html"]["cells"]:
            if "cell_id" in cell and cell["cell_id"] in truth:
                from gongkai.extract.domain.numbers import parse_cell

                assert parse_cell("".join(cell["tokens"])).value == truth[cell["cell_id"]], cell
                checked += 1
        with Image.open(tables / rec["filename"]) as im:
            w, h = im.size
        assert all(0 <= c["bbox"][0] < c["bbox"][2] <= w and 0 <= c["bbox"][1] < c["bbox"][3] <= h
                   for c in rec["html"]["cells"] if "bbox" in c)
    assert checked > 300
    # a wrong cell text lowers TEDS: the cells take part in the comparison
    rec = recs[0]
    other = json.loads(json.dumps(rec))
    i = next(i for i, c in enumerate(other["html"]["cells"]) if c["tokens"])
    other["html"]["cells"][i]["tokens"] = list("错")
    assert teds(_html(other), _html(rec)) < 1.0


def test_tables_data_card_and_uncertain_reports_left_out(tables):
    card = (tables / "README.md").read_text("utf-8")
    assert "**Licence:** CC-BY-4.0 (test)" in card and "huaian_2024" in card and "hongze_2023" not in card
    assert "document: finding review_litigation.row_total: 1" in card
    manifest = json.loads((tables / "manifest.json").read_text("utf-8"))
    assert sum(c.get("documents", 0) for c in manifest["counts"].values()) == 3
    assert check_export(tables) == []


def test_splits_are_by_document_and_stable_as_the_set_grows(tables, tmp_path):
    manifest = json.loads((tables / "manifest.json").read_text("utf-8"))
    by_doc = {s["name"]: s["split"] for s in manifest["sources"]}
    for s in SPLITS:
        docs = {r["gongkai"]["doc"] for r in map(json.loads, (tables / f"pubtabnet_{s}.jsonl").read_text("utf-8")
                                                  .splitlines())}
        assert all(by_doc[d] == s for d in docs)
    # one document alone lands where it landed among the others
    _export(tmp_path, str(GENERATED / "gen_000.pdf"), "--kind", "tables", "--dpi", "100")
    alone = json.loads((tmp_path / "manifest.json").read_text("utf-8"))["sources"]
    assert alone[0]["split"] == by_doc["gen_000"]
    shares = [split_of(f"doc{i}", 0, 0.1, 0.1) for i in range(2000)]
    assert 0.07 < shares.count("val") / 2000 < 0.13 and 0.07 < shares.count("test") / 2000 < 0.13


def test_the_box_check_finds_a_box_off_its_page(tables, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(tables, broken)
    path = next(p for p in broken.glob("coco_*.json") if json.loads(p.read_text())["annotations"])
    data = json.loads(path.read_text())
    im = data["images"][0]
    data["annotations"][0].update(image_id=im["id"], bbox=[im["width"] - 5, 10, 20, 20])
    path.write_text(json.dumps(data))
    problems = check_export(broken)
    assert len(problems) == 1 and "is off" in problems[0]


# -- cells -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cells(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cells")
    _export(out, *map(str, SOURCES[:3]), "--kind", "cells", "--dpi", "120", "--degrade", "hard")
    return out


def test_cell_crops_load_as_an_imagefolder_dataset_with_their_values(cells, tmp_path, monkeypatch):
    import datasets

    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    ds = datasets.load_dataset("imagefolder", data_dir=str(cells), cache_dir=str(tmp_path / "hf"))
    rows = [r for split in ds.values() for r in split]
    clean = [r for r in rows if r["degradation"] is None]
    degraded = [r for r in rows if r["degradation"] is not None]
    assert len(clean) == len(degraded) > 150
    for r in clean:
        assert r["method"] == "text" and r["doc"] != "hongze_2023"  # only certain reports' text cells
        assert r["value"] == _truth(r["doc"])["cells"][r["cell_id"]]
        assert isinstance(r["image"], Image.Image) and r["image"].width > 10
    params = degraded[0]["degradation"]
    assert params["level"] == "hard" and {"blur", "noise", "jpeg", "seals", "rotation"} <= set(params)
    assert any(r["degradation"]["seals"] for r in degraded)
    # the same export again gives the same crops and parameters (seeded by document and cell)
    out2 = tmp_path / "again"
    _export(out2, str(SOURCES[2]), "--kind", "cells", "--dpi", "120", "--degrade", "hard")
    split = next(p.parent.name for p in out2.glob("*/metadata.jsonl"))
    row = json.loads((out2 / split / "metadata.jsonl").read_text("utf-8").splitlines()[1])
    assert (out2 / split / row["file_name"]).read_bytes() == (cells / split / row["file_name"]).read_bytes()


def test_degraded_crops_need_a_source_checkout(tmp_path, monkeypatch):
    monkeypatch.setattr(degradation, "SOURCE_ROOT", tmp_path)
    res = CliRunner().invoke(app, ["export-training", str(SOURCES[2]), "--kind", "cells", "--degrade", "hard",
                                   "--out", str(tmp_path / "x")])
    assert res.exit_code == 1 and "E_NEEDS_SOURCE" in res.output
    res = CliRunner().invoke(app, ["export-training", str(SOURCES[2]), "--kind", "cells", "--degrade", "photo",
                                   "--out", str(tmp_path / "x")])
    assert res.exit_code == 2


def test_corrected_cells_of_an_uncertain_report_become_crops(tmp_path):
    """hongze_2023 breaks two rules: none of its text cells is certain, but the one a person corrected is."""
    import hashlib

    from gongkai.extract.domain.corrections import CellCorrection, CorrectionFile, CorrectionSource

    pdf = SHARED / "pdf" / "hongze_2023.pdf"
    cf = CorrectionFile(source=CorrectionSource(path=pdf.name, sha256=hashlib.sha256(pdf.read_bytes()).hexdigest()),
                        corrections=[CellCorrection(id="review_litigation.review.total", value=11)])
    fix = tmp_path / "fix.json"
    fix.write_text(cf.model_dump_json(), encoding="utf-8")
    _export(tmp_path / "out", str(pdf), "--kind", "cells", "--corrections", str(fix))
    rows = [json.loads(line) for p in (tmp_path / "out").glob("*/metadata.jsonl")
            for line in p.read_text("utf-8").splitlines()]
    assert [(r["cell_id"], r["text"], r["value"], r["method"]) for r in rows] == [
        ("review_litigation.review.total", "11", 11, "corrected")]


# -- layout ------------------------------------------------------------------------------


def _with_seal(src: Path, dst: Path) -> tuple[float, float, float, float]:
    """``src`` with a red seal image stamped on its last page (as WPS exports an e-seal); its box in points."""
    import pikepdf

    img = Image.new("RGB", (300, 300), "white")
    d = ImageDraw.Draw(img)
    d.ellipse((10, 10, 290, 290), outline=(220, 30, 40), width=18)
    d.polygon([(150, 70), (175, 140), (250, 140), (190, 180), (210, 250), (150, 210), (90, 250), (110, 180),
               (50, 140), (125, 140)], fill=(220, 30, 40))
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=90)
    pdf = pikepdf.open(src)
    page = pdf.pages[-1]
    stream = pikepdf.Stream(pdf, buf.getvalue())
    stream.update({"/Type": pikepdf.Name.XObject, "/Subtype": pikepdf.Name.Image, "/Width": 300, "/Height": 300,
                   "/ColorSpace": pikepdf.Name.DeviceRGB, "/BitsPerComponent": 8, "/Filter": pikepdf.Name.DCTDecode})
    name = page.add_resource(stream, pikepdf.Name.XObject)
    x, y, size = 380.0, 150.0, 120.0
    page.contents_add(pikepdf.Stream(pdf, f"q {size} 0 0 {size} {x} {y} cm {name} Do Q".encode()), prepend=False)
    pdf.save(dst)
    height = float(page.mediabox[3])
    return (x, height - y - size, x + size, height - y)


@pytest.fixture(scope="module")
def layout(tmp_path_factory) -> tuple[Path, tuple]:
    root = tmp_path_factory.mktemp("layout")
    sealed = root / "sealed_gen_001.pdf"
    box = _with_seal(GENERATED / "gen_001.pdf", sealed)
    out = root / "out"
    _export(out, str(SHARED / "pdf" / "hongze_2023.pdf"), str(sealed), "--kind", "layout", "--dpi", "72")
    return out, box


def test_layout_coco_has_every_region_kind_and_loads(layout):
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    out, seal_box = layout
    names = {}
    anns = []
    for s in SPLITS:
        coco = COCO(str(out / f"coco_{s}.json"))
        names.update({c["id"]: c["name"] for c in coco.loadCats(coco.getCatIds())})
        anns += [(s, a) for a in coco.loadAnns(coco.getAnnIds())]
        if coco.getAnnIds():
            dets = [{"image_id": a["image_id"], "category_id": a["category_id"], "bbox": a["bbox"], "score": 1.0}
                    for a in coco.loadAnns(coco.getAnnIds())]
            ev = COCOeval(coco, coco.loadRes(dets), "bbox")
            ev.evaluate()
            ev.accumulate()
            precision = ev.eval["precision"][:, :, :, 0, -1]
            assert precision[precision > -1].mean() == pytest.approx(1.0)
    found = {names[a["category_id"]] for _, a in anns}
    assert found == {"title", "section_heading", "paragraph", "table", "seal", "page_number"}
    counts = {n: sum(1 for _, a in anns if names[a["category_id"]] == n) for n in found}
    assert counts["title"] == 2 and counts["seal"] == 1
    # a report has six numbered sections, and 一 has five subsections (some run into their first sentence)
    assert counts["section_heading"] >= 8
    seal = next(a for _, a in anns if names[a["category_id"]] == "seal")
    x, y, w, h = seal["bbox"]  # 72 dpi: points are pixels
    assert (x, y, x + w, y + h) == pytest.approx(seal_box, abs=1.0)
    assert check_export(out) == []


def test_layout_page_numbers_are_at_the_margin(layout):
    out, _ = layout
    for s in SPLITS:
        data = json.loads((out / f"coco_{s}.json").read_text("utf-8"))
        cat = next(c["id"] for c in data["categories"] if c["name"] == "page_number")
        heights = {im["id"]: im["height"] for im in data["images"]}
        for a in data["annotations"]:
            if a["category_id"] == cat:
                assert a["bbox"][1] > 0.85 * heights[a["image_id"]] or a["bbox"][1] < 0.12 * heights[a["image_id"]]


# -- from a run database, corrections flowing in ------------------------------------------


def test_from_a_database_corrections_flow_into_cells_narrative_and_tables(tmp_path):
    import hashlib

    from gongkai.extract.archive.batch import RunOptions, run_batch
    from gongkai.extract.archive.corrections import import_corrections
    from gongkai.extract.domain.corrections import (
        CellCorrection,
        CorrectionFile,
        CorrectionSource,
        ItemCorrection,
        item_id,
    )
    from gongkai.extract.domain.model import Report

    src = tmp_path / "in"
    src.mkdir()
    for name in ("hongze_2023.pdf", "huaian_2024.pdf"):
        shutil.copy(SHARED / "pdf" / name, src / name)
    db = tmp_path / "r.duckdb"
    run_batch([src], RunOptions(db=db, workers=1))
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    (js,) = con.execute("SELECT report_json FROM reports WHERE organization = '洪泽区人民政府'").fetchone()
    con.close()
    item = next(it for it in Report.model_validate_json(js).items if it.label == "problem")
    sha = hashlib.sha256((src / "hongze_2023.pdf").read_bytes()).hexdigest()
    import_corrections(db, CorrectionFile(source=CorrectionSource(path="hongze_2023.pdf", sha256=sha), corrections=[
        CellCorrection(id="review_litigation.review.total", value=11),
        ItemCorrection(id=item_id(item.section_id, item.start, item.end), label="improvement")]))

    _export(tmp_path / "cells", "--db", str(db), "--kind", "cells")
    rows = [json.loads(line) for p in (tmp_path / "cells").glob("*/metadata.jsonl")
            for line in p.read_text("utf-8").splitlines()]
    hongze = [r for r in rows if r["doc"].startswith("hongze_2023")]
    assert [(r["cell_id"], r["text"], r["method"]) for r in hongze] == [("review_litigation.review.total", "11",
                                                                        "corrected")]
    assert sum(1 for r in rows if r["doc"].startswith("huaian_2024")) > 100

    _export(tmp_path / "narrative", "--db", str(db), "--format", "jsonl", "--dev-fraction", "0")
    examples = [json.loads(line) for line in (tmp_path / "narrative" / "train.jsonl").read_text("utf-8")
                .splitlines()]
    spans = [(ex["text"][s:e], lab) for ex in examples for s, e, lab in ex["label"]]
    assert (item.text, "improvement") in spans and (item.text, "problem") not in spans

    _export(tmp_path / "tables", "--db", str(db), "--kind", "tables")
    manifest = json.loads((tmp_path / "tables" / "manifest.json").read_text("utf-8"))
    assert [s["organization"] for s in manifest["sources"]] == ["淮安市人民政府"]
    assert sum(c.get("tables", 0) for c in manifest["counts"].values()) >= 4
