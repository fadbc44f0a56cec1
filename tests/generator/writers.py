"""Rendering a generated report as Word (python-docx, real merged cells) and as a saved web page."""

from __future__ import annotations

import html
import random
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from .narrative import Narrative
from .tables import Grid

FONTS = ["WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "AR PL UMing CN", "AR PL UKai CN"]
TABLE_HEADINGS = ("二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况")


@dataclass
class Report:
    narrative: Narrative
    tables: list[Grid]
    """Active disclosure, applications, review/litigation."""


def _font(run_or_style, name: str) -> None:
    run_or_style.font.name = name
    rpr = run_or_style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def _page_number_footer(d: docx.Document) -> None:
    p = d.sections[0].footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("- ")
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), "PAGE")
    r = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "1"
    r.append(t)
    fld.append(r)
    p._p.append(fld)
    p.add_run(" -")


def write_docx(rep: Report, path: Path, rng: random.Random) -> None:
    d = docx.Document()
    font = rng.choice(FONTS)
    size = rng.choice([10.5, 11, 12])
    normal = d.styles["Normal"]
    _font(normal, font)
    normal.font.size = Pt(size)
    sec = d.sections[0]
    sec.page_height, sec.page_width = Cm(29.7), Cm(21.0)
    sec.left_margin = sec.right_margin = Cm(rng.choice([2.2, 2.6, 3.0]))
    _page_number_footer(d)
    n = rep.narrative

    def para(text: str, bold: bool = False, center: bool = False, indent: bool = True, right: bool = False) -> None:
        p = d.add_paragraph()
        run = p.add_run(text)
        run.bold = bold
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run.font.size = Pt(size + 6)
        elif right:
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif indent:
            p.paragraph_format.first_line_indent = Pt(size * 2)

    para(n.title, bold=True, center=True)
    para(n.intro)
    para("一、总体情况", bold=True, indent=False)
    for t in n.overall:
        para(t)
    for heading, grid in zip(TABLE_HEADINGS, rep.tables, strict=True):
        para(heading, bold=True, indent=False)
        _table(d, grid, rng, size)
    para(n.five_title, bold=True, indent=False)
    for t in n.five:
        para(t)
    para("六、其他需要报告的事项", bold=True, indent=False)
    for t in n.six:
        para(t)
    for t in n.signature:
        para(t, right=True, indent=False)
    d.save(path)


def _table(d: docx.Document, g: Grid, rng: random.Random, size: float) -> None:
    t = d.add_table(rows=len(g.rows), cols=g.ncols)
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    usable = 15.5
    total = sum(g.widths)
    widths = [Cm(usable * w / total) for w in g.widths]
    for row in t.rows:
        for c, cell in enumerate(row.cells):
            cell.width = widths[c]
    for r, row in enumerate(g.rows):
        for c, spec in enumerate(row):
            if spec is None:
                continue
            text, rs, cs = spec
            cell = t.cell(r, c)
            if rs > 1 or cs > 1:
                cell = cell.merge(t.cell(r + rs - 1, c + cs - 1))
            cell.text = text
            for p in cell.paragraphs:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                for run in p.runs:
                    run.font.size = Pt(size - 1.5)
    for row in t.rows:
        # rows never break across pages (Word's "allow row to break across pages" off); a row split
        # over two pages is a separate, not yet handled case
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    if g.header_rows and rng.random() < 0.5:
        for row in t.rows[: g.header_rows]:
            tr_pr = row._tr.get_or_add_trPr()
            h = OxmlElement("w:tblHeader")
            h.set(qn("w:val"), "true")
            tr_pr.append(h)


CHROME_TOP = """<div class="top-bar">无障碍 | 长者模式 | 登录</div>
<div class="header"><div class="logo">{site}</div><ul class="nav"><li>首页</li><li>政务公开</li><li>政务服务</li><li>互动交流</li></ul></div>
<div class="breadcrumb">当前位置：首页 &gt; 政务公开 &gt; 政府信息公开年报</div>"""
CHROME_SIDE = """<div class="sidebar"><h3>信息公开目录</h3><ul><li>政府信息公开指南</li><li>政府信息公开制度</li><li>法定主动公开内容</li><li>政府信息公开年报</li></ul></div>"""
CHROME_BOTTOM = """<div class="share">分享到：微信 微博</div><div class="print">【打印本页】【关闭窗口】</div>
<div class="footer"><p>主办单位：{site}办公室 网站标识码：{code}</p><p>ICP备案：苏ICP备{icp}号</p></div>
<script type="text/javascript">var _hmt = _hmt || []; document.write("访问量统计 自然人 行政复议");</script>"""


