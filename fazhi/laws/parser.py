"""Splitting an official text into provisions (条/款/项). Pure functions: no database, so the seed migration,
the loader and the import preview all use the same parser.

The text format (that of the seed texts; a plain-text copy of an official text works too):

    # 中华人民共和国行政处罚法          ← title (optional)
    2021年1月22日 …修订                 ← information lines, up to the marker
    <!-- INFO END -->
    ## 第一章 总则                      ← chapter (## or a bare 第X章 line); ### 第一节 … for sections
    第一条 为了规范行政处罚的设定和实施，…  ← an article starts with 第X条 and a space
    设定和实施行政处罚必须以事实为依据，…   ← every further line is a paragraph (款)
    （一）…                              ← an item (项) of the paragraph before it

Rows produced for each article: the article (paragraph 0, item 0, whole text); one row per paragraph when
the article has more than one; one row per item. The items of an article with a single paragraph belong
to the article (paragraph 0), since that is how they are cited (第四十条第（一）项).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field

from .citations import NUMERAL, chinese_to_int, int_to_chinese

INFO_END = "<!-- INFO END -->"

_ARTICLE_RE = re.compile(rf"^第(?P<number>{NUMERAL})条(?:[\s\u3000]+(?P<rest>.*))?$")
_HEADING_RE = re.compile(rf"^(?:#+[\s\u3000]*)?(?P<heading>第{NUMERAL}[编章节](?:[\s\u3000]+.*)?)$")
_MARKDOWN_HEADING_RE = re.compile(r"^(?P<level>#{2,})[\s\u3000]*(?P<heading>.+)$")
_ITEM_RE = re.compile(rf"^[（(](?P<number>{NUMERAL})[）)][\s\u3000]*(?P<rest>.*)$")
_DATE_RE = re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日")


class LawTextError(ValueError):
    """A text that cannot be loaded; the message is Chinese and names the place."""


@dataclass(frozen=True)
class ParsedProvision:
    article: int
    paragraph: int
    item: int
    text: str
    chapter: str
    sort_order: int


@dataclass
class ParsedText:
    title: str
    info: list[str]
    provisions: list[ParsedProvision] = field(default_factory=list)
    body: str = ""

    @property
    def article_count(self) -> int:
        return sum(1 for p in self.provisions if p.paragraph == 0 and p.item == 0)

    @property
    def articles(self) -> list[ParsedProvision]:
        return [p for p in self.provisions if p.paragraph == 0 and p.item == 0]

    @property
    def sha256(self) -> str:
        return body_sha256(self.body)


def body_sha256(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def decode_text(data: bytes) -> str:
    """Uploaded bytes as text: UTF-8 (with or without BOM), else GBK/GB18030; LawTextError otherwise."""
    if not data or not data.strip():
        raise LawTextError("文件为空。")
    if b"\x00" in data:
        raise LawTextError("文件不是纯文本（可能是Word、PDF或其他格式）：请另存为UTF-8或GBK编码的.txt或.md文件后上传。")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise LawTextError("无法识别文件编码：请以UTF-8或GBK编码保存为.md或.txt文本文件后再上传。")


def normalise(text: str) -> str:
    """Line endings unified, trailing spaces dropped, so the same text always hashes the same."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip() + "\n"


@dataclass
class _Article:
    number: int
    chapter: str
    line: int
    paragraphs: list[tuple[str, list[tuple[int, str, str]]]] = field(default_factory=list)
    # each paragraph: (its text, [(item number, item line as written, item text)])


def _article_rows(article: _Article, start: int) -> list[ParsedProvision]:
    rows = []
    lines = []
    for text, items in article.paragraphs:
        if text:
            lines.append(text)
        lines.extend(raw for _, raw, _ in items)
    order = start
    rows.append(ParsedProvision(article.number, 0, 0, "\n".join(lines), article.chapter, order))
    several = len(article.paragraphs) > 1
    for p_index, (text, items) in enumerate(article.paragraphs, start=1):
        paragraph = p_index if several else 0
        if several:
            order += 1
            rows.append(ParsedProvision(article.number, paragraph, 0,
                                        "\n".join([text, *(raw for _, raw, _ in items)]).strip(),
                                        article.chapter, order))
        for number, _, item_text in items:
            order += 1
            rows.append(ParsedProvision(article.number, paragraph, number, item_text, article.chapter, order))
    return rows


