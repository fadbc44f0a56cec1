"""Section headings in their wording variants, and metadata from the content."""

from __future__ import annotations

from datetime import date

import pytest

from gongkai.extract.domain.metadata import find_metadata
from gongkai.extract.domain.organisations import bodies, classify, levels
from gongkai.extract.domain.sections import clean_text, find_sections
from gongkai.extract.layout import TextLine


def _lines(text: str) -> list[TextLine]:
    return [TextLine(t) for t in text.strip().splitlines()]


REPORT = """
首页 > 政务公开 > 年报
某某县人民政府办公室 2022 年政府信息公开工作年度 报告
本报告依据《条例》编制。
一、总体情况
2022年，我办坚持公开为常态。
（一）主动公开方面。全年主动公开政府信息320条。
（二）依申请公开情况
全年收到申请5件。
（三）政府信息管理
严格审核。
（四）政府信息公开平台建设情况。加强网站建设。
（五）监督保障情况
开展培训。一、这不是标题而是正文里的枚举
二、主动公开政府信息情况
第二十条第（一）项
三、收到和处理政府信息公开申请情况
四、政府信息公开行政复议、行政诉讼情况
五、政府信息公开工作存在的主要问题及改进情况
一是公开意识不强。二是解读形式单一。
六、其他需要报告的事项
本年度未收取信息处理费。
某某县人民政府办公室
2023年1月20日
下一条：某某县2021年报告
关闭
"""


def test_six_sections_and_five_subsections():
    sections, preamble = find_sections(_lines(REPORT))
    top = [k for k in sections if "." not in k]
    assert top == [
        "overall",
        "active_disclosure",
        "applications",
        "review_litigation",
        "problems_improvements",
        "other_matters",
    ]
    subs = [k for k in sections if k.startswith("overall.")]
    assert len(subs) == 5
    assert sections["overall.active_disclosure"].text == "全年主动公开政府信息320条。"
    assert sections["overall.platform_construction"].text == "加强网站建设。"
    assert "这不是标题" in sections["overall.supervision"].text
    assert sections["problems_improvements"].title.startswith("五、政府信息公开工作存在的主要问题")
    # signature, date and page chrome are not report text
    assert sections["other_matters"].text == "本年度未收取信息处理费。"
    # the overall text keeps the subsection headings, as printed
    assert "（一）主动公开方面。全年主动公开政府信息320条。" in sections["overall"].text
    assert preamble[0].text.startswith("首页")


def test_metadata_from_content():
    lines = _lines(REPORT)
    sections, preamble = find_sections(lines)
    meta = find_metadata(lines, sections, preamble)
    assert meta.organization == "某某县人民政府办公室"
    assert meta.year == 2022
    assert (meta.level, meta.body) == ("县级", "办公厅/室")
    assert meta.publication_date == date(2023, 1, 20)


def test_org_from_body_when_title_is_truncated():
    text = (
        " 公开工作年度报告\n一、总体情况\n2023年召都巴镇政府信息公开工作稳步推进，"
        "召都巴镇政务公开工作领导小组负责。\n五、存在问题及改进情况\n无\n"
    )
    lines = _lines(text)
    sections, preamble = find_sections(lines)
    meta = find_metadata(lines, sections, preamble)
    assert meta.organization == "召都巴镇"
    assert meta.year == 2023
    assert (meta.level, meta.body) == ("乡级", "乡镇")


