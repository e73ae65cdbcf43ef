"""The steps of a case (/api/v1/cases/{id}/steps/<name>): one endpoint per move of the procedure, each with its
own body, each calling the case service that does the move.

The procedure's state machine judges the move: a move it refuses answers 409 with the refusal in Chinese,
citing its article (e.g. deciding before the statement window closes, 行政处罚法第四十五条). The detail lists
in `moves` which steps the caller may make now. A step answers with the case as it stands afterwards.
"""
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from ninja import Router
from ninja.errors import HttpError

from fazhi.core.api import RecordId

from . import services
from .api_common import STEP_ERRORS, act_day, case_detail, refusals_as_conflict, writable_case
from .api_inputs import (
    BureauRecordIn, EnforcementIn, FileIn, HearingRequestIn, NoPenaltyIn, NotifyIn, ReasonIn, RemindIn, ServeIn,
    StepIn, TransferIn,
)
from .schemas import CaseDetailOut
from .status import GENERAL_MACHINE, SIMPLE_MACHINE, machine_for

router = Router()


@dataclass(frozen=True)
class Step:
    name: str
    body: type
    service: Callable
    description: str

    @property
    def label(self) -> str:
        machine = GENERAL_MACHINE if self.name in _names(GENERAL_MACHINE) else SIMPLE_MACHINE
        return machine[self.name].label


def _names(machine) -> set[str]:
    return {t.name for t in machine.transitions}


STEPS = (
    Step("file", FileIn, services.file_case,
         "批准立案（科室负责人或负责人）：检查追责时效（第三十六条）、不少于两名持证执法人员（第四十二条）和立案期限，"
         "取得立案编号，办案期限自立案之日起算（第六十条）。"),
    Step("refuse_filing", ReasonIn, services.refuse_filing, "不予立案，写明理由。"),
    Step("transfer", TransferIn, services.transfer_case,
         "移送有管辖权的机关，涉嫌犯罪的移送司法机关（第二十七条）。"),
    Step("withdraw", ReasonIn, services.withdraw_case, "撤销立案（负责人），写明理由。"),
    Step("conclude", StepIn, services.conclude_investigation,
         "调查终结，提交审核（本案承办人员）：须已有证据、调查终结报告、违法事实和处罚依据，证据保全措施均已处理。"),
    Step("notify", NotifyIn, services.issue_notice,
         "事先告知（第四十四条）：须经本轮审核通过；拟处罚内容随之固定，决定不得重于告知（第四十五条）；"
         "按规则表告知听证权利（第六十三条）；取得告知书文号。"),
    Step("request_hearing", HearingRequestIn, services.request_hearing,
         "受理听证申请：当事人应在告知后五日内提出（第六十四条第（一）项）。"),
    Step("decide", StepIn, services.decide,
         "作出行政处罚决定（负责人，非本案承办人员）：办案期限内（第六十条）、陈述申辩和听证申请期限届满或已放弃"
         "（第四十五条、第六十四条）、审核和集体讨论已通过（第五十七条、第五十八条）、不重于告知、决定书要素齐全"
         "（第五十九条）；取得决定书文号。"),
    Step("decide_no_penalty", NoPenaltyIn, services.decide_no_penalty,
         "不予行政处罚（第三十三条），须写明理由并记录对当事人的教育。"),
    Step("serve", ServeIn, services.serve_decision,
         "送达决定书（第六十一条）：宣告后当场交付或七日内送达，电子送达须经当事人同意；缴纳期限自送达之日起十五日"
         "（第六十七条）。没有罚没款的，送达即履行完毕。"),
    Step("remind", RemindIn, services.remind,
         "催告（行政强制法第五十四条）：缴纳期限届满未履行的，催告书载明截至催告日的应缴金额（含加处罚款）。"),
    Step("apply_enforcement", EnforcementIn, services.apply_enforcement,
         "申请人民法院强制执行（行政强制法第五十三条、第五十四条）：催告书送达十日后、复议和诉讼期限届满后三个月内。"),
    Step("close", StepIn, services.close_case, "结案：已履行完毕、强制执行终结、不予处罚或已移送的案件。"),
    Step("archive", StepIn, services.archive_case, "归档。"),
    Step("record_with_bureau", BureauRecordIn, services.record_with_bureau,
         "当场处罚决定报所属行政机关备案（第五十二条）；逾期的写明原因。"),
)


def _register(step: Step) -> None:
    def run_step(request, payload: step.body, id: int = RecordId):
        case = writable_case(request, id, step.label)
        machine = machine_for(case)
        if step.name not in _names(machine):
            raise HttpError(409, f"本案适用{machine.name}，没有“{step.label}”这一步骤。")
        if not request.auth.has_role(*machine[step.name].roles):
            raise PermissionDenied(f"您没有执行“{step.label}”的权限。")
        fields = payload.dict()
        if "on" in fields:
            act_day(fields["on"])
        with refusals_as_conflict():
            step.service(case, actor=request.auth, **fields)
        return case_detail(request, case.pk)

    router.post(f"/{{id}}/steps/{step.name}", response={200: CaseDetailOut, **STEP_ERRORS},
                summary=f"办理步骤：{step.label}", description=step.description,
                operation_id=f"fazhi_cases_api_step_{step.name}", url_name=f"cases_step_{step.name}")(run_step)


for _step in STEPS:
    _register(_step)
