"""The two procedures of a penalty case, one declared state machine each (行政处罚法第五章).

General procedure (一般程序):
  待立案审批 → 立案 → 调查取证 → 调查终结 → 审核中 (科室初审 → 法制科复审 → 集体讨论, as the rule table requires)
  → 事先告知 → (听证) → 决定 → 送达 → 履行 / 催告 → 申请强制执行 → 结案 → 归档;
  branches: 不予立案, 不予处罚, 移送, 撤销立案.
Simple procedure (简易程序): 当场决定 → 备案 → 结案 → 归档.

Every guard returns a refusal in Chinese citing its article, or None. Services put the acting person in the
context as "actor" and the day of the act as "on"; each guard reads what it needs from the case and the context.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from fazhi.core.certificates import may_enforce
from fazhi.core.workflow import StateMachine, Transition

from . import clocks, major
from .choices import CaseStatus as S
from .choices import PartyKind, ReviewOutcome, ReviewStage, ServiceMethod
from .rules import APPROVER_ROLES, CASE_RULES, LEADER_ROLES, LEGAL_ROLES, OFFICER_ROLES, SECTION_HEAD_ROLES

OPEN_STATES = (S.REGISTERED, S.INVESTIGATING, S.IN_REVIEW, S.NOTIFIED, S.HEARING, S.DECIDED, S.SERVED, S.REMINDED,
               S.ENFORCEMENT, S.ON_SPOT, S.RECORDED, S.FULFILLED, S.NO_PENALTY, S.TRANSFERRED)
# Before a decision the 90-day clock runs.
PRE_DECISION_STATES = (S.INVESTIGATING, S.IN_REVIEW, S.NOTIFIED, S.HEARING)


def _on(context) -> dt.date:
    return context.get("on") or timezone.localdate()


def _money(value) -> str:
    return f"{Decimal(value):,.2f}元"


# ---- guards shared by several moves ---------------------------------------------------------------------------

def team_problem(case, context) -> str | None:
    """At least two officers, each certified for the case's domain on the day, none recused (第四十二、四十三条)."""
    from fazhi.inspections.models import Recusal

    team = list(case.team.select_related("officer"))
    if len(team) < CASE_RULES.min_officers:
        return f"执法人员不得少于{CASE_RULES.min_officers}人（行政处罚法第四十二条）。"
    for member in team:
        check = may_enforce(member.officer, case.domain_id, _on(context))
        if not check:
            return f"{check.reason}（行政处罚法第四十二条）"
    if case.entity_id:
        recused = (Recusal.objects.filter(entity_id=case.entity_id, is_active=True,
                                          officer_id__in=[m.officer_id for m in team])
                   .select_related("officer").first())
        if recused is not None:
            return f"{recused.officer}已对该当事人登记回避（{recused.reason}），不能办理本案（行政处罚法第四十三条）。"
    return None


def reason_given(case, context) -> str | None:
    return None if (context.get("reason") or "").strip() else "请填写理由。"


def deadline_problem(case, context) -> str | None:
    """No decision after the 90-day limit (第六十条) unless an extension was approved first."""
    if case.deadline_on and _on(context) > case.deadline_on:
        return (f"已超过办案期限{case.deadline_on:%Y年%m月%d日}（立案之日起{CASE_RULES.decision_limit_days}日，"
                "行政处罚法第六十条）；确需延长的，请先报负责人批准延期。")
    return None


def reviews_problem(case, context) -> str | None:
    """科室初审 passed; 法制科复审 passed where the rule table requires it (第五十八条); 集体讨论 held and agreed
    where it requires it (第五十七条), each after the last return for further investigation."""
    from .reviews import current_reviews, latest_deliberation

    reviews = current_reviews(case)
    section = [r for r in reviews if r.stage == ReviewStage.SECTION]
    if not section or not section[-1].passed:
        return "案件未经科室初审同意，不能进入下一步。"
    legal_rules = major.needs_legal_review(case)
    if legal_rules:
        legal = [r for r in reviews if r.stage == ReviewStage.LEGAL]
        if not legal or not legal[-1].passed:
            return (f"本案属于{major.rule_names(legal_rules)}，须经法制审核通过方可作出决定"
                    "（行政处罚法第五十八条）。")
    deliberation_rules = major.needs_deliberation(case)
    if deliberation_rules:
        deliberation = latest_deliberation(case)
        if deliberation is None or deliberation.conclusion != ReviewOutcome.AGREE:
            return (f"本案属于{major.rule_names(deliberation_rules)}，须经负责人集体讨论决定"
                    "（行政处罚法第五十七条第二款）。")
    return None


