"""Citations: parsing every citation of the violations table, numerals, round trips, errors, free text."""
import csv
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from fazhi.laws.citations import (
    Citation,
    chinese_to_int,
    find_citations,
    format_citation,
    int_to_chinese,
    parse_citation,
    provision_label,
    resolve,
    resolve_one,
)
from fazhi.laws.seed import DATA_DIR

with (DATA_DIR / "violations.tsv").open(encoding="utf-8") as _handle:
    VIOLATIONS = list(csv.DictReader(_handle, delimiter="\t"))
CITED = sorted({row[column] for row in VIOLATIONS for column in ("provision_broken", "penalty_provision")})
# Every citation of the table is judged under the texts as of the table (before the 2025 传染病防治法).
TABLE_DAY = dt.date(2025, 4, 30)


@pytest.mark.parametrize("text", CITED)
def test_every_citation_of_the_violations_table_parses(text):
    citations = parse_citation(text)
    assert citations
    assert all(c.short_title == text.split("第")[0] for c in citations)
    # Formatting and parsing again gives the same citations.
    assert parse_citation("、".join(format_citation(c) for c in citations)) == citations


@pytest.mark.parametrize("text, expected", [
    ("《行政处罚法》第五十八条第一款第（二）项", [Citation("行政处罚法", 58, 1, 2)]),
    ("基本医疗卫生与健康促进法第一百零一条", [Citation("基本医疗卫生与健康促进法", 101)]),
    ("基本医疗卫生与健康促进法第一百条第（三）项", [Citation("基本医疗卫生与健康促进法", 100, 0, 3)]),
    ("传染病防治法第三十条、第三十七条", [Citation("传染病防治法", 30), Citation("传染病防治法", 37)]),
    ("职业病防治法第三十五条第一款、第三十六条第一款",
     [Citation("职业病防治法", 35, 1), Citation("职业病防治法", 36, 1)]),
    ("人口与计划生育法第四十条第（一）项（罚则条款直接规定）", [Citation("人口与计划生育法", 40, 0, 1)]),
    ("中华人民共和国医师法第五十五条第(一)项", [Citation("医师法", 55, 0, 1)]),
    ("《中华人民共和国行政处罚法》第三十七条的规定", [Citation("行政处罚法", 37)]),
    ("医师法第五十四条第一款、第三款", [Citation("医师法", 54, 1), Citation("医师法", 54, 3)]),
    ("医疗废物管理条例第四十五条第（一）项、第（二）项",
     [Citation("医疗废物管理条例", 45, 0, 1), Citation("医疗废物管理条例", 45, 0, 2)]),
    ("《行政处罚法》第八条、《行政强制法》第三条", [Citation("行政处罚法", 8), Citation("行政强制法", 3)]),
    ("行政处罚法 第 5 条", [Citation("行政处罚法", 5)]),
    ("医疗纠纷预防和处理条例第十一条", [Citation("医疗纠纷预防和处理条例", 11)]),
])
def test_it_parses_the_usual_forms(text, expected):
    assert parse_citation(text) == expected


@pytest.mark.parametrize("text, message", [
    ("", "引用为空"),
    ("第八条", "未写明法律法规名称"),
    ("行政处罚法", "没有写明条号"),
    ("行政处罚法第八条第", "无法识别"),
    ("行政处罚法第八条、", "无法识别"),
    ("行政处罚法第八条之一", "无法识别"),
    ("行政处罚法第零条", "必须大于零"),
    ("行政处罚法第十十条", "无法识别的中文数字"),
])
def test_it_refuses_what_is_not_a_citation_in_chinese(text, message):
    with pytest.raises(ValueError, match=message):
        parse_citation(text)


