"""Pages of visits: the list, a visit's page, registering it and its code."""
from __future__ import annotations

from fazhi.core.listing import ScopedListView

from .filters import InspectionFilterSet
from .models import Inspection
from .tables import InspectionTable


class InspectionListView(ScopedListView):
    model = Inspection
    filterset_class = InspectionFilterSet
    table_class = InspectionTable
    title = "监督检查"

    def scoped_queryset(self, queryset):
        return queryset.select_related("entity")
