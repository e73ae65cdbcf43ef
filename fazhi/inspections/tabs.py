"""The "监督检查" tab of an entity's page. `register_tab()` runs once from InspectionsConfig.ready."""
from __future__ import annotations

from fazhi.entities.tabs import EntityTab, register_entity_tab

from .models import Inspection
from .permissions import INSPECTOR_ROLES

# The tab shows the latest visits; the full list is one click away, filtered to the entity.
TAB_ROWS = 20


def _visits(request, entity) -> dict:
    visits = Inspection.objects.visible_to(request.user).filter(entity=entity)
    return {
        "visits": list(visits.select_related("organisation").order_by("-window_start", "-id")[:TAB_ROWS]),
        "visit_count": visits.count(),
        "can_plan_visit": request.user.has_role(*INSPECTOR_ROLES) and entity.is_writable_by(request.user),
    }


VISITS_TAB = EntityTab("监督检查", "inspections/visits/entity_tab.html", _visits, order=40, key="inspections")


def register_tab() -> None:
    register_entity_tab(VISITS_TAB)
