"""The bodies the penalty-case API reads: opening and changing a case, each step and each record.

Unknown fields are refused, so a misspelt field is an error rather than silently ignored. Dates lie in
2000–2099; amounts are numbers or strings with at most two decimals.
"""
from __future__ import annotations

import uuid

from ninja import Field

from fazhi.core.choices import SupervisionDomain

from .choices import (
    AppealKind, ArrangementKind, BandLevel, CaseSource, EvidenceKind, MeasureKind, PartyKind, PenaltyKind,
    ReviewOutcome, ReviewStage, ServiceMethod,
)
from .schemas import Amount, Day, Id, Moment, StrictIn, choices_help, line_field, text_field

# ---- opening and changing a case ---------------------------------------------------------------------------------

class PartyIn(StrictIn):
    """The party when it is not a registered entity, or what differs from the entity's record."""

    kind: PartyKind | None = Field(None, description="当事人类别：organisation 法人或者其他组织，person 公民（简易程序限额不同）；"
                                                     "默认取自监管对象（个体工商户为公民），没有监管对象的为组织。")
    name: str = line_field(200, "当事人名称或姓名。", "")
    credit_code: str = line_field(18, "统一社会信用代码。", "")
    id_number: str = line_field(30, "身份证件号码（公民）。", "")
    representative: str = line_field(50, "法定代表人（负责人）。", "")
    address: str = line_field(300, "住所（地址）。", "")
    phone: str = line_field(30, "联系电话。", "")

    def as_case_fields(self) -> dict:
        """The case's party fields; the services keep the entity's value where a field is left empty."""
        return {"party_kind": self.kind or "", "party_name": self.name, "party_credit_code": self.credit_code,
                "party_id_number": self.id_number, "party_representative": self.representative,
                "party_address": self.address, "party_phone": self.phone}


class FactsIn(StrictIn):
    facts: str = text_field("违法事实。", "")
    act_ended_on: Day | None = Field(None, description="违法行为终了日期（YYYY-MM-DD），立案时据以判断追责时效。")
    harms_life_or_health: bool = Field(False, description="是否涉及公民生命健康安全且有危害后果（时效五年）。")
    is_complex: bool = Field(False, description="是否案情复杂。")
    is_major_public_interest: bool = Field(False, description="是否涉及重大公共利益。")
    is_first_offence: bool = Field(False, description="是否初次违法。")
    harm_minor: bool = Field(False, description="危害后果是否轻微。")
    corrected: bool = Field(False, description="是否已及时改正。")


CLIENT_KEY_HELP = ("提交标识（UUID），由调用方为每一次新提交生成；网络中断后用同一标识重发时，返回已登记的案件（200），"
                   "不会重复登记。")


class CaseIn(FactsIn):
    """A case to register (待立案审批) from its source; the 7-day filing clock starts at `received_on`."""

    source: CaseSource = Field(..., description=f"案件来源代码：{choices_help(CaseSource.choices)}。")
    received_on: Day = Field(..., description="发现或受理日期（YYYY-MM-DD）。")
    cause: str = line_field(300, "案由。", min_length=1)
    entity_id: Id | None = Field(None, description="监管对象编号；当事人信息从监管对象带入。与 party 至少填一项。")
    party: PartyIn | None = Field(None, description="当事人；填写的项覆盖从监管对象带入的信息。")
    violation_code: str | None = line_field(20, "违法行为代码（裁量基准表中的编号）；违反条款和处罚依据随之带入。", None)
    domain: SupervisionDomain | None = Field(None, description="专业类别代码；选择了违法行为的，默认取其专业类别。")
    officer_ids: list[Id] = Field(default_factory=list, max_length=10,
                                  description="承办人员编号（本局执法人员，立案时不得少于2人）。")
    lead_id: Id | None = Field(None, description="主办人编号，须在承办人员中；默认第一位。")
    source_inspection_id: Id | None = Field(None, description="来源监督检查编号。")
    source_detail: str = text_field("来源说明，如投诉编号、移送函文号。", "")
    client_key: uuid.UUID | None = Field(None, description=CLIENT_KEY_HELP)


