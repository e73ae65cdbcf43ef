"""The shapes the penalty-case API returns, its list filter, and the field types its bodies (api_inputs) share.
Field descriptions are the contract other systems read.

Amounts leave as strings with two decimals ("3000.00") so no system rounds a fine through a float; they are
read as numbers or such strings. ID-card numbers and phones leave only masked (fazhi.core.masking).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.db.models import Q
from ninja import Field, FilterLookup, FilterSchema, Schema
from pydantic import AfterValidator, ConfigDict

from fazhi.core.choices import SupervisionDomain
from fazhi.core.masking import mask_id_card, mask_phone
from fazhi.core.schemas import MAX_ID, SearchText

from .choices import (
    AppealKind, ArrangementKind, BandLevel, CaseSource, CaseStatus, EvidenceKind, MeasureKind, PartyKind, PenaltyKind,
    Procedure, ReviewOutcome, ReviewStage, ServiceMethod,
)

ONE_LINE = r"^[^\x00-\x1f]*$"
# Multi-line text: line breaks and tabs, but no other control characters (PostgreSQL refuses NUL).
MULTI_LINE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$"
LONG_TEXT = 20_000
# Dates outside these years are typing errors; the workday calendar and the clocks are not meant for them.
FIRST_YEAR, LAST_YEAR = 2000, 2099
MONEY_HELP = "金额（元），两位小数的字符串，如 \"3000.00\"。"


def _plausible_day(value: dt.date) -> dt.date:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"date must lie in {FIRST_YEAR}–{LAST_YEAR}")
    return value


def _plausible_moment(value: dt.datetime) -> dt.datetime:
    _plausible_day(value.date())
    return value


Day = Annotated[dt.date, AfterValidator(_plausible_day)]
Moment = Annotated[dt.datetime, AfterValidator(_plausible_moment)]
Amount = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def line_field(max_length: int, description: str, default=..., min_length: int = 0):
    """A one-line text field: bounded, without control characters."""
    return Field(default, min_length=min_length, max_length=max_length, pattern=ONE_LINE, description=description)


def text_field(description: str, default=..., min_length: int = 0):
    """A multi-line text field: line breaks allowed, other control characters not."""
    return Field(default, min_length=min_length, max_length=LONG_TEXT, pattern=MULTI_LINE, description=description)


def money(value) -> str | None:
    return None if value is None else f"{Decimal(value):.2f}"


def choices_help(choices) -> str:
    return "；".join(f"{value} {label}" for value, label in choices)


class StrictIn(Schema):
    """Input that refuses fields it does not know, so a misspelt field is an error rather than silently ignored."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")


# ---- the list ------------------------------------------------------------------------------------------------

class CaseFilter(FilterSchema):
    status: Annotated[CaseStatus | None, FilterLookup("status")] = Field(
        None, description=f"按状态代码筛选：{choices_help(CaseStatus.choices)}。")
    procedure: Annotated[Procedure | None, FilterLookup("procedure")] = Field(
        None, description="按程序筛选：simple 简易程序，general 一般程序。")
    source: Annotated[CaseSource | None, FilterLookup("source")] = Field(
        None, description=f"按案件来源筛选：{choices_help(CaseSource.choices)}。")
    domain: Annotated[SupervisionDomain | None, FilterLookup("domain_id")] = Field(
        None, description="按专业类别代码筛选。")
    entity: Annotated[int | None, FilterLookup("entity_id")] = Field(
        None, ge=1, le=MAX_ID, description="按监管对象编号筛选。")
    received_from: Annotated[dt.date | None, FilterLookup("received_on__gte")] = Field(
        None, description="发现或受理日期不早于此日（YYYY-MM-DD）。")
    received_to: Annotated[dt.date | None, FilterLookup("received_on__lte")] = Field(
        None, description="发现或受理日期不晚于此日（YYYY-MM-DD）。")
    q: SearchText = Field(None, description="按当事人名称、统一社会信用代码、立案编号或决定书文号检索。")

    def filter_q(self, value: str | None) -> Q:
        if not value:
            return Q()
        return (Q(party_name__icontains=value) | Q(party_credit_code=value.upper())
                | Q(filing_number__icontains=value) | Q(decision_number__icontains=value))


