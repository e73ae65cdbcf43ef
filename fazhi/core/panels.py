"""The core's menu entries and home-page panels. `register()` runs once from CoreConfig.ready."""
from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from .choices import CertificateStatus, Role
from .rules import CERTIFICATE_RULES
from .models import EnforcementCertificate, Organisation, User
from .navigation import HomePanel, NavItem, register_nav, register_panel

ADMINS = frozenset({Role.ADMIN})
LEADERS = frozenset({Role.LEADER, Role.CHIEF})
EVERYONE = frozenset()
TODO_LIST_LENGTH = 10


def _expiry(certificate, today) -> tuple[str, str]:
    """A certificate's state in words, and the badge that goes with it."""
    if certificate.status != CertificateStatus.VALID:
        return certificate.get_status_display(), "badge-bad"
    days_left = (certificate.valid_to - today).days
    if days_left < 0:
        return f"已于{certificate.valid_to:%Y年%m月%d日}到期", "badge-bad"
    if days_left <= CERTIFICATE_RULES.expiry_warning_days:
        return f"还有{days_left}天到期，请及时办理换证", "badge-warn"
    return f"有效，还有{days_left}天到期", "badge-ok"


def my_certificates(request) -> dict:
    today = timezone.localdate()
    held = request.user.certificates.prefetch_related("domains").order_by("-valid_to")
    rows = []
    for certificate in held:
        text, badge = _expiry(certificate, today)
        rows.append({"certificate": certificate, "text": text, "badge": badge})
    return {"rows": rows}


def admin_todo(request) -> dict:
    """What an administrator should follow up in their own bureau."""
    user, today = request.user, timezone.localdate()
    waiting = User.objects.writable_by(user).filter(is_active=True, must_change_password=True).order_by("full_name")
    expiring = (
        EnforcementCertificate.objects.writable_by(user)
        .expiring_within(today, CERTIFICATE_RULES.expiry_warning_days)
        .select_related("holder")
        .order_by("valid_to")
    )
    return {
        "waiting_count": waiting.count(),
        "waiting": list(waiting[:TODO_LIST_LENGTH]),
        "expiring_count": expiring.count(),
        "expiring": list(expiring[:TODO_LIST_LENGTH]),
        "expiring_url": f"{reverse('core:certificate_list')}?expiring=1",
        "warning_days": CERTIFICATE_RULES.expiry_warning_days,
    }


def _rate(certified: int, officers: int) -> str:
    return f"{certified * 100 / officers:.1f}%" if officers else "—"


def certification_summary(request) -> dict:
    """Staff, officers and 持证率 (officers with a certificate valid today / officers) per visible bureau."""
    today = timezone.localdate()
    certified_ids = EnforcementCertificate.objects.valid_on(today).values("holder_id")
    is_officer = Q(role_assignments__role=Role.OFFICER)
    counts = {
        row["organisation__bureau_id"]: row
        for row in User.objects.visible_to(request.user).filter(is_active=True)
        .values("organisation__bureau_id")
        .annotate(
            staff=Count("pk", distinct=True),
            officers=Count("pk", filter=is_officer, distinct=True),
            certified=Count("pk", filter=is_officer & Q(pk__in=certified_ids), distinct=True),
        )
    }
    rows = []
    for bureau in Organisation.objects.visible_to(request.user).bureaus():
        row = counts.get(bureau.pk, {"staff": 0, "officers": 0, "certified": 0})
        rows.append({"bureau": bureau, "staff": row["staff"], "officers": row["officers"],
                     "certified": row["certified"], "rate": _rate(row["certified"], row["officers"])})
    totals = {key: sum(r[key] for r in rows) for key in ("staff", "officers", "certified")}
    totals["rate"] = _rate(totals["certified"], totals["officers"])
    return {"rows": rows, "totals": totals, "show_totals": len(rows) > 1}


def officer_today(request) -> dict:
    return {}


NAV_ITEMS = (
    NavItem("机构", "core:organisation_list", ADMINS, group="机构与人员", order=10),
    NavItem("科室", "core:section_list", ADMINS, group="机构与人员", order=20),
    NavItem("人员", "core:staff_list", EVERYONE, group="机构与人员", order=30),
    NavItem("执法证", "core:certificate_list", EVERYONE, group="机构与人员", order=40),
    NavItem("节假日安排", "core:calendar_list", ADMINS, group="系统设置", order=900),
)

PANELS = (
    HomePanel("今日工作", "core/panels/officer_today.html", frozenset({Role.OFFICER}), officer_today, order=10),
    HomePanel("待办", "core/panels/admin_todo.html", ADMINS, admin_todo, order=20),
    HomePanel("人员与持证情况", "core/panels/certification_summary.html", LEADERS, certification_summary, order=30),
    HomePanel("我的执法证", "core/panels/my_certificates.html", EVERYONE, my_certificates, order=90),
)


def register() -> None:
    """Add the core's menu entries and panels; safe to call more than once."""
    for item in NAV_ITEMS:
        register_nav(item)
    for panel in PANELS:
        register_panel(panel)
