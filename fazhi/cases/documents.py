"""The documents (文书) of a penalty case as .docx, each filled from the case and its records.

Nothing is typed twice: party, facts, provisions, amounts, dates and numbers come from the records; numbers are
taken by the case services when a step is done and only read here. An officer may edit the wording of a
document's paragraphs (CaseDocument.wording, checked by fazhi.documents.wording) but never its facts.

`CASE_DOCUMENTS` is the registry: kind code → title, builder, the records it needs, its place in the case file
and the step after which it is final. `case_file_order` and `case_archive` lay the whole file out in the order
立案—取证—审查—决定—送达—执行—结案 with the 卷内目录 first.
"""
from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from docx import Document

from fazhi.core.audit import lock_audit_chain, record_event
from fazhi.core.choices import AuditAction
from fazhi.core.numbering import issuing_bureau
from fazhi.documents import layout
from fazhi.documents.archive import ArchiveMember, count_pages, safe_name, write_archive
from fazhi.documents.case_wording import CASE_WORDINGS
from fazhi.documents.wording import Wording, normalise, rmb_upper, yuan
from fazhi.inspections.documents import onsite_record_docx, supervision_opinion_docx
from fazhi.laws.citations import provision_label

from .choices import CaseStatus as S
from .choices import MeasureKind, PartyKind, PenaltyKind, Procedure
from .models import Case, CaseDocument
from .rules import CASE_RULES

DRAFT_NUMBER = "（文号于出具时生成）"
STAGES = ("立案", "取证", "审查", "决定", "送达", "执行", "结案")
# Places in the file of what is not a case document: the source 卫生监督意见书 after the 立案报告, the evidence
# at the head of 取证 (before the interviews and the measures).
SOURCE_PLACE, EVIDENCE_PLACE = 11, 15
# Penalties whose content a decision must spell out beyond their name (how long, which licence, which goods).
DETAILED_PENALTIES = frozenset(PenaltyKind.values) - {
    PenaltyKind.WARNING, PenaltyKind.CRITICISM, PenaltyKind.FINE, PenaltyKind.CONFISCATE_GAINS}
PAYABLE_PENALTIES = frozenset({PenaltyKind.FINE, PenaltyKind.CONFISCATE_GAINS})
# How far a case has gone, for "is this document final": the step that issues a document is done once the
# case reaches the rank its registry entry names. Endings rank with the step they end at.
STATUS_RANK = {
    S.REGISTERED: 0, S.INVESTIGATING: 1, S.IN_REVIEW: 2, S.NOTIFIED: 3, S.HEARING: 4, S.DECIDED: 5,
    S.NO_PENALTY: 5, S.ON_SPOT: 5, S.SERVED: 6, S.RECORDED: 6, S.REMINDED: 7, S.ENFORCEMENT: 8, S.FULFILLED: 9,
    S.TRANSFERRED: 9, S.CLOSED: 10, S.ARCHIVED: 11, S.NOT_FILED: 11, S.WITHDRAWN: 11,
}


# ---- facts ---------------------------------------------------------------------------------------------------

def _one(case, name):
    """A one-to-one record of the case, or None when it has none yet."""
    try:
        return getattr(case, name)
    except ObjectDoesNotExist:
        return None


def bureau_of(case):
    return issuing_bureau(case.organisation)


def reconsideration_body(bureau) -> str:
    """The people's government of the bureau's own level (行政复议法第二十四条)."""
    return f"{bureau.region.name}人民政府"


def label(provision) -> str:
    return provision_label(provision) if provision is not None else "—"


def party_identity(case) -> tuple[str, str]:
    if case.party_kind == PartyKind.PERSON:
        return "身份证件号码", case.party_id_number
    if case.party_credit_code:
        return "统一社会信用代码", case.party_credit_code
    reason = case.entity.get_no_credit_code_reason_display() if case.entity_id and case.entity.no_credit_code_reason else ""
    return "统一社会信用代码", f"无（{reason}）" if reason else ""


def party_lines(case) -> list[tuple[str, str]]:
    lines = [("当事人", case.party_name), party_identity(case)]
    if case.party_kind == PartyKind.ORGANISATION:
        lines.append(("法定代表人（负责人）", case.party_representative))
    return lines + [("住所（地址）", case.party_address), ("联系电话", case.party_phone)]


def officers_line(case) -> str:
    team = case.team.select_related("officer", "certificate")
    return "、".join(f"{m.officer}（执法证号：{m.certificate.number if m.certificate_id else '—'}）"
                     f"{'（主办）' if m.is_lead else ''}" for m in team)


def penalty_items(case) -> list[str]:
    items = []
    for kind in PenaltyKind:
        if kind.value not in case.penalty_kind_codes:
            continue
        if kind == PenaltyKind.FINE and case.fine_amount:
            items.append(f"罚款人民币{rmb_upper(case.fine_amount)}（{yuan(case.fine_amount)}）")
        elif kind == PenaltyKind.CONFISCATE_GAINS and case.confiscation_amount:
            items.append(f"没收违法所得人民币{rmb_upper(case.confiscation_amount)}（{yuan(case.confiscation_amount)}）")
        elif kind in DETAILED_PENALTIES and case.other_penalty_detail:
            items.append(f"{kind.label}：{case.other_penalty_detail}")
        else:
            items.append(kind.label)
    return items


def penalty_summary(case) -> str:
    return "；".join(penalty_items(case)) or "—"


def has_payable(case) -> bool:
    return bool(PAYABLE_PENALTIES & set(case.penalty_kind_codes))


def evidence_titles(case) -> str:
    titles = [e.title for e in case.evidence.all()] + [f"{i.interviewee}的询问笔录" for i in case.interviews.all()]
    return "、".join(titles) or "—"