def _html_table(g: Grid, inline_style: bool) -> str:
    style = ' style="border-collapse:collapse;width:100%"' if inline_style else ""
    out = [f'<table border="1" cellspacing="0" cellpadding="2"{style}>']
    for row in g.rows:
        out.append("<tr>")
        for spec in row:
            if spec is None:
                continue
            text, rs, cs = spec
            attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
            body = "<br>".join(html.escape(x) for x in text.split("\n"))
            if inline_style:
                body = f'<p style="text-align:center"><span style="font-size:10.5pt">{body}</span></p>'
            out.append(f"<td{attrs}>{body}</td>")
        out.append("</tr>")
    out.append("</table>")
    return "".join(out)


def write_html(rep: Report, path: Path, rng: random.Random, encoding: str) -> None:
    n = rep.narrative
    site = n.signature[0]
    inline_style = rng.random() < 0.5

    def p(text: str) -> str:
        return f"<p>{html.escape(text)}</p>" if not inline_style else f'<p style="text-indent:2em"><span>{html.escape(text)}</span></p>'

    body = [f'<h1 class="article-title">{html.escape(n.title)}</h1>',
            f'<div class="info">发布日期：{html.escape(n.signature[1])}　来源：{html.escape(site)}　浏览次数：{rng.randint(10, 999)}</div>',
            f'<div id="{rng.choice(["zoom", "content", "article"])}" class="{rng.choice(["TRS_Editor", "con", "article-content"])}">',
            p(n.intro), p("一、总体情况"), *map(p, n.overall)]
    for heading, grid in zip(TABLE_HEADINGS, rep.tables, strict=True):
        body += [p(heading), _html_table(grid, inline_style)]
    body += [p(n.five_title), *map(p, n.five), p("六、其他需要报告的事项"), *map(p, n.six)]
    body += [f'<p style="text-align:right">{html.escape(t)}</p>' for t in n.signature]
    body.append("</div>")
    meta = {
        "utf-8": '<meta charset="utf-8">',
        "gbk": '<meta http-equiv="Content-Type" content="text/html; charset=gbk">',
        "gb2312": '<meta charset="gb2312">',
        "utf-8-bom": "",
        "gbk-undeclared": "",
    }[encoding]
    page = (f"<!DOCTYPE html><html><head>{meta}<title>{html.escape(n.title)}-{html.escape(site)}</title>"
            f"<style>.header{{background:#c00}} td{{border:1px solid #000}}</style></head><body>"
            f"{CHROME_TOP.format(site=html.escape(site))}<div class='main'>{CHROME_SIDE}<div class='article'>{''.join(body)}</div></div>"
            f"{CHROME_BOTTOM.format(site=html.escape(site), code=rng.randint(1000000000, 9999999999), icp=rng.randint(10000000, 99999999))}"
            "</body></html>")
    if encoding == "utf-8-bom":
        data = b"\xef\xbb\xbf" + page.encode("utf-8")
    elif encoding == "utf-8":
        data = page.encode("utf-8")
    else:
        data = page.encode("gb18030")
    path.write_bytes(data)


def write_text(rep: Report, path: Path, rng: random.Random) -> None:
    """Word's "save as plain text": a table row per line, every cell ended by a tab (a cell merged
    across columns once, one merged down from the row above empty); UTF-8 or GBK, Windows or Unix
    line ends."""
    n = rep.narrative
    lines = [n.title, n.intro, "一、总体情况", *n.overall]
    for heading, grid in zip(TABLE_HEADINGS, rep.tables, strict=True):
        lines.append(heading)
        below: set[tuple[int, int]] = set()  # positions a cell above covers: Word writes them empty
        for r, row in enumerate(grid.rows):
            cells = []
            for c, spec in enumerate(row):
                if spec is not None:
                    cells.append(spec[0].replace("\n", ""))
                    below |= {(r + dr, c + dc) for dr in range(1, spec[1]) for dc in range(spec[2])}
                elif (r, c) in below and (c == 0 or (r, c - 1) not in below):
                    cells.append("")  # once per merged cell, however wide
            lines.append("".join(f"{c}\t" for c in cells))  # Word ends every cell with a tab
    lines += [n.five_title, *n.five, "六、其他需要报告的事项", *n.six, *n.signature]
    text = ("\r\n" if rng.random() < 0.5 else "\n").join(lines) + "\n"
    path.write_bytes(text.encode("utf-8" if rng.random() < 0.5 else "gb18030"))
