"""The automatic checks of a case file: a registry of `check(bundle) -> list[Finding]`.

Each check decides one thing the records can answer honestly — who acted and with what certificate, which steps
came in which order and on which day, what the decision carries, which receipts and records are in the file —
and names, for each defect, the document or step it is in and the rule it breaks. What only a person can judge
(facts clear, evidence sufficient, a seal on paper, the party's identity proof, whether reasons are convincing)
has no check: its rubric item stays manual.

A rubric item names the check it uses (`RubricItem.check_code`); a check no active item uses is not run.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from django.utils import timezone

from fazhi.cases import clocks
from fazhi.cases.choices import CaseStatus as S
from fazhi.cases.choices import ConditionKind, MeasureKind, Procedure, ReviewOutcome, ReviewStage, RuleEffect
from fazhi.cases.choices import ServiceMethod
from fazhi.cases.discretion import fine_beyond_law, requires_reasons
from fazhi.cases.documents import CASE_DOCUMENTS, EVIDENCE_PLACE, STAGES, decision_missing_elements
from fazhi.cases.major import rule_matches
from fazhi.cases.major import rule_names
from fazhi.cases.rules import CASE_RULES
from fazhi.cases.status import cash_problem, simple_limits_problem
from fazhi.core.choices import SupervisionDomain
from fazhi.inspections.choices import RecordStatus
from fazhi.laws.citations import provision_label

from .bundle import CaseBundle


@dataclass(frozen=True)
class Finding:
    """One defect: the check that found it, the document or step it is in, what is wrong, and the rule."""

    check: str
    document: str
    message: str
    basis: str


class Issue(NamedTuple):
    document: str
    message: str
    basis: str = ""


@dataclass(frozen=True)
class Check:
    code: str
    label: str  # what the check verifies, as the rubric page says it
    basis: str  # the rule it applies, unless a finding names a narrower one
    find: Callable[[CaseBundle], Iterator[Issue]]

    def __call__(self, bundle: CaseBundle) -> list[Finding]:
        return [Finding(self.code, issue.document, issue.message, issue.basis or self.basis)
                for issue in self.find(bundle)]


CHECKS: dict[str, Check] = {}


def register(code: str, label: str, basis: str):
    def decorate(find):
        CHECKS[code] = Check(code, label, basis, find)
        return find
    return decorate


def check_choices() -> list[tuple[str, str]]:
    return [(c.code, c.label) for c in CHECKS.values()]


# ---- wording -------------------------------------------------------------------------------------------------------

def day(value: dt.date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else "（未记载）"


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def _matched(bundle: CaseBundle, effect: str, *, after_hearing: bool) -> list:
    return [rule for rule in bundle.rules
            if rule.effect == effect and rule_matches(rule, bundle.case, after_hearing=after_hearing)]


# ---- who acted ------------------------------------------------------------------------------------------------------

@register("officer_count", "承办、询问的执法人员不少于二人", "行政处罚法第四十二条")
def officer_count(b: CaseBundle):
    least = CASE_RULES.min_officers
    if len(b.team) < least:
        yield Issue("承办人员", f"本案承办人员{len(b.team)}人，少于{least}人。")
    for interview in b.interviews:
        if len(interview.officer_ids) < least:
            yield Issue("询问笔录", f"{day(local_day(interview.started_at))}询问{interview.interviewee}的执法人员"
                                   f"{len(interview.officer_ids)}人，少于{least}人。", "行政处罚法第四十二条、第五十五条")


def _acts(b: CaseBundle) -> list[tuple[str, dt.date, list[int]]]:
    """(document or step, day, the officers who acted) for each act of the case the records date."""
    case, team = b.case, [m.officer_id for m in b.team]
    acts = []
    if b.is_general and case.filed_on:
        acts.append(("立案", case.filed_on, team))
    acts += [("询问笔录", local_day(i.started_at), i.officer_ids) for i in b.interviews]
    if case.decided_on:
        acts.append((b.decision_title, case.decided_on, team))
    return acts


@register("officer_certificates", "执法人员在办案之日持有本领域有效的行政执法证", "行政处罚法第四十二条")
def officer_certificates(b: CaseBundle):
    domain = b.case.domain_id
    label = SupervisionDomain(domain).label if domain in SupervisionDomain.values else domain
    reported = set()
    for step, on, officer_ids in _acts(b):
        for officer_id in officer_ids:
            record = b.officers.get(officer_id)
            if (officer_id, step) in reported or (record is not None and record.certified_on(on, domain)):
                continue
            reported.add((officer_id, step))
            yield Issue(step, f"{b.officer_name(officer_id)}在{day(on)}没有{label}领域有效的行政执法证。")


# ---- review before the decision ----------------------------------------------------------------------------------

@register("legal_review", "应当法制审核的案件，决定前经法制审核通过", "行政处罚法第五十八条")
def legal_review(b: CaseBundle):
    if not (b.is_general and b.is_decided):
        return
    decided, held = b.case.decided_on, b.hearing_held_on
    rules = _matched(b, RuleEffect.LEGAL_REVIEW, after_hearing=held is not None)
    ordinary = [r for r in rules if r.condition != ConditionKind.AFTER_HEARING]
    legal = [r for r in b.reviews if r.stage == ReviewStage.LEGAL and r.reviewed_on <= decided]
    if ordinary and (not legal or not legal[-1].passed):
        found = f"决定前最近一次法制审核的结论为“{legal[-1].get_outcome_display()}”" if legal else "决定前没有法制审核记录"
        yield Issue("法制审核", f"本案属于{rule_names(ordinary)}，应当经法制审核通过方可决定；{found}。")
    if held and len(ordinary) < len(rules):
        after = [r for r in legal if r.after_hearing and r.reviewed_on >= held]
        if not after or not after[-1].passed:
            yield Issue("法制审核", f"本案于{day(held)}举行听证，决定前没有听证后审核通过的法制审核记录。",
                        "行政处罚法第五十八条第一款第（二）项")


@register("deliberation", "应当集体讨论的案件，决定前经负责人集体讨论同意", "行政处罚法第五十七条第二款")
def deliberation(b: CaseBundle):
    if not (b.is_general and b.is_decided):
        return
    rules = _matched(b, RuleEffect.DELIBERATION, after_hearing=b.hearing_held_on is not None)
    if not rules:
        return
    held = [d for d in b.deliberations if d.held_on <= b.case.decided_on]
    if not held or held[-1].conclusion != ReviewOutcome.AGREE:
        found = f"最近一次集体讨论的结论为“{held[-1].get_conclusion_display()}”" if held else "决定前没有集体讨论记录"
        yield Issue("集体讨论", f"本案属于{rule_names(rules)}，应当由负责人集体讨论决定；{found}。")
    elif held[-1].attendee_count < CASE_RULES.deliberation_min_attendees:
        yield Issue("集体讨论", f"{day(held[-1].held_on)}集体讨论的参加人员{held[-1].attendee_count}人，"
                               f"少于{CASE_RULES.deliberation_min_attendees}人。", "行政处罚法第五十七条第二款；参加人数为本机关规定")


# ---- the order of the steps -----------------------------------------------------------------------------------------

@register("prior_notice", "决定前告知当事人，并在陈述申辩、听证期满或听证后作出决定", "行政处罚法第四十四条")
def prior_notice(b: CaseBundle):
    if not (b.is_general and b.has_penalty_decision):
        return
    decided, notice = b.case.decided_on, b.one("notice")
    if notice is None:
        yield Issue("行政处罚事先告知书", "未经事先告知即作出行政处罚决定。")
        return
    if notice.served_on > decided or notice.issued_on > decided:
        yield Issue("行政处罚事先告知书", f"事先告知书于{day(notice.served_on)}送达，晚于{day(decided)}作出的处罚决定"
                                        "（先决定后告知）。")
    waived = notice.rights_waived_on is not None and notice.rights_waived_on <= decided
    if not waived and decided <= notice.statement_until:
        yield Issue(b.decision_title, f"陈述、申辩期限至{day(notice.statement_until)}届满，处罚决定于{day(decided)}作出，"
                                      "早于期满。", "行政处罚法第四十五条、第六十二条")
    hearing_window = notice.hearing_request_until if notice.hearing_rights else None
    if not waived and hearing_window and decided <= hearing_window:
        yield Issue(b.decision_title, f"听证申请期限至{day(notice.hearing_request_until)}届满，处罚决定于{day(decided)}作出，"
                                      "早于期满。", "行政处罚法第六十四条")
    hearing_rules = _matched(b, RuleEffect.HEARING_RIGHT, after_hearing=False)
    if hearing_rules and not notice.hearing_rights:
        yield Issue("听证告知书", f"本案属于{rule_names(hearing_rules)}，应当告知当事人有要求听证的权利，事先告知未告知。",
                    "行政处罚法第六十三条")
    hearing = b.one("hearing")
    if hearing is not None and (hearing.held_on is None or hearing.held_on > decided):
        yield Issue("听证笔录", f"当事人于{day(hearing.requested_on)}要求听证，处罚决定作出前未举行听证。", "行政处罚法第六十四条")


@register("filing_first", "先立案后调查取证", "行政处罚法第五十四条")
def filing_first(b: CaseBundle):
    """Interviews before filing, and evidence gathered after the case came in but before it was filed. Evidence of
    the discovery itself (from the on-site record, or of the day the case came in) may predate filing."""
    if not b.is_general:
        return
    case, filed = b.case, b.case.filed_on

    def when(on: dt.date) -> str:
        return "案件尚未立案" if filed is None else f"早于{day(filed)}立案"

    for interview in b.interviews:
        on = local_day(interview.started_at)
        if filed is None or on < filed:
            yield Issue("询问笔录", f"{day(on)}询问{interview.interviewee}，{when(on)}。")
    for evidence in b.evidence:
        on = evidence.collected_on
        if evidence.onsite_record_id is None and on > case.received_on and (filed is None or on < filed):
            yield Issue("证据", f"证据“{evidence.title}”于{day(on)}收集，{when(on)}。")


@dataclass(frozen=True)
class FileEntry:
    """One item of the case file as the file's order places it (documents.CASE_DOCUMENTS), with its date."""

    kind: str
    place: int
    stage: str
    title: str
    day: dt.date | None