def common_facts(case, bureau) -> dict[str, str]:
    """The facts any paragraph may cite; each paragraph adds its own."""
    return {
        "当事人": case.party_name, "你方": "你" if case.is_person else "你单位", "案由": cause_phrase(case),
        "机关": bureau.name,
        "违法事实": case.facts.strip(), "违反条款": label(case.provision_broken),
        "处罚依据": label(case.penalty_provision), "立案日期": layout.gb_date(case.filed_on),
        "复议期限": f"{CASE_RULES.reconsideration_days}日", "复议机关": reconsideration_body(bureau),
        "诉讼期限": f"{CASE_RULES.litigation_months}个月",
    }


def cause_phrase(case) -> str:
    """The 案由 as it reads inside a sentence: “……一案” already says 案, so a trailing 案 is dropped."""
    cause = case.cause.strip()
    return cause.removesuffix("一案").removesuffix("案") or cause


COMMON_FACT_NAMES = frozenset({"当事人", "你方", "案由", "机关", "违法事实", "违反条款", "处罚依据", "立案日期",
                               "复议期限", "复议机关", "诉讼期限"})


def is_no_penalty(case) -> bool:
    """A case ended with no penalty: in that state now, or closed after it (it left its reason and education)."""
    if case.status == S.NO_PENALTY:
        return True
    return (case.status in (S.CLOSED, S.ARCHIVED) and bool(case.education_record.strip())
            and bool(case.outcome_reason.strip()) and not case.transferred_to)


def _period(start, end) -> str:
    start, end = timezone.localtime(start), timezone.localtime(end)
    text = f"{layout.gb_date(start.date())}{start.hour}时{start.minute:02d}分"
    if end.date() == start.date():
        return f"{text}至{end.hour}时{end.minute:02d}分"
    return f"{text}至{layout.gb_date(end.date())}{end.hour}时{end.minute:02d}分"


# ---- §59: what a decision must carry -------------------------------------------------------------------------

def _identity_known(case) -> bool:
    return bool(party_identity(case)[1].strip())


DECISION_ELEMENTS: tuple[tuple[str, Callable], ...] = (
    ("当事人的姓名或者名称", lambda c: c.party_name.strip()),
    ("当事人的地址", lambda c: c.party_address.strip()),
    ("当事人的统一社会信用代码或身份证件号码", _identity_known),
    ("违法事实", lambda c: c.facts.strip()),
    ("证据", lambda c: c.procedure == Procedure.SIMPLE or c.evidence.exists() or c.interviews.exists()),
    ("违反的法律规定", lambda c: c.provision_broken_id),
    ("行政处罚的种类", lambda c: c.penalty_kind_codes),
    ("行政处罚的依据", lambda c: c.penalty_provision_id),
    ("罚款数额", lambda c: PenaltyKind.FINE not in c.penalty_kind_codes or (c.fine_amount or 0) > 0),
    ("没收违法所得数额",
     lambda c: PenaltyKind.CONFISCATE_GAINS not in c.penalty_kind_codes or (c.confiscation_amount or 0) > 0),
    ("其他处罚的具体内容",
     lambda c: not DETAILED_PENALTIES & set(c.penalty_kind_codes) or c.other_penalty_detail.strip()),
    ("当场处罚的地点", lambda c: c.procedure != Procedure.SIMPLE or c.on_spot_place.strip()),
    ("作出决定的行政机关名称", lambda c: bureau_of(c).name.strip()),
)


def decision_missing_elements(case) -> list[str]:
    """The elements of 行政处罚法第五十九条 (第五十二条 on the spot) the records cannot fill yet, in Chinese.

    The payment route and limit, the routes and limits of appeal and the seal are filled from the rules and the
    bureau; the number and date come with the decision itself; so only the case's own facts can be missing."""
    return [name for name, known in DECISION_ELEMENTS if not known(case)]


# ---- numbers, dates, finality ----------------------------------------------------------------------------------

def _stored(case) -> dict[str, CaseDocument]:
    """The case's CaseDocument rows by kind, read once per case object."""
    cache = case.__dict__.get("_case_documents")
    if cache is None:
        cache = case.__dict__["_case_documents"] = {d.kind: d for d in CaseDocument.objects.filter(case=case)}
    return cache


def stored_wording(case, kind: str) -> dict[str, str]:
    row = _stored(case).get(kind)
    return dict(row.wording) if row else {}


def _measure_numbers(kind):
    return lambda case: "、".join(m.number for m in case.measures.filter(kind=kind) if m.number)


def _stored_number(kind):
    return lambda case: getattr(_stored(case).get(kind), "number", "")


NUMBERS: dict[str, Callable] = {
    "case_filing": lambda c: c.filing_number,
    "penalty_decision": lambda c: c.decision_number,
    "simple_penalty": lambda c: c.decision_number,
    "no_penalty_decision": lambda c: _stored_number("no_penalty_decision")(c) or c.decision_number,
    "prior_notice": lambda c: getattr(_one(c, "notice"), "number", ""),
    "hearing_notice": lambda c: getattr(_one(c, "notice"), "hearing_number", ""),
    "payment_reminder": lambda c: getattr(_one(c, "reminder"), "number", ""),
    "evidence_preservation": _measure_numbers(MeasureKind.PRESERVATION),
    "seizure": _measure_numbers(MeasureKind.SEIZURE),
}
MEASURE_DOCUMENTS = {"evidence_preservation": MeasureKind.PRESERVATION, "seizure": MeasureKind.SEIZURE}


def document_number(case, kind: str) -> str:
    return (NUMBERS.get(kind) or _stored_number(kind))(case) or ""


def is_final(case, kind: str) -> bool:
    """Final once the step that issues it is done: its number is taken, or the case has moved past that step."""
    spec = CASE_DOCUMENTS[kind]
    if STATUS_RANK.get(case.status, 0) >= spec.final_rank:
        return True
    if kind in MEASURE_DOCUMENTS:
        numbers = list(case.measures.filter(kind=MEASURE_DOCUMENTS[kind]).values_list("number", flat=True))
        return bool(numbers) and all(numbers)
    return kind in NUMBERS and bool(document_number(case, kind))


# ---- writing one document ---------------------------------------------------------------------------------------