def discretion_problem(case, context) -> str | None:
    """A fine within the penalty provision's range (第三十八条), and outside its band only with written reasons
    (第三十四条)."""
    from .discretion import fine_beyond_law, requires_reasons

    return fine_beyond_law(case) or requires_reasons(case)


def actor_on_case(case, context) -> str | None:
    actor = context.get("actor")
    if actor is not None and not actor.is_superuser and not case.team.filter(officer=actor).exists():
        return "只有本案承办人员可以办理此步骤。"
    return None


def actor_not_on_case(case, context) -> str | None:
    """Whoever reviews or decides is not one of the case's investigators (审查与调查分离)."""
    actor = context.get("actor")
    if actor is not None and case.team.filter(officer=actor).exists():
        return "案件承办人员不能审核或决定本案（行政处罚法第五十八条、第六十四条）。"
    return None


# ---- filing ---------------------------------------------------------------------------------------------------

def limitation_problem(case, context) -> str | None:
    if case.act_ended_on is None:
        return "请填写违法行为终了日期，以便判断追责时效（行政处罚法第三十六条）。"
    end = clocks.limitation_end(case.act_ended_on, case.harms_life_or_health)
    if case.received_on > end:
        years = (CASE_RULES.limitation_years_life_health if case.harms_life_or_health
                 else CASE_RULES.limitation_years)
        return (f"违法行为自{case.act_ended_on:%Y年%m月%d日}终了，至{case.received_on:%Y年%m月%d日}发现已超过{years}年，"
                "不再给予行政处罚（行政处罚法第三十六条），应当不予立案。")
    return None


def filing_time_problem(case, context) -> str | None:
    due = clocks.filing_due(case.received_on)
    if _on(context) > due and not (context.get("delay_reason") or "").strip():
        return (f"立案决定应于{due:%Y年%m月%d日}前作出（收到之日起{CASE_RULES.filing_decision_days}日），"
                "已逾期，请写明逾期立案的原因。")
    if _on(context) < case.received_on:
        return "立案日期不能早于发现或受理日期。"
    return None


def transfer_target_given(case, context) -> str | None:
    return None if (context.get("transferred_to") or "").strip() else "请填写移送机关（行政处罚法第二十七条）。"


# ---- investigation ----------------------------------------------------------------------------------------------

def conclusion_problem(case, context) -> str | None:
    from .models import Measure

    if not hasattr(case, "investigation_report"):
        return "请先填写案件调查终结报告。"
    if not case.facts.strip():
        return "请填写违法事实。"
    if case.violation_id is None or case.penalty_provision_id is None or case.provision_broken_id is None:
        return "请选择违法行为，并确认违反条款和处罚依据。"
    if not case.evidence.exists():
        return "案件没有任何证据，不能调查终结（行政处罚法第五十四条：必须全面、客观、公正地调查，收集有关证据）。"
    open_measures = [m for m in Measure.objects.filter(case=case) if m.decided_on is None and m.released_on is None]
    if open_measures:
        return f"{open_measures[0].get_kind_display()}（{open_measures[0].started_on:%Y年%m月%d日}）尚未作出处理决定或解除。"
    return None


# ---- notice, hearing, decision -------------------------------------------------------------------------------

def penalty_proposed(case, context) -> str | None:
    if not case.penalty_kind_codes:
        return "请先确定拟作出的处罚种类。"
    return None


def windows_problem(case, context) -> str | None:
    """No decision while the party may still state, defend or ask for a hearing (第四十四、六十二、六十四条)."""
    notice = getattr(case, "notice", None)
    if notice is None:
        return "作出处罚决定前，应当告知当事人拟作出的处罚内容及事实、理由、依据和陈述、申辩、要求听证的权利（行政处罚法第四十四条）。"
    if notice.rights_waived_on:
        return None
    on = _on(context)
    if on <= notice.statement_until:
        return (f"陈述、申辩期限至{notice.statement_until:%Y年%m月%d日}届满，期满前不能作出处罚决定"
                "（行政处罚法第四十五条、第六十二条）。")
    if notice.hearing_rights and notice.hearing_request_until and on <= notice.hearing_request_until:
        return (f"听证申请期限至{notice.hearing_request_until:%Y年%m月%d日}届满，期满前不能作出处罚决定"
                "（行政处罚法第六十四条）。")
    return None