class CaseOut(Schema):
    """One row of the list."""

    id: int = Field(..., description="案件编号。")
    organisation_id: int = Field(..., description="办案机关（卫生健康局）的机构编号。")
    organisation_name: str = Field(..., description="办案机关名称。", alias="organisation.name")
    procedure: Procedure = Field(..., description="程序代码：simple 简易程序，general 一般程序。")
    procedure_label: str = Field(..., description="程序。")
    status: CaseStatus = Field(..., description="状态代码。")
    status_label: str = Field(..., description="状态。")
    source: CaseSource = Field(..., description="案件来源代码。")
    source_label: str = Field(..., description="案件来源。")
    cause: str = Field(..., description="案由。")
    party_name: str = Field(..., description="当事人。")
    entity_id: int | None = Field(None, description="监管对象编号；当事人不是已登记的监管对象时为空。")
    domain: SupervisionDomain = Field(..., description="专业类别代码。", alias="domain_id")
    domain_name: str = Field(..., description="专业类别。", alias="domain.name")
    received_on: dt.date = Field(..., description="发现或受理日期。")
    filing_number: str = Field(..., description="立案编号；未立案为空字符串。")
    filed_on: dt.date | None = Field(None, description="立案日期。")
    deadline_on: dt.date | None = Field(None, description="办案期限（立案之日起九十日，含批准的延长）。")
    decision_number: str = Field(..., description="决定书文号；未决定为空字符串。")
    decided_on: dt.date | None = Field(None, description="决定日期。")
    closed_on: dt.date | None = Field(None, description="结案（或不予立案、撤销立案）日期。")

    @staticmethod
    def resolve_procedure_label(obj) -> str:
        return obj.get_procedure_display()

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_source_label(obj) -> str:
        return obj.get_source_display()


# ---- the detail ----------------------------------------------------------------------------------------------

class PartyOut(Schema):
    kind: PartyKind = Field(..., description="当事人类别代码：organisation 法人或者其他组织，person 公民。")
    kind_label: str = Field(..., description="当事人类别。")
    name: str = Field(..., description="当事人名称或姓名。")
    credit_code: str = Field(..., description="统一社会信用代码；没有的为空字符串。")
    id_number_masked: str = Field(..., description="身份证件号码（已脱敏）。")
    representative: str = Field(..., description="法定代表人（负责人）。")
    address: str = Field(..., description="住所（地址）。")
    phone_masked: str = Field(..., description="联系电话（已脱敏）。")


class SourceOut(Schema):
    source: CaseSource = Field(..., description="案件来源代码。")
    source_label: str = Field(..., description="案件来源。")
    received_on: dt.date = Field(..., description="发现或受理日期；立案决定期限自此日起算。")
    inspection_id: int | None = Field(None, description="来源监督检查编号。")
    opinion_id: int | None = Field(None, description="来源卫生监督意见书编号。")
    detail: str = Field(..., description="来源说明。")


class ViolationOut(Schema):
    id: int = Field(..., description="违法行为编号。")
    code: str = Field(..., description="违法行为代码（裁量基准表中的编号）。")
    name: str = Field(..., description="违法行为。")
    provision_broken_id: int | None = Field(None, description="违反条款在法规库中的条文编号。")
    provision_broken_label: str = Field(..., description="违反条款，如《公共场所卫生管理条例》第八条。")
    provision_broken_cited: str = Field(..., description="违反条款（原文引用，可能列出多条）。")
    penalty_provision_id: int | None = Field(None, description="处罚依据在法规库中的条文编号。")
    penalty_provision_label: str = Field(..., description="处罚依据。")
    penalty_provision_cited: str = Field(..., description="处罚依据（原文引用，可能列出多条）。")


class TeamMemberOut(Schema):
    officer_id: int = Field(..., description="执法人员编号。")
    full_name: str = Field(..., description="姓名。", alias="officer.full_name")
    certificate_number: str = Field("", description="据以执法的执法证号；立案时无有效证件的为空字符串。")
    is_lead: bool = Field(..., description="是否主办人。")

    @staticmethod
    def resolve_certificate_number(obj) -> str:
        return obj.certificate.number if obj.certificate_id else ""


class ClockOut(Schema):
    filing_due_on: dt.date | None = Field(None, description="应作出立案决定的最后一日（待立案审批时）。")
    deadline_on: dt.date | None = Field(None, description="办案期限：应作出决定的最后一日（立案后、决定前）。")
    days_left: int | None = Field(None, description="距期限的天数（今天起算；负数为已逾期的天数）；不在计时中为空。")
    extended_days: int = Field(..., description="已批准延长的天数合计。")