class Draft:
    """One document being written: the case, its bureau, the officer's wording, the python-docx document."""

    def __init__(self, case, kind: str):
        self.case, self.kind, self.spec = case, kind, CASE_DOCUMENTS[kind]
        self.bureau = bureau_of(case)
        self.overrides = stored_wording(case, kind)
        self.facts = common_facts(case, self.bureau)
        self.doc = layout.new_document()

    def heading(self, number: str | None = None) -> None:
        if number is None:
            number = document_number(self.case, self.kind)
        layout.heading(self.doc, self.bureau.name, self.spec.title,
                       number or (DRAFT_NUMBER if self.kind in NUMBERS else ""))

    def say(self, key: str, **facts) -> None:
        """Paragraph `key` in the officer's wording (or the default), with the facts filled in."""
        text = self.spec.wording_for(key).render(self.overrides.get(key), {**self.facts, **facts})
        for line in text.split("\n"):
            layout.paragraph(self.doc, line, indent=True)

    def text(self, text: str, **kwargs) -> None:
        for line in (text or "—").strip().split("\n"):
            layout.paragraph(self.doc, line, **{"indent": True, **kwargs})

    def line(self, label_: str, value) -> None:
        layout.labelled(self.doc, label_, str(value) if value not in (None, "") else "")

    def lines(self, pairs) -> None:
        for label_, value in pairs:
            self.line(label_, value)

    def section(self, title: str) -> None:
        layout.paragraph(self.doc, title, bold=True)

    def listing(self, items: list[str]) -> None:
        for n, item in enumerate(items, 1):
            layout.paragraph(self.doc, f"（{layout.chinese_ordinal(n)}）{item}；" if n < len(items) else
                             f"（{layout.chinese_ordinal(n)}）{item}。", indent=True)

    def addressee(self) -> None:
        layout.paragraph(self.doc, f"{self.case.party_name}：")

    def signatures(self, *who: str) -> None:
        layout.paragraph(self.doc)
        for person in who:
            layout.paragraph(self.doc, f"{person}（签名）：{layout.SIGN_LINE}　　年　月　日")

    def seal(self, day) -> None:
        layout.seal_area(self.doc, self.bureau.name, day)

    def page_break(self) -> None:
        layout.page_break(self.doc)


def build_document(case, kind: str):
    """The python-docx document of `kind` for `case` (not yet saved)."""
    return CASE_DOCUMENTS[kind].builder(case)


def document_bytes(case, kind: str) -> bytes:
    return layout.to_bytes(build_document(case, kind))


def document_filename(case, kind: str) -> str:
    number = document_number(case, kind)
    return safe_name(f"{CASE_DOCUMENTS[kind].title}{'_' + number if number else ''}") + ".docx"


def payment_facts(case) -> dict[str, str]:
    due = case.payment_due_on
    return {"缴纳天数": f"{CASE_RULES.payment_days}日",
            "缴纳截止": f"（即{layout.gb_date(due)}前）" if due else "",
            "加处罚款比例": f"{(CASE_RULES.surcharge_daily_rate * 100).normalize()}%"}


def contact_facts(d: Draft) -> dict[str, str]:
    lead = d.case.team.select_related("officer").first()
    return {"机关地址": d.bureau.address or "—", "联系人": str(lead.officer) if lead else "—",
            "联系电话": d.bureau.public_phone or "—"}


def source_text(case) -> str:
    text = case.get_source_display()
    if case.source_opinion_id:
        text += f"（卫生监督意见书{case.source_opinion.number}）"
    elif case.source_inspection_id and getattr(_one(case.source_inspection, "record"), "number", ""):
        text += f"（现场笔录{case.source_inspection.record.number}）"
    return f"{text}：{case.source_detail}" if case.source_detail else text


# ---- 立案报告 -----------------------------------------------------------------------------------------------------

def build_case_filing(case):
    d = Draft(case, "case_filing")
    d.heading()
    d.lines([("案由", case.cause), ("案件来源", source_text(case)), ("发现或受理日期", layout.gb_date(case.received_on))])
    d.lines(party_lines(case))
    d.lines([("违法嫌疑事实", case.facts.strip() or case.source_detail), ("涉嫌违反", label(case.provision_broken)),
             ("承办人员", officers_line(case)), ("立案日期", layout.gb_date(case.filed_on) if case.filed_on else "")])
    if case.filing_delay_reason:
        d.line("逾期立案原因", case.filing_delay_reason)
    d.section("承办人意见：")
    d.say("opinion")
    d.signatures("承办人", "负责人")
    return d.doc


# ---- 询问笔录 ------------------------------------------------------------------------------------------------------

def build_interview_record(case):
    d = Draft(case, "interview_record")
    interviews = list(case.interviews.select_related("recorder").prefetch_related("officers"))
    certificates = {m.officer_id: m.certificate.number for m in case.team.select_related("certificate")
                    if m.certificate_id}
    for n, interview in enumerate(interviews, 1):
        if n > 1:
            d.page_break()
        d.heading()
        askers = "、".join(f"{o}（执法证号：{certificates.get(o.pk, '—')}）" for o in interview.officers.all())
        d.lines([("询问次序", f"第{n}次，共{len(interviews)}次"),
                 ("询问时间", _period(interview.started_at, interview.ended_at)), ("询问地点", interview.place),
                 ("询问人", askers), ("记录人", interview.recorder), ("被询问人", interview.interviewee),
                 ("身份证件号码", interview.interviewee_id_number),
                 ("与当事人关系或职务", interview.interviewee_role), ("案由", case.cause)])
        d.say("notice")
        d.section("询问内容：")
        d.text(interview.transcript, indent=False)
        if interview.bodycam_file_id:
            d.line("执法记录仪视音频文件编号", interview.bodycam_file_id)
        d.say("closing")
        d.line("被询问人签名确认", "已签名确认" if interview.signed else "尚未签名确认")
        d.signatures("被询问人", "询问人", "记录人")
    return d.doc


# ---- 证据先行登记保存决定书, 查封扣押决定书 --------------------------------------------------------------------------------

