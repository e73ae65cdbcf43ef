"""The page of a 文书 after GB/T 9704-2012 (党政机关公文格式), kept sober: A4 with the standard margins, 22 lines
of 28 characters, the title centred in 宋体 at 二号, the body in 仿宋 at 三号, the issuing bureau's name and the
date of issue (成文日期) at the foot where the seal is pressed, and page numbers "— 1 —" in the footer.
"""
from __future__ import annotations

import datetime as dt
import io
import math

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TITLE_FONT, BODY_FONT, PAGE_NUMBER_FONT = "宋体", "仿宋", "宋体"
TITLE_SIZE, BODY_SIZE, TABLE_SIZE, PAGE_NUMBER_SIZE = Pt(22), Pt(16), Pt(12), Pt(14)  # 二号, 三号, 小四, 四号
SIGN_LINE = "＿" * 8
CHINESE_DIGITS = "零一二三四五六七八九"

# GB/T 9704-2012 §5.2: A4; top margin 37 mm, left 28 mm; the text block 156 × 225 mm holds 22 lines of 28
# characters at 三号. The bottom and right margins follow (35 mm, 26 mm).
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
TOP_MARGIN, BOTTOM_MARGIN, LEFT_MARGIN, RIGHT_MARGIN = Mm(37), Mm(35), Mm(28), Mm(26)
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
LINE_PITCH = Pt((297 - 37 - 35) / LINES_PER_PAGE / 25.4 * 72)
# §7.5: the page number sits 7 mm below the text block; a 四号 line is about 5 mm high.
FOOTER_DISTANCE = Mm(35 - 7 - 5)
# §7.3.5.1: the date of issue ends four characters from the right; the bureau's name is centred over it, and
# the seal (about four lines high) presses on both, its top within one line of the text.
DATE_RIGHT_INDENT_CHARS = 4
SEAL_SPACE_LINES = 2


# ---- runs and paragraphs -------------------------------------------------------------------------------------

def set_font(run, name: str, size, bold: bool = False) -> None:
    """Name the font for Latin and East Asian text alike: Word picks CJK glyphs from w:eastAsia."""
    run.font.name = name
    run.font.size = size
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def new_document(*, page_numbers: bool = True):
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = TOP_MARGIN, BOTTOM_MARGIN
    section.left_margin, section.right_margin = LEFT_MARGIN, RIGHT_MARGIN
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = BODY_FONT, BODY_SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    normal.paragraph_format.line_spacing = LINE_PITCH  # exact: 22 lines to the page
    normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)
    if page_numbers:
        add_page_numbers(document)
    return document


def paragraph(document, text: str = "", *, align=None, indent: bool = False, bold: bool = False,
              font: str = BODY_FONT, size=BODY_SIZE):
    paragraph_ = document.add_paragraph()
    if align is not None:
        paragraph_.alignment = align
    if indent:
        paragraph_.paragraph_format.first_line_indent = Pt(size.pt * 2)
    if text:
        set_font(paragraph_.add_run(text), font, size, bold)
    return paragraph_


def labelled(document, label: str, value: str):
    paragraph_ = paragraph(document)
    set_font(paragraph_.add_run(f"{label}："), BODY_FONT, BODY_SIZE, bold=True)
    set_font(paragraph_.add_run(value or "—"), BODY_FONT, BODY_SIZE)
    return paragraph_


def heading(document, bureau_name: str, title: str, number: str) -> None:
    paragraph(document, bureau_name, align=WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT, size=TITLE_SIZE, bold=True)
    paragraph(document, title, align=WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT, size=TITLE_SIZE, bold=True)
    paragraph(document, number, align=WD_ALIGN_PARAGRAPH.RIGHT)


def table(document, header: list[str], rows: list[list[str]]):
    table_ = document.add_table(rows=1, cols=len(header))
    table_.style = "Table Grid"
    table_.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table_.rows[0].cells, header):
        _cell_text(cell, text, bold=True)
    for values in rows:
        for cell, text in zip(table_.add_row().cells, values):
            _cell_text(cell, text or "—")
    return table_


def _cell_text(cell, text: str, bold: bool = False) -> None:
    paragraph_ = cell.paragraphs[0]
    paragraph_.paragraph_format.line_spacing = 1.0  # a table's small print is not held to the page's line grid
    set_font(paragraph_.add_run(text), BODY_FONT, TABLE_SIZE, bold)


