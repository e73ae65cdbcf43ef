"""The text parser: every shipped text splits into articles 1..N; structure, errors and version dates."""
import datetime as dt

import pytest

from fazhi.laws.parser import LawTextError, decode_text, parse_law_text, version_dates
from fazhi.laws.seed import DATA_DIR, seed_entries

from .conftest import law_text

SHIPPED = sorted(path.name for path in DATA_DIR.glob("*.md"))
# Article counts of the shipped texts, read from their last article.
EXPECTED_ARTICLES = {"行政处罚法.md": 86, "食品安全法.md": 154, "基本医疗卫生与健康促进法.md": 110,
                     "公共场所卫生管理条例.md": 19, "行政复议法.md": 90, "传染病防治法.md": 80}


def test_all_shipped_texts_are_listed_in_the_manifest():
    assert len(SHIPPED) == 28
    assert sorted(entry.file for entry in seed_entries()) == SHIPPED


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_text_yields_articles_one_to_n(name):
    parsed = parse_law_text((DATA_DIR / name).read_text(encoding="utf-8"))
    numbers = [p.article for p in parsed.articles]
    assert numbers == list(range(1, len(numbers) + 1))
    assert parsed.title
    assert parsed.info, "the information lines above <!-- INFO END -->"
    assert "施行" in parsed.articles[-1].text or name == "行政诉讼法.md"
    if name in EXPECTED_ARTICLES:
        assert len(numbers) == EXPECTED_ARTICLES[name]
    # Every row is unique, and ordered.
    keys = [(p.article, p.paragraph, p.item) for p in parsed.provisions]
    assert len(keys) == len(set(keys))
    assert [p.sort_order for p in parsed.provisions] == list(range(len(keys)))


def test_articles_paragraphs_and_items_of_a_real_text():
    parsed = parse_law_text((DATA_DIR / "行政处罚法.md").read_text(encoding="utf-8"))
    rows = {(p.article, p.paragraph, p.item): p for p in parsed.provisions}
    # 第五条: three paragraphs, no items.
    assert rows[(5, 2, 0)].text.startswith("设定和实施行政处罚必须以事实为依据")
    assert (5, 4, 0) not in rows
    assert rows[(5, 0, 0)].text.count("\n") == 2
    # 第五十八条: paragraph 1 has four items, paragraph 2 follows.
    assert rows[(58, 1, 4)].text == "法律、法规规定应当进行法制审核的其他情形。"
    assert rows[(58, 1, 0)].text.startswith("有下列情形之一") and "（四）" in rows[(58, 1, 0)].text
    assert (58, 2, 0) in rows
    assert rows[(58, 0, 0)].chapter == "第五章 行政处罚的决定 第三节 普通程序"
    # 第三十七条: one paragraph, so no paragraph row.
    assert (37, 1, 0) not in rows
    assert rows[(1, 0, 0)].chapter == "第一章 总则"


def test_items_of_a_single_paragraph_belong_to_the_article():
    rows = {(p.article, p.paragraph, p.item): p for p in parse_law_text(law_text()).provisions}
    assert rows[(2, 0, 1)].text == "保持清洁；"
    assert (2, 1, 0) not in rows
    assert rows[(4, 1, 2)].text == "未定期消毒的。"
    assert rows[(4, 2, 0)].text.startswith("有前款第（一）项行为")
    assert rows[(3, 2, 0)].text == "前款规定的人员每年进行一次健康检查。"
    assert rows[(4, 0, 0)].chapter == "第二章 罚则"


def test_a_plain_text_copy_without_markup_parses_too():
    text = ("中华人民共和国测试法\n\n目　　录\n第一章　总　　则\n第二章　附　　则\n\n第一章　总　　则\n"
            "第一条　为了测试，制定本法。\n第二条　本法所称测试：\n（一）甲；\n（二）乙。\n第二章　附　　则\n"
            "第三条　本法自2025年1月1日起施行。\n")
    parsed = parse_law_text(text)
    assert [p.article for p in parsed.articles] == [1, 2, 3]
    assert parsed.articles[2].chapter == "第二章 附 则"
    assert [p.text for p in parsed.provisions if p.article == 2 and p.item] == ["甲；", "乙。"]