def _build_measures(case, kind: str, measure_kind: str, facts: Callable):
    d = Draft(case, kind)
    for n, measure in enumerate(case.measures.filter(kind=measure_kind), 1):
        if n > 1:
            d.page_break()
        d.heading(measure.number or DRAFT_NUMBER)
        d.addressee()
        d.say("decision", 采取措施日期=layout.gb_date(measure.started_on), **facts(measure))
        rows = [line.strip() for line in measure.items.splitlines() if line.strip()]
        layout.table(d.doc, ["序号", "物品名称、规格、数量"], [[str(i), row] for i, row in enumerate(rows, 1)])
        if measure.extended_days:
            d.line("延长期限", f"{measure.extended_days}日（批准人：{measure.extension_approved_by or '—'}；"
                             f"理由：{measure.extension_reason or '—'}）")
        if measure.decided_on:
            d.line("处理决定", f"{layout.gb_date(measure.decided_on)}：{measure.decision}")
        if measure.released_on:
            d.line("解除日期", layout.gb_date(measure.released_on))
        d.say("remedy")
        d.seal(measure.started_on)
        d.signatures("当事人")
    return d.doc


def build_preservation(case):
    return _build_measures(case, "evidence_preservation", MeasureKind.PRESERVATION,
                           lambda m: {"处理期限": f"{CASE_RULES.preservation_decision_days}日"})


def build_seizure(case):
    return _build_measures(case, "seizure", MeasureKind.SEIZURE,
                           lambda m: {"查封扣押期限": f"{CASE_RULES.seizure_days}日",
                                      "延长期限": f"{CASE_RULES.seizure_extension_days}日"})


# ---- 案件调查终结报告 ---------------------------------------------------------------------------------------------------

def build_investigation_report(case):
    d = Draft(case, "investigation_report")
    report = case.investigation_report
    d.heading()
    d.lines([("案由", case.cause), ("立案编号", case.filing_number), ("立案日期", layout.gb_date(case.filed_on))])
    d.lines(party_lines(case)[:3])
    d.line("承办人员", officers_line(case))
    d.section("一、案件来源及调查经过")
    d.say("course", 案件来源=source_text(case))
    measures = "；".join(f"{m.get_kind_display()}（{layout.gb_date(m.started_on)}）" for m in case.measures.all())
    d.lines([("询问笔录", f"{case.interviews.count()}份"), ("证据", f"{case.evidence.count()}份"),
             ("证据保全与强制措施", measures or "未采取")])
    d.section("二、违法事实")
    d.text(case.facts)
    d.section("三、证据及证明事项")
    d.text(report.evidence_summary)
    layout.table(d.doc, ["序号", "证据名称", "种类", "证明内容", "取证日期"], [
        [str(n), e.title, e.get_kind_display(), e.description, layout.gb_date(e.collected_on)]
        for n, e in enumerate(case.evidence.all(), 1)])
    d.section("四、定性与法律适用")
    d.text(report.analysis)
    d.lines([("违法行为", str(case.violation) if case.violation_id else ""),
             ("违反条款", label(case.provision_broken)), ("处罚依据", label(case.penalty_provision))])
    d.section("五、裁量")
    d.lines([("裁量阶次", case.get_band_level_display()), ("裁量情节", circumstances(case)),
             ("裁量理由", case.discretion_reasons)])
    d.section("六、处理意见")
    d.text(report.proposal)
    d.line("拟处罚内容", penalty_summary(case))
    d.say("closing")
    d.lines([("撰写人", report.written_by), ("调查终结日期", layout.gb_date(report.concluded_on))])
    return d.doc


def circumstances(case) -> str:
    flags = [("初次违法", case.is_first_offence), ("危害后果轻微", case.harm_minor), ("已及时改正", case.corrected),
             ("涉及公民生命健康安全且有危害后果", case.harms_life_or_health)]
    return "、".join(name for name, present in flags if present) or "无"


# ---- 审核记录, 集体讨论记录 -------------------------------------------------------------------------------------------------

def build_review_record(case):
    d = Draft(case, "review_record")
    d.heading()
    d.lines([("案由", case.cause), ("当事人", case.party_name), ("立案编号", case.filing_number)])
    d.say("intro")
    for review in case.reviews.select_related("reviewer"):
        d.section(f"{review.get_stage_display()}（第{review.round}轮{'，听证后审核' if review.after_hearing else ''}）")
        d.lines([("审核人", review.reviewer), ("审核日期", layout.gb_date(review.reviewed_on))])
        layout.table(d.doc, ["审核事项", "审核意见"], [[aspect, opinion] for aspect, opinion in review.aspect_opinions])
        d.lines([("审核结论", review.get_outcome_display()), ("理由", review.reasons)])
        d.signatures("审核人")
    return d.doc


def build_deliberation_record(case):
    d = Draft(case, "deliberation_record")
    for n, meeting in enumerate(case.deliberations.select_related("chair").prefetch_related("attendees"), 1):
        if n > 1:
            d.page_break()
        d.heading()
        d.say("intro")
        d.lines([("时间", layout.gb_date(meeting.held_on)), ("地点", meeting.place), ("主持人", meeting.chair),
                 ("参加人员", "、".join(str(a) for a in meeting.attendees.all())), ("案由", case.cause),
                 ("当事人", case.party_name), ("拟处罚内容", penalty_summary(case))])
        d.section("讨论记录：")
        d.text(meeting.minutes)
        d.lines([("讨论结论", meeting.get_conclusion_display()), ("决定意见", meeting.conclusion_text)])
        d.signatures("主持人", "参加人员", "记录人")
    return d.doc


# ---- 行政处罚事先告知书, 听证告知书 ------------------------------------------------------------------------------------------

def build_prior_notice(case):
    d = Draft(case, "prior_notice")
    notice = case.notice
    d.heading()
    d.addressee()
    d.say("facts")
    d.say("evidence", 证据=evidence_titles(case))
    d.say("violation")
    d.listing(penalty_items(case))
    d.say("statement_rights", 陈述申辩期限=layout.gb_date(notice.statement_until))
    if notice.hearing_rights:
        d.say("hearing_rights", 听证申请期限=layout.gb_date(notice.hearing_request_until))
    d.say("contact", **contact_facts(d))
    d.seal(notice.issued_on)
    d.signatures("当事人签收")
    return d.doc


