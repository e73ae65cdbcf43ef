"""Citations of the law library: parse 《行政处罚法》第五十八条第一款第（二）项, format it back, resolve it to provisions.

Parsing and formatting are pure (no database), so seeds and migrations can check citation text before any
law is loaded. `resolve` looks the provisions up in the version in force on a given day.

How items are stored (see parser.py): an item (项) of an article with a single paragraph belongs to the
article itself (paragraph 0), because that is how such an item is cited (第四十条第（一）项); an item of an
article with several paragraphs belongs to its paragraph (第十四条第一款第（一）项). `resolve` accepts either way
of citing and finds the item where it is.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

COUNTRY_PREFIX = "中华人民共和国"

_DIGITS = "零一二三四五六七八九"
_DIGIT_VALUE = {ch: i for i, ch in enumerate(_DIGITS)} | {"〇": 0, "两": 2}
_UNIT_VALUE = {"十": 10, "百": 100, "千": 1000}
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")

NUMERAL = r"[零〇一二两三四五六七八九十百千0-9０-９]+"
_OPEN = r"[（(]"
_CLOSE = r"[）)]"

# The parts of a citation, matched one after the other from the start of the text.
_ARTICLE_RE = re.compile(
    rf"第(?P<article>{NUMERAL})条"
    rf"(?:第(?P<paragraph>{NUMERAL})款)?"
    rf"(?:第{_OPEN}(?P<item>{NUMERAL}){_CLOSE}项|第(?P<item_plain>{NUMERAL})项)?"
)
_PARAGRAPH_RE = re.compile(
    rf"第(?P<paragraph>{NUMERAL})款"
    rf"(?:第{_OPEN}(?P<item>{NUMERAL}){_CLOSE}项|第(?P<item_plain>{NUMERAL})项)?"
)
_ITEM_RE = re.compile(rf"第{_OPEN}(?P<item>{NUMERAL}){_CLOSE}项|第(?P<item_plain>{NUMERAL})项")
_QUOTED_LAW_RE = re.compile(r"《(?P<law>[^《》]+)》")
_BARE_LAW_RE = re.compile(rf"(?P<law>[^第《》、，,；;（）()]+?)(?=第{NUMERAL}条)")
_SEPARATOR_RE = re.compile(r"、|，|,|以及|及|和|与|或者|或")
# Notes after a citation, e.g. “（罚则条款直接规定）”, and a closing “的规定”: not part of the reference.
_TRAILING_NOTE_RE = re.compile(rf"(?:{_OPEN}(?!{NUMERAL}{_CLOSE})[^（）()]*{_CLOSE}|之规定|的规定|规定)$")


@dataclass(frozen=True)
class Citation:
    """One provision as cited: the law's short title, and article/paragraph/item numbers (0 = the whole)."""

    short_title: str
    article: int
    paragraph: int = 0
    item: int = 0

    def __post_init__(self):
        if not self.short_title:
            raise ValueError("引用未写明法律法规名称。")
        if self.article < 1 or self.paragraph < 0 or self.item < 0:
            raise ValueError("条、款、项的序号必须为正整数。")

    def __str__(self) -> str:
        return format_citation(self)


# ---------------------------------------------------------------------------------------------------------
# Numerals


def chinese_to_int(text: str) -> int:
    """一百零一 → 101; also accepts Arabic digits (half- or full-width). Raises ValueError on anything else."""
    text = text.strip().translate(_FULLWIDTH_DIGITS)
    if not text:
        raise ValueError("序号为空。")
    if text.isdigit():
        return int(text)
    total = 0
    pending = None  # the digit waiting for its unit
    last_unit = 10_000
    for ch in text:
        if ch in _DIGIT_VALUE:
            if pending not in (None, 0):
                raise ValueError(f"无法识别的中文数字“{text}”。")
            pending = _DIGIT_VALUE[ch]
        elif ch in _UNIT_VALUE:
            unit = _UNIT_VALUE[ch]
            if unit >= last_unit:
                raise ValueError(f"无法识别的中文数字“{text}”。")
            if pending == 0:
                raise ValueError(f"无法识别的中文数字“{text}”。")
            # 十二 means 12 and 一百十 means 110: a unit without its digit stands for 一 of it.
            total += (1 if pending is None else pending) * unit
            pending = None
            last_unit = unit
        else:
            raise ValueError(f"无法识别的中文数字“{text}”。")
    total += pending or 0
    if total < 1:
        raise ValueError(f"序号“{text}”必须大于零。")
    return total


