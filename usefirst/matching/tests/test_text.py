from usefirst.matching.text import Vocabulary, core_spans, highlight, normalise, query_terms, segment


def test_the_project_dictionary_keeps_domain_terms_whole():
    tokens = segment("本成果支持先用后转和专利开放许可，技术成熟度较高")
    assert "先用后转" in tokens
    assert "专利开放许可" in tokens
    assert "技术成熟度" in tokens


def test_punctuation_and_symbols_are_not_tokens():
    assert segment('" * : ( ) AND OR NEAR -') == ["and", "or", "near"]
    assert segment("！@#￥%……&*（）") == []


def test_traditional_and_full_width_text_is_normalised_to_simplified():
    assert normalise("太陽能電池ＡＢＣ") == "太阳能电池abc"


def test_highlighting_escapes_html_before_marking():
    html = highlight("<script>alert(1)</script> 太阳能电池", ["太阳能", "script"])
    assert "<script>" not in html
    assert "&lt;<mark>script</mark>&gt;" in html
    assert "<mark>太阳能</mark>电池" in html


def test_highlighting_marks_the_original_text_for_a_traditional_term():
    assert highlight("太阳能电池", ["太陽能"]) == "<mark>太阳能</mark>电池"


def test_the_core_of_a_demand_drops_generic_wording():
    vocabulary = Vocabulary.from_texts(
        ["锂 电池 正极 材料", "电池 回收", "光伏 组件 清洗", *[f"文档{i} 样本" for i in range(10)]]
    )
    spans = core_spans("我公司急需锂电池正极材料方面的技术，寻求高校合作攻关。", vocabulary)
    assert spans == ["锂电池正极材料"]
    assert "合作" not in query_terms("锂电池正极材料 合作", vocabulary)


def test_generic_words_stay_when_they_are_all_the_query_has():
    vocabulary = Vocabulary.from_texts(["技术 合作"])
    assert query_terms("技术合作", vocabulary) == ["技术", "合作"]
