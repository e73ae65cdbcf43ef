"""The penalty cases' menu entries. `register()` runs once from CasesConfig.ready."""
from __future__ import annotations

from fazhi.core.navigation import NavItem, register_nav

from .rules import APPROVER_ROLES, LEADER_ROLES, LEGAL_ROLES, OFFICER_ROLES

GROUP = "行政处罚"
NAV_ITEMS = (
    NavItem("我的案件", "cases:mine", frozenset(OFFICER_ROLES), group=GROUP, order=70),
    NavItem("全部案件", "cases:list", frozenset(), group=GROUP, order=71),
    NavItem("法制审核", "cases:queue", frozenset(LEGAL_ROLES), group=GROUP, order=72),
    NavItem("待我审批", "cases:approvals", frozenset(APPROVER_ROLES), group=GROUP, order=73),
    NavItem("当场处罚", "cases:simple_new", frozenset(OFFICER_ROLES), group=GROUP, order=74),
    NavItem("裁量基准", "discretion:list", frozenset(), group=GROUP, order=75),
    NavItem("案件规则表", "cases:rules", frozenset(LEGAL_ROLES | {"admin"}), group=GROUP, order=77),
    NavItem("处罚决定公开", "case_publication:queue", frozenset(LEGAL_ROLES | LEADER_ROLES), group=GROUP, order=76),
)


def register() -> None:
    for item in NAV_ITEMS:
        register_nav(item)