def int_to_chinese(number: int) -> str:
    """101 → 一百零一, 10 → 十, 110 → 一百一十 (as articles are numbered in Chinese statutes)."""
    if not 1 <= number <= 9999:
        raise ValueError("序号须在1至9999之间。")
    if number < 10:
        return _DIGITS[number]
    if number < 20:
        return "十" + (_DIGITS[number % 10] if number % 10 else "")
    out = []
    started = zero = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = number // value % 10
        if digit == 0:
            zero = zero or started
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(_DIGITS[digit] + unit)
        started = True
    return "".join(out)


# ---------------------------------------------------------------------------------------------------------
# Parsing and formatting


def short_title_of(name: str) -> str:
    """中华人民共和国行政处罚法 or 《行政处罚法》 → 行政处罚法."""
    name = name.strip().strip("《》").strip()
    if name.startswith(COUNTRY_PREFIX) and len(name) > len(COUNTRY_PREFIX):
        name = name[len(COUNTRY_PREFIX):]
    return name


def _number(match: re.Match, group: str, original: str) -> int:
    raw = match.group(group)
    if not raw:
        return 0
    try:
        return chinese_to_int(raw)
    except ValueError as exc:
        raise ValueError(f"引用“{original}”有误：{exc}") from exc


def _item(match: re.Match, original: str) -> int:
    return _number(match, "item", original) or _number(match, "item_plain", original)


def _match_law(text: str, pos: int) -> tuple[str, int] | None:
    match = _QUOTED_LAW_RE.match(text, pos) or _BARE_LAW_RE.match(text, pos)
    if not match:
        return None
    return short_title_of(match.group("law")), match.end()


def parse_citation(text: str) -> list[Citation]:
    """All provisions cited in `text`, in order.

    Accepts 《行政处罚法》第五十八条第一款第（二）项, 中华人民共和国医师法第五十五条第（一）项, several articles joined
    by 、 (第三十条、第三十七条), a paragraph or item joined to the article before it (第三十五条第一款、第二款),
    several laws (《甲法》第一条、《乙法》第二条), and ignores a trailing note in parentheses. Raises ValueError with
    a Chinese message when the text is not a citation.
    """
    original = text
    text = re.sub(r"\s+", "", text or "")
    if not text:
        raise ValueError("引用为空。")
    while True:
        stripped = _TRAILING_NOTE_RE.sub("", text)
        if stripped == text:
            break
        text = stripped
    citations: list[Citation] = []
    law = None
    pos = 0
    last: Citation | None = None
    while True:
        found_law = _match_law(text, pos)
        if found_law:
            law, pos = found_law
            last = None
        if law is None:
            if not re.search(rf"第{NUMERAL}条", text):
                raise ValueError(f"“{original}”没有写明条号，应如“《行政处罚法》第五十八条”。")
            raise ValueError(f"“{original}”未写明法律法规名称，应如“《行政处罚法》第五十八条”。")
        match = _ARTICLE_RE.match(text, pos)
        if match:
            last = Citation(law, _number(match, "article", original), _number(match, "paragraph", original),
                            _item(match, original))
        elif last is not None and (match := _PARAGRAPH_RE.match(text, pos)):
            last = Citation(law, last.article, _number(match, "paragraph", original), _item(match, original))
        elif last is not None and (match := _ITEM_RE.match(text, pos)):
            last = Citation(law, last.article, last.paragraph, _item(match, original))
        else:
            rest = text[pos:] or "（结尾）"
            raise ValueError(f"无法识别引用“{original}”中的“{rest}”，应为“第X条第X款第（X）项”的形式。")
        citations.append(last)
        pos = match.end()
        if pos == len(text):
            return citations
        separator = _SEPARATOR_RE.match(text, pos)
        if not separator or separator.end() == len(text):
            raise ValueError(f"无法识别引用“{original}”中的“{text[pos:]}”。")
        pos = separator.end()


