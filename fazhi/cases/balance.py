"""What a party owes on a given day: the fine and confiscation, any approved deferral or instalments, payments
made, and the late surcharge on the fine (行政处罚法第六十六、六十七、七十二、七十三条)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from .clocks import Pause, late_surcharge

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Due:
    due_on: dt.date
    amount: Decimal


@dataclass(frozen=True)
class Balance:
    principal: Decimal
    surcharge: Decimal
    paid: Decimal
    overdue_since: dt.date | None

    @property
    def outstanding(self) -> Decimal:
        return max(self.principal + self.surcharge - self.paid, ZERO)

    @property
    def settled(self) -> bool:
        return self.outstanding == ZERO


def fine_schedule(case) -> list[Due]:
    """When the fine falls due: the approved instalments or deferral, else the payment deadline."""
    fine = Decimal(case.fine_amount or 0)
    arrangement = case.arrangements.order_by("-approved_on", "-id").first() if case.pk else None
    if arrangement is not None:
        instalments = [Due(i.due_on, i.amount) for i in arrangement.instalments.all()]
        if instalments:
            return instalments
    return [Due(case.payment_due_on, fine)] if fine and case.payment_due_on else []


def pauses(case) -> tuple[Pause, ...]:
    return tuple(Pause(a.filed_on, a.ended_on) for a in case.appeals.all())


def balance(case, on: dt.date) -> Balance:
    """The balance on `on`. Payments cover the fine's dues in order; each due accrues 3% a day from the day after it
    falls due until the day it is covered (or `on`), the appeal days left out, the total never above the fine."""
    fine = Decimal(case.fine_amount or 0)
    confiscation = Decimal(case.confiscation_amount or 0)
    payments = sorted((p for p in case.payments.all() if p.paid_on <= on), key=lambda p: (p.paid_on, p.pk))
    paid = sum((Decimal(p.amount) for p in payments), ZERO)
    schedule = fine_schedule(case)
    appeal_pauses = pauses(case)
    surcharge = ZERO
    overdue_since = None
    covered, cursor = ZERO, iter(payments)
    running, last_paid_on = ZERO, None
    for due in schedule:
        covered += due.amount
        while running < covered:
            payment = next(cursor, None)
            if payment is None:
                last_paid_on = None
                break
            running += Decimal(payment.amount)
            last_paid_on = payment.paid_on
        settled_on = last_paid_on if running >= covered else None
        until = min(settled_on, on) if settled_on else on
        surcharge += late_surcharge(due.amount, due.due_on, until, appeal_pauses)
        if settled_on is None and on > due.due_on and overdue_since is None:
            overdue_since = due.due_on + dt.timedelta(days=1)
    surcharge = min(surcharge, fine)
    return Balance(principal=fine + confiscation, surcharge=surcharge, paid=paid, overdue_since=overdue_since)
