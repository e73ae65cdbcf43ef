"""The reports' menu entries. `register()` runs once from ReportsConfig.ready."""
from __future__ import annotations

from fazhi.core.choices import Role
from fazhi.core.navigation import NavItem, register_nav

GROUP = "统计分析"
# Who reads the figures: the bureau's leaders, section heads, the legal section, administrators.
DASHBOARD_ROLES = frozenset({Role.LEADER, Role.CHIEF, Role.SECTION_HEAD, Role.LEGAL_REVIEWER, Role.ADMIN})
# Who prepares the annual report: the legal section drafts it, the leaders answer for it.
REPORT_EDITOR_ROLES = frozenset({Role.LEADER, Role.CHIEF, Role.LEGAL_REVIEWER, Role.ADMIN})

NAV_ITEMS = (
    NavItem("领导驾驶舱", "reports:dashboard", DASHBOARD_ROLES, group=GROUP, order=90),
    NavItem("法治政府建设年度报告", "reports:annual", DASHBOARD_ROLES, group=GROUP, order=91),
)


def register() -> None:
    for item in NAV_ITEMS:
        register_nav(item)
