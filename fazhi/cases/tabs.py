"""The "行政处罚" tab of an entity's page. `register_tab()` runs once from CasesConfig.ready."""
from __future__ import annotations

from fazhi.entities.tabs import EntityTab, register_entity_tab

from .models import Case
from .rules import CASE_READER_ROLES

# The tab shows the latest cases; the full list is one click away, filtered to the entity.
TAB_ROWS = 20


def _cases(request, entity) -> dict:
    cases = Case.objects.visible_to(request.user).filter(entity=entity)
    return {
        "cases": list(cases.select_related("organisation").order_by("-received_on", "-id")[:TAB_ROWS]),
        "case_count": cases.count(),
        "can_open_case": request.user.has_role(*CASE_READER_ROLES) and entity.is_writable_by(request.user),
    }


CASES_TAB = EntityTab("行政处罚", "cases/entity_tab.html", _cases, order=50, key="cases")


def register_tab() -> None:
    register_entity_tab(CASES_TAB)
