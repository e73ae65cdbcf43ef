"""The registry's menu entries. `register()` runs once from EntitiesConfig.ready."""
from __future__ import annotations

from fazhi.core.navigation import NavItem, register_nav

from .permissions import IMPORTER_ROLES

NAV_ITEMS = (
    NavItem("监管对象", "entities:list", frozenset(), order=50),
    NavItem("批量导入", "entities:import_list", frozenset(IMPORTER_ROLES), order=55),
)


def register() -> None:
    for item in NAV_ITEMS:
        register_nav(item)