def file_entries(b: CaseBundle) -> list[FileEntry]:
    """The file's documents and evidence in the order 立案—取证—审查—决定—送达—执行—结案 (the places of
    `CASE_DOCUMENTS`, as `case_file_order` lays them out), dated from the records — without rendering them."""
    case, entries = b.case, []

    def add(kind: str, on, title: str = "") -> None:
        spec = CASE_DOCUMENTS[kind]
        entries.append(FileEntry(kind, spec.place, spec.stage, title or spec.title, on))

    if b.is_general and case.filed_on:
        add("case_filing", case.filed_on)
    entries += [FileEntry("evidence", EVIDENCE_PLACE, "取证", f"证据“{e.title}”", e.collected_on) for e in b.evidence]
    for interview in b.interviews:
        add("interview_record", local_day(interview.started_at), f"询问{interview.interviewee}的询问笔录")
    for measure in b.measures:
        add("evidence_preservation" if measure.kind == MeasureKind.PRESERVATION else "seizure", measure.started_on)
    report = b.one("investigation_report")
    if report is not None:
        add("investigation_report", report.concluded_on)
    if b.reviews:
        add("review_record", b.reviews[0].reviewed_on)
    if b.deliberations:
        add("deliberation_record", b.deliberations[0].held_on)
    notice = b.one("notice")
    if notice is not None:
        add("prior_notice", notice.issued_on)
        if notice.hearing_rights:
            add("hearing_notice", notice.issued_on)
    if b.is_decided:
        kind = ("simple_penalty" if case.procedure == Procedure.SIMPLE
                else "penalty_decision" if case.penalty_kinds else "no_penalty_decision")
        add(kind, case.decided_on)
    if b.services:
        add("service_receipt", b.services[0].served_on)
    reminder = b.one("reminder")
    if reminder is not None:
        add("payment_reminder", reminder.issued_on)
    if case.closed_on:
        add("closing_report", case.closed_on)
    return sorted(entries, key=lambda e: (e.place, e.day or dt.date.max))