def format_citation(citation: Citation, *, quoted: bool = True) -> str:
    """Citation('行政处罚法', 58, 1, 2) → 《行政处罚法》第五十八条第一款第（二）项."""
    name = f"《{citation.short_title}》" if quoted else citation.short_title
    return name + format_reference(citation.article, citation.paragraph, citation.item)


def format_reference(article: int, paragraph: int = 0, item: int = 0) -> str:
    """The part after the law's name: 第五十八条第一款第（二）项."""
    out = f"第{int_to_chinese(article)}条"
    if paragraph:
        out += f"第{int_to_chinese(paragraph)}款"
    if item:
        out += f"第（{int_to_chinese(item)}）项"
    return out


def provision_label(provision) -> str:
    """《行政处罚法》第五十八条第一款第（二）项 for a Provision (or any object with version.law, article, …)."""
    return format_citation(Citation(provision.version.law.short_title, provision.article,
                                    provision.paragraph, provision.item))


def provision_citation(provision) -> Citation:
    return Citation(provision.version.law.short_title, provision.article, provision.paragraph, provision.item)


# ---------------------------------------------------------------------------------------------------------
# Resolving against the library


def _models(apps):
    if apps is None:
        from .models import Law, LawVersion, Provision
        return Law, LawVersion, Provision
    return apps.get_model("laws", "Law"), apps.get_model("laws", "LawVersion"), apps.get_model("laws", "Provision")


