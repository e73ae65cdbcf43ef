"""Cases themselves (/api/v1/cases/): the list, one case, opening a case, changing its facts, and a decision on
the spot (简易程序).

Reads are scoped like every read: a county sees its own bureau's cases, a city its counties', a province all;
anything else is a 404. Writes go through the case services, which check roles and the procedure; a case
belongs to its bureau, so a city may read a county's case but not act on it (403).

Opening a case and deciding on the spot carry an optional `client_key`: sent again with the same key, the
request answers 200 with the case registered the first time instead of registering a second.
"""
from django.core.exceptions import ValidationError
from ninja import Query, Router, Status
from ninja.pagination import paginate

from fazhi.core.api import READ_ERRORS, RecordId
from fazhi.core.permissions import visible_or_404
from fazhi.core.schemas import ApiPagination
from fazhi.entities.models import Entity

from . import services
from .api_common import STEP_ERRORS, act_day, case_detail, colleague, colleagues, refusals_as_conflict
from .api_inputs import CaseIn, CasePatch, SimpleCaseIn
from .choices import Procedure
from .models import Case, Violation
from .schemas import CaseDetailOut, CaseFilter, CaseOut

router = Router()


def _entity(request, pk: int | None) -> Entity | None:
    if pk is None:
        return None
    entity = Entity.objects.visible_to(request.auth).filter(pk=pk).first()
    if entity is None:
        raise ValidationError({"entity_id": "监管对象不存在，或不在您的查看范围内，请核对编号。"})
    return entity


def _violation(code: str | None, field: str = "violation_code") -> Violation | None:
    if code is None:
        return None
    violation = Violation.objects.filter(code=code, is_active=True).first()
    if violation is None:
        raise ValidationError({field: "违法行为代码不存在或已停用，请按裁量基准表填写。"})
    return violation


def _resent(request, client_key, procedure: str) -> Case | None:
    """The case an earlier request with this key registered, if the caller may see it; a key used elsewhere is
    refused rather than answered, so a key never reveals another bureau's case."""
    if client_key is None:
        return None
    earlier = Case.objects.filter(client_key=client_key).first()
    if earlier is None:
        return None
    if earlier.procedure != procedure or not Case.objects.visible_to(request.auth).filter(pk=earlier.pk).exists():
        raise ValidationError({"client_key": "该提交标识已用于其他案件，请为新的提交生成新的标识。"})
    return earlier


def _team(request, ids: list[int], lead_id: int | None):
    officers = colleagues(request, ids, "officer_ids")
    lead = colleague(request, lead_id, "lead_id")
    if lead is not None and lead.pk not in {o.pk for o in officers}:
        raise ValidationError({"lead_id": "主办人应当是承办人员之一。"})
    return officers, lead


@router.get("/", response={200: list[CaseOut], **READ_ERRORS}, summary="行政处罚案件列表")
@paginate(ApiPagination)
def list_cases(request, filters: Query[CaseFilter]):
    """调用者可见的行政处罚案件（县级见本局，市级见所辖县区），发现或受理日期新的在前；可按状态、程序、来源、专业类别、
    监管对象筛选，按当事人、信用代码、立案编号或决定书文号检索。"""
    cases = Case.objects.visible_to(request.auth).select_related("organisation", "domain")
    return filters.filter(cases).order_by("-received_on", "-id")


@router.post("/simple", response={200: CaseDetailOut, 201: CaseDetailOut, **STEP_ERRORS},
             summary="当场作出处罚决定（简易程序）", url_name="cases_simple")