def build_hearing_notice(case):
    d = Draft(case, "hearing_notice")
    notice = case.notice
    d.heading()
    d.addressee()
    d.say("intro", 告知日期=layout.gb_date(notice.issued_on), 告知书文号=notice.number)
    d.listing(penalty_items(case))
    d.say("rights", 听证申请期限=layout.gb_date(notice.hearing_request_until),
          听证申请天数=f"{CASE_RULES.hearing_request_days}日")
    d.say("contact", **contact_facts(d))
    d.seal(notice.issued_on)
    d.signatures("当事人签收")
    return d.doc


# ---- 行政处罚决定书 ------------------------------------------------------------------------------------------------

def _party_block(d: Draft) -> None:
    d.lines(party_lines(d.case)[:-1])  # the phone number is no element of a decision


def _evidence_list(d: Draft) -> None:
    items = [f"{e.title}（{e.get_kind_display()}）{('：' + e.description) if e.description else ''}"
             for e in d.case.evidence.all()]
    items += [f"{i.interviewee}的询问笔录（{layout.gb_date(timezone.localtime(i.started_at).date())}）"
              for i in d.case.interviews.all()]
    d.listing(items)


def _provision_text(d: Draft, provision) -> None:
    if provision is not None and provision.text.strip():
        d.text(f"{label(provision)}规定：“{provision.text.strip()}”")


def _procedure(d: Draft) -> None:
    """告知, 陈述申辩 and 听证 as they happened (第四十四、四十五、六十三、六十四条)."""
    case, notice = d.case, _one(d.case, "notice")
    if notice is None:
        return
    rights = "陈述、申辩和要求听证的权利" if notice.hearing_rights else "陈述、申辩的权利"
    d.say("notice", 告知日期=layout.gb_date(notice.issued_on), 告知书文号=notice.number, 告知的权利=rights)
    statements = list(case.statements.all())
    if statements:
        d.say("statement")
        for s in statements:
            d.text(f"陈述、申辩意见（{layout.gb_date(s.received_on)}）：{s.content}")
            d.text(f"复核意见：{s.response}（{'予以采纳' if s.adopted else '不予采纳'}）")
    elif notice.rights_waived_on:
        d.say("waived", 放弃日期=layout.gb_date(notice.rights_waived_on), 告知的权利=rights)
    else:
        d.say("no_statement", 告知的权利=rights)
    hearing = _one(case, "hearing")
    if hearing is not None and hearing.held_on:
        d.say("hearing", 听证日期=layout.gb_date(hearing.held_on), 听证意见=hearing.chair_opinion or "—")


def build_penalty_decision(case):
    d = Draft(case, "penalty_decision")
    d.heading()
    _party_block(d)
    d.say("source")
    d.say("facts")
    d.say("evidence")
    _evidence_list(d)
    _procedure(d)
    d.say("violation")
    _provision_text(d, case.provision_broken)
    if case.band_level or case.discretion_reasons:
        d.say("discretion", 裁量情节=circumstances(case), 裁量阶次=case.get_band_level_display() or "—",
              裁量理由=case.discretion_reasons or "")
    _provision_text(d, case.penalty_provision)
    d.say("penalty")
    d.listing(penalty_items(case))
    if has_payable(case):
        d.say("payment", **payment_facts(case))
    d.say("remedy")
    d.say("enforcement")
    d.seal(case.decided_on)
    return d.doc


def build_no_penalty_decision(case):
    d = Draft(case, "no_penalty_decision")
    d.heading()
    _party_block(d)
    d.say("source")
    d.say("facts")
    d.say("evidence")
    _evidence_list(d)
    d.say("violation")
    d.say("reason", 不予处罚理由=case.outcome_reason.strip() or "—")
    d.say("education", 教育情况=case.education_record.strip() or "—")
    d.say("remedy")
    d.seal(case.decided_on)
    return d.doc


def build_simple_penalty(case):
    d = Draft(case, "simple_penalty")
    d.heading()
    _party_block(d)
    d.lines([("处罚时间", layout.gb_date(case.decided_on) if case.decided_on else ""), ("处罚地点", case.on_spot_place)])
    d.say("facts")
    d.say("told")
    d.say("penalty")
    d.listing(penalty_items(case))
    if case.cash_collected:
        d.say("cash", 收据编号=case.cash_receipt_number or "—")
    elif has_payable(case):
        d.say("payment", **payment_facts(case))
    d.say("remedy")
    d.line("执法人员", officers_line(case))
    d.seal(case.decided_on)
    d.signatures("执法人员", "当事人签收")
    return d.doc


# ---- 送达回证, 催告书, 结案报告 -----------------------------------------------------------------------------------------

def served_document_title(code: str) -> str:
    spec = CASE_DOCUMENTS.get(code)
    return spec.title if spec else code


def build_service_receipt(case):
    d = Draft(case, "service_receipt")
    for n, service in enumerate(case.services.select_related("served_by"), 1):
        if n > 1:
            d.page_break()
        d.heading()
        notes = [service.late_reason and f"逾期送达原因：{service.late_reason}",
                 service.refusal_witness and f"拒收见证：{service.refusal_witness}",
                 service.electronic_consent and "当事人已签署电子送达确认书"]
        rows = [("送达文书", f"{served_document_title(service.document_kind)} {service.document_number}".strip()),
                ("受送达人", service.recipient), ("送达地点", service.place), ("送达方式", service.get_method_display()),
                ("送达日期", layout.gb_date(service.served_on)), ("签收人", service.receiver_signature),
                ("送达人", str(service.served_by)), ("备注", "；".join(x for x in notes if x))]
        layout.table(d.doc, ["项目", "内容"], [list(row) for row in rows])
        d.say("note")
        d.signatures("受送达人", "送达人")
    return d.doc


