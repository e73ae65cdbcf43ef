"""The dashboard's figures of penalty cases (行政处罚): cases by procedure, collective deliberation, the legal
review of major decisions, fines and confiscations, no-penalty decisions and transfers. Registered by
ReportsConfig.ready(). A case belongs to a section through its lead officer (主办人).
"""
from __future__ import annotations

from django.db.models import Count, DecimalField, Exists, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce

from fazhi.cases.choices import Procedure, ReviewOutcome, ReviewStage, RuleEffect
from fazhi.cases.models import Case, CaseOfficer, Deliberation, LegalReview
from fazhi.cases.querysets import rules_condition

from .aggregates import counts, day_range, grouped_indicator, lead_in_section, rates, totals_by_organisation
from .indicators import AMOUNT, COUNT, FULL_IS_TARGET, PERCENT, Figure, Scope, register_indicator

GROUP = "行政处罚"
MONEY = DecimalField(max_digits=16, decimal_places=2)
ZERO = Value(0, output_field=MONEY)


def _section(scope: Scope) -> Q:
    return lead_in_section(CaseOfficer, "case", scope.section_id) if scope.section_id else Q()


def _cases(scope: Scope):
    return Case.objects.filter(_section(scope), organisation_id__in=scope.organisation_ids)


# ---- what each figure counts, for a period ----------------------------------------------------------------------

def _general_filed(p: Scope) -> Q:
    return Q(procedure=Procedure.GENERAL) & day_range("filed_on", p)


def _simple_decided(p: Scope) -> Q:
    return Q(procedure=Procedure.SIMPLE) & day_range("decided_on", p)


def _penalised(p: Scope) -> Q:
    """Decisions imposing a penalty with money in it (a fine or a confiscation)."""
    return day_range("decided_on", p) & ~Q(penalty_kinds="") & (Q(fine_amount__gt=0) | Q(confiscation_amount__gt=0))


def _not_penalised(p: Scope) -> Q:
    """不予行政处罚决定: decided, general procedure, without a penalty (decide_no_penalty clears the kinds)."""
    return Q(procedure=Procedure.GENERAL, penalty_kinds="") & day_range("decided_on", p)


def _transferred(p: Scope) -> Q:
    return ~Q(transferred_to="") & day_range("received_on", p)


def _case_totals(scope: Scope):
    def any_of(p):
        return _general_filed(p) | _simple_decided(p) | day_range("decided_on", p) | _transferred(p)

    def money(field, p):
        return Coalesce(Sum(field, filter=_penalised(p)), ZERO, output_field=MONEY)

    return totals_by_organisation("cases.totals", scope, Case.objects.filter(_section(scope)), {
        "general": lambda p: Count("pk", filter=_general_filed(p)),
        "simple": lambda p: Count("pk", filter=_simple_decided(p)),
        "fines": lambda p: money("fine_amount", p),
        "confiscations": lambda p: money("confiscation_amount", p),
        "no_penalty": lambda p: Count("pk", filter=_not_penalised(p)),
        "transferred": lambda p: Count("pk", filter=_transferred(p)),
    }, within=any_of)


def _amounts(totals) -> dict[int, Figure]:
    return {org: Figure(v["fines"] + v["confiscations"]) for org, v in totals.items()}


# ---- collective deliberation, legal review of major decisions ----------------------------------------------------

def _deliberated(p: Scope) -> Q:
    return Q(Exists(Deliberation.objects.filter(day_range("held_on", p), case=OuterRef("pk"))))


def _deliberation_totals(scope: Scope):
    # From the deliberations' side: they are few, the cases many.
    rows = Deliberation.objects.all()
    if scope.section_id:
        rows = rows.filter(lead_in_section(CaseOfficer, "case", scope.section_id, outer="case_id"))
    return totals_by_organisation(
        "cases.deliberations", scope, rows,
        {"deliberated": lambda p: Count("case_id", distinct=True, filter=day_range("held_on", p))},
        within=lambda p: day_range("held_on", p), by="case__organisation_id")


def _reviewed(p: Scope) -> Q:
    """A passed 法制科复审 given before the decision."""
    passed = LegalReview.objects.filter(case=OuterRef("pk"), stage=ReviewStage.LEGAL, outcome=ReviewOutcome.AGREE,
                                        reviewed_on__lte=OuterRef("decided_on"))
    return Q(Exists(passed))