def page_break(document) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


# ---- the foot of a document -------------------------------------------------------------------------------------

def gb_date(day: dt.date | None) -> str:
    """2026年5月6日 as GB/T 9704 §7.3.5.1 writes a date (Arabic numerals, no leading zeros); blanks if unknown."""
    return f"{day.year}年{day.month}月{day.day}日" if day else "　　年　月　日"


def text_width(text: str) -> float:
    """Width in full characters: ASCII letters and digits take half a character."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1 for ch in text)


def seal_area(document, bureau_name: str, day: dt.date | None) -> None:
    """发文机关署名 and 成文日期 at the foot, right-aligned as §7.3.5.1 places them, with room for the seal."""
    for _ in range(SEAL_SPACE_LINES):
        paragraph(document).paragraph_format.keep_with_next = True
    date_text = gb_date(day)
    name_indent = max(0.0, DATE_RIGHT_INDENT_CHARS + (text_width(date_text) - text_width(bureau_name)) / 2)
    name = paragraph(document, bureau_name, align=WD_ALIGN_PARAGRAPH.RIGHT)
    name.paragraph_format.right_indent = Pt(BODY_SIZE.pt * name_indent)
    name.paragraph_format.keep_with_next = True
    date = paragraph(document, date_text, align=WD_ALIGN_PARAGRAPH.RIGHT)
    date.paragraph_format.right_indent = Pt(BODY_SIZE.pt * DATE_RIGHT_INDENT_CHARS)


def add_page_numbers(document) -> None:
    """— 1 — in the footer: odd pages to the right, even pages to the left, one character in (§7.5)."""
    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    section.footer_distance = FOOTER_DISTANCE
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        paragraph_ = footer.paragraphs[0]
        paragraph_.alignment = align
        inset = Pt(PAGE_NUMBER_SIZE.pt)
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            paragraph_.paragraph_format.right_indent = inset
        else:
            paragraph_.paragraph_format.left_indent = inset
        set_font(paragraph_.add_run("— "), PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
        _page_field(paragraph_)
        set_font(paragraph_.add_run(" —"), PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)


def _page_field(paragraph_) -> None:
    """A PAGE field that Word and LibreOffice both update as they lay the pages out."""
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph_.add_run()
        set_font(run, PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._element.append(char)
        elif text.strip() == "PAGE":
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = text
            run._element.append(instruction)
        else:
            run.text = text


def to_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def chinese_ordinal(n: int) -> str:
    """一, 二, … 九十九: enough for the items of one document."""
    tens, ones = divmod(n, 10)
    if not tens:
        return CHINESE_DIGITS[ones]
    return f"{'' if tens == 1 else CHINESE_DIGITS[tens]}十{CHINESE_DIGITS[ones] if ones else ''}"


# ---- how many pages ---------------------------------------------------------------------------------------------

def estimate_pages(document) -> int:
    """The pages the document will print on, estimated from the 22 × 28 grid (good enough for a file index;
    a layout engine would be exact but takes seconds per document)."""
    pages, lines = 1, 0.0
    body = document.element.body
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            if child.xpath(".//w:br[@w:type='page']"):
                pages, lines = pages + 1, 0.0
                continue
            text = "".join(t.text or "" for t in child.iter(qn("w:t")))
            lines += max(1, math.ceil(text_width(text) / CHARS_PER_LINE))
        elif child.tag == qn("w:tbl"):
            lines += _table_lines(child)
        while lines > LINES_PER_PAGE:
            pages, lines = pages + 1, lines - LINES_PER_PAGE
    return pages


def _table_lines(tbl) -> float:
    scale = TABLE_SIZE.pt / BODY_SIZE.pt
    total = 0.0
    for row in tbl.iter(qn("w:tr")):
        cells = row.findall(qn("w:tc"))
        chars_per_cell = max(1.0, CHARS_PER_LINE / scale / max(1, len(cells)))
        tallest = max((math.ceil(text_width("".join(t.text or "" for t in c.iter(qn("w:t")))) / chars_per_cell)
                       for c in cells), default=1)
        total += max(1, tallest) * scale * 1.3  # single-spaced small print plus the cell's padding
    return total
