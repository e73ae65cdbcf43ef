"""The inspections menu entries. `register()` runs once from InspectionsConfig.ready."""
from __future__ import annotations

from fazhi.core.navigation import NavItem, register_nav

from .permissions import INSPECTOR_ROLES, RATING_READER_ROLES

NAV_ITEMS = (
    NavItem("今日检查", "inspections:today", frozenset(INSPECTOR_ROLES), group="监督检查", order=59),
    NavItem("监督检查", "inspections:list", frozenset(), group="监督检查", order=60),
    NavItem("检查事项清单", "inspections:item_list", frozenset(), group="监督检查", order=61),
    NavItem("双随机抽查计划", "inspections:plan_list", frozenset(), group="监督检查", order=62),
    NavItem("专项执法", "inspections:campaign_list", frozenset(), group="监督检查", order=63),
    NavItem("联合检查", "inspections:joint_tasks", frozenset(), group="监督检查", order=64),
    NavItem("整改与复查", "inspections:opinion_list", frozenset(), group="监督检查", order=65),
    NavItem("迎检频次", "inspections:burden", frozenset(), group="监督检查", order=66),
    NavItem("检查评价", "inspections:ratings", frozenset(RATING_READER_ROLES), group="监督检查", order=67),
)


def register() -> None:
    for item in NAV_ITEMS:
        register_nav(item)
