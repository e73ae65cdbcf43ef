"""The early warnings' menu entries and home-page panel. SupervisionConfig.ready() imports this module; importing
it registers them (each registry ignores a second registration)."""
from __future__ import annotations

from fazhi.core.navigation import HomePanel, NavItem, register_nav, register_panel

from .querysets import OFFICER_ROLES, SECTION_ROLES, WARNING_READER_ROLES, WIDE_ROLES

GROUP = "执法监督"
NAV_ITEMS = (
    NavItem("我的预警", "supervision:mine", frozenset(OFFICER_ROLES), group=GROUP, order=86),
    NavItem("预警列表", "supervision:list", frozenset(WARNING_READER_ROLES), group=GROUP, order=87),
    NavItem("预警汇总", "supervision:summary", frozenset(WIDE_ROLES | SECTION_ROLES), group=GROUP, order=88),
    NavItem("预警规则", "supervision:rules", frozenset(WARNING_READER_ROLES), group=GROUP, order=89),
)


def _my_warnings(request) -> dict:
    from .views import my_warning_counts

    return my_warning_counts(request.user)


PANEL = HomePanel("我的预警", "supervision/panel_mine.html", frozenset(OFFICER_ROLES), _my_warnings, order=15)


def register() -> None:
    for item in NAV_ITEMS:
        register_nav(item)
    register_panel(PANEL)


register()
