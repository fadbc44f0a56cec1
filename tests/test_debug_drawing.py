"""The intermediate geometry can be drawn: mapped cells appear where their boxes are."""

from __future__ import annotations

from gongkai import Options
from gongkai.extract.interfaces.debug import draw_page
from gongkai.extract.pipeline import analyse_bytes
from tests.conftest import SHARED


def test_draw_page_marks_cells_and_broken_rules():
    path = SHARED / "pdf" / "hongze_2023.pdf"
    doc, report = analyse_bytes(path.read_bytes(), Options())
    assert doc is not None
    img = draw_page(path, 4, doc, report, scale=1.0)
    assert img.size == (595, 842)
    # review.upheld (10) takes part in a broken rule: its box is drawn red
    x0, top, _, bottom = report.cells["review_litigation.review.upheld"].bbox
    assert img.getpixel((int(x0) + 1, int((top + bottom) / 2))) == (220, 0, 0)
    # applications.carried_forward.total is fine: green
    x0, top, _, bottom = report.cells["applications.carried_forward.total"].bbox
    assert img.getpixel((int(x0) + 1, int((top + bottom) / 2))) == (0, 160, 0)