@register("file_order", "卷内文书的日期与立案—取证—审查—决定—送达—执行—结案的顺序一致", "行政处罚法第四十七条")
def file_order(b: CaseBundle):
    """A stage's earliest item may not be dated before an item of an earlier stage. 取证 before 立案 is left to
    `filing_first`, which knows the evidence that may lawfully predate filing."""
    entries = file_entries(b)
    latest: FileEntry | None = None  # the latest-dated item of the stages walked so far
    for stage in STAGES:
        items = [e for e in entries if e.stage == stage and e.day is not None]
        if not items:
            continue
        earliest = min(items, key=lambda e: e.day)
        if latest is not None and earliest.day < latest.day and not (stage == "取证" and latest.stage == "立案"):
            yield Issue(earliest.title, f"{earliest.title}（{stage}，{day(earliest.day)}）早于{latest.title}"
                                        f"（{latest.stage}，{day(latest.day)}），办案顺序与卷宗顺序不符。")
        newest = max(items, key=lambda e: e.day)
        if latest is None or newest.day > latest.day:
            latest = newest


# ---- the decision ----------------------------------------------------------------------------------------------------

@register("decision_elements", "处罚决定书载明行政处罚法第五十九条（当场处罚第五十二条）规定的事项", "行政处罚法第五十九条")
def decision_elements(b: CaseBundle):
    if not b.has_penalty_decision:
        return
    missing = decision_missing_elements(b.facts)
    if missing:
        basis = "行政处罚法第五十二条" if b.case.procedure == Procedure.SIMPLE else ""
        yield Issue(b.decision_title, f"缺少{'、'.join(missing)}。", basis)