# Titles of every kind (the convention: extract/domain/data/organisations.yaml)
ORGS = [
    # the central government
    ("国务院", "国家级", "人民政府"),
    ("国务院办公厅", "国家级", "办公厅/室"),
    ("生态环境部", "国家级", "部门"),
    ("国家发展和改革委员会", "国家级", "部门"),
    ("国家税务总局", "国家级", "部门"),
    ("海关总署", "国家级", "部门"),
    ("教育部办公厅", "国家级", "部门"),
    # provinces, autonomous regions and their departments
    ("江苏省人民政府", "省级", "人民政府"),
    ("江苏省人民政府办公厅", "省级", "办公厅/室"),
    ("江苏省生态环境厅", "省级", "部门"),
    ("广西壮族自治区人民政府", "省级", "人民政府"),
    ("新疆维吾尔自治区发展和改革委员会", "省级", "部门"),
    # the four 直辖市 are provinces; their districts and counties are counties
    ("北京市人民政府", "省级", "人民政府"),
    ("上海市人民政府办公厅", "省级", "办公厅/室"),
    ("重庆市人民政府", "省级", "人民政府"),
    ("天津市教育委员会", "省级", "部门"),
    ("北京市海淀区人民政府", "县级", "人民政府"),
    ("上海市浦东新区人民政府", "县级", "人民政府"),
    ("重庆市城口县人民政府", "县级", "人民政府"),
    ("北京市海淀区学院路街道办事处", "乡级", "街道办事处"),
    ("重庆市大足区宝顶镇人民政府", "乡级", "乡镇"),
    # prefectures: cities, 自治州, 地区, 盟
    ("淮安市人民政府", "地级", "人民政府"),
    ("深圳市人民政府", "地级", "人民政府"),
    ("曲靖市人民政府办公室", "地级", "办公厅/室"),
    ("淮安市住房和城乡建设局", "地级", "部门"),
    ("淮安市市场监督管理局", "地级", "部门"),
    ("淮安市人民政府外事办公室", "地级", "部门"),
    ("恩施土家族苗族自治州人民政府", "地级", "人民政府"),
    ("锡林郭勒盟行政公署", "地级", "人民政府"),
    ("内蒙古自治区阿拉善盟行政公署办公室", "地级", "办公厅/室"),
    ("国家税务总局淮安市税务局", "地级", "部门"),
    # counties, districts, county-level cities, 自治县, 旗
    ("淮安市洪泽区人民政府", "县级", "人民政府"),
    ("洪泽区人民政府", "县级", "人民政府"),
    ("徐州市沛县人民政府", "县级", "人民政府"),
    ("寿光市人民政府", "县级", "人民政府"),
    ("潍坊市寿光市人民政府办公室", "县级", "办公厅/室"),
    ("湖北省仙桃市人民政府", "县级", "人民政府"),
    ("延边朝鲜族自治州延吉市人民政府", "县级", "人民政府"),
    ("长阳土家族自治县人民政府", "县级", "人民政府"),
    ("阿拉善左旗人民政府", "县级", "人民政府"),
    ("鄂温克族自治旗人民政府", "县级", "人民政府"),
    ("神农架林区人民政府", "县级", "人民政府"),
    ("阳泉市城区人民政府", "县级", "人民政府"),
    ("某某县人民政府", "县级", "人民政府"),
    ("沭阳县教育局", "县级", "部门"),
    ("上海市静安区地区工作办公室", "县级", "部门"),
    # towns, townships, 苏木, sub-districts
    ("金山镇", "乡级", "乡镇"),
    ("平江县金鸡乡人民政府", "乡级", "乡镇"),
    ("鄂温克族自治旗巴彦托海镇人民政府", "乡级", "乡镇"),
    ("阿拉善左旗巴彦木仁苏木人民政府", "乡级", "乡镇"),
    ("新华街道办事处", "乡级", "街道办事处"),
    ("淮安市清江浦区人民路街道办事处", "乡级", "街道办事处"),
    ("某某镇党政办公室", "乡级", "办公厅/室"),
    # development zones and management committees: one level below their government
    ("苏州工业园区管理委员会", "县级", "管委会"),
    ("淮安经济技术开发区管理委员会", "县级", "管委会"),
    ("淮安市高新技术产业开发区管委会", "县级", "管委会"),
    ("中国（上海）自由贸易试验区管理委员会", "地级", "管委会"),
    ("城乡一体化示范区党政办公室", None, "办公厅/室"),
    # public institutions
    ("淮安市公共资源交易中心", "地级", "事业单位"),
    ("江苏省地震局", "省级", "部门"),
    # nothing to go on
    ("", None, None),
    ("启用", None, None),
]


@pytest.mark.parametrize(("org", "level", "body"), ORGS, ids=[o[0] or "empty" for o in ORGS])
def test_level_and_body(org, level, body):
    who = classify(org)
    assert (who.level, who.body) == (level, body)


