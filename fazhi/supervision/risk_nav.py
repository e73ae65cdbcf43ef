"""The risk ranking's menu entry and the "风险评分" tab of an entity's page.

SupervisionConfig.ready() registers both through `register()`.
"""
from __future__ import annotations

from fazhi.core.navigation import NavItem, register_nav
from fazhi.entities.tabs import EntityTab, register_entity_tab

NAV_ITEM = NavItem("风险排名", "risk:ranking", frozenset(), group="监督检查", order=68)


def _risk_tab(request, entity) -> dict:
    from .views_risk import entity_risk

    return entity_risk(request, entity)


RISK_TAB = EntityTab("风险评分", "supervision/risk_entity_tab.html", _risk_tab, order=35, key="risk")


def register() -> None:
    register_nav(NAV_ITEM)
    register_entity_tab(RISK_TAB)

