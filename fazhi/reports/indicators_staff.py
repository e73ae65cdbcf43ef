"""The dashboard's figure of the enforcement staff: officers holding a valid enforcement certificate (持证率).
Registered by ReportsConfig.ready()."""
from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from fazhi.core.choices import Role
from fazhi.core.models import EnforcementCertificate, RoleAssignment, User

from .aggregates import grouped_indicator, rates, totals_by_organisation
from .indicators import FULL_IS_TARGET, PERCENT, Scope, register_indicator

GROUP = "执法队伍"


def _as_of(period: Scope):
    """Certificates are judged on the period's last day (today, if the period has not ended)."""
    return min(period.end, timezone.localdate())


def _certified(period: Scope) -> Q:
    valid = EnforcementCertificate.objects.valid_on(_as_of(period)).filter(holder=OuterRef("pk"))
    return Q(Exists(valid))


def officers(scope: Scope):
    found = User.objects.filter(Exists(RoleAssignment.objects.filter(user=OuterRef("pk"), role=Role.OFFICER)),
                                organisation_id__in=scope.organisation_ids, is_active=True)
    return found.filter(section_id=scope.section_id) if scope.section_id else found


def _officer_totals(scope: Scope):
    rows = officers(scope)
    return totals_by_organisation("core.officers", scope, rows, {
        "officers": lambda p: Count("pk"), "certified": lambda p: Count("pk", filter=_certified(p)),
    })


INDICATORS = (
    grouped_indicator(
        code="core.certified_officers", label="执法人员持证率", unit="%", group=GROUP, order=300, kind=PERCENT,
        tags=frozenset({FULL_IS_TARGET}),
        definition="在岗（账号启用）且具有执法人员角色的人员中，在统计期最后一日（统计期未结束的取今日）持有有效"
                   "行政执法证（在有效期内、未暂扣、未吊销或注销）的人数 ÷ 执法人员人数。人员按当前在岗情况统计。",
        grouped=lambda s: rates(_officer_totals(s), "certified", "officers"),
        records=officers, numerator_records=lambda s: officers(s).filter(_certified(s)),
        phrase="在岗执法人员{denominator}名、持有效执法证{numerator}名，持证率{value}"),
)


def register() -> None:
    for found in INDICATORS:
        register_indicator(found)
