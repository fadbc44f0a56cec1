"""Script normalisation before the narrative analysis: traditional, Kangxi radicals, widths, offsets."""

from gongkai.nlp.analyse import analyse
from gongkai.nlp.normalise import normalise, simplified


def test_traditional_to_simplified_keeps_offsets():
    n = normalise("二是政策解讀多為文字稿，老年群體閱讀理解存在困難")
    assert n.text == "二是政策解读多为文字稿，老年群体阅读理解存在困难"
    assert n.span(2, 6) == (2, 6)


def test_kangxi_radicals_and_full_width_digits_fold():
    assert normalise("⼀是政策解读形式单⼀；受理申请１２件").text == "一是政策解读形式单一；受理申请12件"


def test_half_width_punctuation_folds_between_chinese_but_not_in_numbers():
    n = normalise("下一步,我局将(一)加强培训;共1,136条,10:30发布")
    assert n.text == "下一步，我局将（一）加强培训；共1,136条，10:30发布"


def test_length_changing_conversion_maps_back():
    n = normalise("甲乙")
    n2 = type(n)("ab", "abc", [0, 2])  # a two-character result of a three-character original
    assert n2.span(0, 2) == (0, 3) and n2.span(1, 2) == (2, 3)


def test_traditional_items_come_back_in_the_original_script():
    text = "（一）存在的問題\n一是政策解讀形式單一；二是網站欄目更新不及時。\n（二）改進措施\n一是豐富解讀形式；二是加強欄目日常維護。"
    res = analyse(text, ["problems", "improvements"])
    got = {(it.label, it.text) for it in res.items}
    assert ("problem", "政策解讀形式單一") in got
    assert ("improvement", "加強欄目日常維護") in got
    for it in res.items:
        assert text[it.start : it.end] == it.text


def test_pinyin_glosses_inside_words_are_left_out_and_map_back():
    # mirror sites print a tone-marked gloss after some characters; the heading line then reads as one
    text = "(二)改進(jìn)措施。一是抽調(diào)專人進(jìn)行管理,確保運(yùn)轉(zhuǎn)。"
    n = normalise(text)
    assert n.text == "（二）改进措施。一是抽调专人进行管理，确保运转。"
    a, b = n.span(n.text.index("抽调"), n.text.index("。", 8))
    assert text[a:b] == "抽調(diào)專人進(jìn)行管理,確保運(yùn)轉(zhuǎn)"


def test_bracketed_latin_without_tone_marks_is_kept():
    assert normalise("使用(app)客户端").text == "使用（app）客户端"


def test_glossed_heading_is_not_an_item():
    text = "(一)存在的主要問題。\n一是有時發(fā)布不夠及時。\n(二)改進(jìn)措施。\n一是抽調(diào)專人進(jìn)行管理。"
    res = analyse(text, ["problems", "improvements"])
    assert [(it.label, it.text) for it in res.items] == [("problem", "有時發(fā)布不夠及時"),
                                                        ("improvement", "抽調(diào)專人進(jìn)行管理")]


def test_words_t2s_leaves_in_taiwan_usage_fold_to_mainland_ones_same_length():
    """Round 10: OpenCC's t2s leaves 資訊 as 资讯, 著力 as 著力 and 衞 as it is; the fold table (``script_folds`` of
    ``nlp/lexicon.yaml``) brings them to the words the rules and models learnt, each keeping its length."""
    text = "我局政府資訊公開工作將著力做好，區衞生健康局"
    n = normalise(text)
    assert n.text == "我局政府信息公开工作将着力做好，区卫生健康局"
    assert len(n.text) == len(text) and n.span(4, 6) == (4, 6)


def test_a_simplified_text_keeps_its_own_words_the_fold_table_is_for_converted_text():
    """review10: the folds ran on every text, so a mainland report's 新闻资讯 became 新闻信息 and 显著力度 显着力度."""
    text = "新闻资讯栏目取得显著力度"
    assert normalise(text).text == text


def test_simplified_folds_the_script_as_normalise_does():
    """review10: ``simplified`` (table labels) ran OpenCC alone, so a label printed 政府資訊公開 read 政府资讯公开 while the
    narrative's normaliser read 政府信息公开: one script step now serves both."""
    text = "政府資訊公開工作將著力做好"
    assert simplified(text) == normalise(text).text == "政府信息公开工作将着力做好"
    assert simplified("新闻资讯栏目") == "新闻资讯栏目"