def parse_law_text(text: str) -> ParsedText:
    """The title, information lines and provisions of `text`; LawTextError when it is empty, has no
    articles, or its articles or items are not numbered in order."""
    if not text or not text.strip():
        raise LawTextError("文本为空。")
    body = normalise(text)
    lines = body.split("\n")
    title = ""
    info: list[str] = []
    start = 0
    if lines and lines[0].startswith("# "):
        title = lines[0][2:].strip()
        start = 1
    if INFO_END in body:
        end = lines.index(INFO_END)
        info = [line.strip() for line in lines[start:end] if line.strip()]
        start = end + 1

    articles: list[_Article] = []
    chapter_parts: list[str] = []  # [chapter, section]
    expected = 1
    for number, raw in enumerate(lines[start:], start=start + 1):
        line = raw.strip()
        if not line:
            continue
        heading = _HEADING_RE.match(line)
        markdown = _MARKDOWN_HEADING_RE.match(line)
        if heading or markdown:
            name = re.sub(r"[\s\u3000]+", " ", (heading or markdown).group("heading")).strip()
            if markdown and len(markdown.group("level")) > 2 or "节" in name.split(" ")[0]:
                chapter_parts = chapter_parts[:1] + [name]
            else:
                chapter_parts = [name]
            continue
        article_match = _ARTICLE_RE.match(line)
        if article_match:
            try:
                article_number = chinese_to_int(article_match.group("number"))
            except ValueError as exc:
                raise LawTextError(f"第{number}行：{exc}") from exc
            if article_number != expected:
                if articles:
                    raise LawTextError(
                        f"第{number}行：条文顺序有误，第{int_to_chinese(articles[-1].number)}条之后应为"
                        f"第{int_to_chinese(expected)}条，却是第{int_to_chinese(article_number)}条。")
                raise LawTextError(f"第{number}行：正文应从第一条开始，却是第{int_to_chinese(article_number)}条。")
            expected += 1
            article = _Article(article_number, " ".join(chapter_parts)[:100], number)
            article.paragraphs.append(((article_match.group("rest") or "").strip(), []))
            articles.append(article)
            continue
        if not articles:
            # Lines before the first article (a table of contents, a preamble) are not provisions.
            continue
        article = articles[-1]
        item_match = _ITEM_RE.match(line)
        if item_match:
            items = article.paragraphs[-1][1]
            try:
                item_number = chinese_to_int(item_match.group("number"))
            except ValueError as exc:
                raise LawTextError(f"第{number}行：{exc}") from exc
            if item_number != len(items) + 1:
                raise LawTextError(
                    f"第{number}行：第{int_to_chinese(article.number)}条的项序号有误，"
                    f"应为（{int_to_chinese(len(items) + 1)}），却是（{int_to_chinese(item_number)}）。")
            items.append((item_number, line, item_match.group("rest").strip()))
        else:
            article.paragraphs.append((line, []))
    if not articles:
        raise LawTextError("没有找到条文：每条应另起一行，以“第一条”“第二条”……开头，条号后空一格。")
    provisions: list[ParsedProvision] = []
    for article in articles:
        provisions.extend(_article_rows(article, len(provisions)))
    return ParsedText(title=title, info=info, provisions=provisions, body=body)


# ---------------------------------------------------------------------------------------------------------
# Dates in the version information


def parse_chinese_date(text: str) -> dt.date | None:
    match = _DATE_RE.search(text or "")
    if not match:
        return None
    return dt.date(int(match["y"]), int(match["m"]), int(match["d"]))


_EFFECTIVE_RE = re.compile(r"(?:自)?(?P<date>\d{4}年\d{1,2}月\d{1,2}日)(?:起)?施行")
_FROM_PROMULGATION_RE = re.compile(r"自(?:公布|发布)之日起施行")
_PARENTHESISED_RE = re.compile(r"[（(][^（）()]*[）)]")


def version_dates(label: str) -> tuple[dt.date | None, dt.date]:
    """(promulgated_on, effective_from) from a version description such as
    “2021年1月22日 …修订；本法自2021年7月15日起施行”.

    The first date is the promulgation (or amendment) date; the effective date is the one stated as 施行
    outside parentheses (a parenthesised remark speaks of another text), “自公布之日起施行” means the first
    date, and with no 施行 stated the amendment date is taken, as amendments usually take effect on it.
    """
    promulgated = parse_chinese_date(label)
    if promulgated is None:
        raise LawTextError(f"版本说明“{label}”中没有日期（应如“2021年1月22日修订”）。")
    plain = _PARENTHESISED_RE.sub("", label)
    match = _EFFECTIVE_RE.search(plain)
    if match:
        return promulgated, parse_chinese_date(match["date"])
    return promulgated, promulgated