@pytest.mark.parametrize("number, text", [
    (1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (99, "九十九"), (100, "一百"), (101, "一百零一"),
    (110, "一百一十"), (154, "一百五十四"), (199, "一百九十九"), (1000, "一千"), (1010, "一千零一十"),
])
def test_numerals_as_statutes_write_them(number, text):
    assert int_to_chinese(number) == text
    assert chinese_to_int(text) == number


def test_numerals_accept_the_loose_forms_too():
    assert chinese_to_int("一十") == 10
    assert chinese_to_int("一百十") == 110
    assert chinese_to_int("１２") == 12
    assert chinese_to_int("两百") == 200


@given(st.integers(min_value=1, max_value=9999))
def test_numerals_round_trip(number):
    assert chinese_to_int(int_to_chinese(number)) == number


TITLES = st.sampled_from(["行政处罚法", "基本医疗卫生与健康促进法", "医疗纠纷预防和处理条例", "公共场所卫生管理条例",
                          "放射性同位素与射线装置安全和防护条例", "卫生健康行政处罚程序规定"])
CITATIONS = st.builds(Citation, TITLES, st.integers(1, 999), st.integers(0, 20), st.integers(0, 30))


@given(CITATIONS)
def test_format_then_parse_gives_the_citation_back(citation):
    assert parse_citation(format_citation(citation)) == [citation]
    assert parse_citation(format_citation(citation, quoted=False)) == [citation]
    assert parse_citation("中华人民共和国" + format_citation(citation, quoted=False)) == [citation]


@given(st.lists(CITATIONS, min_size=1, max_size=5))
def test_several_citations_joined_come_back_in_order(citations):
    assert parse_citation("、".join(format_citation(c) for c in citations)) == citations


def test_find_citations_in_running_text():
    text = "依据《公共场所卫生管理条例》第八条、第十四条第一款第（一）项，以及行政处罚法第五十八条规定。"
    found = find_citations(text, ["行政处罚法", "中华人民共和国行政处罚法"])
    assert [c for _, _, c in found] == [
        Citation("公共场所卫生管理条例", 8), Citation("公共场所卫生管理条例", 14, 1, 1), Citation("行政处罚法", 58)]
    assert [text[start:end] for start, end, _ in found] == [
        "《公共场所卫生管理条例》第八条", "第十四条第一款第（一）项", "行政处罚法第五十八条"]
    # A law not named in 《》 and not known is left alone.
    assert find_citations("依据某某办法第三条", []) == []


# ---- against the seeded library ---------------------------------------------------------------------------------

uses_library = pytest.mark.django_db


@uses_library
@pytest.mark.parametrize("text", CITED)
def test_every_citation_of_the_violations_table_resolves_in_the_seeded_library(text):
    provisions = resolve(text, TABLE_DAY)
    assert [(p.article, p.item) for p in provisions] == [(c.article, c.item) for c in parse_citation(text)]


@uses_library
def test_resolve_finds_items_cited_with_or_without_their_paragraph():
    # 医疗废物管理条例第四十五条 has one paragraph: its items are cited without 款, and 第一款 is accepted too.
    item = resolve_one("医疗废物管理条例第四十五条第（二）项", TABLE_DAY)
    assert resolve_one("医疗废物管理条例第四十五条第一款第（二）项", TABLE_DAY) == item
    assert provision_label(item) == "《医疗废物管理条例》第四十五条第（二）项"
    assert str(item) == provision_label(item)
    assert item.text == "未对有关人员进行相关法律和专业技术、安全防护以及紧急处理等知识的培训的；"
    # 第十四条 of 公共场所卫生管理条例 has two paragraphs; the items are in the first.
    first = resolve_one("公共场所卫生管理条例第十四条第一款第（一）项", TABLE_DAY)
    assert (first.paragraph, first.item) == (1, 1)
    assert resolve_one("公共场所卫生管理条例第十四条第（一）项", TABLE_DAY) == first
    assert provision_label(first) == "《公共场所卫生管理条例》第十四条第一款第（一）项"
    assert resolve_one("公共场所卫生管理条例第十四条第二款", TABLE_DAY).text == "罚款一律上交国库。"
    # 第一款 of a single-paragraph article is the article itself.
    assert resolve_one("《行政处罚法》第三十七条第一款", TABLE_DAY) == resolve_one("《行政处罚法》第三十七条", TABLE_DAY)
    with pytest.raises(ValidationError, match="中没有第三十七条第二款"):
        resolve_one("《行政处罚法》第三十七条第二款", TABLE_DAY)


@uses_library
@pytest.mark.parametrize("text, on, message", [
    ("《卫生健康行政处罚程序规定》第五十三条", None, "法律法规库中没有《卫生健康行政处罚程序规定》"),
    ("《行政处罚法》第九百条", None, "中没有第九百条"),
    ("《行政处罚法》第五十八条第（九）项", None, "中没有第五十八条第（九）项"),
    ("《行政处罚法》第五十八条", dt.date(2000, 1, 1), "尚未施行"),
    ("传染病防治法第七十三条", dt.date(2025, 9, 1), "新文本尚未导入"),
    ("行政处罚法第五十八", None, "没有写明条号"),
])
def test_resolve_names_what_is_missing(text, on, message):
    with pytest.raises(ValidationError, match=message):
        resolve(text, on)


@uses_library
def test_resolve_uses_the_version_in_force_on_the_day():
    assert resolve_one("传染病防治法第七十三条", dt.date(2025, 8, 31)).version.effective_to == dt.date(2025, 9, 1)
    # The latest text whatever the day: what a seed written against the loaded texts wants.
    assert resolve_one("传染病防治法第七十三条", dt.date(2026, 1, 1), latest=True).article == 73


@uses_library
def test_resolve_one_refuses_several():
    with pytest.raises(ValidationError, match="引用了2个条款"):
        resolve_one("传染病防治法第三十条、第三十七条", TABLE_DAY)