def hearing_problem(case, context) -> str | None:
    """In the hearing branch the hearing must have been held lawfully first (第六十四条)."""
    if case.status != S.HEARING:
        return None
    hearing = getattr(case, "hearing", None)
    if hearing is None or hearing.held_on is None:
        return "当事人已要求听证，听证结束前不能作出处罚决定（行政处罚法第六十四条）。"
    if hearing.held_on > _on(context):
        return "决定日期不能早于听证日期。"
    return None


def no_heavier_problem(case, context) -> str | None:
    """The decision is never heavier than what was notified: a defence never raises the penalty (第四十五条)."""
    if case.notified_fine is not None and case.fine_amount is not None and case.fine_amount > case.notified_fine:
        return (f"拟决定罚款{_money(case.fine_amount)}高于告知的{_money(case.notified_fine)}，"
                "不得因当事人陈述、申辩而给予更重的处罚（行政处罚法第四十五条）；如需加重，应当重新告知。")
    added = set(case.penalty_kind_codes) - set(case.notified_penalty_kinds.split())
    if case.notified_penalty_kinds and added:
        return "拟决定的处罚种类超出告知内容，不得给予更重的处罚（行政处罚法第四十五条）；如需变更，应当重新告知。"
    return None


def post_hearing_review_problem(case, context) -> str | None:
    """After a hearing, the rule table may ask for a fresh legal review (第五十八条第一款第（二）项)."""
    hearing = getattr(case, "hearing", None)
    if hearing is None or hearing.held_on is None:
        return None
    from .choices import ConditionKind, RuleEffect
    from .models import CaseRule, LegalReview

    if not CaseRule.objects.filter(effect=RuleEffect.LEGAL_REVIEW, condition=ConditionKind.AFTER_HEARING,
                                   is_active=True).exists():
        return None
    latest = (LegalReview.objects.filter(case=case, stage=ReviewStage.LEGAL, reviewed_on__gte=hearing.held_on,
                                         after_hearing=True).order_by("-reviewed_on", "-id").first())
    if latest is None or not latest.passed:
        return "本案经过听证程序，作出决定前须经法制审核通过（行政处罚法第五十八条第一款第（二）项）。"
    return None


def applicable_law_problem(case, context) -> str | None:
    from .applicable_law import applicable_law_problem as problem

    return problem(case, context)


def elements_problem(case, context) -> str | None:
    """A decision carries every element of 第五十九条."""
    from .documents import decision_missing_elements

    missing = decision_missing_elements(case)
    if missing:
        return f"行政处罚决定书缺少{'、'.join(missing)}，请补全（行政处罚法第五十九条）。"
    return None


def hearing_request_problem(case, context) -> str | None:
    notice = getattr(case, "notice", None)
    if notice is None or not notice.hearing_rights:
        return "本案不属于应当告知听证权利的情形（行政处罚法第六十三条）。"
    requested_on = context.get("requested_on")
    if requested_on is None:
        return "请填写当事人提出听证申请的日期。"
    if requested_on > notice.hearing_request_until:
        return (f"当事人应当在告知后五日内提出听证（至{notice.hearing_request_until:%Y年%m月%d日}），"
                "逾期提出的不予受理（行政处罚法第六十四条第（一）项）。")
    return None


def education_given(case, context) -> str | None:
    if not (context.get("education_record") or case.education_record or "").strip():
        return "不予处罚的，应当对当事人进行教育，请填写教育记录（行政处罚法第三十三条第三款）。"
    return None


# ---- service and execution ------------------------------------------------------------------------------------

def service_problem(case, context) -> str | None:
    method = context.get("method")
    if method == ServiceMethod.ELECTRONIC and not context.get("electronic_consent"):
        return "电子送达须经当事人同意并签订确认书（行政处罚法第六十一条第二款）。"
    served_on = context.get("served_on") or _on(context)
    if case.decided_on and served_on < case.decided_on:
        return "送达日期不能早于决定日期。"
    if case.decided_on and served_on > clocks.service_due(case.decided_on) and not (context.get("late_reason") or "").strip():
        return (f"决定书应于{clocks.service_due(case.decided_on):%Y年%m月%d日}前送达（宣告后当场交付或七日内送达，"
                "行政处罚法第六十一条），已逾期，请写明原因。")
    return None


