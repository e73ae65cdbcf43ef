"""The inspections menu entries. `register()` runs once from InspectionsConfig.ready."""
from __future__ import annotations

from fazhi.core.navigation import NavItem, register_nav

NAV_ITEMS = (
    NavItem("监督检查", "inspections:list", frozenset(), order=60),
)


def register() -> None:
    for item in NAV_ITEMS:
        register_nav(item)
