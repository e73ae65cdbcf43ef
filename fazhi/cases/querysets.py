"""Reads of penalty cases: the lists, the officers', reviewers' and leaders' work queues, and each case's clocks.

Every list starts from `visible_to(user)`; a work queue from `writable_by(user)`, since only one's own bureau's
cases can be acted on. Due dates come from clocks.py: a clock that a stored field already holds (办案期限, 缴纳期限,
the notice's windows) is read from it; the others are asked of clocks.py, once per distinct day per page
(`ClockBook`), since each answer reads the holiday table.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connections
from django.db.models import (
    BooleanField, CharField, Count, DecimalField, Exists, F, Func, IntegerField, OuterRef, Prefetch, Q, Subquery,
    Sum, Value, When,
)
from django.db.models import Case as CaseWhen
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone

from fazhi.core.querysets import ScopedQuerySet
from fazhi.entities.querysets import ArrayHas

from . import clocks
from .choices import CaseStatus as S
from .choices import ConditionKind, MeasureKind, Procedure, ReviewOutcome, ReviewStage, RuleEffect
from .rules import CASE_RULES

ONE_DAY = dt.timedelta(days=1)
MONEY = DecimalField(max_digits=14, decimal_places=2)
ZERO = Decimal("0.00")
SURCHARGE_PERCENT = f"{CASE_RULES.surcharge_daily_rate * 100:g}%"
PRE_DECISION = (S.INVESTIGATING, S.IN_REVIEW, S.NOTIFIED, S.HEARING)
# Decided and owing: the payment clock runs. After a reminder the clock is the court's window instead.
PAYING = (S.SERVED, S.ON_SPOT, S.RECORDED)
# 补充调查 and 不同意 send a case back to investigation and open a new round (reviews.RETURNING_OUTCOMES).
RETURNING = (ReviewOutcome.SUPPLEMENT, ReviewOutcome.DISAGREE)


# ---- clocks ------------------------------------------------------------------------------------------------------

class ClockBook:
    """The answers of clocks.py for one page: each computation is asked once (each reads the holiday table)."""

    def __init__(self, today: dt.date):
        self.today = today
        self._answers: dict[tuple, object] = {}

    def ask(self, fn: Callable, *args):
        key = (fn.__name__, *args)
        if key not in self._answers:
            self._answers[key] = fn(*args)
        return self._answers[key]

    def last_start_due_before(self, due: Callable, guess: dt.date) -> dt.date:
        """The latest start day whose due day (`due(start)`, never earlier than the start and never falling as the
        start moves on) is before today: a case that started on or before it is overdue."""
        day = guess
        while due(day) >= self.today:
            day -= ONE_DAY
        while due(day + ONE_DAY) < self.today:
            day += ONE_DAY
        return day

    def cutoff(self, fn: Callable, *fixed, days: int) -> dt.date:
        """`last_start_due_before` for a clocks.py function of a start day (and fixed further arguments)."""
        guess = self.today - dt.timedelta(days=days)
        return self.last_start_due_before(lambda start: self.ask(fn, start, *fixed), guess)


def clock_book(request) -> ClockBook:
    """One ClockBook per request, shared by the filters and the table of a page."""
    book = getattr(request, "_case_clock_book", None)
    if book is None:
        book = request._case_clock_book = ClockBook(timezone.localdate())
    return book


@dataclass(frozen=True)
class CaseClock:
    """One running clock of a case: what is due, by when, how many days are left (negative: overdue)."""

    label: str
    due_on: dt.date
    today: dt.date
    note: str = ""

    @property
    def days_left(self) -> int:
        return (self.due_on - self.today).days

    @property
    def overdue(self) -> bool:
        return self.due_on < self.today

    @property
    def text(self) -> str:
        if self.overdue:
            return f"已逾期{-self.days_left}日"
        return "今日届满" if self.days_left == 0 else f"还剩{self.days_left}日"


def _one(case, name):
    try:
        return getattr(case, name)
    except Exception:  # each reverse one-to-one raises its own DoesNotExist: all mean "none yet"
        return None


def case_clocks(case, book: ClockBook) -> list[CaseClock]:
    """The clocks running on a case today, the most pressing first. Reads the notice, the reminder and the open
    measures from the case (select or prefetch them), and the payment figures from `with_money()`."""
    today, found = book.today, []
    status = case.status
    if status == S.REGISTERED and case.procedure == Procedure.GENERAL:
        found.append(CaseClock("立案决定期限", book.ask(clocks.filing_due, case.received_on), today))
    if status in PRE_DECISION and case.deadline_on:
        found.append(CaseClock("办案期限", case.deadline_on, today))
    notice = _one(case, "notice") if status == S.NOTIFIED else None
    if notice is not None and not notice.rights_waived_on:
        if notice.statement_until >= today:
            found.append(CaseClock("陈述申辩期限", notice.statement_until, today, "期满前不能作出决定"))
        if notice.hearing_request_until and notice.hearing_request_until >= today:
            found.append(CaseClock("听证申请期限", notice.hearing_request_until, today, "期满前不能作出决定"))
    if status == S.DECIDED and case.decided_on:
        found.append(CaseClock("送达期限", book.ask(clocks.service_due, case.decided_on), today))
    if status == S.ON_SPOT and case.decided_on:
        found.append(CaseClock("备案期限", book.ask(clocks.simple_filing_due, case.decided_on), today))
    found.extend(_payment_clocks(case, today))
    reminder = _one(case, "reminder") if status == S.REMINDED else None
    if reminder is not None and case.served_on:
        window = clocks.enforcement_window(case.served_on, reminder.served_on)
        if today < window.opens_on:
            found.append(CaseClock("可申请强制执行", window.opens_on, today, "此前不能申请"))
        else:
            found.append(CaseClock("申请强制执行期限", window.closes_on, today))
    for measure in getattr(case, "open_measures", ()):
        found.append(CaseClock(f"{measure.get_kind_display()}期限", _measure_end(measure, book), today,
                               measure.number))
    return sorted(found, key=lambda c: c.due_on)


def _measure_end(measure, book: ClockBook) -> dt.date:
    if measure.kind == MeasureKind.PRESERVATION:
        return book.ask(clocks.preservation_due, measure.started_on)
    return book.ask(clocks.seizure_end, measure.started_on, measure.extended_days)


def _payment_clocks(case, today: dt.date) -> list[CaseClock]:
    if case.status not in PAYING or not hasattr(case, "paid_total"):
        return []
    if case.has_arrangement:
        if case.instalments_due > case.paid_total:
            return [CaseClock("分期（暂缓）缴纳", case.first_unpaid_due or today, today, "已到期的分期尚未缴清")]
        if case.next_instalment_on:
            return [CaseClock("分期（暂缓）缴纳", case.next_instalment_on, today)]
        return []
    owed = Decimal(case.fine_amount or 0) + Decimal(case.confiscation_amount or 0)
    if case.payment_due_on and case.paid_total < owed:
        return [CaseClock("缴纳期限", case.payment_due_on, today, f"逾期每日加处罚款{SURCHARGE_PERCENT}")]
    return []


# ---- the case rule table as SQL ------------------------------------------------------------------------------------

def rule_condition(rule) -> Q:
    """What a CaseRule row catches, as a condition on cases: the same conditions major.py applies to one case, so
    that a queue can be filtered and paged in the database. Needs `with_rule_fields()`."""
    nothing = Q(pk__in=[])
    party = Q(party_kind=rule.party_kind) if rule.party_kind else Q()
    condition = rule.condition
    if condition == ConditionKind.FINE_AT_LEAST:
        return party & Q(fine_amount__gte=rule.amount) if rule.amount is not None else nothing
    if condition == ConditionKind.CONFISCATION_AT_LEAST:
        return party & Q(confiscation_amount__gte=rule.amount) if rule.amount is not None else nothing
    if condition == ConditionKind.PENALTY_KIND:
        return party & Q(padded_kinds__contains=f" {rule.penalty_kind} ") if rule.penalty_kind else nothing
    if condition == ConditionKind.AFTER_HEARING:
        return party & Q(hearing_held=True)
    if condition == ConditionKind.COMPLEX:
        return party & Q(is_complex=True)
    if condition == ConditionKind.MAJOR_PUBLIC_INTEREST:
        return party & Q(is_major_public_interest=True)
    return nothing


def rules_condition(effect: str) -> Q:
    from .models import CaseRule

    found = Q(pk__in=[])
    for rule in CaseRule.objects.filter(effect=effect, is_active=True):
        found |= rule_condition(rule)
    return found


def not_agreed(outcome: str) -> Q:
    """No outcome yet, or one other than 同意: an exclude() alone would drop the rows without one (NULL)."""
    return Q(**{f"{outcome}__isnull": True}) | ~Q(**{outcome: ReviewOutcome.AGREE})


# ---- the queryset --------------------------------------------------------------------------------------------------

class CaseQuerySet(ScopedQuerySet):
    # -- what a list shows ------------------------------------------------------------------------------------------
    def search(self, text: str) -> CaseQuerySet:
        """Party, cause, filing or decision number: one substring search over `search_text`."""
        text = (text or "").strip().upper()
        if not text:
            return self
        if len(text) == 2 and connections[self.db].vendor == "postgresql":
            # Below the trigram index's reach; the bigram index answers exactly, and with true row estimates.
            return self.filter(ArrayHas(Func(F("search_text"), function="fazhi_bigrams"), Value(text)))
        return self.filter(search_text__contains=text)

    def listing(self) -> CaseQuerySet:
        from .models import CaseOfficer

        team = CaseOfficer.objects.select_related("officer").order_by("-is_lead", "id")
        return self.select_related("organisation", "domain").prefetch_related(Prefetch("team", queryset=team))

    def with_clock_records(self) -> CaseQuerySet:
        """What `case_clocks` reads beside the case: the notice, the reminder, the open measures, the money."""
        from .models import Measure

        open_measures = Measure.objects.filter(decided_on__isnull=True, released_on__isnull=True).order_by("started_on")
        return (self.select_related("notice", "reminder")
                .prefetch_related(Prefetch("measures", queryset=open_measures, to_attr="open_measures")))

    def with_money(self, today: dt.date) -> CaseQuerySet:
        """Paid so far, whether payment was deferred or split, what of it has fallen due, and the next due day."""
        from .models import Instalment, Payment, PaymentArrangement

        paid = (Payment.objects.filter(case=OuterRef("pk")).order_by().values("case")
                .annotate(total=Sum("amount")).values("total"))
        latest = PaymentArrangement.objects.filter(case=OuterRef(OuterRef("pk"))).order_by("-approved_on", "-id")
        instalments = Instalment.objects.filter(arrangement=Subquery(latest.values("pk")[:1]))
        fallen_due = (instalments.filter(due_on__lt=today).order_by().values("arrangement")
                      .annotate(total=Sum("amount")).values("total"))
        return self.annotate(
            paid_total=Coalesce(Subquery(paid, output_field=MONEY), Value(ZERO), output_field=MONEY),
            has_arrangement=Exists(PaymentArrangement.objects.filter(case=OuterRef("pk"))),
            instalments_due=Coalesce(Subquery(fallen_due, output_field=MONEY), Value(ZERO), output_field=MONEY),
            first_unpaid_due=Subquery(instalments.filter(due_on__lt=today).order_by("due_on").values("due_on")[:1]),
            next_instalment_on=Subquery(instalments.filter(due_on__gte=today).order_by("due_on").values("due_on")[:1]),
        )

    def with_rule_fields(self) -> CaseQuerySet:
        """The fields `rule_condition` reads besides the case's own."""
        from .models import Hearing

        return self.annotate(
            padded_kinds=Concat(Value(" "), "penalty_kinds", Value(" "), output_field=CharField()),
            hearing_held=Exists(Hearing.objects.filter(case=OuterRef("pk"), held_on__isnull=False)),
        )

    # -- whose and which ----------------------------------------------------------------------------------------------
    def open(self) -> CaseQuerySet:
        from .status import OPEN_STATES

        return self.filter(status__in=OPEN_STATES)

    def for_officer(self, user) -> CaseQuerySet:
        """Cases `user` is on the team of."""
        from .models import CaseOfficer

        return self.filter(Exists(CaseOfficer.objects.filter(case=OuterRef("pk"), officer=user)))

    def of_entity(self, entity) -> CaseQuerySet:
        return self.filter(entity=entity)

    # -- clocks ------------------------------------------------------------------------------------------------------
    def overdue_condition(self, book: ClockBook) -> Q:
        """A running clock has passed: filing decision, 90-day limit, service, on-the-spot filing, payment, the
        court's window, or an open measure. Needs `with_money()`."""
        from .models import Measure

        today = book.today
        filing = book.cutoff(clocks.filing_due, days=CASE_RULES.filing_decision_days + 1)
        service = book.cutoff(clocks.service_due, days=CASE_RULES.service_days + 1)
        simple = book.cutoff(clocks.simple_filing_due, days=CASE_RULES.simple_filing_days + 1)
        court = book.last_start_due_before(lambda d: clocks.enforcement_window(d, d).closes_on,
                                           clocks.add_months(today, -CASE_RULES.litigation_months
                                                             - CASE_RULES.enforcement_window_months))
        owed = Coalesce(F("fine_amount"), Value(ZERO)) + Coalesce(F("confiscation_amount"), Value(ZERO))
        late_measure = Q(kind=MeasureKind.PRESERVATION,
                         started_on__lte=book.cutoff(clocks.preservation_due,
                                                     days=CASE_RULES.preservation_decision_days + 1))
        open_measures = Measure.objects.filter(decided_on__isnull=True, released_on__isnull=True)
        extended = open_measures.filter(kind=MeasureKind.SEIZURE).order_by().values_list("extended_days", flat=True)
        extensions = {0, *extended.distinct()}
        for extra in sorted(extensions):
            cut = book.cutoff(clocks.seizure_end, extra, days=CASE_RULES.seizure_days + extra + 1)
            late_measure |= Q(kind=MeasureKind.SEIZURE, extended_days=extra, started_on__lte=cut)
        return (
            Q(status=S.REGISTERED, procedure=Procedure.GENERAL, received_on__lte=filing)
            | Q(status__in=PRE_DECISION, deadline_on__lt=today)
            | Q(status=S.DECIDED, decided_on__lte=service)
            | Q(status=S.ON_SPOT, decided_on__lte=simple)
            | Q(status__in=PAYING, has_arrangement=False, payment_due_on__lt=today, paid_total__lt=owed)
            | Q(status__in=PAYING, has_arrangement=True, instalments_due__gt=F("paid_total"))
            | Q(status=S.REMINDED, served_on__lte=court)
            | Q(Exists(open_measures.filter(late_measure, case=OuterRef("pk"))), status__in=(S.REGISTERED,
                                                                                          *PRE_DECISION))
        )

    def overdue(self, book: ClockBook) -> CaseQuerySet:
        qs = self.with_money(book.today)
        return qs.filter(qs.overdue_condition(book))

    # -- reviews ------------------------------------------------------------------------------------------------------
    def with_review_round(self) -> CaseQuerySet:
        """The current review round (1 + the reviews that sent the case back, as reviews.current_round) and the
        latest outcome of each stage in it."""
        from .models import LegalReview

        returns = (LegalReview.objects.filter(case=OuterRef("pk"), outcome__in=RETURNING).order_by().values("case")
                   .annotate(n=Count("pk")).values("n"))
        qs = self.annotate(review_round=Coalesce(Subquery(returns, output_field=IntegerField()), Value(0)) + 1)

        def latest(stage):
            found = LegalReview.objects.filter(case=OuterRef("pk"), stage=stage, round=OuterRef("review_round"))
            return Subquery(found.order_by("-reviewed_on", "-id").values("outcome")[:1])

        first = LegalReview.objects.filter(case=OuterRef("pk"), round=OuterRef("review_round"))
        return qs.annotate(section_outcome=latest(ReviewStage.SECTION), legal_outcome=latest(ReviewStage.LEGAL),
                           round_started_on=Subquery(first.order_by("reviewed_on", "id").values("reviewed_on")[:1]))

    def awaiting_review(self, stage: str) -> CaseQuerySet:
        """In review and waiting for `stage`: 科室初审 not yet given (or to be given again after 修改后再审);
        法制科复审 once 科室初审 agreed in the current round. With `needs_legal`: whether the rule table requires it."""
        qs = self.filter(status=S.IN_REVIEW).with_review_round().with_rule_fields()
        if stage == ReviewStage.SECTION:
            qs = qs.filter(Q(section_outcome__isnull=True) | Q(section_outcome=ReviewOutcome.REVISE))
        else:
            qs = qs.filter(section_outcome=ReviewOutcome.AGREE).filter(
                Q(legal_outcome__isnull=True) | Q(legal_outcome=ReviewOutcome.REVISE))
        return qs.annotate(needs_legal=CaseWhen(When(rules_condition(RuleEffect.LEGAL_REVIEW), then=Value(True)),
                                                default=Value(False), output_field=BooleanField()))

    def awaiting_review_after_hearing(self) -> CaseQuerySet:
        """Heard cases the rule table sends back to legal review (第五十八条第一款第（二）项) without a passed one."""
        from .models import CaseRule, Hearing, LegalReview

        if not CaseRule.objects.filter(effect=RuleEffect.LEGAL_REVIEW, condition=ConditionKind.AFTER_HEARING,
                                       is_active=True).exists():
            return self.none()
        held = Hearing.objects.filter(case=OuterRef("pk"), held_on__isnull=False).values("held_on")[:1]
        qs = self.filter(status=S.HEARING).annotate(held_on=Subquery(held)).filter(held_on__isnull=False)
        passed = LegalReview.objects.filter(case=OuterRef("pk"), stage=ReviewStage.LEGAL, after_hearing=True,
                                            reviewed_on__gte=OuterRef("held_on"))
        latest = Subquery(passed.order_by("-reviewed_on", "-id").values("outcome")[:1])
        return qs.annotate(after_hearing_outcome=latest).filter(not_agreed("after_hearing_outcome"))

    def needing_deliberation(self) -> CaseQuerySet:
        """Cases the rule table sends to collective deliberation (第五十七条第二款), 科室初审 agreed, without an agreeing
        deliberation since the current round's first review."""
        from .models import Deliberation

        qs = (self.filter(status__in=(S.IN_REVIEW, S.HEARING)).with_review_round().with_rule_fields()
              .filter(rules_condition(RuleEffect.DELIBERATION), section_outcome=ReviewOutcome.AGREE))
        held = Deliberation.objects.filter(case=OuterRef("pk"), held_on__gte=OuterRef("round_started_on"))
        latest = Subquery(held.order_by("-held_on", "-id").values("conclusion")[:1])
        return qs.annotate(deliberation_outcome=latest).filter(not_agreed("deliberation_outcome"))

    # -- approvals -----------------------------------------------------------------------------------------------------
    def filing_pending(self) -> CaseQuerySet:
        return self.filter(status=S.REGISTERED, procedure=Procedure.GENERAL)

    def nearing_limit(self, today: dt.date) -> CaseQuerySet:
        """Undecided cases past the first warning day of the 90-day limit and still before it: an extension
        must be approved before the limit passes (第六十条)."""
        first_warning = today - dt.timedelta(days=CASE_RULES.decision_warning_days[0])
        return self.filter(status__in=PRE_DECISION, filed_on__lte=first_warning, deadline_on__gte=today)

    def awaiting_decision(self, today: dt.date) -> CaseQuerySet:
        """Notified cases whose statement and hearing-request windows have closed (or were waived), and heard
        cases whose hearing was held: a leader may decide now, subject to the decision's own guards."""
        no_hearing_window = Q(notice__hearing_request_until__isnull=True)
        windows_closed = Q(notice__statement_until__lt=today) & (
            no_hearing_window | Q(notice__hearing_request_until__lt=today))
        review_pending = CaseQuerySet(self.model).awaiting_review_after_hearing().values("pk")
        return self.filter(
            Q(status=S.NOTIFIED) & (Q(notice__rights_waived_on__isnull=False) | windows_closed)
            | Q(status=S.HEARING, hearing__held_on__isnull=False)
        ).exclude(pk__in=review_pending)