class CasePatch(StrictIn):
    """Only the fields given change. Facts and the party are editable until the prior notice; after it only the
    penalty may be lightened (行政处罚法第四十五条)."""

    cause: str = line_field(300, "案由。", None, min_length=1)
    facts: str = text_field("违法事实。", None)
    violation_code: str = line_field(20, "违法行为代码；违反条款和处罚依据随之更新。", None, min_length=1)
    act_ended_on: Day | None = Field(None, description="违法行为终了日期。")
    harms_life_or_health: bool = Field(None, description="是否涉及公民生命健康安全且有危害后果。")
    is_complex: bool = Field(None, description="是否案情复杂。")
    is_major_public_interest: bool = Field(None, description="是否涉及重大公共利益。")
    is_first_offence: bool = Field(None, description="是否初次违法。")
    harm_minor: bool = Field(None, description="危害后果是否轻微。")
    corrected: bool = Field(None, description="是否已及时改正。")
    penalty_kinds: list[PenaltyKind] = Field(None, max_length=len(PenaltyKind.values),
                                             description="拟处罚的种类代码。")
    fine_amount: Amount | None = Field(None, description="拟罚款（元）；null 为不罚款。")
    confiscation_amount: Amount | None = Field(None, description="拟没收违法所得（元）；null 为不没收。")
    other_penalty_detail: str = line_field(300, "其他处罚内容（如暂扣许可证件的期限）。", None)
    band_level: BandLevel | None = Field(None, description="裁量阶次代码；null 为未定。")
    discretion_reasons: str = text_field("裁量理由；拟处罚超出裁量阶次时必须写明（行政处罚法第三十四条）。", None)
    party_name: str = line_field(200, "当事人名称或姓名。", None, min_length=1)
    party_credit_code: str = line_field(18, "统一社会信用代码。", None)
    party_id_number: str = line_field(30, "身份证件号码。", None)
    party_representative: str = line_field(50, "法定代表人（负责人）。", None)
    party_address: str = line_field(300, "住所（地址）。", None)
    party_phone: str = line_field(30, "联系电话。", None)
    education_record: str = text_field("教育记录。", None)


class SimpleCaseIn(StrictIn):
    """简易程序: a warning or a small fine decided on the spot (行政处罚法第五十一条、第五十二条)."""

    cause: str = line_field(300, "案由。", min_length=1)
    facts: str = text_field("违法事实（须确凿）。", min_length=1)
    violation_code: str = line_field(20, "违法行为代码；处罚依据随之带入。", min_length=1)
    penalty_kinds: list[PenaltyKind] = Field(..., min_length=1, max_length=len(PenaltyKind.values),
                                             description="处罚种类代码：简易程序只能是 warning 警告、fine 罚款。")
    fine_amount: Amount | None = Field(None, description="罚款（元）：公民不超过200元，组织不超过3000元。")
    place: str = line_field(200, "当场处罚地点。", min_length=1)
    on: Day | None = Field(None, description="决定日期（YYYY-MM-DD），默认今天；不得晚于今天。")
    entity_id: Id | None = Field(None, description="监管对象编号。与 party 至少填一项。")
    party: PartyIn | None = Field(None, description="当事人；填写的项覆盖从监管对象带入的信息。")
    officer_ids: list[Id] = Field(..., min_length=1, max_length=10, description="执法人员编号（不得少于2人）。")
    cash_collected: bool = Field(False, description="是否当场收缴罚款（100元以下，或事后难以执行的）。")
    cash_receipt_number: str = line_field(50, "罚没款专用票据编号（当场收缴时必填）。", "")
    cash_hard_to_collect: bool = Field(False, description="是否属于不当场收缴事后难以执行的情形（行政处罚法第六十九条）。")
    client_key: uuid.UUID | None = Field(None, description=CLIENT_KEY_HELP)


# ---- steps ---------------------------------------------------------------------------------------------------------

ON_HELP = "办理日期（YYYY-MM-DD），默认今天；不得晚于今天。期限按此日判断，补录的日期连同实际操作时间记入审计日志。"


class StepIn(StrictIn):
    on: Day | None = Field(None, description=ON_HELP)


class FileIn(StepIn):
    delay_reason: str = line_field(300, "逾期立案的原因（收到之日起七日后立案时必填）。", "")


class ReasonIn(StepIn):
    reason: str = text_field("理由。", min_length=1)


class TransferIn(ReasonIn):
    transferred_to: str = line_field(200, "移送机关，如公安机关（行政处罚法第二十七条）。", min_length=1)


class NotifyIn(StepIn):
    served_on: Day = Field(..., description="告知书送达日期，不早于告知日期；陈述申辩和听证申请期限自此起算。")


