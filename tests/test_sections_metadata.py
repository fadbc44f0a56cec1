"""Section headings in their wording variants, and metadata from the content."""

from __future__ import annotations

from datetime import date

import pytest

from gongkai.extract.domain.metadata import find_metadata, level_of
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
    assert meta.level == "部门"
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
    assert meta.level == "乡镇"


@pytest.mark.parametrize(
    ("org", "level"),
    [
        ("淮安市人民政府", "市"),
        ("淮安市洪泽区人民政府", "区"),
        ("重庆市大足区宝顶镇人民政府", "乡镇"),
        ("江苏省人民政府", "省"),
        ("某某县人民政府", "县"),
        ("新华街道办事处", "街道"),
        ("金山镇", "乡镇"),
        ("某市生态环境局", "部门"),
        ("城乡一体化示范区党政办公室", "部门"),
        ("广西壮族自治区人民政府", "省"),
    ],
)
def test_level(org, level):
    assert level_of(org) == level


def test_clean_text_drops_layout_spaces_only():
    assert clean_text("号 ， 邮 编 ： 223100 ， 电 话") == "号，邮编：223100，电话"
    assert clean_text("2023 年 hzzwgk@126.com 和 Word 2019") == "2023年hzzwgk@126.com和Word 2019"


def test_one_list_of_organisation_endings_for_signatures_and_body_names():
    """sections.py and metadata.py once kept their own lists: a signature naming a city or district was
    section text, and a body named 中心/研究所 in the text was never found (data/organisations.yaml now)."""
    text = (
        "一、总体情况\n2024年，某某市公共资源交易中心政府信息公开工作稳步推进。\n"
        "六、其他需要报告的事项\n本机关无其他需要报告的事项。\n某某市洪泽区\n2025年1月20日\n"
    )
    lines = _lines(text)
    sections, preamble = find_sections(lines)
    assert sections["other_matters"].text == "本机关无其他需要报告的事项。"
    assert find_metadata(lines, sections, preamble).organization == "某某市公共资源交易中心"