class PenaltyOut(Schema):
    kinds: list[PenaltyKind] = Field(..., description="处罚种类代码（决定前为拟处罚，决定后为决定的处罚）。")
    kind_labels: list[str] = Field(..., description="处罚种类。")
    fine_amount: str | None = Field(None, description="罚款，" + MONEY_HELP)
    confiscation_amount: str | None = Field(None, description="没收违法所得，" + MONEY_HELP)
    other_detail: str = Field(..., description="其他处罚内容。")
    band_level: BandLevel | None = Field(None, description="裁量阶次代码：minor 轻微，general 一般，serious 较重，severe 严重。")
    discretion_reasons: str = Field(..., description="裁量理由。")
    notified_kinds: list[PenaltyKind] = Field(..., description="事先告知的处罚种类代码；决定不得重于告知。")
    notified_fine: str | None = Field(None, description="事先告知的罚款，" + MONEY_HELP)


class NoticeOut(Schema):
    number: str = Field(..., description="行政处罚事先告知书文号。")
    hearing_number: str = Field(..., description="听证告知书文号；未告知听证权利为空字符串。")
    issued_on: dt.date = Field(..., description="告知日期。")
    served_on: dt.date = Field(..., description="告知书送达日期。")
    hearing_rights: bool = Field(..., description="是否告知听证权利（行政处罚法第六十三条）。")
    statement_until: dt.date = Field(..., description="陈述申辩期限。")
    hearing_request_until: dt.date | None = Field(None, description="听证申请期限。")
    rights_waived_on: dt.date | None = Field(None, description="当事人书面放弃陈述申辩（听证）的日期。")


class HearingOut(Schema):
    requested_on: dt.date = Field(..., description="申请听证日期。")
    notified_on: dt.date | None = Field(None, description="听证通知日期。")
    scheduled_for: dt.date | None = Field(None, description="举行日期。")
    place: str = Field(..., description="听证地点。")
    is_public: bool = Field(..., description="是否公开举行。")
    chair_id: int | None = Field(None, description="听证主持人编号。")
    chair_name: str = Field("", description="听证主持人。")
    held_on: dt.date | None = Field(None, description="实际举行日期。")
    record: str = Field(..., description="听证笔录。")
    chair_opinion: str = Field(..., description="听证意见。")

    @staticmethod
    def resolve_chair_name(obj) -> str:
        return obj.chair.full_name if obj.chair_id else ""


class DecisionOut(Schema):
    number: str = Field(..., description="决定书文号（含不予处罚决定书、当场处罚决定书）。")
    decided_on: dt.date | None = Field(None, description="决定日期。")
    served_on: dt.date | None = Field(None, description="决定书送达日期。")
    payment_due_on: dt.date | None = Field(None, description="缴纳期限（送达之日起十五日）。")
    outcome_reason: str = Field(..., description="不予立案、不予处罚、移送或撤销立案的理由。")
    transferred_to: str = Field(..., description="移送机关。")
    education_record: str = Field(..., description="教育记录（不予处罚时）。")
    on_spot_place: str = Field(..., description="当场处罚地点（简易程序）。")
    cash_collected: bool = Field(..., description="是否当场收缴罚款（简易程序）。")
    archived_on: dt.date | None = Field(None, description="归档日期。")


class ServiceOut(Schema):
    document_kind: str = Field(..., description="送达文书的种类代码。")
    document_number: str = Field(..., description="文书文号。")
    method: ServiceMethod = Field(..., description=f"送达方式代码：{choices_help(ServiceMethod.choices)}。")
    method_label: str = Field(..., description="送达方式。")
    served_on: dt.date = Field(..., description="送达日期。")
    place: str = Field(..., description="送达地点。")
    recipient: str = Field(..., description="受送达人。")
    electronic_consent: bool = Field(..., description="当事人是否已签署电子送达确认书。")
    late_reason: str = Field(..., description="未在七日内送达的原因。")

    @staticmethod
    def resolve_method_label(obj) -> str:
        return obj.get_method_display()


