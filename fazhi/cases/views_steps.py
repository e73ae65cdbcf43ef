"""The steps of a case, each a form and one service call, and the one thin view that runs them.

A step is either a move of the case's procedure (offered when `machine.offered(case, user)` names it) or a record
made in certain states (evidence, an interview, a review, a payment...). `available_steps` says which a page may
show; the services still judge every submission, and their refusals are shown above the form in Chinese.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from fazhi.core.forms import add_service_errors
from fazhi.core.listing import wants_part
from fazhi.core.permissions import visible_or_404
from fazhi.core.workflow import TransitionRefused

from . import forms as f
from . import reviews, services
from .choices import CaseStatus as S
from .choices import MeasureKind
from .models import Case
from .querysets import SURCHARGE_PERCENT
from .rules import APPROVER_ROLES, CASE_READER_ROLES, CASE_RULES, LEADER_ROLES, LEGAL_ROLES, SECTION_HEAD_ROLES
from .status import PRE_DECISION_STATES, machine_for

READERS = frozenset(CASE_READER_ROLES)
INVESTIGATION_STATES = (S.REGISTERED, S.INVESTIGATING)
OWING_STATES = (S.SERVED, S.REMINDED, S.ENFORCEMENT, S.ON_SPOT, S.RECORDED)
SERVED_STATES = (S.SERVED, S.REMINDED, S.ENFORCEMENT, S.FULFILLED, S.ON_SPOT, S.RECORDED)


@dataclass(frozen=True)
class Step:
    slug: str
    label: str
    form: type
    perform: Callable  # perform(case, form, actor, item) -> the success message; calls one service
    move: str = ""  # the procedure's move it fires, if any: then it is offered by the machine
    states: tuple = ()  # a record step: the states it may be made in
    roles: frozenset = READERS
    team_only: bool = False  # only the case's officers (the service checks again)
    reviewer: bool = False  # never the case's officers (审查与调查分离)
    item: str = ""  # "measure" or "appeal": the step acts on one of the case's records
    allowed: Callable | None = None  # allowed(case, user, item) -> bool: what else the state needs
    panel: str = ""  # a template shown above the form
    danger: bool = False
    help: str = ""

    def url(self, case, item=None) -> str:
        if item is not None:
            return reverse("cases:item_step", args=[case.pk, self.item, item.pk, self.slug])
        return reverse("cases:step", args=[case.pk, self.slug])


# ---- what each step does: one service call, and what to tell the person --------------------------------------------

def _today():
    return timezone.localdate()


def _file(case, form, actor, item):
    case = services.file_case(case, actor=actor, delay_reason=form.cleaned_data.get("delay_reason", ""))
    return f"已立案，立案编号{case.filing_number}，办案期限至{case.deadline_on:%Y年%m月%d日}。"


def _refuse(case, form, actor, item):
    services.refuse_filing(case, actor=actor, reason=form.cleaned_data["reason"])
    return "已决定不予立案。"


def _transfer(case, form, actor, item):
    services.transfer_case(case, actor=actor, **form.cleaned_data)
    return "已移送。"


def _withdraw(case, form, actor, item):
    services.withdraw_case(case, actor=actor, reason=form.cleaned_data["reason"])
    return "已撤销立案。"


def _update(case, form, actor, item):
    changed = form.service_fields()
    if changed:
        services.update_case(case, actor=actor, **changed)
    return "案件信息已保存。" if changed else "没有修改。"


def _team(case, form, actor, item):
    services.set_team(case, actor=actor, **form.service_fields())
    return "承办人员已调整。"


def _extend(case, form, actor, item):
    extension = services.extend_deadline(case, actor=actor, **form.cleaned_data)
    return f"办案期限已延长至{extension.new_deadline:%Y年%m月%d日}。"


def _evidence(case, form, actor, item):
    evidence = services.add_evidence(case, actor=actor, **form.cleaned_data)
    return f"已添加证据“{evidence.title}”" + (f"，SHA-256：{evidence.sha256}。" if evidence.sha256 else "。")


def _interview(case, form, actor, item):
    officers = list(form.cleaned_data["officers"])
    services.record_interview(case, actor=actor, **{**form.cleaned_data, "officers": officers})
    return "询问笔录已保存。"


def _measure_start(case, form, actor, item):
    measure = services.start_measure(case, actor=actor, **form.cleaned_data)
    return f"已采取{measure.get_kind_display()}，决定书文号{measure.number}。"


def _measure_decide(case, form, actor, item):
    services.decide_measure(item, actor=actor, decision=form.cleaned_data["decision"])
    return "已作出处理决定。"


def _measure_extend(case, form, actor, item):
    services.extend_seizure(item, actor=actor, **form.cleaned_data)
    return "查封扣押期限已延长。"


def _measure_release(case, form, actor, item):
    services.release_measure(item, actor=actor)
    return "措施已解除。"


def _report(case, form, actor, item):
    services.write_investigation_report(case, actor=actor, **form.cleaned_data)
    return "调查终结报告已保存。"


def _conclude(case, form, actor, item):
    services.conclude_investigation(case, actor=actor)
    return "调查终结，已提交审核。"


def _review(case, form, actor, item):
    review = reviews.record_review(case, reviewer=actor, **form.service_fields())
    returned = review.outcome in reviews.RETURNING_OUTCOMES and not review.after_hearing
    return f"已记录{review.get_stage_display()}：{review.get_outcome_display()}。" + ("案件已退回补充调查。" if returned else "")


def _deliberation(case, form, actor, item):
    deliberation = reviews.record_deliberation(case, actor=actor, **form.service_fields())
    return f"已记录集体讨论：{deliberation.get_conclusion_display()}。"


def _notify(case, form, actor, item):
    notice = services.issue_notice(case, actor=actor, served_on=form.cleaned_data["served_on"])
    hearing = f"，听证告知书{notice.hearing_number}" if notice.hearing_number else ""
    return f"已事先告知，告知书{notice.number}{hearing}；陈述申辩期限至{notice.statement_until:%Y年%m月%d日}。"


def _waiver(case, form, actor, item):
    services.record_waiver(case, actor=actor, **form.cleaned_data)
    return "已登记当事人书面放弃陈述申辩（听证）。"


def _statement(case, form, actor, item):
    services.record_statement(case, actor=actor, **form.cleaned_data)
    return "陈述申辩已登记。"


def _hearing_request(case, form, actor, item):
    services.request_hearing(case, actor=actor, **form.cleaned_data)
    return "已受理听证申请。"


def _hearing_schedule(case, form, actor, item):
    services.schedule_hearing(case, actor=actor, **form.cleaned_data)
    return "听证已安排。"


def _hearing_record(case, form, actor, item):
    services.record_hearing(case, actor=actor, **form.cleaned_data)
    return "听证笔录已登记。"


def _decide(case, form, actor, item):
    case = services.decide(case, actor=actor)
    return f"已作出行政处罚决定，决定书文号{case.decision_number}。"


def _no_penalty(case, form, actor, item):
    case = services.decide_no_penalty(case, actor=actor, **form.cleaned_data)
    return f"已作出不予行政处罚决定，文号{case.decision_number}。"


def _serve(case, form, actor, item):
    services.serve_decision(case, actor=actor, **form.cleaned_data)
    case.refresh_from_db(fields=["payment_due_on"])
    due = f"，缴纳期限至{case.payment_due_on:%Y年%m月%d日}" if case.payment_due_on else ""
    return f"决定书已送达{due}。"


def _arrangement(case, form, actor, item):
    arrangement = services.arrange_payment(case, actor=actor, **form.service_fields())
    return f"已批准{arrangement.get_kind_display()}。"


def _payment(case, form, actor, item):
    payment = services.record_payment(case, actor=actor, **form.cleaned_data)
    return f"已登记缴款{payment.amount:,.2f}元。"


def _appeal(case, form, actor, item):
    appeal = services.record_appeal(case, actor=actor, **form.cleaned_data)
    return f"已登记{appeal.get_kind_display()}。"


def _appeal_end(case, form, actor, item):
    services.end_appeal(item, actor=actor, **form.cleaned_data)
    return "已登记复议或诉讼结果。"


def _remind(case, form, actor, item):
    reminder = services.remind(case, actor=actor, served_on=form.cleaned_data["served_on"])
    return f"已催告，催告书{reminder.number}，催缴{reminder.amount_due:,.2f}元。"


def _enforce(case, form, actor, item):
    services.apply_enforcement(case, actor=actor, **form.cleaned_data)
    return "已申请人民法院强制执行。"


def _enforcement_result(case, form, actor, item):
    services.record_enforcement_result(case, actor=actor, **form.cleaned_data)
    return "已登记强制执行结果。"


def _close(case, form, actor, item):
    services.close_case(case, actor=actor)
    return "已结案。"


def _archive(case, form, actor, item):
    services.archive_case(case, actor=actor)
    return "已归档。"


def _record_with_bureau(case, form, actor, item):
    services.record_with_bureau(case, actor=actor, reason=form.cleaned_data["reason"])
    return "已报所属行政机关备案。"


# ---- what the state needs beyond the status ------------------------------------------------------------------------

def _hearing(case):
    return getattr(case, "hearing", None)  # a reverse one-to-one not yet made reads as None


def _hearing_unscheduled(case, user, item) -> bool:
    hearing = _hearing(case)
    return hearing is not None and hearing.held_on is None


def _hearing_to_record(case, user, item) -> bool:
    hearing = _hearing(case)
    return (hearing is not None and hearing.scheduled_for is not None and hearing.held_on is None
            and (hearing.chair_id == user.pk or user.has_role(*LEADER_ROLES)))


def _enforcement_open(case, user, item) -> bool:
    enforcement = getattr(case, "enforcement", None)
    return enforcement is not None and enforcement.concluded_on is None


def _measure_open(case, user, item) -> bool:
    return item.decided_on is None and item.released_on is None


def _seizure_extendable(case, user, item) -> bool:
    return _measure_open(case, user, item) and item.kind == MeasureKind.SEIZURE and not item.extended_days


def _appeal_running(case, user, item) -> bool:
    return item.ended_on is None


def _before_decision(case, user, item) -> bool:
    return case.status in PRE_DECISION_STATES


STEPS: tuple[Step, ...] = (
    # filing and endings
    Step("file", "立案", f.FilingForm, _file, move="file", panel="cases/panels/filing.html"),
    Step("refuse-filing", "不予立案", f.ReasonForm, _refuse, move="refuse_filing", danger=True),
    Step("transfer", "移送", f.TransferForm, _transfer, move="transfer", danger=True),
    Step("withdraw", "撤销立案", f.ReasonForm, _withdraw, move="withdraw", danger=True),
    # investigation
    Step("update", "修改案情与拟处罚", f.CaseUpdateForm, _update, states=services.EDITABLE_STATES, team_only=True,
         panel="cases/panels/bands.html"),
    Step("team", "调整承办人员", f.TeamForm, _team, states=services.EDITABLE_STATES, roles=APPROVER_ROLES),
    Step("evidence", "添加证据", f.EvidenceForm, _evidence, states=INVESTIGATION_STATES, team_only=True),
    Step("interview", "询问笔录", f.InterviewForm, _interview, states=INVESTIGATION_STATES, team_only=True),
    Step("measure", "证据保全与强制措施", f.MeasureStartForm, _measure_start, states=INVESTIGATION_STATES,
         team_only=True),
    Step("decide-measure", "作出处理决定", f.MeasureDecisionForm, _measure_decide, item="measure", team_only=True,
         allowed=_measure_open),
    Step("extend-measure", "延长查封扣押", f.MeasureExtensionForm, _measure_extend, item="measure", roles=APPROVER_ROLES,
         allowed=_seizure_extendable),
    Step("release-measure", "解除措施", f.ConfirmForm, _measure_release, item="measure", team_only=True,
         allowed=_measure_open),
    Step("report", "调查终结报告", f.ReportForm, _report, states=(S.INVESTIGATING,), team_only=True),
    Step("conclude", "调查终结，提交审核", f.ConfirmForm, _conclude, move="conclude", team_only=True,
         panel="cases/panels/conclude.html"),
    Step("extension", "延长办案期限", f.ExtensionForm, _extend, states=PRE_DECISION_STATES, roles=LEADER_ROLES,
         allowed=_before_decision),
    # review
    Step("section-review", "科室初审", f.ReviewForm, _review, states=(S.IN_REVIEW,), roles=SECTION_HEAD_ROLES,
         reviewer=True, panel="cases/panels/review.html"),
    Step("legal-review", "法制审核", f.LegalReviewForm, _review, states=(S.IN_REVIEW, S.HEARING), roles=LEGAL_ROLES,
         reviewer=True, panel="cases/panels/review.html"),
    Step("deliberation", "集体讨论", f.DeliberationForm, _deliberation, states=(S.IN_REVIEW, S.HEARING),
         roles=LEADER_ROLES | LEGAL_ROLES, panel="cases/panels/review.html"),
    # notice and hearing
    Step("notify", "事先告知", f.NoticeForm, _notify, move="notify", team_only=True, panel="cases/panels/penalty.html"),
    Step("waiver", "登记放弃陈述申辩", f.WaiverForm, _waiver, states=(S.NOTIFIED,), team_only=True),
    Step("statement", "登记陈述申辩", f.StatementForm, _statement, states=(S.NOTIFIED, S.HEARING), team_only=True),
    Step("hearing-request", "受理听证申请", f.HearingRequestForm, _hearing_request, move="request_hearing"),
    Step("hearing-schedule", "安排听证", f.HearingScheduleForm, _hearing_schedule, states=(S.HEARING,),
         roles=APPROVER_ROLES | LEGAL_ROLES, allowed=_hearing_unscheduled),
    Step("hearing-record", "登记听证笔录", f.HearingRecordForm, _hearing_record, states=(S.HEARING,),
         allowed=_hearing_to_record),
    # decision
    Step("decide", "作出处罚决定", f.ConfirmForm, _decide, move="decide", reviewer=True,
         panel="cases/panels/penalty.html"),
    Step("no-penalty", "不予处罚", f.NoPenaltyForm, _no_penalty, move="decide_no_penalty", reviewer=True,
         danger=True),
    Step("serve", "送达决定书", f.ServiceForm, _serve, move="serve", team_only=True),
    # payment and enforcement
    Step("arrangement", "批准暂缓或分期缴纳", f.ArrangementForm, _arrangement, states=(S.SERVED, S.REMINDED),
         roles=APPROVER_ROLES, panel="cases/panels/balance.html"),
    Step("payment", "登记缴款", f.PaymentForm, _payment, states=OWING_STATES, panel="cases/panels/balance.html"),
    Step("appeal", "登记复议或诉讼", f.AppealForm, _appeal, states=SERVED_STATES),
    Step("end-appeal", "登记复议或诉讼结果", f.AppealEndForm, _appeal_end, item="appeal", allowed=_appeal_running),
    Step("remind", "催告", f.ReminderForm, _remind, move="remind", team_only=True, panel="cases/panels/balance.html"),
    Step("enforce", "申请人民法院强制执行", f.EnforcementForm, _enforce, move="apply_enforcement"),
    Step("enforcement-result", "登记强制执行结果", f.EnforcementResultForm, _enforcement_result,
         states=(S.ENFORCEMENT,), roles=APPROVER_ROLES, allowed=_enforcement_open),
    Step("record-with-bureau", "报所属行政机关备案", f.RecordWithBureauForm, _record_with_bureau,
         move="record_with_bureau"),
    Step("close", "结案", f.ConfirmForm, _close, move="close"),
    Step("archive", "归档", f.ConfirmForm, _archive, move="archive"),
)
STEPS_BY_SLUG = {step.slug: step for step in STEPS}
ITEM_RELATIONS = {"measure": "measures", "appeal": "appeals"}


# ---- which steps a page shows ----------------------------------------------------------------------------------------

@dataclass
class Standing:
    """What a person may do on a case, read once per case: writable, on its team, and the moves offered."""

    writable: bool
    on_team: bool
    offered: set = field(default_factory=set)


def standing(case, user, *, writable: bool | None = None) -> Standing:
    """`writable` may be given by a list that knows the bureaus the user writes for; the team is read from
    `case.team.all()` (prefetch it on lists)."""
    if writable is None:
        writable = Case.objects.writable_by(user).filter(pk=case.pk).exists()
    on_team = user.is_superuser or any(m.officer_id == user.pk for m in case.team.all())
    offered = {t.name for t in machine_for(case).offered(case, user)} if writable else set()
    return Standing(writable, on_team, offered)


def step_allowed(step: Step, case, user, where: Standing, item=None) -> bool:
    if not where.writable:
        return False
    if step.team_only and not where.on_team:
        return False
    if step.reviewer and where.on_team and not user.is_superuser:
        return False
    if step.move:
        known = step.move in {t.name for t in machine_for(case).transitions}
        return known and step.move in where.offered
    if not user.has_role(*step.roles):
        return False
    if step.states and case.status not in step.states:
        return False
    if step.item and item is None:
        return False
    return step.allowed is None or step.allowed(case, user, item)


def available_steps(case, user, where: Standing) -> list[Step]:
    """The case-level steps (not those of one measure or appeal) the page offers `user`, moves first."""
    found = [s for s in STEPS if not s.item and step_allowed(s, case, user, where)]
    return sorted(found, key=lambda s: not s.move)


def item_steps(case, user, where: Standing, item, kind: str) -> list[tuple[Step, str]]:
    return [(s, s.url(case, item)) for s in STEPS if s.item == kind and step_allowed(s, case, user, where, item)]


# ---- the view -----------------------------------------------------------------------------------------------------

def detail_url(case) -> str:
    return reverse("cases:detail", args=[case.pk])


def _case(user, pk) -> Case:
    related = ("organisation", "domain", "violation", "notice", "hearing", "reminder", "enforcement",
               "investigation_report")
    return visible_or_404(Case.objects.select_related(*related).prefetch_related("team"), user, pk)


def _item(case, kind, item_pk):
    if kind not in ITEM_RELATIONS:
        raise Http404("没有这类记录。")
    found = getattr(case, ITEM_RELATIONS[kind]).filter(pk=item_pk).first()
    if found is None:
        raise Http404("记录不存在。")
    return found


def _done(request, case, message: str):
    messages.success(request, message)
    if wants_part(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = detail_url(case)
        return response
    return redirect(detail_url(case))


@login_required
@require_http_methods(["GET", "POST"])
def case_step(request, pk, slug, kind="", item_pk=None):
    case = _case(request.user, pk)
    step = STEPS_BY_SLUG.get(slug)
    item = _item(case, kind, item_pk) if item_pk is not None else None
    if step is None or step.item != kind:
        raise Http404("没有这个办理步骤。")
    where = standing(case, request.user)
    if not where.writable:
        raise PermissionDenied("该案件不属于本局，只能查看，不能办理。")
    if not step_allowed(step, case, request.user, where, item):
        raise PermissionDenied(f"案件当前为“{case.get_status_display()}”，您不能办理“{step.label}”。")
    # A confirmation has no fields: an empty POST is still a submission.
    posted = request.method == "POST"
    form = step.form(request.POST if posted else None, request.FILES if posted else None, case=case,
                     user=request.user, item=item)
    if posted and form.is_valid():
        try:
            message = step.perform(case, form, request.user, item)
        except ValidationError as error:
            add_service_errors(form, error)
        except TransitionRefused as refusal:
            form.add_error(None, refusal.message)
        except PermissionDenied as denied:
            form.add_error(None, str(denied) or "您没有权限办理此步骤。")
        else:
            return _done(request, case, message)
    context = {"case": case, "step": step, "form": form, "item": item, "action": request.path,
               "cancel_url": detail_url(case), "today": timezone.localdate(), "surcharge_percent": SURCHARGE_PERCENT,
               "min_officers": CASE_RULES.min_officers}
    context.update(panel_context(step, case))
    template = "cases/_step_form.html" if wants_part(request) else "cases/step.html"
    return render(request, template, context)


def panel_context(step: Step, case) -> dict:
    """What the panel above a form shows: the bands of the violation, what concluding needs, the rules that
    apply, the balance, the limitation period."""
    from . import clocks, major
    from .balance import balance

    if step.panel == "cases/panels/bands.html":
        from .views import ordered_bands

        return {"bands": ordered_bands(case.violation), "violation": case.violation}
    if step.panel == "cases/panels/balance.html":
        return {"balance": balance(case, _today())}
    if step.panel == "cases/panels/filing.html":
        ends = clocks.limitation_end(case.act_ended_on, case.harms_life_or_health) if case.act_ended_on else None
        return {"limitation_ends_on": ends}
    if step.panel == "cases/panels/conclude.html":
        return {"checks": [
            ("调查终结报告", getattr(case, "investigation_report", None) is not None),
            ("违法事实", bool(case.facts.strip())),
            ("违法行为及其违反条款、处罚依据", case.violation_id is not None),
            ("证据", case.evidence.exists()),
            ("证据保全与强制措施均已处理或解除",
             not case.measures.filter(decided_on__isnull=True, released_on__isnull=True).exists()),
        ]}
    if step.panel in ("cases/panels/review.html", "cases/panels/penalty.html"):
        return {"legal_rules": major.needs_legal_review(case), "deliberation_rules": major.needs_deliberation(case),
                "hearing_rules": major.hearing_rights(case), "current_round": reviews.current_round(case),
                "round_reviews": reviews.current_reviews(case), "penalty_labels": penalty_labels(case)}
    return {}


def penalty_labels(case) -> list[str]:
    from .choices import PenaltyKind

    labels = dict(PenaltyKind.choices)
    return [labels.get(code, code) for code in case.penalty_kind_codes]