def test_vocabularies_are_closed():
    assert levels() == ("国家级", "省级", "地级", "县级", "乡级")
    assert set(bodies()) == {"人民政府", "乡镇", "街道办事处", "管委会", "办公厅/室", "事业单位", "部门"}
    assert {o[1] for o in ORGS} - {None} == set(levels())
    assert {o[2] for o in ORGS} - {None} == set(bodies())


@pytest.mark.parametrize(
    ("title", "org"),
    [
        ("2020年上海市人民政府办公厅政府信息公开工作年度报告", "上海市人民政府办公厅"),
        ("2023年度上海市政府信息公开工作年度报告", "上海市"),
        ("上海市人民政府办公厅2023年政府信息公开工作年度报告", "上海市人民政府办公厅"),
        ("首页>政务公开>北京市海淀区人民政府2022年政府信息公开工作年度报告", "北京市海淀区人民政府"),
    ],
)
def test_title_names_the_organisation_before_or_after_the_year(title, org):
    lines = _lines(f"{title}\n一、总体情况\n正文。\n五、存在的主要问题及改进情况\n无\n")
    sections, preamble = find_sections(lines)
    assert find_metadata(lines, sections, preamble).organization == org


def test_clean_text_drops_layout_spaces_only():
    assert clean_text("号 ， 邮 编 ： 223100 ， 电 话") == "号，邮编：223100，电话"
    assert clean_text("2023 年 hzzwgk@126.com 和 Word 2019") == "2023年hzzwgk@126.com和Word 2019"


SAVED_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}_上海市人民政府</title></head><body>
<div class="toolbar">无障碍浏览 | 长者模式 | 启用</div>
<div class="nav">首页 &gt; 政务公开 &gt; 政府信息公开年报</div>
<h1>{title}</h1><div class="info">字号：大 中 小</div>
<div class="content"><p>一、总体情况</p>
<p>2020年，上海市人民政府办公厅坚持公开为常态，启用上海市政府信息公开申请平台，启用上海市政府信息公开专栏。</p>
<p>二、主动公开政府信息情况</p><p>三、收到和处理政府信息公开申请情况</p><p>四、政府信息公开行政复议、行政诉讼情况</p>
<p>五、政府信息公开工作存在的主要问题及改进情况</p><p>无。</p><p>六、其他需要报告的事项</p><p>无。</p>
</div></body></html>"""


@pytest.mark.parametrize(
    ("title", "org", "level", "body"),
    [
        ("2020年上海市人民政府办公厅政府信息公开工作年度报告", "上海市人民政府办公厅", "省级", "办公厅/室"),
        ("2020年度政府信息公开工作年度报告", "上海市", "省级", "人民政府"),  # no name in the title: from the body
    ],
)
def test_saved_page_organisation_is_not_启用上海市(tmp_path, title, org, level, body):
    """Was: organisation "启用上海市", level 市. The title names the body after the year, which the title
    pattern did not read; the body scan then took the verb before "上海市政府信息公开…" as part of the name."""
    from gongkai import Options, read_report

    page = tmp_path / "page.html"
    page.write_text(SAVED_PAGE.format(title=title), encoding="utf-8")
    report = read_report(page, Options(narrative=False))
    assert (report.organization, report.level, report.body) == (org, level, body)


@pytest.mark.parametrize("signature", ["淮安市洪泽区", "淮安市洪泽区人民政府办公室", "岔河镇人民政府", "淮安市数据中心"])
def test_a_signature_is_no_section_text_whatever_body_it_names(signature):
    """sections.py kept its own list of name endings beside metadata's (区 and 县 were missing, so a
    district's signature stayed in the last section's text); it now asks organisations.classify,
    whose words are the one list in data/organisations.yaml."""
    text = f"一、总体情况\n全年公开。\n六、其他需要报告的事项\n本机关无其他需要报告的事项。\n{signature}\n2025年1月20日\n"
    sections, _ = find_sections(_lines(text))
    assert sections["other_matters"].text == "本机关无其他需要报告的事项。"
