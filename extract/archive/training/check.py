"""The box check: every box of an export lies on its image, read back from the files written."""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image


def check_export(out: Path) -> list[str]:
    """Every box of an export lies on its image (read back from the files written): problems found."""
    problems = []
    for coco_path in sorted(out.glob("coco_*.json")):
        data = json.loads(coco_path.read_text("utf-8"))
        images = {im["id"]: im for im in data["images"]}
        for im in images.values():
            with Image.open(out / im["file_name"]) as f:
                if f.size != (im["width"], im["height"]):
                    problems.append(f"{coco_path.name}: {im['file_name']} is {f.size}, not "
                                    f"{im['width']}x{im['height']}")
        for a in data["annotations"]:
            im = images[a["image_id"]]
            x, y, w, h = a["bbox"]
            if x < 0 or y < 0 or w <= 0 or h <= 0 or x + w > im["width"] + 0.01 or y + h > im["height"] + 0.01:
                problems.append(f"{coco_path.name}: annotation {a['id']} {a['bbox']} is off {im['file_name']}")
    for jl in sorted(out.glob("pubtabnet_*.jsonl")):
        for line in jl.read_text("utf-8").splitlines():
            rec = json.loads(line)
            with Image.open(out / rec["filename"]) as f:
                w, h = f.size
            for cell in rec["html"]["cells"]:
                if "bbox" in cell:
                    x0, y0, x1, y1 = cell["bbox"]
                    if x0 < 0 or y0 < 0 or x1 > w + 0.01 or y1 > h + 0.01 or x1 <= x0 or y1 <= y0:
                        problems.append(f"{jl.name}: {rec['filename']} cell box {cell['bbox']} is off the crop")
    for meta in sorted(out.glob("*/metadata.jsonl")):
        for line in meta.read_text("utf-8").splitlines():
            row = json.loads(line)
            if not (meta.parent / row["file_name"]).exists():
                problems.append(f"{meta}: {row['file_name']} is missing")
    return problems