class BalanceOut(Schema):
    on: dt.date = Field(..., description="计算日期（今天）。")
    principal: str = Field(..., description="罚没款本金，" + MONEY_HELP)
    surcharge: str = Field(..., description="截至今天的加处罚款（每日百分之三，不超过罚款数额；复议诉讼期间不计），" + MONEY_HELP)
    paid: str = Field(..., description="已缴，" + MONEY_HELP)
    outstanding: str = Field(..., description="尚欠（含加处罚款），" + MONEY_HELP)
    settled: bool = Field(..., description="是否已缴清。")
    overdue_since: dt.date | None = Field(None, description="逾期起算日；未逾期为空。")


class IssuedDocumentOut(Schema):
    kind: str = Field(..., description="文书种类代码。")
    number: str = Field(..., description="文号；不编号的文书为空字符串。")
    issued_on: dt.date = Field(..., description="出具日期。")
    sha256: str = Field(..., description="最近一次生成的文件的 SHA-256；未生成过为空字符串。")


class MoveOut(Schema):
    name: str = Field(..., description="步骤代码。")
    label: str = Field(..., description="步骤名称。")
    endpoint: str = Field(..., description="办理该步骤所调用的接口地址（POST）。")


class EvidenceOut(Schema):
    id: int = Field(..., description="证据编号。")
    kind: EvidenceKind = Field(..., description=f"证据种类代码：{choices_help(EvidenceKind.choices)}。")
    kind_label: str = Field(..., description="证据种类。")
    title: str = Field(..., description="证据名称。")
    description: str = Field(..., description="证明内容。")
    collected_on: dt.date = Field(..., description="取证日期。")
    original_name: str = Field(..., description="原文件名；没有文件的为空字符串。")
    size: int | None = Field(None, description="文件大小（字节）。")
    sha256: str = Field(..., description="服务器收到的文件内容的 SHA-256（十六进制）；没有文件的为空字符串。")
    bodycam_device: str = Field(..., description="执法记录仪编号。")
    bodycam_file_id: str = Field(..., description="视音频文件编号。")
    bodycam_seconds: int | None = Field(None, description="视音频时长（秒）。")
    onsite_record_id: int | None = Field(None, description="来源现场笔录编号。")
    added_at: dt.datetime = Field(..., description="添加时间。")

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()


class InterviewOut(Schema):
    id: int = Field(..., description="询问笔录编号。")
    interviewee: str = Field(..., description="被询问人。")
    interviewee_id_number_masked: str = Field(..., description="被询问人身份证件号码（已脱敏）。")
    interviewee_role: str = Field(..., description="与当事人关系或职务。")
    place: str = Field(..., description="询问地点。")
    started_at: dt.datetime = Field(..., description="询问开始时间。")
    ended_at: dt.datetime = Field(..., description="询问结束时间。")
    officer_ids: list[int] = Field(..., description="询问人（执法人员）编号。")
    recorder_id: int = Field(..., description="记录人编号。")
    transcript: str = Field(..., description="询问内容。")
    bodycam_file_id: str = Field(..., description="视音频文件编号。")
    signed: bool = Field(..., description="被询问人是否已签名确认。")

    @staticmethod
    def resolve_interviewee_id_number_masked(obj) -> str:
        return mask_id_card(obj.interviewee_id_number)

    @staticmethod
    def resolve_officer_ids(obj) -> list[int]:
        return [o.pk for o in obj.officers.all()]


class MeasureOut(Schema):
    id: int = Field(..., description="措施编号。")
    kind: MeasureKind = Field(..., description="措施代码：preservation 证据先行登记保存，seizure 查封扣押。")
    kind_label: str = Field(..., description="措施。")
    number: str = Field(..., description="决定书文号。")
    items: str = Field(..., description="物品清单。")
    started_on: dt.date = Field(..., description="采取措施日期。")
    ends_on: dt.date = Field(..., description="应作出处理决定的最后一日（先行登记保存七日内；查封扣押期限届满日，含延长）。")
    decided_on: dt.date | None = Field(None, description="处理决定日期。")
    decision: str = Field(..., description="处理决定。")
    extended_days: int = Field(..., description="查封扣押延长天数。")
    extension_reason: str = Field(..., description="延长理由。")
    released_on: dt.date | None = Field(None, description="解除日期。")

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_ends_on(obj) -> dt.date:
        from .services import measure_ends_on

        return measure_ends_on(obj)


