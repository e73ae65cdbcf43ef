"""Evaluators of the warning rules on penalty cases (warning_rules.RULES, source 行政处罚).

Each reads the scope's cases in a few queries (SQL narrows to the cases that could fire, generously), then asks
fazhi/cases/clocks.py for each deadline (once per distinct day, through the scan's ClockBook) and the cases
module's own guards for each judgement, and yields a Finding per case whose condition holds today. A deadline
rule with lead days L opens on the day `due - L` and not before; the scan raises it to 严重 once the due day
has passed.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from fazhi.cases import clocks
from fazhi.cases.choices import CaseStatus as S
from fazhi.cases.choices import MeasureKind, PartyKind, Procedure
from fazhi.cases.rules import CASE_RULES

from .choices import Severity
from .engine import CASE, Finding, ScanContext, chunks, day, teams

ONE_DAY = dt.timedelta(days=1)
PRE_DECISION = (S.INVESTIGATING, S.IN_REVIEW, S.NOTIFIED, S.HEARING)
# States in which the measures' clocks run (as CaseQuerySet.overdue_condition).
MEASURE_STATES = (S.REGISTERED, *PRE_DECISION)
# States in which the team acts under its certificates: investigation, decision, service, the spot decision.
TEAM_STATES = (S.REGISTERED, *PRE_DECISION, S.DECIDED, S.ON_SPOT)
PAYING = (S.SERVED, S.ON_SPOT, S.RECORDED)
HEAD = ("pk", "organisation_id", "filing_number", "decision_number", "party_name")

Judgement = tuple[dt.date | None, str, str | None]  # (due day, message, stage severity)


class CaseHead(NamedTuple):
    """What a Finding names a case by (the first fields of every row the evaluators read)."""

    pk: int
    organisation_id: int
    filing_number: str
    decision_number: str
    party_name: str


def _cases(ctx: ScanContext, **conditions):
    from fazhi.cases.models import Case

    return ctx.narrow(Case.objects.filter(**conditions), CASE)


def case_label(number: str, party: str) -> str:
    return f"{number or '未立案'} {party}".strip()


def _opens_on(due: dt.date, lead: int) -> dt.date:
    return due - dt.timedelta(days=lead)


def _latest_start(ctx: ScanContext, lead: int, days: int) -> dt.date:
    """No case started after this day can have a deadline of `days` plain days opening by today: a deadline is
    never earlier than start + days (it only moves later, past a holiday)."""
    return ctx.today + dt.timedelta(days=lead - days)


def findings(ctx: ScanContext, rows, judge: Callable[[object], Judgement | None]) -> Iterator[Finding]:
    """A Finding for each row (a named values_list row starting with HEAD) that `judge` holds, with the case's
    team read once per batch."""
    from fazhi.cases.models import CaseOfficer

    for batch in chunks(rows):
        judged = [(row, found) for row in batch if (found := judge(row)) is not None]
        if not judged:
            continue
        team = teams(CaseOfficer, "case_id", [row.pk for row, _ in judged])
        for row, (due, message, severity) in judged:
            number = row.filing_number or row.decision_number
            yield Finding(row.pk, row.organisation_id, team.get(row.pk, ()), due, message,
                          case_label(number, row.party_name), severity)


def _rows(queryset, *fields):
    return queryset.order_by("pk").values_list(*HEAD, *fields, named=True).iterator(chunk_size=5_000)


# ---- deadlines ----------------------------------------------------------------------------------------------

def filing_decision(ctx: ScanContext, lead: int) -> Iterator[Finding]:
    """W-CASE-FILING: a general-procedure case waiting for the filing decision (clocks.filing_due)."""
    from fazhi.cases.models import Case

    latest = _latest_start(ctx, lead, CASE_RULES.filing_decision_days)
    cases = ctx.narrow(Case.objects.filing_pending().filter(received_on__lte=latest), CASE)

    def judge(row):
        due = ctx.ask(clocks.filing_due, row.received_on)
        if ctx.today < _opens_on(due, lead):
            return None
        return due, (f"案件来源于{day(row.received_on)}发现或受理，应于{day(due)}前作出是否立案的决定"
                     f"（{CASE_RULES.filing_decision_days}日）。"), None

    return findings(ctx, _rows(cases, "received_on"), judge)


def decision_limit(ctx: ScanContext, lead: None) -> Iterator[Finding]:
    """W-CASE-90: an undecided case from day 60 of its 90-day limit, raised at day 80 (CASE_RULES
    .decision_warning_days, moved on by approved extensions, which CaseQuerySet.nearing_limit does not count);
    past `deadline_on` the scan makes it 严重."""
    from fazhi.cases.models import CaseExtension

    first, second = CASE_RULES.decision_warning_days
    extended = (CaseExtension.objects.filter(case=OuterRef("pk")).order_by().values("case")
                .annotate(days=Sum("days")).values("days"))
    cases = (_cases(ctx, status__in=PRE_DECISION, filed_on__lte=ctx.today - dt.timedelta(days=first))
             .annotate(extended=Coalesce(Subquery(extended, output_field=IntegerField()), Value(0))))

    def judge(row):
        elapsed = (ctx.today - row.filed_on).days - row.extended
        if elapsed < first:
            return None
        reached = second if elapsed >= second else first
        extension = f"，已延长{row.extended}日" if row.extended else ""
        message = (f"立案于{day(row.filed_on)}，办案期限{day(row.deadline_on)}（立案之日起"
                   f"{CASE_RULES.decision_limit_days}日{extension}），已满{reached}日尚未作出决定（行政处罚法第六十条）。")
        return row.deadline_on, message, (Severity.WARNING if elapsed >= second else None)

    return findings(ctx, _rows(cases, "filed_on", "deadline_on", "extended"), judge)


def _open_measures(ctx: ScanContext, kind: str, latest: dt.date):
    from fazhi.cases.models import Measure

    cases = _cases(ctx, status__in=MEASURE_STATES)
    measures = Measure.objects.filter(kind=kind, decided_on__isnull=True, released_on__isnull=True,
                                      started_on__lte=latest, case__in=cases.values("pk"))
    return (measures.order_by("case_id", "started_on", "id")
            .values_list("case_id", "number", "started_on", "extended_days", "case__organisation_id",
                         "case__filing_number", "case__decision_number", "case__party_name"))


def _measure_findings(ctx: ScanContext, lead: int, kind: str, days: int, due_of, what: str,
                      basis: str) -> Iterator[Finding]:
    """One Finding per case: its open measure of `kind` that falls due first, and how many more there are."""
    per_case: dict[int, list] = {}
    for row in _open_measures(ctx, kind, _latest_start(ctx, lead, days)):
        due = due_of(row)
        if ctx.today >= _opens_on(due, lead):
            per_case.setdefault(row[0], []).append((due, row))
    rows = []
    for case_id, pending in per_case.items():
        due, first = min(pending, key=lambda pair: pair[0])
        more = f"；另有{len(pending) - 1}项同类措施" if len(pending) > 1 else ""
        number = f"（{first[1]}）" if first[1] else ""
        message = f"{what}{number}于{day(first[2])}采取，应于{day(due)}前{basis}{more}。"
        rows.append((CaseHead(case_id, *first[4:8]), due, message))
    judged = {head.pk: (due, message, None) for head, due, message in rows}
    return findings(ctx, [head for head, _, _ in rows], lambda head: judged[head.pk])


def preservation(ctx: ScanContext, lead: int) -> Iterator[Finding]:
    """W-CASE-PRESERVE: 证据先行登记保存 without its decision (clocks.preservation_due, 7 days)."""
    return _measure_findings(
        ctx, lead, MeasureKind.PRESERVATION, CASE_RULES.preservation_decision_days,
        lambda row: ctx.ask(clocks.preservation_due, row[2]), "证据先行登记保存",
        "作出处理决定（行政处罚法第五十六条）")


def seizure(ctx: ScanContext, lead: int) -> Iterator[Finding]:
    """W-CASE-SEIZURE: 查封扣押 neither decided nor released (clocks.seizure_end, 30 days + approved extension)."""
    return _measure_findings(
        ctx, lead, MeasureKind.SEIZURE, CASE_RULES.seizure_days,
        lambda row: ctx.ask(clocks.seizure_end, row[2], row[3]), "查封扣押",
        "作出处理决定或者解除（行政强制法第二十五条）")


def service(ctx: ScanContext, lead: int) -> Iterator[Finding]:
    """W-CASE-SERVICE: a decision not yet served (clocks.service_due, 7 days)."""
    cases = _cases(ctx, status=S.DECIDED, decided_on__lte=_latest_start(ctx, lead, CASE_RULES.service_days))

    def judge(row):
        due = ctx.ask(clocks.service_due, row.decided_on)
        if ctx.today < _opens_on(due, lead):
            return None
        return due, (f"处罚决定于{day(row.decided_on)}作出，未当场交付的应于{day(due)}前送达当事人"
                     f"（行政处罚法第六十一条）。"), None

    return findings(ctx, _rows(cases, "decided_on"), judge)


def _money(value) -> str:
    return f"{Decimal(value or 0):,.2f}元"


def payment(ctx: ScanContext, lead: int) -> Iterator[Finding]:
    """W-CASE-PAYMENT: a fine or confiscation not paid by its day (15 days from service, or the approved
    instalments); past it the 3% daily surcharge runs (CaseQuerySet.with_money's figures)."""
    surcharge = f"{CASE_RULES.surcharge_daily_rate * 100:g}%"
    cases = (_cases(ctx, status__in=PAYING).with_money(ctx.today)
             .filter(Q(has_arrangement=True) | Q(payment_due_on__lte=ctx.today + dt.timedelta(days=lead))))

    def judge(row):
        owed = Decimal(row.fine_amount or 0) + Decimal(row.confiscation_amount or 0)
        paid = Decimal(row.paid_total or 0)
        if row.has_arrangement:
            if row.instalments_due > paid:
                return row.first_unpaid_due, (f"经批准分期（延期）缴纳，{day(row.first_unpaid_due)}起已到期的"
                                              f"{_money(row.instalments_due)}尚未缴清，已缴{_money(paid)}。"), None
            if row.next_instalment_on and ctx.today >= _opens_on(row.next_instalment_on, lead):
                return row.next_instalment_on, f"经批准分期（延期）缴纳，下一期应于{day(row.next_instalment_on)}前缴纳。", None
            return None
        if not row.payment_due_on or paid >= owed or ctx.today < _opens_on(row.payment_due_on, lead):
            return None
        return row.payment_due_on, (
            f"罚没款{_money(owed)}应于{day(row.payment_due_on)}前缴清（行政处罚法第六十七条），已缴{_money(paid)}；"
            f"逾期每日按罚款数额的{surcharge}加处罚款（第七十二条）。"), None

    fields = ("fine_amount", "confiscation_amount", "payment_due_on", "paid_total", "has_arrangement",
              "instalments_due", "first_unpaid_due", "next_instalment_on")
    return findings(ctx, _rows(cases, *fields), judge)


def enforcement(ctx: ScanContext, lead: None) -> Iterator[Finding]:
    """W-CASE-ENFORCE: after the reminder, the window for asking the court (clocks.enforcement_window): from the
    day it opens, 警告 in its last days, 严重 once it has closed."""
    from .warning_rules import WARNING_SETTINGS

    cases = _cases(ctx, status=S.REMINDED, served_on__isnull=False, reminder__isnull=False,
                   served_on__lte=ctx.today - dt.timedelta(days=CASE_RULES.reconsideration_days),
                   reminder__served_on__lte=ctx.today - dt.timedelta(days=CASE_RULES.reminder_wait_days))

    def judge(row):
        window = ctx.ask(clocks.enforcement_window, row.served_on, row.reminder__served_on)
        if ctx.today < window.opens_on:
            return None
        closing = (window.closes_on - ctx.today).days <= WARNING_SETTINGS.enforcement_closing_days
        return window.closes_on, (f"当事人逾期不履行，自{day(window.opens_on)}起可以申请人民法院强制执行，"
                                  f"应于{day(window.closes_on)}前申请（行政强制法第五十三条、第五十四条）。"), (
            Severity.WARNING if closing else None)

    return findings(ctx, _rows(cases, "served_on", "reminder__served_on"), judge)


def publication(ctx: ScanContext, lead: int) -> Iterator[Finding]:
    """W-CASE-PUBLISH: a penalty decision not yet published (Publication.objects.due_unpublished; due
    clocks.publication_due, 7 working days)."""
    from fazhi.cases.models import Case, Publication

    latest = _latest_start(ctx, lead, CASE_RULES.publication_workdays)
    cases = Publication.objects.due_unpublished(ctx.today, cases=ctx.narrow(Case.objects.all(), CASE))

    def judge(row):
        due = ctx.ask(clocks.publication_due, row.decided_on)
        if ctx.today < _opens_on(due, lead):
            return None
        return due, (f"处罚决定{row.decision_number}于{day(row.decided_on)}作出，应于{day(due)}前公开"
                     f"（{CASE_RULES.publication_workdays}个工作日）。"), None

    return findings(ctx, _rows(cases.filter(decided_on__lte=latest), "decided_on"), judge)


def simple_filing(ctx: ScanContext, lead: int) -> Iterator[Finding]:
    """W-CASE-SIMPLE-FILE: an on-the-spot decision not yet filed with the bureau (clocks.simple_filing_due)."""
    cases = _cases(ctx, status=S.ON_SPOT, decided_on__lte=_latest_start(ctx, lead, CASE_RULES.simple_filing_days))

    def judge(row):
        due = ctx.ask(clocks.simple_filing_due, row.decided_on)
        if ctx.today < _opens_on(due, lead):
            return None
        return due, f"当场处罚决定于{day(row.decided_on)}作出，应于{day(due)}前报所属行政机关备案（行政处罚法第五十二条）。", None

    return findings(ctx, _rows(cases, "decided_on"), judge)


# ---- guards --------------------------------------------------------------------------------------------------

def limitation(ctx: ScanContext, lead: None) -> Iterator[Finding]:
    """W-CASE-LIMIT: a case waiting for filing whose act was discovered after the limitation period
    (clocks.limitation_end, 行政处罚法第三十六条): it may not be filed."""
    shortest = clocks.add_years(ctx.today, -CASE_RULES.limitation_years)
    cases = _cases(ctx, status=S.REGISTERED, procedure=Procedure.GENERAL, act_ended_on__lt=shortest)

    def judge(row):
        end = ctx.ask(clocks.limitation_end, row.act_ended_on, row.harms_life_or_health)
        if row.received_on <= end:
            return None
        years = CASE_RULES.limitation_years_life_health if row.harms_life_or_health else CASE_RULES.limitation_years
        return None, (f"违法行为于{day(row.act_ended_on)}终了，至{day(row.received_on)}发现已超过{years}年追责时效"
                      f"（行政处罚法第三十六条），不再给予行政处罚，应当不予立案。"), None

    return findings(ctx, _rows(cases, "act_ended_on", "harms_life_or_health", "received_on"), judge)


def _case_objects(queryset, *fields):
    return queryset.order_by("pk").only(*HEAD, *fields).iterator(chunk_size=5_000)


def first_offence(ctx: ScanContext, lead: None) -> Iterator[Finding]:
    """W-CASE-FIRST: an undecided case where 首违不罚 may apply (services.first_offence_waiver_possible)."""
    from fazhi.cases.services import first_offence_waiver_possible

    cases = _cases(ctx, status__in=(S.REGISTERED, *PRE_DECISION), is_first_offence=True)

    def judge(case):
        if not first_offence_waiver_possible(case):
            return None
        return None, ("初次违法、危害后果轻微并及时改正，可以不予行政处罚（行政处罚法第三十三条第一款）；"
                      "不予处罚的，应当对当事人进行教育。"), None

    return findings(ctx, _case_objects(cases, "is_first_offence", "harm_minor", "corrected"), judge)


def discretion(ctx: ScanContext, lead: None) -> Iterator[Finding]:
    """W-CASE-BAND: a proposed fine outside its discretion band without written reasons (discretion
    .requires_reasons), or beyond what the penalty provision allows (fine_beyond_law, 严重)."""
    from fazhi.cases.discretion import fine_beyond_law, requires_reasons
    from fazhi.cases.models import Violation

    violations = {v.pk: v for v in Violation.objects.prefetch_related("bands")}
    cases = _cases(ctx, status__in=PRE_DECISION, violation__isnull=False, fine_amount__isnull=False,
                   discretion_reasons="")

    def judge(case):
        case.violation = violations[case.violation_id]
        beyond = fine_beyond_law(case)
        if beyond:
            return None, beyond, Severity.SERIOUS
        missing = requires_reasons(case)
        return (None, missing, None) if missing else None

    return findings(ctx, _case_objects(cases, "violation", "fine_amount", "band_level", "discretion_reasons"), judge)


def team_size(ctx: ScanContext, lead: None) -> Iterator[Finding]:
    """W-CASE-TEAM: fewer than two officers on a case being handled (行政处罚法第四十二条)."""
    from fazhi.cases.models import CaseOfficer

    size = (CaseOfficer.objects.filter(case=OuterRef("pk")).order_by().values("case").annotate(n=Count("pk"))
            .values("n"))
    cases = (_cases(ctx, status__in=TEAM_STATES)
             .annotate(team_size=Coalesce(Subquery(size, output_field=IntegerField()), Value(0)))
             .filter(team_size__lt=CASE_RULES.min_officers))

    def judge(row):
        return None, (f"承办人员{row.team_size}人，执法人员不得少于{CASE_RULES.min_officers}人"
                      f"（行政处罚法第四十二条）。"), None

    return findings(ctx, _rows(cases, "team_size"), judge)


def _team_members(ctx: ScanContext, condition: Q):
    """(case id, officer id) of the team members of cases being handled for whom `condition` holds."""
    from fazhi.cases.models import CaseOfficer

    cases = _cases(ctx, status__in=TEAM_STATES)
    return (CaseOfficer.objects.filter(case__in=cases.values("pk")).filter(condition)
            .order_by("case_id", "-is_lead", "id").values_list("case_id", "officer_id"))


def _member_findings(ctx: ScanContext, members, message: Callable[[list[str]], str]) -> Iterator[Finding]:
    from fazhi.cases.models import Case

    named: dict[int, list[str]] = {}
    for case_id, officer_id in members:
        named.setdefault(case_id, []).append(ctx.name(officer_id))
    for batch in chunks(sorted(named)):
        rows = Case.objects.filter(pk__in=batch).order_by("pk").values_list(*HEAD, named=True)
        yield from findings(ctx, rows, lambda row: (None, message(named[row.pk]), None))


def uncertified(ctx: ScanContext, lead: None) -> Iterator[Finding]:
    """W-CASE-CERT: a team member without a certificate valid today for the case's domain (core.certificates'
    `valid_on`), or whose account is disabled."""
    from fazhi.core.models import EnforcementCertificate

    valid = EnforcementCertificate.objects.valid_on(ctx.today).filter(holder=OuterRef("officer_id"),
                                                                       domains=OuterRef("case__domain_id"))
    members = _team_members(ctx, ~Q(Exists(valid)) | Q(officer__is_active=False))
    return _member_findings(ctx, members, lambda names: (
        f"承办人员{'、'.join(names)}今日未持有本案专业类别的有效执法证，不得从事行政执法（行政处罚法第四十二条）。"))


def recused(ctx: ScanContext, lead: None) -> Iterator[Finding]:
    """W-CASE-RECUSE: a team member registered as recused from the party (inspections.Recusal)."""
    from fazhi.inspections.models import Recusal

    interest = Recusal.objects.filter(entity_id=OuterRef("case__entity_id"), officer_id=OuterRef("officer_id"),
                                      is_active=True)
    members = _team_members(ctx, Q(Exists(interest)))
    return _member_findings(ctx, members, lambda names: (
        f"承办人员{'、'.join(names)}已对当事人登记回避，应当更换（行政处罚法第四十三条）。"))


# Penalty kinds of the simple procedure as stored (space-separated codes), in either order.
SIMPLE_KIND_TEXTS = ("", *CASE_RULES.simple_penalty_kinds, " ".join(sorted(CASE_RULES.simple_penalty_kinds)),
                     " ".join(sorted(CASE_RULES.simple_penalty_kinds, reverse=True)))


def simple_limits(ctx: ScanContext, lead: None) -> Iterator[Finding]:
    """W-CASE-SIMPLE: an on-the-spot decision beyond the simple procedure's limits (status.simple_limits_problem:
    only a warning or a fine ≤200 yuan for a citizen, ≤3,000 for an organisation)."""
    from fazhi.cases.status import simple_limits_problem

    beyond = (Q(party_kind=PartyKind.PERSON, fine_amount__gt=CASE_RULES.simple_fine_max_person)
              | Q(fine_amount__gt=CASE_RULES.simple_fine_max_organisation)
              | ~Q(penalty_kinds__in=SIMPLE_KIND_TEXTS))
    cases = _cases(ctx, procedure=Procedure.SIMPLE, status__in=(S.ON_SPOT, S.RECORDED)).filter(beyond)

    def judge(case):
        problem = simple_limits_problem(case, {})
        return (None, problem, None) if problem else None

    return findings(ctx, _case_objects(cases, "penalty_kinds", "party_kind", "fine_amount", "facts",
                                       "penalty_provision"), judge)