def _date_text(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def find_law(name: str, *, apps=None):
    """The Law cited by `name` (short or full title, with or without 《》); ValidationError if not loaded."""
    Law, _, _ = _models(apps)
    short = short_title_of(name)
    law = (Law.objects.filter(Q(short_title=short) | Q(title=short) | Q(title=COUNTRY_PREFIX + short))
           .order_by("pk").first())
    if law is None:
        raise ValidationError(f"法律法规库中没有《{short}》，请先导入该法律法规。", code="law_missing")
    return law


def version_in_force(law, on: dt.date, *, apps=None):
    """The version of `law` in force on `on`; ValidationError naming the day when none is."""
    _, LawVersion, _ = _models(apps)
    version = (LawVersion.objects.filter(law=law, effective_from__lte=on)
               .filter(Q(effective_to__isnull=True) | Q(effective_to__gt=on))
               .order_by("-effective_from").first())
    if version is not None:
        return version
    latest = LawVersion.objects.filter(law=law).order_by("-effective_from").first()
    if latest is None:
        raise ValidationError(f"《{law.short_title}》尚未载入任何版本。", code="version_missing")
    if latest.effective_from > on:
        raise ValidationError(
            f"《{law.short_title}》在{_date_text(on)}尚未施行（库中最早版本自{_date_text(latest.effective_from)}起施行）。",
            code="version_missing")
    raise ValidationError(
        f"《{law.short_title}》在{_date_text(on)}没有已载入的施行版本：库中最新的“{latest.version_label}”"
        f"已于{_date_text(latest.effective_to)}失效，新文本尚未导入。", code="version_missing")


def _find_provision(version, citation: Citation, Provision):
    rows = Provision.objects.filter(version=version, article=citation.article)
    found = rows.filter(paragraph=citation.paragraph, item=citation.item).first()
    if found is not None:
        return found
    if citation.item:
        if citation.paragraph in (0, 1):
            # 第X条第（Y）项 for an item of the first paragraph, or 第X条第一款第（Y）项 of a single-paragraph article.
            found = rows.filter(item=citation.item, paragraph__in=[0, 1]).order_by("sort_order").first()
            if found is None and citation.paragraph == 0:
                found = rows.filter(item=citation.item).order_by("sort_order").first()
            if found is not None:
                return found
    elif citation.paragraph == 1 and rows.filter(paragraph=0, item=0).exists() \
            and not rows.filter(paragraph__gt=0, item=0).exists():
        # 第一款 of an article that has only one paragraph is the article itself.
        return rows.get(paragraph=0, item=0)
    return None


def resolve(text_or_citation, on: dt.date | None = None, *, apps=None, latest: bool = False) -> list:
    """The provisions cited, in the version of each law in force on `on` (default today).

    `latest=True` takes each law's most recent loaded version whatever the day (for seeds written against
    the loaded texts). `apps` lets a data migration resolve against its historical models. Raises a Chinese
    ValidationError naming what is missing (law, version or provision); ValueError text is re-raised as
    ValidationError too.
    """
    _, LawVersion, Provision = _models(apps)
    if isinstance(text_or_citation, Citation):
        citations = [text_or_citation]
    elif isinstance(text_or_citation, (list, tuple)):
        citations = list(text_or_citation)
    else:
        try:
            citations = parse_citation(text_or_citation)
        except ValueError as exc:
            raise ValidationError(str(exc), code="citation_invalid") from exc
    on = on or timezone.localdate()
    versions: dict[str, object] = {}
    provisions = []
    for citation in citations:
        if citation.short_title not in versions:
            law = find_law(citation.short_title, apps=apps)
            if latest:
                version = LawVersion.objects.filter(law=law).order_by("-effective_from").first()
                if version is None:
                    raise ValidationError(f"《{law.short_title}》尚未载入任何版本。", code="version_missing")
            else:
                version = version_in_force(law, on, apps=apps)
            versions[citation.short_title] = version
        version = versions[citation.short_title]
        provision = _find_provision(version, citation, Provision)
        if provision is None:
            raise ValidationError(
                f"《{version.law.short_title}》（{version.version_label}）中没有"
                f"{format_reference(citation.article, citation.paragraph, citation.item)}。",
                code="provision_missing")
        provisions.append(provision)
    return provisions


def resolve_one(text_or_citation, on: dt.date | None = None, *, apps=None, latest: bool = False):
    """Exactly one provision; ValidationError when the text cites none or several."""
    provisions = resolve(text_or_citation, on, apps=apps, latest=latest)
    if len(provisions) != 1:
        raise ValidationError(f"“{text_or_citation}”引用了{len(provisions)}个条款，此处只能引用一个。",
                              code="citation_not_single")
    return provisions[0]


# ---------------------------------------------------------------------------------------------------------
# Citations in free text


def find_citations(text: str, known_titles=()) -> list[tuple[int, int, Citation]]:
    """The citations in running text, each with the span of `text` it occupies.

    A law is recognised when named in 《》 or by one of `known_titles` (e.g. the library's titles), and
    followed at once by 第X条. Joined references (第三十条、第三十七条) get a span each, the first including the
    law's name. Pure: no database.
    """
    titles = sorted({t for t in known_titles if t}, key=len, reverse=True)
    name_pattern = r"《(?P<quoted>[^《》]{1,100})》"
    if titles:
        name_pattern += "|(?P<bare>" + "|".join(re.escape(t) for t in titles) + ")"
    name_re = re.compile(rf"(?:{name_pattern})(?=第{NUMERAL}条)")
    found: list[tuple[int, int, Citation]] = []
    pos = 0
    while (name := name_re.search(text, pos)) is not None:
        law = short_title_of(name.group("quoted") or name.group("bare"))
        match = _ARTICLE_RE.match(text, name.end())
        try:
            last = Citation(law, chinese_to_int(match.group("article")),
                            chinese_to_int(match.group("paragraph")) if match.group("paragraph") else 0,
                            _item(match, text))
        except ValueError:
            pos = name.end()
            continue
        found.append((name.start(), match.end(), last))
        pos = match.end()
        while (separator := _SEPARATOR_RE.match(text, pos)) is not None:
            at = separator.end()
            try:
                if match := _ARTICLE_RE.match(text, at):
                    last = Citation(law, _number(match, "article", text), _number(match, "paragraph", text),
                                    _item(match, text))
                elif match := _PARAGRAPH_RE.match(text, at):
                    last = Citation(law, last.article, _number(match, "paragraph", text), _item(match, text))
                elif match := _ITEM_RE.match(text, at):
                    last = Citation(law, last.article, last.paragraph, _item(match, text))
                else:
                    break
            except ValueError:
                break
            found.append((at, match.end(), last))
            pos = match.end()
    return found
