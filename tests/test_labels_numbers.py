"""Label normalisation/matching and number parsing: the small pieces everything rests on."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongkai.extract.domain.labels import best_match, normalize, similarity, split_label
from gongkai.extract.domain.numbers import parse_cell


@pytest.mark.parametrize(
    ("printed", "numbering", "body"),
    [
        (
            "（二）部分公开（区分处理的，只计这一情 形，不\n计其他情形）",
            "(二)",
            "部分公开(区分处理的,只计这一情形,不计其他情形)",
        ),
        ("1、申请人无正当理由", "1.", "申请人无正当理由"),
        ("1．属于国家秘密", "1.", "属于国家秘密"),
        ("(三)不予公开", "(三)", "不予公开"),
        ("三、本年度办理结果", "三、", "本年度办理结果"),
        ("商业\n企业", None, "商业企业"),
        ("2023年", None, "2023年"),
    ],
)
def test_split_label(printed, numbering, body):
    lab = split_label(printed)
    assert (lab.numbering, lab.body) == (numbering, body)


def test_typo_and_wrap_still_match():
    rows = {"denied_prohibited_by_law": ("2.其他法律行政法规禁止公开",), "denied_state_secret": ("1.属于国家秘密",)}
    assert best_match("2.其他法律行政止公开", rows)[0] == "denied_prohibited_by_law"
    assert best_match("1.属于国家\n秘密", rows)[0] == "denied_state_secret"


def test_numbering_disagreement_blocks_match():
    assert similarity("3.其他", "1.其他") < 72
    rows = {"other_other": ("3.其他",), "other_no_correction": ("1.申请人无正当理由逾期不补正",)}
    assert best_match("3、其他", rows)[0] == "other_other"


def test_ambiguous_match_is_refused():
    assert best_match("结果", {"a": ("结果维持",), "b": ("结果纠正",)}) is None


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("0", "number", 0),
        ("7730.28", "number", 7730.28),
        ("3,985,758", "number", 3985758),
        ("１２", "number", 12),
        (" 0 ", "number", 0),
        ("12件", "number", 12),
        ("-3", "number", -3),
        ("", "null", None),
        ("/", "null", None),
        ("—", "null", None),
        ("无", "null", None),
        ("－", "null", None),
        ("行政许可", "text", None),
        ("1 2 3 4", "number", 1234),
    ],
)
def test_parse_cell(text, kind, value):
    p = parse_cell(text)
    assert (p.kind, p.value) == (kind, value)
    assert type(p.value) is type(value)


@given(st.integers(min_value=0, max_value=10**9))
def test_integers_round_trip(n):
    assert parse_cell(str(n)).value == n
    assert parse_cell(f"{n:,}").value == n
    assert parse_cell(str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))).value == n


@given(st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False))
def test_decimals_round_trip(d):
    assert parse_cell(str(d)).value == pytest.approx(float(d))


@given(st.text(alphabet="规章行政许可处罚强制收费其他 \n", min_size=1, max_size=12))
def test_chinese_text_is_never_a_number(t):
    assert parse_cell(t + "a").kind == "text"


@given(st.text(max_size=30))
def test_normalize_is_idempotent(t):
    assert normalize(normalize(t)) == normalize(t)


@given(
    st.sampled_from(["1.属于国家秘密", "（三）不予公开", "4.保护第三方合法权益", "结果维持"]),
    st.sampled_from([" ", "\n", "\u3000"]),
)
def test_whitespace_anywhere_is_ignored(label, ws):
    for i in range(1, len(label)):
        assert similarity(label[:i] + ws + label[i:], label) == 100


def test_one_blank_vocabulary_for_the_numbers_and_the_ocr():
    """numbers.py, ocr/page.py and ocr/align.py once kept three lists of blank marks ("空" was a
    null to one and a label to another); ocr/marks.py holds the one list."""
    from gongkai.ocr.align import is_value as ocr_value
    from gongkai.ocr.marks import BLANK_MARKS, DASH_READINGS

    for mark in BLANK_MARKS:
        assert parse_cell(mark).kind == "null", mark
        assert ocr_value(mark), mark
    assert all(ocr_value(m) for m in DASH_READINGS)
    assert parse_cell("——").kind == parse_cell("___").kind == parse_cell("／／").kind == "null"


def test_a_label_read_in_traditional_characters_is_its_simplified_label():
    """gen_009 on a fax: RapidOCR read the row label 规章 as 規章 and the row's three values were lost."""
    assert similarity("規章", "规章") == 100.0
    assert similarity("行政規範性文件", "行政规范性文件") == 100.0
    assert similarity("规章", "行政规范性文件") < 72.0
