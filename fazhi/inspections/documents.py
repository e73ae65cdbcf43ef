"""The documents (文书) of a visit as .docx: the signed on-site record and the 卫生监督意见书.

Every fact comes from the records (nothing is typed again); the layout follows GB/T 9704 soberly: A4 with its
margins, the title centred in 宋体, the body in 仿宋 at 三号, the bureau and date at the foot.
"""
from __future__ import annotations

from django.utils import timezone
from docx.enum.text import WD_ALIGN_PARAGRAPH

from fazhi.core.numbering import issuing_bureau
from fazhi.documents.layout import (
    DOCX_CONTENT_TYPE, SIGN_LINE, TABLE_SIZE, chinese_ordinal, heading, labelled, new_document, paragraph, table,
    to_bytes,
)

from .rules import REMEDY_LIMITS

# The layout now lives in fazhi.documents; the views and tests still take these two from here.
__all__ = [
    "DOCX_CONTENT_TYPE", "bodycam_line", "chinese_ordinal", "entity_line", "officers_line", "onsite_record_docx",
    "remedy_sentence", "supervision_opinion_docx",
]


# ---- facts shared by both documents ------------------------------------------------------------------------

def entity_line(entity) -> str:
    code = entity.credit_code or f"无（{entity.get_no_credit_code_reason_display()}）"
    return f"{entity.name}（统一社会信用代码：{code}）"


def officers_line(inspection) -> str:
    team = inspection.team.select_related("officer", "certificate")
    return "、".join(f"{m.officer}（执法证号：{m.certificate.number}）" for m in team)


def _period(arrived, left) -> str:
    start = timezone.localtime(arrived)
    text = f"{start:%Y年%m月%d日%H时%M分}"
    if left is None:
        return text
    end = timezone.localtime(left)
    return f"{text}至{end:%H时%M分}" if end.date() == start.date() else f"{text}至{end:%Y年%m月%d日%H时%M分}"


def bodycam_line(record) -> str:
    if record.bodycam_device:
        minutes, seconds = divmod(record.bodycam_seconds or 0, 60)
        return (f"使用执法记录仪（编号{record.bodycam_device}）记录，视音频文件编号{record.bodycam_file_id}，"
                f"时长{minutes}分{seconds}秒。")
    return f"未使用执法记录仪，原因：{record.bodycam_absent_reason}。"


# ---- 现场笔录 ------------------------------------------------------------------------------------------------

def onsite_record_docx(record) -> bytes:
    """The signed on-site record as a .docx."""
    inspection, entity = record.inspection, record.inspection.entity
    document = new_document()
    heading(document, issuing_bureau(record.organisation).name, "现场笔录", record.number)
    present = record.present_person + (f"（{record.present_person_title}）" if record.present_person_title else "")
    for label, value in (
        ("检查时间", _period(record.arrived_at, record.left_at)), ("检查地点", record.place),
        ("被检查单位", entity_line(entity)), ("地址", entity.address),
        ("检查事由", inspection.get_reason_display()), ("执法人员", officers_line(inspection)),
        ("在场人员", present),
    ):
        labelled(document, label, value)
    paragraph(document, "检查事项及结果：", bold=True)
    checks = record.checks.select_related("item").order_by("item__sort_order", "item__code")
    table(document, ["序号", "检查事项", "检查结果", "发现的问题", "违反的条款"], [
        [str(n), c.item.title, c.get_result_display(), c.finding, c.provision] for n, c in enumerate(checks, 1)
    ])
    labelled(document, "检查情况", record.summary)
    labelled(document, "执法记录仪", bodycam_line(record))
    files = list(record.files.all())
    if files:
        paragraph(document, "附件：", bold=True)
        for n, f in enumerate(files, 1):
            paragraph(document, f"{n}. {f.get_kind_display()} {f.original_name}（SHA-256：{f.sha256}）", size=TABLE_SIZE)
    _signatures(document, record)
    return to_bytes(document)


def _signatures(document, record) -> None:
    paragraph(document)
    paragraph(document, f"被检查单位在场人员（签名）：{SIGN_LINE}　　年　月　日")
    paragraph(document, f"执法人员（签名）：{SIGN_LINE}　{SIGN_LINE}　　年　月　日")
    if record.signed_at:
        signed = timezone.localtime(record.signed_at)
        paragraph(document, f"本笔录由{record.signed_by}于{signed:%Y年%m月%d日%H时%M分}在系统中签名锁定。",
                  size=TABLE_SIZE)


# ---- 卫生监督意见书 ----------------------------------------------------------------------------------------------

def supervision_opinion_docx(opinion) -> bytes:
    """The 卫生监督意见书 with each thing to put right, its basis and its deadline."""
    inspection, entity = opinion.inspection, opinion.inspection.entity
    bureau = issuing_bureau(opinion.organisation)
    document = new_document()
    heading(document, bureau.name, "卫生监督意见书", opinion.number)
    paragraph(document, f"{entity_line(entity)}：")
    labelled(document, "地址", entity.address)
    paragraph(document, _visit_sentence(inspection), indent=True)
    for n, item in enumerate(opinion.items.all(), 1):
        basis = f"（依据：{item.provision}）" if item.provision else ""
        paragraph(document, f"{chinese_ordinal(n)}、{item.requirement}{basis}，整改期限：{item.deadline:%Y年%m月%d日}前。",
                  indent=True)
    paragraph(document, "请你单位按上述意见逐项整改，在整改期限届满前将整改情况及相关材料报送本机关。", indent=True)
    paragraph(document, remedy_sentence(bureau), indent=True)
    paragraph(document)
    paragraph(document, bureau.name, align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph(document, f"{opinion.issued_on:%Y年%m月%d日}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph(document, "（印章）", align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph(document)
    paragraph(document, f"被监督单位签收人（签名）：{SIGN_LINE}　　年　月　日")
    paragraph(document, f"执法人员（签名）：{SIGN_LINE}　{SIGN_LINE}")
    return to_bytes(document)


def _visit_sentence(inspection) -> str:
    record = getattr(inspection, "record", None)  # a missing one-to-one raises AttributeError: None
    day = timezone.localtime(record.arrived_at).date() if record else inspection.window_start
    reference = f"（现场笔录{record.number}）" if record and record.number else ""
    return (f"{day:%Y年%m月%d日}，本机关执法人员{officers_line(inspection)}对你单位进行了"
            f"{inspection.get_reason_display()}{reference}。经检查，提出以下卫生监督意见：")


def remedy_sentence(bureau) -> str:
    government = f"{bureau.region.name}人民政府"
    return (f"如不服本意见书，可以自收到本意见书之日起{REMEDY_LIMITS.reconsideration_days}日内向{government}"
            f"申请行政复议，或者自收到本意见书之日起{REMEDY_LIMITS.litigation_months}个月内依法向人民法院提起行政诉讼。")
