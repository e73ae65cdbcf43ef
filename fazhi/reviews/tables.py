"""Tables of the review lists and of the results per officer and per section."""
from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from fazhi.cases.tables import case_label
from fazhi.core.tables import FazhiTable

from .choices import Grade, ManualReviewStatus
from .models import AutomaticFinding, AutomaticReview, ManualReview, ReviewBatch
from .results import pass_rate

GRADE_BADGES = {Grade.EXCELLENT: "badge-ok", Grade.PASS: "badge-ok", Grade.FAIL: "badge-bad"}


def case_review_link(case) -> str:
    return format_html('<a href="{}">{}</a>', reverse("reviews:case", args=[case.pk]), case_label(case))


def grade_badge(review) -> str:
    if not review.grade:
        return "—"
    return format_html('<span class="badge {}">{}</span>', GRADE_BADGES.get(review.grade, ""),
                       review.get_grade_display())


def veto_badge(vetoed: bool) -> str:
    return mark_safe('<span class="badge badge-bad">否决</span>') if vetoed else "—"


class AutomaticReviewTable(FazhiTable):
    case = tables.Column(verbose_name="案件", order_by=("case__filing_number", "case_id"))
    party = tables.Column(verbose_name="当事人", accessor="case__party_name", order_by=("case__party_name", "id"))
    status = tables.Column(verbose_name="案件状态", accessor="case__status", orderable=False)
    received_on = tables.DateColumn(verbose_name="受理日期", accessor="case__received_on", format="Y-m-d",
                                    order_by=("case__received_on", "id"))
    score = tables.Column(order_by=("score", "id"))
    vetoed = tables.Column(order_by=("-vetoed", "id"))
    finding_count = tables.Column(order_by=("finding_count", "id"))
    checked_at = tables.DateTimeColumn(format="Y-m-d H:i")

    capped_count = True

    class Meta(FazhiTable.Meta):
        model = AutomaticReview
        fields = ("case", "party", "status", "received_on", "score", "vetoed", "finding_count", "checked_at")
        order_by = ("-checked_at",)

    def render_case(self, record):
        return case_review_link(record.case)

    def render_status(self, record):
        return record.case.get_status_display()

    def render_vetoed(self, value):
        return veto_badge(value)


class FindingTable(FazhiTable):
    case = tables.Column(verbose_name="案件", order_by=("case__filing_number", "case_id"))
    party = tables.Column(verbose_name="当事人", accessor="case__party_name", order_by=("case__party_name", "id"))
    item = tables.Column(order_by=("item__sort_order", "id"))
    document = tables.Column()
    message = tables.Column(orderable=False)
    basis = tables.Column(orderable=False)

    capped_count = True

    class Meta(FazhiTable.Meta):
        model = AutomaticFinding
        fields = ("case", "party", "item", "document", "message", "basis")
        order_by = ("case",)

    def render_case(self, record):
        return case_review_link(record.case)

    def render_item(self, record):
        badge = mark_safe(' <span class="badge badge-bad">否决项</span>') if record.is_veto else ""
        return format_html("{} {}{}", record.item.code, record.item.name, badge)


class BatchTable(FazhiTable):
    name = tables.Column(linkify=("reviews:batch", [tables.A("pk")]))
    year = tables.Column()
    method = tables.Column()
    candidate_count = tables.Column()
    file_count = tables.Column(verbose_name="抽取案卷")
    signed_count = tables.Column(verbose_name="已签署")
    created_by = tables.Column(order_by=("created_by__full_name", "id"))
    created_at = tables.DateTimeColumn(format="Y-m-d H:i")

    class Meta(FazhiTable.Meta):
        model = ReviewBatch
        fields = ("name", "year", "method", "candidate_count", "file_count", "signed_count", "created_by",
                  "created_at")


class ManualReviewTable(FazhiTable):
    case = tables.Column(verbose_name="案件", order_by=("case__filing_number", "case_id"))
    party = tables.Column(verbose_name="当事人", accessor="case__party_name", order_by=("case__party_name", "id"))
    batch = tables.Column(order_by=("batch__year", "batch__name", "id"))
    status = tables.Column()
    reviewer = tables.Column(order_by=("reviewer__full_name", "id"))
    score = tables.Column(order_by=("score", "id"))
    grade = tables.Column(order_by=("grade", "id"))
    vetoed = tables.Column()
    signed_at = tables.DateTimeColumn(format="Y-m-d")

    class Meta(FazhiTable.Meta):
        model = ManualReview
        fields = ("case", "party", "batch", "status", "reviewer", "score", "grade", "vetoed", "signed_at")

    def render_case(self, record):
        return format_html('<a href="{}">{}</a>', reverse("reviews:manual", args=[record.pk]), case_label(record.case))

    def render_batch(self, value):
        return value.name

    def render_status(self, record):
        css = "badge-ok" if record.status == ManualReviewStatus.SIGNED else "badge-warn"
        return format_html('<span class="badge {}">{}</span>', css, record.get_status_display())

    def render_grade(self, record):
        return grade_badge(record)

    def render_vetoed(self, value):
        return veto_badge(value)


class ResultColumns(FazhiTable):
    reviewed = tables.Column(verbose_name="评查案卷")
    average = tables.Column(verbose_name="平均分")
    excellent = tables.Column(verbose_name="优秀")
    passed = tables.Column(verbose_name="合格（含优秀）")
    failed = tables.Column(verbose_name="不合格")
    vetoed = tables.Column(verbose_name="触及否决项")
    rate = tables.Column(verbose_name="合格率", empty_values=(), orderable=False)

    def render_average(self, value):
        return f"{value:.1f}" if value is not None else "—"

    def render_rate(self, record):
        return pass_rate(record)


class OfficerResultTable(ResultColumns):
    officer_name = tables.Column(verbose_name="承办人")
    organisation_name = tables.Column(verbose_name="所属机构")
    section_name = tables.Column(verbose_name="科室", default="—")

    class Meta(FazhiTable.Meta):
        sequence = ("officer_name", "organisation_name", "section_name", "...")

    def render_officer_name(self, record, value):
        url = reverse("reviews:manual_list")
        return format_html('<a href="{}?status=signed&officer={}">{}</a>', url, record["officer_id"], value)


class SectionResultTable(ResultColumns):
    section_name = tables.Column(verbose_name="科室", default="（主办人未分科室）")
    organisation_name = tables.Column(verbose_name="所属机构", default="—")

    class Meta(FazhiTable.Meta):
        sequence = ("section_name", "organisation_name", "...")

    def render_section_name(self, record, value):
        if not record["section_id"]:
            return value
        url = reverse("reviews:manual_list")
        return format_html('<a href="{}?status=signed&section={}">{}</a>', url, record["section_id"], value)