def _major_decisions():
    """General-procedure decisions (with or without a penalty) that the case rule table says need legal review."""
    # The rule table's own SQL condition (cases.querysets.rule_condition), the same rows major.py judges one by one.
    return Case.objects.with_rule_fields().filter(rules_condition(RuleEffect.LEGAL_REVIEW),
                                                  procedure=Procedure.GENERAL, decided_on__isnull=False)


def _review_totals(scope: Scope):
    rows = _major_decisions().filter(_section(scope))
    return totals_by_organisation("cases.legal_review", scope, rows, {
        "major": lambda p: Count("pk", filter=day_range("decided_on", p)),
        "reviewed": lambda p: Count("pk", filter=day_range("decided_on", p) & _reviewed(p)),
    }, within=lambda p: day_range("decided_on", p))


def major_decisions(scope: Scope):
    return _major_decisions().filter(day_range("decided_on", scope), _section(scope),
                                          organisation_id__in=scope.organisation_ids)


INDICATORS = (
    grouped_indicator(
        code="cases.general", label="一般程序案件", unit="件", group=GROUP, order=200, kind=COUNT,
        definition="统计期内立案的一般程序行政处罚案件数，按立案日期计入统计期；不予立案的不计。",
        grouped=lambda s: counts(_case_totals(s), "general"),
        records=lambda s: _cases(s).filter(_general_filed(s)), phrase="立案查处一般程序案件{value}"),
    grouped_indicator(
        code="cases.simple", label="简易程序案件", unit="件", group=GROUP, order=210, kind=COUNT,
        definition="统计期内适用简易程序当场作出处罚决定的案件数，按决定日期计入统计期。",
        grouped=lambda s: counts(_case_totals(s), "simple"),
        records=lambda s: _cases(s).filter(_simple_decided(s)), phrase="适用简易程序当场处罚{value}"),
    grouped_indicator(
        code="cases.deliberated", label="集体讨论案件", unit="件", group=GROUP, order=220, kind=COUNT,
        definition="统计期内经本机关负责人集体讨论的案件数（一件案件讨论多次计1件），按讨论日期计入统计期。",
        grouped=lambda s: counts(_deliberation_totals(s), "deliberated"),
        records=lambda s: _cases(s).filter(_deliberated(s)), phrase="提交负责人集体讨论案件{value}"),
    grouped_indicator(
        code="cases.legal_review_rate", label="重大执法决定法制审核率", unit="%", group=GROUP, order=230,
        kind=PERCENT, tags=frozenset({FULL_IS_TARGET}),
        definition="统计期内作出的一般程序决定（含不予处罚决定）中，按现行案件规则表须经法制审核的决定，"
                   "在决定日期前经法制科复审“同意”的件数 ÷ 须经法制审核的决定件数，按决定日期计入统计期。",
        grouped=lambda s: rates(_review_totals(s), "reviewed", "major"),
        records=major_decisions, numerator_records=lambda s: major_decisions(s).filter(_reviewed(s)),
        phrase="须法制审核的重大执法决定{denominator}件、经法制审核{numerator}件，法制审核率{value}"),
    grouped_indicator(
        code="cases.fines", label="罚没款金额", unit="元", group=GROUP, order=240, kind=AMOUNT,
        definition="统计期内作出的行政处罚决定（一般程序和简易程序）所决定的罚款与没收违法所得金额合计，"
                   "按决定日期计入统计期；为决定金额，不是实际缴纳金额。",
        grouped=lambda s: _amounts(_case_totals(s)),
        records=lambda s: _cases(s).filter(_penalised(s)), phrase="决定罚没款{value}"),
    grouped_indicator(
        code="cases.no_penalty", label="不予处罚案件", unit="件", group=GROUP, order=250, kind=COUNT,
        definition="统计期内依行政处罚法第三十三条作出不予行政处罚决定的一般程序案件数，按决定日期计入统计期。",
        grouped=lambda s: counts(_case_totals(s), "no_penalty"),
        records=lambda s: _cases(s).filter(_not_penalised(s)), phrase="依法作出不予行政处罚决定{value}"),
    grouped_indicator(
        code="cases.transferred", label="移送案件", unit="件", group=GROUP, order=260, kind=COUNT,
        definition="已移送其他机关（如涉嫌犯罪移送公安机关）的案件数，按案件的发现或受理日期计入统计期"
                   "（移送日期未单独登记）。",
        grouped=lambda s: counts(_case_totals(s), "transferred"),
        records=lambda s: _cases(s).filter(_transferred(s)), phrase="移送案件{value}"),
)


def register() -> None:
    for found in INDICATORS:
        register_indicator(found)
