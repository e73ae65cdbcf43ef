"""Pages of the rubric and of the automatic review: the rubric (read by all staff, kept by the top organisation's
legal section), the list of results and of findings, and a case's review page with its on-demand refresh.

Reading follows `visible_to`; writing is checked by the services again.
"""
from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from fazhi.cases.models import Case
from fazhi.cases.tables import case_label, status_badge
from fazhi.core.form_views import form_methods, save_form
from fazhi.core.listing import ScopedListView
from fazhi.core.models import AuditEvent
from fazhi.core.permissions import visible_or_404

from . import automatic, rubric as rubric_services
from .checks import CHECKS
from .filters import AutomaticReviewFilterSet, FindingFilterSet
from .forms import RubricCategoryForm, RubricItemCreateForm, RubricItemForm
from .models import AutomaticReview, AutomaticFinding, ManualReview, RubricCategory, RubricItem
from .rules import BATCH_READER_ROLES, READER_ROLES
from .scoring import full_marks
from .tables import AutomaticReviewTable, FindingTable

RUBRIC_MODELS = ("reviews.rubricitem", "reviews.rubriccategory")


def ensure_reader(user) -> None:
    if not user.has_role(*READER_ROLES):
        raise PermissionDenied("您没有查看案卷评查的权限。")


# ---- the rubric -----------------------------------------------------------------------------------------------------

@login_required
@require_GET
def rubric(request):
    categories = list(RubricCategory.objects.prefetch_related("items"))
    history = Paginator(AuditEvent.objects.filter(object_type__in=RUBRIC_MODELS).select_related("actor")
                        .order_by("-seq"), 20).get_page(request.GET.get("page"))
    return render(request, "reviews/rubric.html", {
        "title": "评查标准", "categories": categories, "full_marks": full_marks(categories),
        "checks": {code: check.label for code, check in CHECKS.items()},
        "may_edit": rubric_services.may_edit_rubric(request.user),
        "history": [{"event": e, "changes": e.changes(RubricItem if e.object_type.endswith("item") else RubricCategory)}
                    for e in history],
        "page_obj": history,
    })


@login_required
@form_methods
def rubric_item_create(request):
    rubric_services.ensure_may_edit_rubric(request.user)
    form = RubricItemCreateForm(request.POST or None)
    back = reverse("reviews:rubric")

    def save(form):
        fields = form.service_fields()
        rubric_services.create_item(actor=request.user, code=fields.pop("code"), **fields)
        return back

    return save_form(request, form, save, title="新增评查条目", cancel_url=back)


@login_required
@form_methods
def rubric_item_edit(request, pk):
    rubric_services.ensure_may_edit_rubric(request.user)
    item = get_object_or_404(RubricItem, pk=pk)
    form = RubricItemForm(request.POST or None, instance=RubricItem.objects.get(pk=pk))
    back = reverse("reviews:rubric")

    def save(form):
        rubric_services.update_item(item, actor=request.user, **form.service_fields())
        return back

    return save_form(request, form, save, title=f"修改评查条目：{item}", cancel_url=back)


@login_required
@form_methods
def rubric_category_edit(request, pk):
    rubric_services.ensure_may_edit_rubric(request.user)
    category = get_object_or_404(RubricCategory, pk=pk)
    form = RubricCategoryForm(request.POST or None, instance=RubricCategory.objects.get(pk=pk))
    back = reverse("reviews:rubric")

    def save(form):
        rubric_services.update_category(category, actor=request.user, **form.service_fields())
        return back

    return save_form(request, form, save, title=f"修改评查分类：{category}", cancel_url=back)


# ---- automatic review ------------------------------------------------------------------------------------------------

class AutomaticReviewListView(ScopedListView):
    model = AutomaticReview
    filterset_class = AutomaticReviewFilterSet
    table_class = AutomaticReviewTable
    title = "自动评查结果"
    roles = tuple(READER_ROLES)

    def scoped_queryset(self, queryset):
        return queryset.listing()


class FindingListView(ScopedListView):
    model = AutomaticFinding
    filterset_class = FindingFilterSet
    table_class = FindingTable
    title = "自动评查发现的问题"
    roles = tuple(READER_ROLES)

    def scoped_queryset(self, queryset):
        return queryset.listing()


def _finding_groups(review) -> list[tuple]:
    findings = list(review.findings.select_related("item").order_by("item__sort_order", "item__code", "id"))
    return [(item, list(rows)) for item, rows in groupby(findings, key=lambda f: f.item)]


@login_required
@require_GET
def case_review(request, case_pk):
    """A case's review page: the latest automatic review with its findings by rubric item, the items left to a
    person, and the manual reviews of the file the viewer may see."""
    ensure_reader(request.user)
    case = visible_or_404(Case.objects.select_related("organisation", "domain"), request.user, case_pk)
    review = AutomaticReview.objects.filter(case=case).select_related("run").first()
    manual = ManualReview.objects.visible_to(request.user).filter(case=case).select_related("batch", "signed_by")
    if not request.user.has_role(*BATCH_READER_ROLES):
        manual = manual.signed()
    return render(request, "reviews/case_review.html", {
        "case": case, "case_label": case_label(case), "status_badge": status_badge(case), "review": review,
        "groups": _finding_groups(review) if review else [],
        "categories": {c.code: c for c in RubricCategory.objects.all()},
        "manual_items": RubricItem.objects.filter(is_active=True, check_code="").select_related("category"),
        "manual_reviews": manual.order_by("-batch__year", "-id"),
        "stale": review is not None and case.updated_at > review.checked_at,
    })


@login_required
@require_POST
def case_review_refresh(request, case_pk):
    ensure_reader(request.user)
    case = visible_or_404(Case.objects.all(), request.user, case_pk)
    review = automatic.refresh_case_review(case, actor=request.user)
    messages.success(request, f"已重新自动评查：得分{review.score}，发现问题{review.finding_count}个。")
    return redirect("reviews:case", case_pk=case.pk)