@pytest.mark.parametrize("text, message", [
    ("", "文本为空"),
    ("   \n\n", "文本为空"),
    ("# 某办法\n\n这是一段说明，没有条文。\n", "没有找到条文"),
    ("第一条 甲。\n第三条 丙。\n", "第一条之后应为第二条，却是第三条"),
    ("第一条 甲。\n第二条 乙。\n第二条 乙。\n", "第二条之后应为第三条，却是第二条"),
    ("第二条 乙。\n", "正文应从第一条开始"),
    ("第一条 有下列情形：\n（一）甲；\n（三）丙。\n", "应为（二），却是（三）"),
])
def test_it_refuses_broken_texts_saying_where(text, message):
    with pytest.raises(LawTextError, match=message):
        parse_law_text(text)


def test_the_same_text_hashes_the_same_whatever_its_line_endings():
    text = law_text()
    assert parse_law_text(text).sha256 == parse_law_text(text.replace("\n", "\r\n") + "\n\n").sha256
    assert parse_law_text(text).sha256 != parse_law_text(law_text(fine="二千元")).sha256


def test_uploads_are_read_as_utf8_or_gbk():
    text = law_text()
    assert decode_text(text.encode("utf-8")) == text
    assert decode_text(b"\xef\xbb\xbf" + text.encode("utf-8")) == text
    assert decode_text(text.encode("gbk")) == text
    with pytest.raises(LawTextError, match="文件为空"):
        decode_text(b"")
    with pytest.raises(LawTextError, match="不是纯文本"):
        decode_text(b"PK\x03\x04\x00\x00binary")
    with pytest.raises(LawTextError, match="无法识别文件编码"):
        decode_text(b"\xff\xfe\xfd\x81\x30")


@pytest.mark.parametrize("label, promulgated, effective", [
    ("2021年1月22日 第十三届全国人大常委会第二十五次会议修订；本法自2021年7月15日起施行", (2021, 1, 22), (2021, 7, 15)),
    ("2018年7月31日 国务院令第701号公布；2018年10月1日施行", (2018, 7, 31), (2018, 10, 1)),
    ("2003年6月16日 国务院令第380号公布；本条例自公布之日起施行（文本未载修订）", (2003, 6, 16), (2003, 6, 16)),
    # The 施行 in parentheses speaks of the 2004 text, not of the 2013 amendment.
    ("2013年6月29日 修正（2004年8月28日修订；正文：本法自2004年12月1日起施行）", (2013, 6, 29), (2013, 6, 29)),
    ("2017年6月27日 第二次修正", (2017, 6, 27), (2017, 6, 27)),
])
def test_version_dates(label, promulgated, effective):
    assert version_dates(label) == (dt.date(*promulgated), dt.date(*effective))


def test_version_dates_need_a_date():
    with pytest.raises(LawTextError, match="没有日期"):
        version_dates("第二次修正")


def test_the_seed_entries_carry_levels_dates_and_caveats():
    entries = {entry.file: entry for entry in seed_entries()}
    assert entries["行政处罚法.md"].level == "law"
    assert entries["信访工作条例.md"].level == "party_regulation"
    assert entries["医疗机构管理条例.md"].level == "regulation"
    assert entries["行政处罚法.md"].effective_from == dt.date(2021, 7, 15)
    infectious = entries["传染病防治法.md"]
    assert infectious.effective_to == dt.date(2025, 9, 1) and infectious.status == "superseded"
    assert "新文本尚未载入" in infectious.caveats and "2025年9月1日" in infectious.caveats
    assert "2022年" in entries["医疗机构管理条例.md"].caveats
    # MANIFEST's notes are kept.
    assert "2019-04-23" in entries["公共场所卫生管理条例.md"].caveats