def build_payment_reminder(case):
    from .balance import balance

    d = Draft(case, "payment_reminder")
    reminder = case.reminder
    owed = balance(case, reminder.issued_on)
    d.heading()
    d.addressee()
    d.say("body", 决定日期=layout.gb_date(case.decided_on), 决定书文号=case.decision_number,
          送达日期=layout.gb_date(case.served_on), 缴纳期限=layout.gb_date(case.payment_due_on))
    d.lines([("罚没款", yuan(owed.principal)), ("已缴纳", yuan(owed.paid)),
             ("加处罚款（截至催告日）", yuan(owed.surcharge)), ("催缴金额", yuan(reminder.amount_due))])
    d.say("demand", 催告期限=f"{CASE_RULES.reminder_wait_days}日")
    d.seal(reminder.issued_on)
    d.signatures("当事人签收")
    return d.doc


def execution_summary(case) -> str:
    if is_no_penalty(case):
        return "已作出不予行政处罚决定，并对当事人进行了教育"
    if case.transferred_to:
        return f"已移送{case.transferred_to}"
    enforcement = _one(case, "enforcement")
    if enforcement is not None and enforcement.concluded_on:
        return (f"经申请{enforcement.court}强制执行，于{layout.gb_date(enforcement.concluded_on)}执行终结"
                f"（{enforcement.result or '—'}）")
    payments = list(case.payments.all())
    if payments:
        total, surcharge = sum(p.amount for p in payments), sum(p.surcharge for p in payments)
        extra = f"（其中加处罚款{yuan(surcharge)}）" if surcharge else ""
        return f"当事人已缴纳罚没款{yuan(total)}{extra}，最后一笔于{layout.gb_date(payments[-1].paid_on)}缴纳"
    if case.cash_collected:
        return f"罚款已当场收缴（收据编号{case.cash_receipt_number}）"
    return "处罚决定已送达，当事人已履行"


def build_closing_report(case):
    d = Draft(case, "closing_report")
    d.heading()
    d.lines([("案由", case.cause), ("当事人", case.party_name), ("程序", case.get_procedure_display()),
             ("立案编号", case.filing_number), ("立案日期", layout.gb_date(case.filed_on) if case.filed_on else ""),
             ("决定书文号", case.decision_number),
             ("决定日期", layout.gb_date(case.decided_on) if case.decided_on else ""),
             ("处罚内容", "不予行政处罚" if is_no_penalty(case) else penalty_summary(case)),
             ("送达日期", layout.gb_date(case.served_on) if case.served_on else "")])
    payments = list(case.payments.all())
    if payments:
        d.section("缴款情况：")
        layout.table(d.doc, ["缴纳日期", "金额", "其中加处罚款", "缴款凭证号"], [
            [layout.gb_date(p.paid_on), yuan(p.amount), yuan(p.surcharge), p.receipt_number] for p in payments])
    for appeal in case.appeals.all():
        d.line(appeal.get_kind_display(), f"{layout.gb_date(appeal.filed_on)}提起；{appeal.result or '尚未终结'}")
    if _one(case, "reminder") is not None:
        d.line("催告", f"{case.reminder.number}（{layout.gb_date(case.reminder.issued_on)}）")
    d.say("conclusion", 执行情况=execution_summary(case))
    d.line("结案日期", layout.gb_date(case.closed_on) if case.closed_on else "")
    d.signatures("承办人", "负责人")
    return d.doc


# ---- the file: its order, its index, its archive -------------------------------------------------------------------

@dataclass
class FileEntry:
    """One item of the case file: a document generated from the records, or a piece of evidence."""

    stage: str
    title: str
    number: str
    day: dt.date | None
    pages: int | None
    kind: str  # a CASE_DOCUMENTS code, "evidence" or "source"
    remark: str = ""
    content: bytes | None = None
    evidence: object = None
    suffix: str = ".docx"
    place: int = 0
    position: int = 0
    first_page: int | None = None
    filename: str = ""

    @property
    def page_range(self) -> str:
        if not self.pages:
            return "—"
        last = self.first_page + self.pages - 1
        return str(self.first_page) if last == self.first_page else f"{self.first_page}—{last}"

    @property
    def in_archive(self) -> bool:
        return self.content is not None or self.evidence is not None


def _generated(stage, place, title, number, day, document, kind, remark="") -> FileEntry:
    return FileEntry(stage=stage, title=title, number=number, day=day, pages=layout.estimate_pages(document),
                     kind=kind, remark=remark, content=layout.to_bytes(document), place=place)


def _evidence_entry(evidence) -> FileEntry:
    base = dict(stage="取证", title=evidence.title, number="", day=evidence.collected_on, kind="evidence",
                place=EVIDENCE_PLACE)
    if evidence.file:
        name = evidence.original_name or evidence.file.name
        pages = count_pages(name, lambda: evidence.file.open("rb"))
        return FileEntry(**base, pages=pages, evidence=evidence, suffix=PurePosixPath(name).suffix.lower(),
                         remark=evidence.get_kind_display() + ("" if pages else "，电子文件"))
    record = evidence.onsite_record
    if record is not None and record.is_locked:
        content = onsite_record_docx(record)
        return FileEntry(**{**base, "number": record.number}, pages=layout.estimate_pages(Document(
            io.BytesIO(content))), content=content, remark="现场笔录")
    where = (f"执法记录仪{evidence.bodycam_device}，视音频文件编号{evidence.bodycam_file_id}"
             if evidence.bodycam_device or evidence.bodycam_file_id else evidence.description)
    return FileEntry(**base, pages=None, remark=f"{evidence.get_kind_display()}，另行存储：{where or '—'}")