def overdue_problem(case, context) -> str | None:
    from .balance import balance

    on = _on(context)
    if case.appeals.filter(ended_on__isnull=True).exists():
        return "当事人申请行政复议或提起行政诉讼期间，不进行催告（行政处罚法第七十三条）。"
    owed = balance(case, on)
    if owed.settled:
        return "当事人已履行完毕，无需催告。"
    if owed.overdue_since is None or on < owed.overdue_since:
        return f"缴纳期限尚未届满（{case.payment_due_on:%Y年%m月%d日}），不能催告（行政处罚法第六十七条）。"
    return None


def enforcement_problem(case, context) -> str | None:
    reminder = getattr(case, "reminder", None)
    if reminder is None or case.served_on is None:
        return "申请强制执行前，应当催告当事人履行义务（行政强制法第五十四条）。"
    on = _on(context)
    window = clocks.enforcement_window(case.served_on, reminder.served_on)
    if on < window.opens_on:
        return (f"应当在催告书送达十日后、且复议和诉讼期限届满后申请强制执行，最早{window.opens_on:%Y年%m月%d日}"
                "（行政强制法第五十三条、第五十四条）。")
    if on > window.closes_on:
        return (f"申请强制执行的期限已于{window.closes_on:%Y年%m月%d日}届满（期限届满之日起三个月内，"
                "行政强制法第五十三条）。")
    if case.appeals.filter(ended_on__isnull=True).exists():
        return "行政复议或行政诉讼尚未终结，不能申请强制执行。"
    return None


def settled_problem(case, context) -> str | None:
    from .balance import balance

    owed = balance(case, _on(context))
    if not owed.settled:
        return f"尚欠{_money(owed.outstanding)}（含加处罚款{_money(owed.surcharge)}），未履行完毕。"
    return None


def closing_problem(case, context) -> str | None:
    if case.status == S.ENFORCEMENT:
        enforcement = getattr(case, "enforcement", None)
        if enforcement is None or enforcement.concluded_on is None:
            return "人民法院强制执行尚未终结，不能结案。"
    return None


# ---- the simple procedure -----------------------------------------------------------------------------------------

def simple_limits_problem(case, context) -> str | None:
    """Only a warning or a fine ≤200 yuan (citizen) / ≤3,000 yuan (organisation) on the spot (第五十一条)."""
    kinds = set(case.penalty_kind_codes)
    if not kinds:
        return "请选择处罚种类（警告或罚款）。"
    if not kinds <= CASE_RULES.simple_penalty_kinds:
        return "简易程序只能给予警告或者罚款（行政处罚法第五十一条）；其他处罚应当适用一般程序。"
    limit = (CASE_RULES.simple_fine_max_person if case.party_kind == PartyKind.PERSON
             else CASE_RULES.simple_fine_max_organisation)
    if "fine" in kinds:
        if not case.fine_amount or case.fine_amount <= 0:
            return "请填写罚款数额。"
        if case.fine_amount > limit:
            who = "公民" if case.party_kind == PartyKind.PERSON else "法人或者其他组织"
            return (f"对{who}当场罚款不得超过{_money(limit)}（行政处罚法第五十一条），"
                    f"拟罚款{_money(case.fine_amount)}应当适用一般程序。")
    elif case.fine_amount:
        return "未选择罚款却填写了罚款数额。"
    if not case.facts.strip() or case.penalty_provision_id is None:
        return "请填写违法事实并选择处罚依据（行政处罚法第五十一条：违法事实确凿并有法定依据）。"
    return None


def cash_problem(case, context) -> str | None:
    """Cash on the spot only for ≤100 yuan or when later collection would be hard, with a receipt (第六十八至七十条)."""
    if not case.cash_collected:
        return None
    if case.fine_amount is None:
        return "没有罚款，不能当场收缴。"
    if case.fine_amount > CASE_RULES.on_spot_cash_max and not case.cash_hard_to_collect:
        return (f"罚款超过{_money(CASE_RULES.on_spot_cash_max)}，只有不当场收缴事后难以执行的，方可当场收缴"
                "（行政处罚法第六十八条、第六十九条）。")
    if not case.cash_receipt_number.strip():
        return "当场收缴罚款的，必须出具财政部门统一制发的专用票据，请填写票据编号（行政处罚法第七十条）。"
    return None


def simple_filing_problem(case, context) -> str | None:
    due = clocks.simple_filing_due(case.decided_on)
    if _on(context) > due and not (context.get("reason") or "").strip():
        return f"当场处罚决定应于{due:%Y年%m月%d日}前报所属行政机关备案（行政处罚法第五十二条），已逾期，请写明原因。"
    return None


# ---- the machines ------------------------------------------------------------------------------------------------

CASE_LABELS = dict(S.choices)

