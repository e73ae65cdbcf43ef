"""What an investigation and its review add to a case (/api/v1/cases/{id}/...): evidence, interviews, measures,
the concluding report, reviews, collective deliberations, the team and extensions of the time limit.

Each endpoint calls the case service that records it (audited, in one transaction); the records then appear on
the case's detail. Only the case's own bureau records anything (403 for others who may see the case); the
services check who within the bureau may (e.g. only the case's officers add evidence).
"""
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import File, Form, Path, Router, Status, UploadedFile

from fazhi.core.api import RecordId
from fazhi.core.schemas import MAX_ID

from . import reviews, services
from .api_common import STEP_ERRORS, act_day, case_detail, colleague, colleagues, refusals_as_conflict, writable_case
from .api_inputs import (
    DeliberationIn, EvidenceIn, ExtensionIn, InterviewIn, MeasureDecisionIn, MeasureIn, ReportIn, ReviewIn, StepIn,
    TeamIn,
)
from .models import Deliberation, Interview, Measure
from .schemas import (
    CaseDetailOut, DeliberationOut, EvidenceOut, ExtensionOut, InterviewOut, MeasureOut, ReportOut, ReviewOut,
)

router = Router()
MeasureId = Path(..., ge=1, le=MAX_ID, description="措施编号。")


def _aware(moment):
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


@router.post("/{id}/evidence", response={201: EvidenceOut, **STEP_ERRORS}, summary="添加证据",
             url_name="cases_evidence")
def add_evidence(request, payload: Form[EvidenceIn], id: int = RecordId, file: File[UploadedFile] = None):
    """以 multipart/form-data 上传证据文件（字段 file）及其说明，或只登记执法记录仪视音频文件编号（本案承办人员，
    立案后调查终结前）。答复含服务器收到的文件内容的 SHA-256，调用方可据以核对。"""
    case = writable_case(request, id, "添加证据")
    fields = payload.dict()
    with refusals_as_conflict():
        evidence = services.add_evidence(case, actor=request.auth, file=file, **fields)
    return Status(201, evidence)


@router.post("/{id}/interviews", response={201: InterviewOut, **STEP_ERRORS}, summary="登记询问笔录",
             url_name="cases_interviews")
def add_interview(request, payload: InterviewIn, id: int = RecordId):
    """询问应当由两名以上本案执法人员进行，笔录经被询问人签名确认（行政处罚法第四十二条、第五十五条）。"""
    case = writable_case(request, id, "制作询问笔录")
    fields = payload.dict(exclude={"officer_ids", "recorder_id", "started_at", "ended_at"})
    with refusals_as_conflict():
        interview = services.record_interview(
            case, actor=request.auth, officers=colleagues(request, payload.officer_ids, "officer_ids"),
            recorder=colleague(request, payload.recorder_id, "recorder_id"),
            started_at=_aware(payload.started_at), ended_at=_aware(payload.ended_at), **fields)
    return Status(201, Interview.objects.prefetch_related("officers").get(pk=interview.pk))


@router.post("/{id}/measures", response={201: MeasureOut, **STEP_ERRORS}, summary="采取证据保全措施",
             url_name="cases_measures")
def start_measure(request, payload: MeasureIn, id: int = RecordId):
    """证据先行登记保存（七日内作出处理决定，行政处罚法第五十六条）或查封扣押（不超过三十日，行政强制法第二十五条），
    经负责人批准，取得决定书文号。"""
    case = writable_case(request, id, "采取证据保全措施")
    approver = colleague(request, payload.approved_by_id, "approved_by_id")
    with refusals_as_conflict():
        measure = services.start_measure(case, actor=request.auth, kind=payload.kind, items=payload.items,
                                         started_on=payload.started_on, approved_by=approver)
    return Status(201, measure)


def _measure(request, id: int, mid: int, what: str) -> Measure:
    case = writable_case(request, id, what)
    return get_object_or_404(Measure.objects.select_related("case"), case=case, pk=mid)


@router.post("/{id}/measures/{mid}/decision", response={200: MeasureOut, **STEP_ERRORS},
             summary="作出保全措施的处理决定", url_name="cases_measure_decision")
def decide_measure(request, payload: MeasureDecisionIn, id: int = RecordId, mid: int = MeasureId):
    """期限届满后不能再作出处理决定，应当解除。"""
    measure = _measure(request, id, mid, "作出处理决定")
    with refusals_as_conflict():
        return services.decide_measure(measure, actor=request.auth, decision=payload.decision, on=act_day(payload.on))


@router.post("/{id}/measures/{mid}/extension", response={200: MeasureOut, **STEP_ERRORS},
             summary="延长查封扣押期限", url_name="cases_measure_extension")