class HearingRequestIn(StrictIn):
    requested_on: Day = Field(..., description="当事人提出听证申请的日期（告知书送达后五日内）。")


class NoPenaltyIn(ReasonIn):
    education_record: str = text_field("对当事人进行教育的记录（行政处罚法第三十三条第三款）。", min_length=1)


class ServeIn(StrictIn):
    served_on: Day = Field(..., description="送达日期（宣告后当场交付，或七日内送达）。")
    method: ServiceMethod = Field(..., description=f"送达方式代码：{choices_help(ServiceMethod.choices)}。")
    recipient: str = line_field(100, "受送达人。", min_length=1)
    place: str = line_field(200, "送达地点。", "")
    receiver_signature: str = line_field(50, "签收人。", "")
    electronic_consent: bool = Field(False, description="电子送达时，当事人是否已签署确认书（行政处罚法第六十一条第二款）。")
    late_reason: str = line_field(300, "未在七日内送达的原因。", "")
    refusal_witness: str = line_field(200, "留置送达的见证人或影像记录。", "")


class RemindIn(StepIn):
    served_on: Day = Field(..., description="催告书送达日期；申请强制执行须在送达十日后。")


class EnforcementIn(StepIn):
    court: str = line_field(100, "受理法院。", min_length=1)


class BureauRecordIn(StepIn):
    reason: str = line_field(300, "逾期备案的原因（超过备案期限时必填）。", "")


# ---- records ---------------------------------------------------------------------------------------------------------

class EvidenceIn(StrictIn):
    kind: EvidenceKind = Field(..., description=f"证据种类代码：{choices_help(EvidenceKind.choices)}。")
    title: str = line_field(200, "证据名称。", min_length=1)
    collected_on: Day = Field(..., description="取证日期（YYYY-MM-DD）。")
    description: str = text_field("证明内容。", "")
    bodycam_device: str = line_field(50, "执法记录仪编号。", "")
    bodycam_file_id: str = line_field(100, "视音频文件编号（没有上传文件时，填写此项）。", "")
    bodycam_seconds: int | None = Field(None, ge=0, le=86_400, description="视音频时长（秒）。")


class InterviewIn(StrictIn):
    interviewee: str = line_field(50, "被询问人。", min_length=1)
    interviewee_id_number: str = line_field(30, "被询问人身份证件号码。", "")
    interviewee_role: str = line_field(50, "与当事人关系或职务。", "")
    place: str = line_field(200, "询问地点。", min_length=1)
    started_at: Moment = Field(..., description="询问开始时间（ISO 8601，未带时区的按北京时间）。")
    ended_at: Moment = Field(..., description="询问结束时间。")
    officer_ids: list[Id] = Field(..., min_length=1, max_length=10, description="询问人编号（本案承办人员，不少于2人）。")
    recorder_id: Id | None = Field(None, description="记录人编号；默认为调用者。")
    transcript: str = text_field("询问内容（问答逐条记录）。", min_length=1)
    bodycam_file_id: str = line_field(100, "视音频文件编号。", "")
    signed: bool = Field(False, description="被询问人是否已签名确认。")


class MeasureIn(StrictIn):
    kind: MeasureKind = Field(..., description="措施代码：preservation 证据先行登记保存，seizure 查封扣押。")
    items: str = text_field("物品清单。", min_length=1)
    started_on: Day = Field(..., description="采取措施日期。")
    approved_by_id: Id = Field(..., description="批准的负责人编号（行政处罚法第五十六条；行政强制法第十八条）。")


class MeasureDecisionIn(StepIn):
    decision: str = line_field(200, "处理决定（先行登记保存七日内，查封扣押期限内作出）。", min_length=1)


class ExtensionIn(StepIn):
    days: int = Field(..., ge=1, le=365, description="延长天数。")
    reason: str = text_field("延长理由。", min_length=1)


class ReportIn(StrictIn):
    concluded_on: Day = Field(..., description="调查终结日期，不早于立案日期。")
    evidence_summary: str = text_field("证据及证明事项。", min_length=1)
    analysis: str = text_field("定性与法律适用。", min_length=1)
    proposal: str = text_field("处理意见。", min_length=1)


