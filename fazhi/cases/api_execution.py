"""What the party's side and the execution add to a case (/api/v1/cases/{id}/...): statements and waivers,
the hearing, payments, deferrals and instalments, appeals and the court's enforcement.

As in api_records, each endpoint calls one case service; the records then appear on the case's detail, and the
balance there is recomputed for today (late surcharge included, appeal days left out).
"""
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Path, Router, Status

from fazhi.core.api import RecordId
from fazhi.core.schemas import MAX_ID

from . import services
from .api_common import STEP_ERRORS, act_day, colleague, refusals_as_conflict, writable_case
from .api_inputs import (
    AppealEndIn, AppealIn, ArrangementIn, EnforcementResultIn, HearingRecordIn, HearingScheduleIn, PaymentIn,
    StatementIn, WaiverIn,
)
from .models import Appeal, EnforcementApplication, Hearing, PaymentArrangement, PriorNotice
from .schemas import (
    AppealOut, ArrangementOut, EnforcementOut, HearingOut, NoticeOut, PaymentOut, StatementOut,
)

router = Router()
AppealId = Path(..., ge=1, le=MAX_ID, description="复议或诉讼记录编号。")


def _require(model, case, message: str) -> None:
    """The one-to-one record a service updates must exist; without it the step is out of order, said in Chinese."""
    if not model.objects.filter(case=case).exists():
        raise ValidationError(message)


@router.post("/{id}/statements", response={201: StatementOut, **STEP_ERRORS}, summary="登记陈述申辩",
             url_name="cases_statements")
def add_statement(request, payload: StatementIn, id: int = RecordId):
    """当事人的陈述申辩及复核意见（行政处罚法第四十五条）；不得因陈述申辩而加重处罚。"""
    case = writable_case(request, id, "登记陈述申辩")
    with refusals_as_conflict():
        statement = services.record_statement(case, actor=request.auth, **payload.dict())
    return Status(201, statement)


@router.post("/{id}/waiver", response={200: NoticeOut, **STEP_ERRORS}, summary="登记放弃陈述申辩",
             url_name="cases_waiver")
def record_waiver(request, payload: WaiverIn, id: int = RecordId):
    """当事人书面放弃陈述申辩（和听证）权利的，不必等待期限届满即可作出决定。"""
    case = writable_case(request, id, "登记放弃陈述申辩")
    _require(PriorNotice, case, "尚未事先告知，不能登记放弃陈述申辩。")
    with refusals_as_conflict():
        return services.record_waiver(case, actor=request.auth, waived_on=act_day(payload.waived_on, "waived_on"))


@router.post("/{id}/hearing/schedule", response={200: HearingOut, **STEP_ERRORS}, summary="安排听证",
             url_name="cases_hearing_schedule")
def schedule_hearing(request, payload: HearingScheduleIn, id: int = RecordId):
    """在举行听证的七日前通知当事人，由非本案调查人员主持（行政处罚法第六十四条第（二）项、第（四）项）。"""
    case = writable_case(request, id, "安排听证")
    _require(Hearing, case, "当事人尚未申请听证，请先受理听证申请。")
    chair = colleague(request, payload.chair_id, "chair_id")
    with refusals_as_conflict():
        return services.schedule_hearing(case, actor=request.auth, notified_on=payload.notified_on,
                                         scheduled_for=payload.scheduled_for, place=payload.place, chair=chair,
                                         is_public=payload.is_public)


@router.post("/{id}/hearing/record", response={200: HearingOut, **STEP_ERRORS}, summary="登记听证笔录",
             url_name="cases_hearing_record")
def record_hearing(request, payload: HearingRecordIn, id: int = RecordId):
    """听证主持人（或负责人）登记听证笔录和听证意见；听证结束后方可作出决定。"""
    case = writable_case(request, id, "登记听证笔录")
    _require(Hearing, case, "当事人尚未申请听证，请先受理听证申请。")
    with refusals_as_conflict():
        return services.record_hearing(case, actor=request.auth, held_on=act_day(payload.held_on, "held_on"),
                                       record=payload.record, chair_opinion=payload.chair_opinion)


@router.post("/{id}/payments", response={201: PaymentOut, **STEP_ERRORS}, summary="登记缴款",
             url_name="cases_payments")
def add_payment(request, payload: PaymentIn, id: int = RecordId):
    """登记通过银行或电子支付缴纳的罚没款（行政处罚法第六十七条）；逾期的先抵加处罚款以外的本金，缴清即履行完毕。"""
    case = writable_case(request, id, "登记缴款")
    with refusals_as_conflict():
        payment = services.record_payment(case, actor=request.auth, paid_on=act_day(payload.paid_on, "paid_on"),
                                          amount=payload.amount, receipt_number=payload.receipt_number)
    return Status(201, payment)


@router.post("/{id}/arrangements", response={201: ArrangementOut, **STEP_ERRORS}, summary="批准暂缓或分期缴纳",
             url_name="cases_arrangements")
def add_arrangement(request, payload: ArrangementIn, id: int = RecordId):
    """当事人确有经济困难的，经申请和行政机关批准，可以暂缓或者分期缴纳（行政处罚法第六十六条）；各期合计等于罚款。"""
    case = writable_case(request, id, "批准暂缓或分期缴纳")
    instalments = [(i.due_on, i.amount) for i in payload.instalments]
    with refusals_as_conflict():
        arrangement = services.arrange_payment(case, actor=request.auth, kind=payload.kind,
                                               requested_on=payload.requested_on, reason=payload.reason,
                                               instalments=instalments, on=act_day(payload.on))
    return Status(201, PaymentArrangement.objects.prefetch_related("instalments").get(pk=arrangement.pk))


@router.post("/{id}/appeals", response={201: AppealOut, **STEP_ERRORS}, summary="登记行政复议或行政诉讼",
             url_name="cases_appeals")
def add_appeal(request, payload: AppealIn, id: int = RecordId):
    """复议或诉讼期间不计加处罚款、不催告、不申请强制执行（行政处罚法第七十三条）。"""
    case = writable_case(request, id, "登记复议或诉讼")
    with refusals_as_conflict():
        appeal = services.record_appeal(case, actor=request.auth, kind=payload.kind, filed_on=payload.filed_on)
    return Status(201, appeal)


@router.post("/{id}/appeals/{aid}/end", response={200: AppealOut, **STEP_ERRORS}, summary="登记复议或诉讼结果",
             url_name="cases_appeal_end")
def end_appeal(request, payload: AppealEndIn, id: int = RecordId, aid: int = AppealId):
    case = writable_case(request, id, "登记复议或诉讼结果")
    appeal = get_object_or_404(Appeal.objects.select_related("case"), case=case, pk=aid)
    with refusals_as_conflict():
        return services.end_appeal(appeal, actor=request.auth, ended_on=payload.ended_on, result=payload.result)


@router.post("/{id}/enforcement/result", response={200: EnforcementOut, **STEP_ERRORS},
             summary="登记强制执行结果", url_name="cases_enforcement_result")
def record_enforcement_result(request, payload: EnforcementResultIn, id: int = RecordId):
    """人民法院强制执行终结后登记结果，案件方可结案。"""
    case = writable_case(request, id, "登记强制执行结果")
    _require(EnforcementApplication, case, "尚未申请人民法院强制执行。")
    with refusals_as_conflict():
        return services.record_enforcement_result(case, actor=request.auth, concluded_on=payload.concluded_on,
                                                  result=payload.result)