class ReportOut(Schema):
    concluded_on: dt.date = Field(..., description="调查终结日期。")
    evidence_summary: str = Field(..., description="证据及证明事项。")
    analysis: str = Field(..., description="定性与法律适用。")
    proposal: str = Field(..., description="处理意见。")
    written_by_id: int = Field(..., description="撰写人编号。")


class AspectsOut(Schema):
    subject: str = Field("", description="主体的审核意见。")
    facts: str = Field("", description="事实的审核意见。")
    evidence: str = Field("", description="证据的审核意见。")
    law: str = Field("", description="定性与法律适用的审核意见。")
    procedure: str = Field("", description="程序的审核意见。")
    discretion: str = Field("", description="裁量的审核意见。")
    documents: str = Field("", description="文书的审核意见。")


class ReviewOut(Schema):
    id: int = Field(..., description="审核记录编号。")
    stage: ReviewStage = Field(..., description="审核层级代码：section 科室初审，legal 法制科复审。")
    stage_label: str = Field(..., description="审核层级。")
    round: int = Field(..., description="轮次：每次退回补充调查后开始新一轮，只有本轮的审核计入。")
    reviewer_id: int = Field(..., description="审核人编号。")
    reviewer_name: str = Field(..., description="审核人。", alias="reviewer.full_name")
    reviewed_on: dt.date = Field(..., description="审核日期。")
    outcome: ReviewOutcome = Field(..., description=f"审核结论代码：{choices_help(ReviewOutcome.choices)}。")
    outcome_label: str = Field(..., description="审核结论。")
    reasons: str = Field(..., description="理由。")
    aspects: AspectsOut = Field(..., description="分项审核意见。")
    after_hearing: bool = Field(..., description="是否听证后的法制审核。")

    @staticmethod
    def resolve_stage_label(obj) -> str:
        return obj.get_stage_display()

    @staticmethod
    def resolve_outcome_label(obj) -> str:
        return obj.get_outcome_display()


class DeliberationOut(Schema):
    id: int = Field(..., description="集体讨论记录编号。")
    held_on: dt.date = Field(..., description="讨论日期。")
    place: str = Field(..., description="地点。")
    chair_id: int = Field(..., description="主持人编号。")
    attendee_ids: list[int] = Field(..., description="参加人员编号（含主持人）。")
    minutes: str = Field(..., description="讨论记录。")
    conclusion: ReviewOutcome = Field(..., description="讨论结论代码。")
    conclusion_label: str = Field(..., description="讨论结论。")
    conclusion_text: str = Field(..., description="决定意见。")

    @staticmethod
    def resolve_attendee_ids(obj) -> list[int]:
        return [p.pk for p in obj.attendees.all()]

    @staticmethod
    def resolve_conclusion_label(obj) -> str:
        return obj.get_conclusion_display()


class StatementOut(Schema):
    id: int = Field(..., description="陈述申辩记录编号。")
    received_on: dt.date = Field(..., description="提出日期。")
    content: str = Field(..., description="陈述申辩内容。")
    adopted: bool = Field(..., description="是否采纳。")
    response: str = Field(..., description="复核意见。")


class PaymentOut(Schema):
    id: int = Field(..., description="缴款记录编号。")
    paid_on: dt.date = Field(..., description="缴纳日期。")
    amount: str = Field(..., description="金额，" + MONEY_HELP)
    surcharge: str = Field(..., description="其中加处罚款，" + MONEY_HELP)
    receipt_number: str = Field(..., description="缴款凭证号。")

    @staticmethod
    def resolve_amount(obj) -> str:
        return money(obj.amount)

    @staticmethod
    def resolve_surcharge(obj) -> str:
        return money(obj.surcharge)


class InstalmentOut(Schema):
    due_on: dt.date = Field(..., description="应缴日期。")
    amount: str = Field(..., description="金额，" + MONEY_HELP)

    @staticmethod
    def resolve_amount(obj) -> str:
        return money(obj.amount)


class ArrangementOut(Schema):
    id: int = Field(..., description="缴纳安排编号。")
    kind: ArrangementKind = Field(..., description="方式代码：deferral 延期缴纳，instalments 分期缴纳。")
    kind_label: str = Field(..., description="方式。")
    requested_on: dt.date = Field(..., description="申请日期。")
    reason: str = Field(..., description="理由。")
    approved_by_id: int = Field(..., description="批准人编号。")
    approved_on: dt.date = Field(..., description="批准日期。")
    instalments: list[InstalmentOut] = Field(..., description="各期应缴日期和金额。")

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_instalments(obj):
        return obj.instalments.all()