class AspectsIn(StrictIn):
    subject: str = text_field("主体的审核意见。", "")
    facts: str = text_field("事实的审核意见。", "")
    evidence: str = text_field("证据的审核意见。", "")
    law: str = text_field("定性与法律适用的审核意见。", "")
    procedure: str = text_field("程序的审核意见。", "")
    discretion: str = text_field("裁量的审核意见。", "")
    documents: str = text_field("文书的审核意见。", "")


class ReviewIn(StepIn):
    stage: ReviewStage = Field(..., description="审核层级：section 科室初审，legal 法制科复审（调用者即审核人）。")
    outcome: ReviewOutcome = Field(..., description=f"审核结论：{choices_help(ReviewOutcome.choices)}；"
                                                    "补充调查、不同意将案件退回调查。")
    reasons: str = text_field("审核理由。", min_length=1)
    aspects: AspectsIn = Field(default_factory=AspectsIn, description="分项审核意见；法制科复审须逐项填写。")


class DeliberationIn(StrictIn):
    held_on: Day = Field(..., description="讨论日期。")
    place: str = line_field(100, "地点。", min_length=1)
    chair_id: Id = Field(..., description="主持人（本机关负责人）编号。")
    attendee_ids: list[Id] = Field(..., min_length=1, max_length=30, description="参加人员编号（本案承办人员不参加表决）。")
    minutes: str = text_field("讨论记录。", min_length=1)
    conclusion: ReviewOutcome = Field(..., description="讨论结论代码。")
    conclusion_text: str = text_field("决定意见。", min_length=1)


class StatementIn(StrictIn):
    received_on: Day = Field(..., description="当事人提出陈述申辩的日期。")
    content: str = text_field("陈述申辩内容。", min_length=1)
    adopted: bool = Field(..., description="是否采纳；采纳只能减轻，不得加重处罚（行政处罚法第四十五条）。")
    response: str = text_field("复核意见。", min_length=1)


class WaiverIn(StrictIn):
    waived_on: Day = Field(..., description="当事人书面放弃陈述申辩（和听证）的日期。")


class HearingScheduleIn(StrictIn):
    notified_on: Day = Field(..., description="听证通知日期（举行七日前）。")
    scheduled_for: Day = Field(..., description="举行日期。")
    place: str = line_field(200, "听证地点。", min_length=1)
    chair_id: Id = Field(..., description="听证主持人编号（非本案调查人员）。")
    is_public: bool = Field(True, description="是否公开举行。")


class HearingRecordIn(StrictIn):
    held_on: Day = Field(..., description="实际举行日期。")
    record: str = text_field("听证笔录。", min_length=1)
    chair_opinion: str = text_field("听证主持人的意见。", "")


class PaymentIn(StrictIn):
    paid_on: Day = Field(..., description="缴纳日期。")
    amount: Amount = Field(..., description="缴纳金额（元），大于零，不超过尚欠金额。")
    receipt_number: str = line_field(60, "缴款凭证号。", min_length=1)


class InstalmentIn(StrictIn):
    due_on: Day = Field(..., description="应缴日期。")
    amount: Amount = Field(..., description="金额（元）。")


class ArrangementIn(StepIn):
    kind: ArrangementKind = Field(..., description="方式：deferral 延期缴纳（一期），instalments 分期缴纳（两期以上）。")
    requested_on: Day = Field(..., description="当事人申请日期。")
    reason: str = text_field("当事人确有经济困难的理由。", min_length=1)
    instalments: list[InstalmentIn] = Field(..., min_length=1, max_length=36, description="各期应缴日期和金额，合计等于罚款。")


class AppealIn(StrictIn):
    kind: AppealKind = Field(..., description="救济途径：reconsideration 行政复议，litigation 行政诉讼。")
    filed_on: Day = Field(..., description="提起日期；期间不计加处罚款（行政处罚法第七十三条）。")


class AppealEndIn(StrictIn):
    ended_on: Day = Field(..., description="结束日期。")
    result: str = line_field(200, "结果。", min_length=1)


class EnforcementResultIn(StrictIn):
    concluded_on: Day = Field(..., description="执行终结日期。")
    result: str = line_field(200, "执行结果。", min_length=1)


class TeamIn(StepIn):
    officer_ids: list[Id] = Field(..., min_length=1, max_length=10, description="承办人员编号（本局执法人员，不少于2人）。")
    lead_id: Id | None = Field(None, description="主办人编号，须在承办人员中；默认第一位。")