GENERAL_MACHINE = StateMachine(
    name="一般程序",
    labels=CASE_LABELS,
    transitions=[
        Transition("file", "立案", (S.REGISTERED,), S.INVESTIGATING, APPROVER_ROLES,
                   (limitation_problem, filing_time_problem, team_problem)),
        Transition("refuse_filing", "不予立案", (S.REGISTERED,), S.NOT_FILED, APPROVER_ROLES, (reason_given,)),
        Transition("transfer", "移送", (S.REGISTERED, S.INVESTIGATING), S.TRANSFERRED, APPROVER_ROLES,
                   (reason_given, transfer_target_given)),
        Transition("withdraw", "撤销立案", (S.INVESTIGATING,), S.WITHDRAWN, LEADER_ROLES, (reason_given,)),
        Transition("conclude", "调查终结，提交审核", (S.INVESTIGATING,), S.IN_REVIEW, OFFICER_ROLES,
                   (actor_on_case, conclusion_problem, team_problem, discretion_problem)),
        Transition("return_for_investigation", "退回补充调查", (S.IN_REVIEW,), S.INVESTIGATING,
                   SECTION_HEAD_ROLES | LEGAL_ROLES | LEADER_ROLES, (reason_given,)),
        Transition("notify", "事先告知", (S.IN_REVIEW,), S.NOTIFIED, OFFICER_ROLES,
                   (actor_on_case, penalty_proposed, reviews_problem, deadline_problem, discretion_problem)),
        Transition("request_hearing", "受理听证申请", (S.NOTIFIED,), S.HEARING, OFFICER_ROLES | APPROVER_ROLES,
                   (hearing_request_problem,)),
        Transition("decide", "作出处罚决定", (S.NOTIFIED, S.HEARING), S.DECIDED, LEADER_ROLES,
                   (actor_not_on_case, deadline_problem, windows_problem, hearing_problem, reviews_problem,
                    post_hearing_review_problem, no_heavier_problem, discretion_problem, team_problem,
                    applicable_law_problem, elements_problem)),
        Transition("decide_no_penalty", "不予处罚", (S.IN_REVIEW, S.NOTIFIED, S.HEARING), S.NO_PENALTY, LEADER_ROLES,
                   (actor_not_on_case, reason_given, education_given, reviews_problem, deadline_problem)),
        Transition("serve", "送达决定书", (S.DECIDED,), S.SERVED, OFFICER_ROLES, (actor_on_case, service_problem)),
        Transition("fulfil", "确认履行完毕", (S.SERVED, S.REMINDED, S.ENFORCEMENT), S.FULFILLED,
                   OFFICER_ROLES | APPROVER_ROLES, (settled_problem,)),
        Transition("remind", "催告", (S.SERVED,), S.REMINDED, OFFICER_ROLES, (actor_on_case, overdue_problem)),
        Transition("apply_enforcement", "申请人民法院强制执行", (S.REMINDED,), S.ENFORCEMENT, APPROVER_ROLES,
                   (enforcement_problem,)),
        Transition("close", "结案", (S.FULFILLED, S.ENFORCEMENT, S.NO_PENALTY, S.TRANSFERRED), S.CLOSED,
                   APPROVER_ROLES, (closing_problem,)),
        Transition("archive", "归档", (S.CLOSED, S.NOT_FILED, S.WITHDRAWN), S.ARCHIVED,
                   APPROVER_ROLES | LEGAL_ROLES),
    ],
)

SIMPLE_MACHINE = StateMachine(
    name="简易程序",
    labels=CASE_LABELS,
    transitions=[
        Transition("decide_on_spot", "当场作出处罚决定", (S.REGISTERED,), S.ON_SPOT, OFFICER_ROLES,
                   (actor_on_case, simple_limits_problem, cash_problem, team_problem, applicable_law_problem)),
        Transition("record_with_bureau", "报所属行政机关备案", (S.ON_SPOT,), S.RECORDED,
                   OFFICER_ROLES | APPROVER_ROLES, (simple_filing_problem,)),
        Transition("close", "结案", (S.RECORDED,), S.CLOSED, OFFICER_ROLES | APPROVER_ROLES, (settled_problem,)),
        Transition("archive", "归档", (S.CLOSED,), S.ARCHIVED, APPROVER_ROLES | LEGAL_ROLES),
    ],
)


def machine_for(case) -> StateMachine:
    from .choices import Procedure

    return SIMPLE_MACHINE if case.procedure == Procedure.SIMPLE else GENERAL_MACHINE