def case_file_order(case) -> list[FileEntry]:
    """The case's documents and evidence in the order 立案—取证—审查—决定—送达—执行—结案, numbered, with page ranges
    (generated documents estimated from their layout, PDFs counted, images one page each)."""
    entries = []
    for spec in CASE_DOCUMENTS.values():
        if spec.kind == "file_index" or not spec.applies(case):
            continue
        entries.append(_generated(spec.stage, spec.place, spec.title, document_number(case, spec.kind),
                                  spec.date(case), spec.builder(case), spec.kind,
                                  "" if is_final(case, spec.kind) else "未定稿"))
    if case.source_opinion_id:
        content = supervision_opinion_docx(case.source_opinion)
        entries.append(FileEntry(stage="立案", title="卫生监督意见书", number=case.source_opinion.number,
                                 day=case.source_opinion.issued_on, kind="source", content=content, remark="案件来源",
                                 pages=layout.estimate_pages(Document(io.BytesIO(content))),
                                 place=SOURCE_PLACE))
    entries += [_evidence_entry(e) for e in case.evidence.select_related("onsite_record")]
    entries.sort(key=lambda e: (e.place, e.day or dt.date.max))
    page = 1
    for position, entry in enumerate(entries, 1):
        entry.position = position
        if entry.pages:
            entry.first_page, page = page, page + entry.pages
        if entry.in_archive:
            label_ = "证据_" + entry.title if entry.kind == "evidence" else entry.title
            entry.filename = safe_name(f"{position:02d}_{label_}{'_' + entry.number if entry.number else ''}",
                                       limit=90) + entry.suffix
    return entries


def build_file_index(case, entries: list[FileEntry] | None = None):
    entries = case_file_order(case) if entries is None else entries
    d = Draft(case, "file_index")
    d.heading(case.filing_number or case.decision_number)
    d.lines([("案由", case.cause), ("当事人", case.party_name),
             ("归档日期", layout.gb_date(case.archived_on) if case.archived_on else "")])
    layout.table(d.doc, ["序号", "题名", "文号", "日期", "页号", "备注"], [
        [str(e.position), e.title, e.number, layout.gb_date(e.day) if e.day else "", e.page_range, e.remark]
        for e in entries])
    d.text(f"本卷共{len(entries)}件，{sum(e.pages or 0 for e in entries)}页。")
    d.say("note")
    return d.doc


def write_case_archive(case, target) -> list:
    """Write the case file as a .zip into the seekable binary file `target`; return the manifest rows."""
    entries = case_file_order(case)
    members = [ArchiveMember("00_卷内目录.docx", content=layout.to_bytes(build_file_index(case, entries)),
                             description="卷内目录")]
    for entry in entries:
        if entry.content is not None:
            members.append(ArchiveMember(entry.filename, content=entry.content, description=entry.stage))
        elif entry.evidence is not None:
            evidence = entry.evidence
            members.append(ArchiveMember(entry.filename, open=lambda e=evidence: e.file.open("rb"),
                                         registered_sha256=evidence.sha256,
                                         description=f"证据：{evidence.get_kind_display()}"))
    return write_archive(target, members)


def case_archive(case) -> bytes:
    """The whole case file as .zip bytes (the download view streams from a temporary file instead)."""
    buffer = io.BytesIO()
    write_case_archive(case, buffer)
    return buffer.getvalue()


# ---- the registry ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CaseDocumentSpec:
    kind: str  # the DocumentKind code its number is taken under
    title: str
    stage: str  # one of STAGES
    place: int  # order in the case file
    builder: Callable = field(repr=False)
    needs: tuple[str, ...]  # the records it is filled from, besides the case
    applies: Callable = field(repr=False)  # does the case have this document (now, or as a draft)?
    date: Callable = field(repr=False)
    final_rank: int  # STATUS_RANK from which its step is done

    @property
    def wordings(self) -> tuple[Wording, ...]:
        return CASE_WORDINGS.get(self.kind, ())

    def wording_for(self, key: str) -> Wording:
        for wording in self.wordings:
            if wording.key == key:
                return wording
        raise KeyError(f"{self.kind} has no paragraph {key!r}")


def _exists(name: str, **filters):
    return lambda case: getattr(case, name).filter(**filters).exists()


def _first(name: str, attr: str, **filters):
    def day(case):
        row = getattr(case, name).filter(**filters).order_by(attr).first()
        value = getattr(row, attr, None) if row else None
        return timezone.localtime(value).date() if isinstance(value, dt.datetime) else value
    return day


def _general(case) -> bool:
    return case.procedure == Procedure.GENERAL


def _decision_applies(case) -> bool:
    """A draft from review onwards (so its wording can be prepared), the issued decision once numbered."""
    return (_general(case) and not is_no_penalty(case)
            and (bool(case.decision_number) or case.status in (S.IN_REVIEW, S.NOTIFIED, S.HEARING)))


def _closing_applies(case) -> bool:
    return case.closed_on is not None or case.status in (S.FULFILLED, S.NO_PENALTY, S.TRANSFERRED, S.RECORDED,
                                                          S.ENFORCEMENT)


def _spec(kind, title, stage, place, builder, needs, applies, date, final_rank) -> CaseDocumentSpec:
    return CaseDocumentSpec(kind, title, stage, place, builder, needs, applies, date, final_rank)


