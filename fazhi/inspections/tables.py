"""Tables of the inspection lists."""
from __future__ import annotations

import django_tables2 as tables

from fazhi.core.tables import FazhiTable

from .models import Inspection


class InspectionTable(FazhiTable):
    entity = tables.Column(verbose_name="监管对象", order_by=("entity__name", "id"))
    reason = tables.Column()
    window_start = tables.DateColumn(format="Y-m-d", verbose_name="计划检查日期")
    status = tables.Column()
    code = tables.Column(orderable=False)

    class Meta(FazhiTable.Meta):
        model = Inspection
        fields = ("entity", "reason", "window_start", "status", "code")
        order_by = ("-window_start",)