@register("cited_provisions", "引用的违反条款和处罚依据存在，且在应适用之日有效", "行政处罚法第三十七条")
def cited_provisions(b: CaseBundle):
    if not b.has_penalty_decision:
        return
    case, document = b.case, b.decision_title
    if case.act_ended_on is None:
        yield Issue(document, "未记载违法行为终了日期，无法判断应当适用的法律版本。", "行政处罚法第三十六条、第三十七条")
    # §37: the version in force when the act ended, unless the officer recorded that the newer one is lighter.
    on = case.decided_on if case.newer_law_lighter else case.act_ended_on
    for field, label in (("provision_broken", "违反条款"), ("penalty_provision", "处罚依据")):
        provision = getattr(case, field)
        if provision is None:
            yield Issue(document, f"未引用{label}。", "行政处罚法第五十九条第一款第（三）项")
            continue
        version = provision.version
        if on is not None and not version.in_force_on(on):
            state = "尚未施行" if version.effective_from > on else "已失效"
            yield Issue(document, f"{label}{provision_label(provision)}引自{version}，该文本在{day(on)}{state}。")
        expected = getattr(case.violation, field) if case.violation_id else None
        if expected is not None and _citation(expected) != _citation(provision):
            yield Issue(document, f"{label}{provision_label(provision)}与裁量基准中“{case.violation.name}”的{label}"
                                  f"{provision_label(expected)}不一致。", "行政处罚法第五十九条第一款第（三）项")


def _citation(provision) -> tuple:
    return provision.version.law_id, provision.article, provision.paragraph, provision.item


# Before review the proposal may still change; from review on, what is proposed or decided is what is judged.
PROPOSAL_OPEN = frozenset({S.REGISTERED, S.INVESTIGATING})


@register("fine_band", "罚款在法定幅度内，超出裁量阶次的写明理由", "行政处罚法第三十四条")
def fine_band(b: CaseBundle):
    case = b.case
    if not case.violation_id or case.fine_amount is None or case.status in PROPOSAL_OPEN:
        return
    document = b.decision_title if b.is_decided else "案件调查终结报告（拟处罚意见）"
    beyond = fine_beyond_law(case)
    if beyond:
        yield Issue(document, beyond, "行政处罚法第三十八条")
        return
    missing_reasons = requires_reasons(case)
    if missing_reasons:
        yield Issue(document, missing_reasons)


@register("simple_procedure", "简易程序限于警告或小额罚款，当场收缴符合条件并出具票据", "行政处罚法第五十一条")
def simple_procedure(b: CaseBundle):
    if b.case.procedure != Procedure.SIMPLE or not b.is_decided:
        return
    problem = simple_limits_problem(b.case, {}) or cash_problem(b.case, {})
    if problem:
        yield Issue("当场行政处罚决定书", problem)


# ---- service ------------------------------------------------------------------------------------------------------

SERVED_STATES = frozenset({S.SERVED, S.REMINDED, S.ENFORCEMENT, S.FULFILLED, S.CLOSED, S.ARCHIVED})


def _decision_receipts(b: CaseBundle) -> list:
    return [s for s in b.services if s.document_kind == "penalty_decision"]


@register("service_on_time", "处罚决定书当场交付或七日内送达", "行政处罚法第六十一条")
def service_on_time(b: CaseBundle):
    if not (b.is_general and b.has_penalty_decision):
        return
    decided = b.case.decided_on
    due = b.clock.ask(clocks.service_due, decided)
    receipts = _decision_receipts(b)
    served = b.case.served_on or (receipts[0].served_on if receipts else None)
    if served is None:
        if b.today > due:
            yield Issue("送达回证", f"处罚决定于{day(decided)}作出，送达期限{day(due)}已过，仍未送达。")
    elif served > due:
        reason = next((s.late_reason.strip() for s in receipts if s.late_reason.strip()), "")
        yield Issue("送达回证", f"处罚决定于{day(decided)}作出，{day(served)}送达，超过送达期限{day(due)}"
                               + (f"（记载的原因：{reason}）。" if reason else "。"))