class AppealOut(Schema):
    id: int = Field(..., description="复议或诉讼记录编号。")
    kind: AppealKind = Field(..., description="救济途径代码：reconsideration 行政复议，litigation 行政诉讼。")
    kind_label: str = Field(..., description="救济途径。")
    filed_on: dt.date = Field(..., description="提起日期。")
    ended_on: dt.date | None = Field(None, description="结束日期；进行中为空（期间不计加处罚款）。")
    result: str = Field(..., description="结果。")

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()


class ExtensionOut(Schema):
    id: int = Field(..., description="延期记录编号。")
    days: int = Field(..., description="延长天数。")
    reason: str = Field(..., description="延期理由。")
    approved_by_id: int = Field(..., description="批准人编号。")
    approved_on: dt.date = Field(..., description="批准日期。")
    previous_deadline: dt.date = Field(..., description="原办案期限。")
    new_deadline: dt.date = Field(..., description="延长后办案期限。")


class ReminderOut(Schema):
    number: str = Field(..., description="催告书文号。")
    issued_on: dt.date = Field(..., description="催告日期。")
    served_on: dt.date = Field(..., description="催告书送达日期。")
    amount_due: str = Field(..., description="催缴金额（含加处罚款），" + MONEY_HELP)

    @staticmethod
    def resolve_amount_due(obj) -> str:
        return money(obj.amount_due)


class EnforcementOut(Schema):
    applied_on: dt.date = Field(..., description="申请日期。")
    court: str = Field(..., description="受理法院。")
    result: str = Field(..., description="执行结果。")
    concluded_on: dt.date | None = Field(None, description="执行终结日期。")


