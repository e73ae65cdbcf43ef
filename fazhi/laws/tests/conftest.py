"""Texts for the law library's tests: small made-up laws, so the seeded library stays untouched."""
from __future__ import annotations

import datetime as dt

from fazhi.laws.choices import LawLevel
from fazhi.laws.loading import VersionData


def law_text(title: str = "测试卫生管理办法", *, fine: str = "一千元", extra_article: bool = False) -> str:
    """A short text in the data format: two chapters, paragraphs and items, a penalty article."""
    lines = [
        f"# {title}", "", "2024年1月1日 发布", "", "<!-- INFO END -->", "",
        "## 第一章 总则", "",
        "第一条 为了规范测试，制定本办法。", "",
        "第二条 经营者应当遵守下列规定：", "",
        "（一）保持清洁；", "",
        "（二）定期消毒。", "",
        "第三条 从业人员应当持有健康合格证明。", "",
        "前款规定的人员每年进行一次健康检查。", "",
        "## 第二章 罚则", "",
        f"第四条 违反本办法第二条规定的，处{fine}以下罚款：", "",
        "（一）未保持清洁的；", "",
        "（二）未定期消毒的。", "",
        "有前款第（一）项行为且情节严重的，责令停业整顿。", "",
    ]
    if extra_article:
        lines += ["第五条 本办法自发布之日起施行。", ""]
    return "\n".join(lines)


def version_data(effective_from: dt.date, *, title: str = "测试卫生管理办法", short_title: str = "测试卫生管理办法",
                 label: str | None = None, **fields) -> VersionData:
    return VersionData(
        title=title, short_title=short_title, level=LawLevel.MINISTRY_RULE, issuer="测试部",
        version_label=label or f"{effective_from.year}年{effective_from.month}月{effective_from.day}日施行",
        effective_from=effective_from, **fields,
    )

