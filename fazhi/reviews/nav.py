"""Case-file review's menu entries. `register()` runs once from ReviewsConfig.ready."""
from __future__ import annotations

from fazhi.core.navigation import NavItem, register_nav

from .rules import BATCH_READER_ROLES, READER_ROLES

GROUP = "执法监督"
NAV_ITEMS = (
    NavItem("评查标准", "reviews:rubric", frozenset(), group=GROUP, order=80),
    NavItem("自动评查", "reviews:automatic_list", frozenset(READER_ROLES), group=GROUP, order=81),
    NavItem("自动评查发现的问题", "reviews:findings", frozenset(READER_ROLES), group=GROUP, order=82),
    NavItem("案卷评查批次", "reviews:batches", frozenset(BATCH_READER_ROLES), group=GROUP, order=83),
    NavItem("案卷评查表", "reviews:manual_list", frozenset(READER_ROLES), group=GROUP, order=84),
    NavItem("评查结果统计", "reviews:results", frozenset(READER_ROLES), group=GROUP, order=85),
)


def register() -> None:
    for item in NAV_ITEMS:
        register_nav(item)