class CaseDetailOut(CaseOut):
    """One case: party, violation, team, clock, penalty, each step's records, the balance today, the documents
    issued and the moves the caller may make now."""

    party: PartyOut = Field(..., description="当事人。")
    origin: SourceOut = Field(..., description="案件来源。")
    violation: ViolationOut | None = Field(None, description="违法行为及违反条款、处罚依据；未选择为空。")
    facts: str = Field(..., description="违法事实。")
    act_ended_on: dt.date | None = Field(None, description="违法行为终了日期（追责时效自此起算）。")
    harms_life_or_health: bool = Field(..., description="是否涉及公民生命健康安全且有危害后果（时效五年）。")
    is_complex: bool = Field(..., description="是否案情复杂。")
    is_major_public_interest: bool = Field(..., description="是否涉及重大公共利益。")
    is_first_offence: bool = Field(..., description="是否初次违法。")
    harm_minor: bool = Field(..., description="危害后果是否轻微。")
    corrected: bool = Field(..., description="是否已及时改正。")
    team: list[TeamMemberOut] = Field(..., description="承办人员及其执法证号。")
    clock: ClockOut = Field(..., description="办案期限。")
    penalty: PenaltyOut = Field(..., description="拟处罚或已决定的处罚。")
    notice: NoticeOut | None = Field(None, description="事先告知；未告知为空。")
    hearing: HearingOut | None = Field(None, description="听证；未申请为空。")
    decision: DecisionOut = Field(..., description="决定、送达及结案情况。")
    services: list[ServiceOut] = Field(..., description="送达记录。")
    balance: BalanceOut | None = Field(None, description="今天的应缴情况；未作出决定为空。")
    documents: list[IssuedDocumentOut] = Field(..., description="已出具的文书。")
    moves: list[MoveOut] = Field(..., description="调用者现在可以办理的步骤；其他机关的案件只能查看，为空。")
    evidence: list[EvidenceOut] = Field(..., description="证据。")
    interviews: list[InterviewOut] = Field(..., description="询问笔录。")
    measures: list[MeasureOut] = Field(..., description="证据先行登记保存与查封扣押。")
    report: ReportOut | None = Field(None, description="案件调查终结报告；未撰写为空。")
    reviews: list[ReviewOut] = Field(..., description="审核记录（科室初审、法制科复审），各轮全部列出。")
    deliberations: list[DeliberationOut] = Field(..., description="集体讨论记录。")
    statements: list[StatementOut] = Field(..., description="陈述申辩及复核意见。")
    payments: list[PaymentOut] = Field(..., description="缴款记录。")
    arrangements: list[ArrangementOut] = Field(..., description="批准的暂缓或分期缴纳。")
    appeals: list[AppealOut] = Field(..., description="行政复议与行政诉讼。")
    extensions: list[ExtensionOut] = Field(..., description="办案期限延长记录。")
    reminder: ReminderOut | None = Field(None, description="催告；未催告为空。")
    enforcement: EnforcementOut | None = Field(None, description="申请人民法院强制执行；未申请为空。")

    @staticmethod
    def resolve_party(obj) -> dict:
        return {"kind": obj.party_kind, "kind_label": obj.get_party_kind_display(), "name": obj.party_name,
                "credit_code": obj.party_credit_code, "id_number_masked": mask_id_card(obj.party_id_number),
                "representative": obj.party_representative, "address": obj.party_address,
                "phone_masked": mask_phone(obj.party_phone)}

    @staticmethod
    def resolve_origin(obj) -> dict:
        return {"source": obj.source, "source_label": obj.get_source_display(), "received_on": obj.received_on,
                "inspection_id": obj.source_inspection_id, "opinion_id": obj.source_opinion_id,
                "detail": obj.source_detail}

    @staticmethod
    def resolve_violation(obj) -> dict | None:
        from fazhi.laws.citations import provision_label

        if obj.violation_id is None:
            return None
        return {"id": obj.violation.pk, "code": obj.violation.code, "name": obj.violation.name,
                "provision_broken_id": obj.provision_broken_id,
                "provision_broken_label": provision_label(obj.provision_broken) if obj.provision_broken_id else "",
                "provision_broken_cited": obj.provision_broken_cited,
                "penalty_provision_id": obj.penalty_provision_id,
                "penalty_provision_label": provision_label(obj.penalty_provision) if obj.penalty_provision_id else "",
                "penalty_provision_cited": obj.penalty_provision_cited}

    @staticmethod
    def resolve_penalty(obj) -> dict:
        kinds = [k for k in obj.penalty_kind_codes if k in PenaltyKind.values]
        return {"kinds": kinds, "kind_labels": [PenaltyKind(k).label for k in kinds],
                "fine_amount": money(obj.fine_amount), "confiscation_amount": money(obj.confiscation_amount),
                "other_detail": obj.other_penalty_detail, "band_level": obj.band_level or None,
                "discretion_reasons": obj.discretion_reasons,
                "notified_kinds": [k for k in obj.notified_penalty_kinds.split() if k in PenaltyKind.values],
                "notified_fine": money(obj.notified_fine)}

    @staticmethod
    def resolve_notice(obj):
        return getattr(obj, "notice", None)

    @staticmethod
    def resolve_hearing(obj):
        return getattr(obj, "hearing", None)

    @staticmethod
    def resolve_decision(obj) -> dict:
        return {"number": obj.decision_number, "decided_on": obj.decided_on, "served_on": obj.served_on,
                "payment_due_on": obj.payment_due_on, "outcome_reason": obj.outcome_reason,
                "transferred_to": obj.transferred_to, "education_record": obj.education_record,
                "on_spot_place": obj.on_spot_place, "cash_collected": obj.cash_collected,
                "archived_on": obj.archived_on}

    @staticmethod
    def resolve_report(obj):
        return getattr(obj, "investigation_report", None)

    @staticmethod
    def resolve_reminder(obj):
        return getattr(obj, "reminder", None)

    @staticmethod
    def resolve_enforcement(obj):
        return getattr(obj, "enforcement", None)




class DocumentOut(Schema):
    kind: str = Field(..., description="文书种类代码。")
    title: str = Field(..., description="文书名称。")
    stage: str = Field(..., description="所属环节：立案、取证、审查、决定、送达、执行、结案。")
    number: str = Field(..., description="文号；尚未取得或不编号的为空字符串。")
    final: bool = Field(..., description="是否定稿（相应步骤已办结）；否则为草稿。")
    download_url: str = Field(..., description="经本接口下载 .docx 的地址。")
    web_url: str | None = Field(None, description="平台网页上下载同一文书的地址（人员登录后使用）；未提供时为空。")
