"""The law library's menu entries. `register()` runs once from LawsConfig.ready."""
from __future__ import annotations

from fazhi.core.navigation import NavItem, register_nav

from .permissions import IMPORT_ROLES

NAV_ITEMS = (
    NavItem("法律法规", "laws:list", frozenset(), group="法律法规库", order=80),
    NavItem("条文检索", "laws:search", frozenset(), group="法律法规库", order=81),
    NavItem("导入文本", "laws:import", frozenset(IMPORT_ROLES), group="法律法规库", order=82),
)


def register() -> None:
    for item in NAV_ITEMS:
        register_nav(item)