CASE_DOCUMENTS: dict[str, CaseDocumentSpec] = {spec.kind: spec for spec in (
    _spec("file_index", "卷内目录", "结案", 0, lambda c: build_file_index(c), ("evidence", "documents"),
          lambda c: True, lambda c: c.archived_on, STATUS_RANK[S.ARCHIVED]),
    _spec("case_filing", "立案报告", "立案", 10, build_case_filing, ("team",), _general,
          lambda c: c.filed_on, STATUS_RANK[S.INVESTIGATING]),
    _spec("interview_record", "询问笔录", "取证", 20, build_interview_record, ("interviews",),
          _exists("interviews"), _first("interviews", "started_at"), STATUS_RANK[S.IN_REVIEW]),
    _spec("evidence_preservation", "证据先行登记保存决定书", "取证", 27, build_preservation, ("measures",),
          _exists("measures", kind=MeasureKind.PRESERVATION),
          _first("measures", "started_on", kind=MeasureKind.PRESERVATION), STATUS_RANK[S.IN_REVIEW]),
    _spec("seizure", "查封扣押决定书", "取证", 28, build_seizure, ("measures",),
          _exists("measures", kind=MeasureKind.SEIZURE), _first("measures", "started_on", kind=MeasureKind.SEIZURE),
          STATUS_RANK[S.IN_REVIEW]),
    _spec("investigation_report", "案件调查终结报告", "审查", 30, build_investigation_report,
          ("investigation_report", "evidence", "interviews", "measures"),
          lambda c: _one(c, "investigation_report") is not None,
          lambda c: c.investigation_report.concluded_on, STATUS_RANK[S.IN_REVIEW]),
    _spec("review_record", "审核记录", "审查", 31, build_review_record, ("reviews",), _exists("reviews"),
          _first("reviews", "reviewed_on"), STATUS_RANK[S.DECIDED]),
    _spec("deliberation_record", "集体讨论记录", "审查", 32, build_deliberation_record, ("deliberations",),
          _exists("deliberations"), _first("deliberations", "held_on"), STATUS_RANK[S.DECIDED]),
    _spec("prior_notice", "行政处罚事先告知书", "决定", 40, build_prior_notice, ("notice", "evidence"),
          lambda c: _one(c, "notice") is not None, lambda c: c.notice.issued_on, STATUS_RANK[S.NOTIFIED]),
    _spec("hearing_notice", "听证告知书", "决定", 41, build_hearing_notice, ("notice",),
          lambda c: getattr(_one(c, "notice"), "hearing_rights", False), lambda c: c.notice.issued_on,
          STATUS_RANK[S.NOTIFIED]),
    _spec("penalty_decision", "行政处罚决定书", "决定", 42, build_penalty_decision,
          ("evidence", "interviews", "notice", "statements", "hearing"), _decision_applies,
          lambda c: c.decided_on, STATUS_RANK[S.DECIDED]),
    _spec("no_penalty_decision", "不予行政处罚决定书", "决定", 43, build_no_penalty_decision,
          ("evidence", "interviews"), lambda c: _general(c) and is_no_penalty(c), lambda c: c.decided_on,
          STATUS_RANK[S.NO_PENALTY]),
    _spec("simple_penalty", "当场行政处罚决定书", "决定", 44, build_simple_penalty, ("team",),
          lambda c: c.procedure == Procedure.SIMPLE, lambda c: c.decided_on, STATUS_RANK[S.ON_SPOT]),
    _spec("service_receipt", "送达回证", "送达", 50, build_service_receipt, ("services",), _exists("services"),
          _first("services", "served_on"), STATUS_RANK[S.SERVED]),
    _spec("payment_reminder", "催告书", "执行", 60, build_payment_reminder, ("reminder", "payments", "appeals"),
          lambda c: _one(c, "reminder") is not None, lambda c: c.reminder.issued_on, STATUS_RANK[S.REMINDED]),
    _spec("closing_report", "结案报告", "结案", 70, build_closing_report, ("payments", "appeals", "enforcement"),
          _closing_applies, lambda c: c.closed_on, STATUS_RANK[S.CLOSED]),
)}


def applicable_documents(case) -> list[CaseDocumentSpec]:
    """The kinds this case has, now or as drafts, in file order."""
    return sorted((s for s in CASE_DOCUMENTS.values() if s.applies(case)), key=lambda s: s.place)


# ---- wording edits --------------------------------------------------------------------------------------------------

def wording_refusal(case, kind: str, user) -> str | None:
    """Why `user` may not edit the wording of `kind` now, or None: only the case's officers, only before it is final."""
    if not (user.is_superuser or case.team.filter(officer=user).exists()):
        return "只有本案承办人员可以修改文书措辞。"
    if is_final(case, kind):
        return f"{CASE_DOCUMENTS[kind].title}已出具定稿，措辞不能再修改。"
    return None


@transaction.atomic
def save_wording(case, kind: str, wording: dict, actor) -> CaseDocument | None:
    """Store the officer's wording of `kind`'s paragraphs (key → text; empty or the default restores the default);
    return the document's row (None while it has neither row nor edits).

    Refused (PermissionDenied) to anyone not on the case, and (ValidationError) once the document is final, for an
    unknown paragraph, or for a text that drops, invents or types out a fact."""
    spec = CASE_DOCUMENTS.get(kind)
    if spec is None or not spec.wordings or not spec.applies(case):
        raise ValidationError("本案没有这份文书，或该文书没有可修改的措辞。")
    case.__dict__.pop("_case_documents", None)  # the caller's copy must not keep the wording read before
    lock_audit_chain()  # the chain first, then the case: the order every audited write takes its locks in
    case = Case.objects.select_for_update().get(pk=case.pk)
    refusal = wording_refusal(case, kind, actor)
    if refusal and not is_final(case, kind):
        raise PermissionDenied(refusal)
    if refusal:
        raise ValidationError(refusal)
    unknown = sorted(set(wording) - {w.key for w in spec.wordings})
    if unknown:
        raise ValidationError(f"{spec.title}没有段落“{'、'.join(unknown)}”。")
    row = CaseDocument.objects.select_for_update().filter(case=case, kind=kind).first()
    before = dict(row.wording) if row else {}
    updated, errors = dict(before), {}
    for key, text in wording.items():
        paragraph = spec.wording_for(key)
        text = normalise(text)
        if not text or text == paragraph.default:
            updated.pop(key, None)
            continue
        problem = paragraph.problem(text, COMMON_FACT_NAMES)
        if problem:
            errors[key] = problem
        updated[key] = text
    if errors:
        raise ValidationError(errors)
    if updated == before:
        return row
    if row is None:
        # The document's row is opened by its first edit; the step that issues it fills in the rest.
        row = CaseDocument.objects.create(case=case, kind=kind, number=document_number(case, kind),
                                          issued_on=spec.date(case) or timezone.localdate(), wording=updated)
    else:
        row.wording = updated
        row.save(update_fields=["wording"])
    record_event(actor=actor, action=AuditAction.UPDATE if before else AuditAction.CREATE, obj=row,
                 before={"wording": before}, after={"wording": updated}, organisation_id=case.organisation_id,
                 object_repr=f"{case} {spec.title}", detail={"case": case.pk, "kind": kind})
    return row
