"""Importing a text through the page: read the upload, check it, show what will happen, then load it on
confirmation. The checked text travels to the confirmation signed (bound to the person, for a limited time),
and is parsed again there: nothing is kept between the two steps."""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from pathlib import PurePath

from django.core import signing

from fazhi.core.spreadsheets import FileProblem, read_upload

from .choices import LawLevel, VersionStatus
from .citations import short_title_of
from .loading import VersionData
from .models import Law
from .parser import LawTextError, ParsedText, decode_text, parse_law_text
from .rules import LIBRARY_RULES

SIGNING_SALT = "fazhi.laws.import"
_DATE_FIELDS = ("effective_from", "promulgated_on", "effective_to")


def uploaded_text(upload) -> str:
    """The uploaded file as text (UTF-8 or GBK); FileProblem for a wrong type, size or encoding."""
    suffix = PurePath(upload.name or "").suffix.lower()
    if suffix not in LIBRARY_RULES.upload_extensions:
        allowed = "、".join(LIBRARY_RULES.upload_extensions)
        raise FileProblem(f"只能上传{allowed}文本文件；Word或PDF文件请先另存为.txt（UTF-8或GBK编码）。")
    data = read_upload(upload, LIBRARY_RULES.max_upload_bytes)
    try:
        return decode_text(data)
    except LawTextError as exc:
        raise FileProblem(str(exc)) from exc


def check_text(text: str) -> ParsedText:
    try:
        return parse_law_text(text)
    except LawTextError as exc:
        raise FileProblem(str(exc)) from exc


@dataclass(frozen=True)
class ImportPlan:
    """What loading the text will do, in words for the preview."""

    law: Law | None
    effects: list[str]
    warnings: list[str]


def _day(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def plan_import(data: VersionData, parsed: ParsedText) -> ImportPlan:
    effects, warnings = [], []
    law = (Law.objects.filter(short_title=data.short_title).first()
           or Law.objects.filter(title=data.title).first())
    if parsed.title and short_title_of(parsed.title) != short_title_of(data.title):
        warnings.append(f"文本首行标题为“{parsed.title}”，与填写的标题“{data.title}”不同，请核对。")
    if law is None:
        effects.append(f"新增《{data.short_title}》（{LawLevel(data.level).label}），"
                       f"自{_day(data.effective_from)}起施行。")
        return ImportPlan(None, effects, warnings)
    if law.title != data.title or law.short_title != data.short_title:
        warnings.append(f"库中已有“{law.title}”（简称“{law.short_title}”），本文本将作为它的一个版本导入；"
                        f"效力层级和制定机关沿用库中记录。")
    versions = list(law.versions.order_by("effective_from"))
    if any(v.body_sha256 == parsed.sha256 for v in versions):
        warnings.append("库中已有内容完全相同的文本，确认后不会重复导入。")
        return ImportPlan(law, effects, warnings)
    if any(v.effective_from == data.effective_from for v in versions):
        warnings.append(f"库中已有自{_day(data.effective_from)}起施行的版本，不能再导入同一施行日期的另一文本。")
    earlier = [v for v in versions if v.effective_from < data.effective_from]
    later = [v for v in versions if v.effective_from > data.effective_from]
    if earlier:
        previous = earlier[-1]
        if previous.effective_to is None or previous.effective_to > data.effective_from:
            effects.append(f"现有版本“{previous.version_label}”将标为已被修订，自{_day(data.effective_from)}起失效。")
    if later:
        effects.append(f"库中已有更新的版本“{later[0].version_label}”，本文本作为旧版本导入，"
                       f"施行至{_day(later[0].effective_from)}。")
    else:
        effects.append(f"本文本将作为《{law.short_title}》的现行版本，自{_day(data.effective_from)}起施行。")
    return ImportPlan(law, effects, warnings)


def sign_import(data: VersionData, text: str, *, actor) -> str:
    fields = asdict(data)
    for name in _DATE_FIELDS:
        fields[name] = fields[name].isoformat() if fields[name] else None
    return signing.dumps({"user": actor.pk, "data": fields, "text": text}, salt=SIGNING_SALT, compress=True)


def unsign_import(token: str, *, actor) -> tuple[VersionData, str]:
    """The checked text and what was said about it; FileProblem when altered, someone else's, or too old."""
    try:
        payload = signing.loads(token, salt=SIGNING_SALT, max_age=LIBRARY_RULES.confirm_max_age_seconds)
    except signing.SignatureExpired:
        hours = LIBRARY_RULES.confirm_max_age_seconds // 3600
        raise FileProblem(f"检查结果已超过{hours}小时，请重新上传文件。") from None
    except signing.BadSignature:
        raise FileProblem("确认信息无效，请重新上传文件。") from None
    if payload.get("user") != actor.pk:
        raise FileProblem("确认信息无效，请重新上传文件。")
    fields = payload["data"]
    for name in _DATE_FIELDS:
        fields[name] = dt.date.fromisoformat(fields[name]) if fields[name] else None
    fields["status"] = fields.get("status") or VersionStatus.IN_FORCE
    return VersionData(**fields), payload["text"]