def decide_on_the_spot(request, payload: SimpleCaseIn):
    """违法事实确凿并有法定依据，对公民处二百元以下、对法人或者其他组织处三千元以下罚款或者警告的，当场作出决定
    （行政处罚法第五十一条），取得当场处罚决定书文号，当场交付。超出限额或种类的，答复 409 并说明应适用一般程序。

    带 `client_key` 重发时返回首次登记的案件（200），不会重复处罚。"""
    earlier = _resent(request, payload.client_key, Procedure.SIMPLE)
    if earlier is not None:
        return Status(200, case_detail(request, earlier.pk))
    officers = colleagues(request, payload.officer_ids, "officer_ids")
    with refusals_as_conflict():
        case = services.decide_on_the_spot(
            actor=request.auth, cause=payload.cause, facts=payload.facts, violation=_violation(payload.violation_code),
            penalty_kinds=" ".join(dict.fromkeys(payload.penalty_kinds)), place=payload.place,
            on=act_day(payload.on), entity=_entity(request, payload.entity_id),
            party=payload.party.as_case_fields() if payload.party else None, officers=officers,
            fine_amount=payload.fine_amount, cash_collected=payload.cash_collected,
            cash_receipt_number=payload.cash_receipt_number, cash_hard_to_collect=payload.cash_hard_to_collect,
            client_key=payload.client_key,
        )
    return Status(201, case_detail(request, case.pk))


@router.get("/{id}", response={200: CaseDetailOut, **READ_ERRORS}, summary="行政处罚案件详情")
def get_case(request, id: int = RecordId):
    """含当事人（证件号码、电话已脱敏）、违法行为及条款、承办人员、办案期限、拟处罚或决定的处罚、事先告知、听证、
    决定与送达、今天的应缴金额（含加处罚款）、已出具的文书、各环节记录，以及调用者现在可以办理的步骤。"""
    return case_detail(request, id)


@router.post("/", response={200: CaseDetailOut, 201: CaseDetailOut, **STEP_ERRORS}, summary="登记案件",
             url_name="cases_open")
def open_case(request, payload: CaseIn):
    """按案件来源登记一般程序案件（待立案审批），立案决定期限自发现或受理之日起算。当事人从监管对象带入，
    违反条款和处罚依据从违法行为带入。

    带 `client_key` 重发时返回首次登记的案件（200），不会重复登记。"""
    earlier = _resent(request, payload.client_key, Procedure.GENERAL)
    if earlier is not None:
        return Status(200, case_detail(request, earlier.pk))
    if payload.entity_id is None and not (payload.party and payload.party.name):
        raise ValidationError({"party": "请填写监管对象编号或当事人。"})
    officers, lead = _team(request, payload.officer_ids, payload.lead_id)
    inspection = None
    if payload.source_inspection_id is not None:
        from fazhi.inspections.models import Inspection

        inspection = Inspection.objects.visible_to(request.auth).filter(pk=payload.source_inspection_id).first()
        if inspection is None:
            raise ValidationError({"source_inspection_id": "监督检查不存在，或不在您的查看范围内。"})
    facts = payload.dict(include={"facts", "act_ended_on", "harms_life_or_health", "is_complex",
                                  "is_major_public_interest", "is_first_offence", "harm_minor", "corrected"})
    with refusals_as_conflict():
        case = services.open_case(
            actor=request.auth, source=payload.source, received_on=act_day(payload.received_on, "received_on"),
            cause=payload.cause, domain=payload.domain, entity=_entity(request, payload.entity_id),
            party=payload.party.as_case_fields() if payload.party else None, officers=officers, lead=lead,
            violation=_violation(payload.violation_code), source_inspection=inspection,
            source_detail=payload.source_detail, client_key=payload.client_key, **facts,
        )
    return Status(201, case_detail(request, case.pk))


@router.patch("/{id}", response={200: CaseDetailOut, **STEP_ERRORS}, summary="修改案件信息",
              url_name="cases_update")
def update_case(request, payload: CasePatch, id: int = RecordId):
    """只修改提交的字段（本案承办人员）。事先告知后只能调整处罚（不得加重，行政处罚法第四十五条），事实和当事人
    须重新告知；作出决定后不能再修改。"""
    case = visible_or_404(Case.objects.all(), request.auth, id)
    changes = payload.dict(exclude_unset=True)
    if not changes:
        raise ValidationError("没有要修改的内容，请至少提交一项。")
    if "violation_code" in changes:
        changes["violation"] = _violation(changes.pop("violation_code"))
    if "penalty_kinds" in changes:
        changes["penalty_kinds"] = " ".join(dict.fromkeys(changes["penalty_kinds"]))
    if "band_level" in changes:
        changes["band_level"] = changes["band_level"] or ""
    with refusals_as_conflict():
        services.update_case(case, actor=request.auth, **changes)
    return case_detail(request, case.pk)