def extend_seizure(request, payload: ExtensionIn, id: int = RecordId, mid: int = MeasureId):
    """情况复杂的，经负责人批准可延长一次，不超过三十日（行政强制法第二十五条）；证据先行登记保存不能延长。"""
    measure = _measure(request, id, mid, "延长查封扣押期限")
    with refusals_as_conflict():
        return services.extend_seizure(measure, actor=request.auth, days=payload.days, reason=payload.reason,
                                       on=act_day(payload.on))


@router.post("/{id}/measures/{mid}/release", response={200: MeasureOut, **STEP_ERRORS}, summary="解除措施",
             url_name="cases_measure_release")
def release_measure(request, payload: StepIn, id: int = RecordId, mid: int = MeasureId):
    measure = _measure(request, id, mid, "解除措施")
    with refusals_as_conflict():
        return services.release_measure(measure, actor=request.auth, on=act_day(payload.on))


@router.post("/{id}/report", response={200: ReportOut, **STEP_ERRORS}, summary="撰写调查终结报告",
             url_name="cases_report")
def write_report(request, payload: ReportIn, id: int = RecordId):
    """调查取证中的案件撰写或修改案件调查终结报告（本案承办人员）；再次提交即修改。"""
    case = writable_case(request, id, "撰写调查终结报告")
    with refusals_as_conflict():
        return services.write_investigation_report(case, actor=request.auth, **payload.dict())


@router.post("/{id}/reviews", response={201: ReviewOut, **STEP_ERRORS}, summary="登记审核意见",
             url_name="cases_reviews")
def add_review(request, payload: ReviewIn, id: int = RecordId):
    """调用者作为审核人登记科室初审或法制科复审意见（行政处罚法第五十八条）：审核人不能是本案承办人员，
    初次从事法制审核的须有法律职业资格；法制科复审逐项填写分项意见。补充调查、不同意将案件退回调查，开始新一轮。"""
    case = writable_case(request, id, "审核")
    with refusals_as_conflict():
        review = reviews.record_review(case, stage=payload.stage, reviewer=request.auth, outcome=payload.outcome,
                                       reasons=payload.reasons, aspects=payload.aspects.dict(),
                                       on=act_day(payload.on))
    return Status(201, review)


@router.post("/{id}/deliberations", response={201: DeliberationOut, **STEP_ERRORS}, summary="登记集体讨论",
             url_name="cases_deliberations")
def add_deliberation(request, payload: DeliberationIn, id: int = RecordId):
    """情节复杂或者重大违法行为给予行政处罚的，由负责人集体讨论决定（行政处罚法第五十七条第二款）：负责人主持，
    参加人数不少于规则表的要求，本案承办人员不参加。"""
    case = writable_case(request, id, "登记集体讨论")
    chair = colleague(request, payload.chair_id, "chair_id")
    attendees = colleagues(request, payload.attendee_ids, "attendee_ids")
    with refusals_as_conflict():
        deliberation = reviews.record_deliberation(
            case, actor=request.auth, held_on=payload.held_on, place=payload.place, chair=chair, attendees=attendees,
            minutes=payload.minutes, conclusion=payload.conclusion, conclusion_text=payload.conclusion_text)
    return Status(201, Deliberation.objects.prefetch_related("attendees").get(pk=deliberation.pk))


@router.put("/{id}/team", response={200: CaseDetailOut, **STEP_ERRORS}, summary="调整承办人员",
            url_name="cases_team")
def set_team(request, payload: TeamIn, id: int = RecordId):
    """由科室负责人或负责人指定；作出决定后不能再调整。承办人员以当日有效的执法证办案（行政处罚法第四十二条）。"""
    case = writable_case(request, id, "调整承办人员")
    officers = colleagues(request, payload.officer_ids, "officer_ids")
    lead = colleague(request, payload.lead_id, "lead_id")
    if lead is not None and lead.pk not in {o.pk for o in officers}:
        raise ValidationError({"lead_id": "主办人应当是承办人员之一。"})
    with refusals_as_conflict():
        services.set_team(case, actor=request.auth, officers=officers, lead=lead, on=act_day(payload.on))
    return case_detail(request, case.pk)


@router.post("/{id}/extensions", response={201: ExtensionOut, **STEP_ERRORS}, summary="延长办案期限",
             url_name="cases_extensions")
def extend_deadline(request, payload: ExtensionIn, id: int = RecordId):
    """经负责人批准，在办案期限届满前延长（行政处罚法第六十条）；每次不超过规则表所定天数。"""
    case = writable_case(request, id, "批准延长办案期限")
    with refusals_as_conflict():
        extension = services.extend_deadline(case, actor=request.auth, days=payload.days, reason=payload.reason,
                                             on=act_day(payload.on))
    return Status(201, extension)