@register("service_receipt", "已送达的处罚决定书有送达回证，且签收、留置或电子送达符合要求", "行政处罚法第六十一条")
def service_receipt(b: CaseBundle):
    if not (b.is_general and b.has_penalty_decision):
        return
    receipts = _decision_receipts(b)
    if not receipts and (b.case.served_on is not None or b.case.status in SERVED_STATES):
        yield Issue("送达回证", "处罚决定书已送达，案卷中没有送达回证。")
    for receipt in receipts:
        when = day(receipt.served_on)
        if receipt.method == ServiceMethod.IN_PERSON and not receipt.receiver_signature.strip():
            yield Issue("送达回证", f"{when}直接送达的送达回证没有受送达人签收。")
        if receipt.method == ServiceMethod.LEFT and not receipt.refusal_witness.strip():
            yield Issue("送达回证", f"{when}留置送达，未记载见证人或拍照录像。", "行政处罚法第六十一条；民事诉讼法第八十九条")
        if receipt.method == ServiceMethod.ELECTRONIC and not receipt.electronic_consent:
            yield Issue("送达回证", f"{when}电子送达，当事人未同意并签订确认书。", "行政处罚法第六十一条第二款")


# ---- the record of the file ----------------------------------------------------------------------------------------

@register("body_camera", "现场执法、询问和当场处罚有执法记录仪视音频记录", "行政处罚法第四十七条；国卫监督发〔2018〕54号")
def body_camera(b: CaseBundle):
    for interview in b.interviews:
        if not interview.bodycam_file_id.strip():
            yield Issue("询问笔录", f"{day(local_day(interview.started_at))}询问{interview.interviewee}，"
                                   "没有执法记录仪视音频记录。")
    record = b.source_record
    if (record is not None and record.status == RecordStatus.SIGNED and not record.bodycam_file_id.strip()
            and not record.bodycam_absent_reason.strip()):
        yield Issue("现场笔录", f"现场笔录{record.number}没有执法记录仪视音频记录，也未说明原因。")
    if b.case.procedure == Procedure.SIMPLE and b.is_decided:
        recorded = any(e.bodycam_file_id.strip() for e in b.evidence) or bool(
            record is not None and record.bodycam_file_id.strip())
        if not recorded:
            yield Issue("当场行政处罚决定书", "当场作出处罚决定，案卷中没有执法记录仪视音频记录。")


# A general case past these states was filed; one past review has its investigation concluded.
FILED_STATES = frozenset({S.INVESTIGATING, S.IN_REVIEW, S.NOTIFIED, S.HEARING, S.DECIDED, S.SERVED, S.REMINDED,
                          S.ENFORCEMENT, S.FULFILLED, S.NO_PENALTY, S.WITHDRAWN})
CONCLUDED_STATES = frozenset({S.IN_REVIEW, S.NOTIFIED, S.HEARING})


@register("key_documents", "案卷包含所处阶段应有的关键文书", "行政处罚法第四十七条")
def key_documents(b: CaseBundle):
    case = b.case
    if b.is_general:
        filed = case.status in FILED_STATES or (case.status in (S.CLOSED, S.ARCHIVED) and case.decided_on)
        if filed and not (case.filed_on and case.filing_number):
            yield Issue("立案报告", "案件已进入调查和处理，案卷中没有立案审批（立案报告、立案编号）。", "行政处罚法第五十四条")
        if (case.decided_on or case.status in CONCLUDED_STATES) and b.one("investigation_report") is None:
            yield Issue("案件调查终结报告", "案件已调查终结，案卷中没有案件调查终结报告。", "行政处罚法第五十七条")
        hearing = b.one("hearing")
        if hearing is not None and hearing.held_on and not hearing.record.strip():
            yield Issue("听证笔录", f"{day(hearing.held_on)}举行听证，案卷中没有听证笔录。", "行政处罚法第六十四条第（八）项")
        if case.status == S.ENFORCEMENT and b.one("reminder") is None:
            yield Issue("催告书", "已申请人民法院强制执行，案卷中没有催告书。", "行政强制法第五十四条")
    if (case.decided_on is not None) != bool(case.decision_number):
        yield Issue(b.decision_title, "决定书的文号与决定日期不全。", "行政处罚法第五十九条")
    if case.status in (S.CLOSED, S.ARCHIVED) and case.closed_on is None:
        yield Issue("结案报告", "案件已结案，没有记载结案日期。")
