"""Tables of the joint-inspection lists."""
from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from fazhi.core.tables import FazhiTable

from .models import ExternalTask, JointVisit


class ExternalTaskTable(FazhiTable):
    department = tables.Column()
    external_id = tables.Column()
    entity = tables.Column(verbose_name="监管对象", order_by=("entity__name", "id"))
    title = tables.Column()
    window_start = tables.DateColumn(format="Y-m-d")
    window_end = tables.DateColumn(format="Y-m-d")
    # By id: the joint visit's own row need not be fetched for its link.
    joint_visit = tables.Column(verbose_name="合并情况", accessor="joint_visit_id", order_by=("joint_visit_id", "id"),
                                default="未合并")

    class Meta(FazhiTable.Meta):
        model = ExternalTask
        fields = ("department", "external_id", "entity", "title", "window_start", "window_end", "joint_visit")
        order_by = ("-window_start",)

    def render_entity(self, value):
        return value.name

    def render_joint_visit(self, value):
        url = reverse("inspections:joint_visit", args=[value])
        return format_html('<a class="badge badge-ok" href="{}">已合并</a>', url)


class JointVisitTable(FazhiTable):
    window_start = tables.DateColumn(format="Y-m-d", linkify=("inspections:joint_visit", [tables.A("pk")]))
    window_end = tables.DateColumn(format="Y-m-d")
    entity = tables.Column(verbose_name="监管对象", order_by=("entity__name", "id"))
    lead_department = tables.Column()
    task_count = tables.Column(verbose_name="合并任务数", orderable=False)
    organisation = tables.Column(verbose_name="所属机构", order_by=("organisation__path", "id"))

    class Meta(FazhiTable.Meta):
        model = JointVisit
        fields = ("window_start", "window_end", "entity", "lead_department", "task_count", "organisation")
        order_by = ("-window_start",)

    def render_entity(self, value):
        return value.name

    def render_organisation(self, value):
        return value.label
