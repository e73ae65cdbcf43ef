"""Pages of the manual review (案卷评查): the batches and drawing a new one, a batch's page with its files and the
check of its draw, the review sheet of one file (scores beside the automatic findings, then the signature), the
list of review sheets, and the results per officer and per section."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig

from fazhi.cases.tables import case_label
from fazhi.core.form_views import form_methods, save_form
from fazhi.core.listing import ScopedListView
from fazhi.core.permissions import visible_or_404
from fazhi.core.workflow import TransitionRefused

from . import manual, results, sampling
from .automatic import Rubric, review_file
from .bundle import BundleLoader
from .choices import ManualReviewStatus
from .filters import BatchFilterSet, ManualReviewFilterSet, visible_batches
from .forms import BatchForm, ReviewSheetForm
from .models import ManualReview, ReviewBatch, RubricItem
from .rules import BATCH_READER_ROLES, READER_ROLES, REVIEWER_ROLES
from .scoring import full_marks
from .tables import BatchTable, ManualReviewTable, OfficerResultTable, SectionResultTable, grade_badge
from .views import ensure_reader


class BatchListView(ScopedListView):
    model = ReviewBatch
    filterset_class = BatchFilterSet
    table_class = BatchTable
    title = "案卷评查批次"
    roles = tuple(BATCH_READER_ROLES)
    create_url_name = "reviews:batch_create"
    create_roles = tuple(REVIEWER_ROLES)

    def scoped_queryset(self, queryset):
        return queryset.select_related("created_by").annotate(
            file_count=Count("reviews"),
            signed_count=Count("reviews", filter=Q(reviews__status=ManualReviewStatus.SIGNED)))


@login_required
@form_methods
def batch_create(request):
    bureau = sampling.ensure_reviewer(request.user)
    form = BatchForm(request.POST or None, bureau=bureau)

    def save(form):
        batch = sampling.create_batch(actor=request.user, **form.service_fields())
        return reverse("reviews:batch", args=[batch.pk])

    return save_form(request, form, save, title="新建案卷评查批次", cancel_url=reverse("reviews:batches"),
                     success_message="已抽取案卷，生成评查表。")


@login_required
@require_GET
def batch_detail(request, pk):
    if not request.user.has_role(*BATCH_READER_ROLES):
        raise PermissionDenied("您没有查看评查批次的权限。")
    batch = visible_or_404(ReviewBatch.objects.select_related("organisation", "created_by"), request.user, pk)
    reviews = batch.reviews.select_related("case", "reviewer").order_by("case_id")
    query = (request.GET.get("q") or "").strip()
    if query:
        from fazhi.cases.models import Case

        reviews = reviews.filter(case__in=Case.objects.search(query).values("pk"))
    page = Paginator(reviews, 25).get_page(request.GET.get("page"))
    criteria = _criteria_labels(batch.criteria)
    return render(request, "reviews/batch_detail.html", {
        "batch": batch, "criteria": criteria, "page_obj": page, "query": query,
        "rows": [{"review": r, "label": case_label(r.case), "grade": grade_badge(r)} for r in page],
        "counts": batch.reviews.aggregate(total=Count("pk"),
                                          signed=Count("pk", filter=Q(status=ManualReviewStatus.SIGNED))),
        "redraw": sampling.redraw(batch) if request.GET.get("verify") else None,
    })


def _criteria_labels(criteria: dict) -> list[tuple[str, str]]:
    from fazhi.cases.choices import CaseStatus, Procedure
    from fazhi.core.models import Section, User

    labels = []
    if criteria.get("status"):
        labels.append(("案件状态", CaseStatus(criteria["status"]).label))
    if criteria.get("procedure"):
        labels.append(("程序", Procedure(criteria["procedure"]).label))
    if criteria.get("section"):
        labels.append(("主办人科室", str(Section.objects.filter(pk=criteria["section"]).first() or criteria["section"])))
    if criteria.get("officer"):
        labels.append(("承办人", str(User.objects.filter(pk=criteria["officer"]).first() or criteria["officer"])))
    if criteria.get("decided_from") or criteria.get("decided_to"):
        labels.append(("决定日期", f"{criteria.get('decided_from', '')} 至 {criteria.get('decided_to', '')}"))
    return labels


class ManualReviewListView(ScopedListView):
    model = ManualReview
    filterset_class = ManualReviewFilterSet
    table_class = ManualReviewTable
    title = "案卷评查表"
    roles = tuple(READER_ROLES)

    def scoped_queryset(self, queryset):
        # Officers and leaders outside the legal section see reviews once they are signed.
        if not self.request.user.has_role(*BATCH_READER_ROLES):
            queryset = queryset.signed()
        return queryset.listing()


# ---- the review sheet of one file ---------------------------------------------------------------------------------

def _automatic_findings(review: ManualReview) -> dict[int, list]:
    """The automatic findings in the file as it is now, by rubric item, shown beside the reviewer's marks."""
    bundle = BundleLoader().load([review.case_id])[0]
    found: dict[int, list] = {}
    for item, finding in review_file(bundle, Rubric.current()).findings:
        found.setdefault(item.pk, []).append(finding)
    return found


def _initial(review: ManualReview, items, found: dict[int, list]) -> dict:
    """The stored marks; before the first save, the automatic findings as a proposal the reviewer checks."""
    stored = {s.item_id: s for s in review.scores.all()}
    initial = {"comments": review.comments}
    for item in items:
        if item.pk in stored:
            mark, suggested = stored[item.pk], None
        elif item.pk in found:
            mark, suggested = None, "；".join(f.message for f in found[item.pk])[:300]
        else:
            continue
        if item.is_veto:
            initial[f"veto_{item.pk}"] = mark.vetoed if mark else True
        else:
            initial[f"deduct_{item.pk}"] = mark.deducted if mark else item.points
        initial[f"note_{item.pk}"] = mark.note if mark else f"（自动评查）{suggested}"
    return initial


@login_required
@form_methods
def review_sheet(request, pk):
    review = visible_or_404(ManualReview.objects.select_related("batch", "case", "reviewer", "signed_by"),
                            request.user, pk)
    if not (review.is_signed or request.user.has_role(*BATCH_READER_ROLES)):
        raise PermissionDenied("评查表签署后方可查看。")
    items = list(RubricItem.objects.filter(is_active=True).select_related("category"))
    found = _automatic_findings(review)
    form = ReviewSheetForm(request.POST or None, items=items, initial=_initial(review, items, found))
    if request.method == "POST":
        outcome = _save_sheet(request, review, form)
        if outcome is not None:
            return outcome
    return render(request, "reviews/review_sheet.html", {
        "review": review, "case_label": case_label(review.case), "form": form, "found": found,
        "rows": [{**row, "findings": found.get(row["item"].pk, [])} for row in form.rows()],
        "scores": {s.item_id: s for s in review.scores.all()} if review.is_signed else {},
        "may_score": manual.may_score(request.user, review), "grade": grade_badge(review),
        "full_marks": full_marks({i.category for i in items}),
    })


def _save_sheet(request, review, form):
    """Save the marks; with "sign", sign too. The redirect, or None to show the form with its errors."""
    if not form.is_valid():
        return None
    try:
        manual.save_marks(review, actor=request.user, marks=form.marks(), comments=form.cleaned_data["comments"])
        if "sign" in request.POST:
            manual.sign_review(review, actor=request.user)
    except ValidationError as error:
        form.add_service_errors(error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages})
        return None
    except TransitionRefused as refusal:
        form.add_error(None, refusal.message)
        return None
    messages.success(request, "评查表已签署。" if "sign" in request.POST else "评查表已保存。")
    return redirect("reviews:manual", pk=review.pk)


# ---- results per officer and per section ----------------------------------------------------------------------------

class ResultFilterForm(forms.Form):
    batch = forms.ModelChoiceField(label="评查批次", queryset=ReviewBatch.objects.none(), required=False,
                                   empty_label="全部")
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100, required=False)
    q = forms.CharField(label="姓名或科室", max_length=50, required=False)

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["batch"].queryset = visible_batches(request)


RESULT_VIEWS = {"officer": ("按承办人", results.by_officer, OfficerResultTable),
                "section": ("按科室", results.by_section, SectionResultTable)}


@login_required
@require_GET
def result_list(request):
    ensure_reader(request.user)
    by = request.GET.get("by") if request.GET.get("by") in RESULT_VIEWS else "officer"
    form = ResultFilterForm(request.GET or None, request=request)
    reviews = ManualReview.objects.visible_to(request.user).signed()
    name = ""
    if form.is_valid():
        if form.cleaned_data["batch"]:
            reviews = reviews.filter(batch=form.cleaned_data["batch"])
        if form.cleaned_data["year"]:
            reviews = reviews.filter(batch__year=form.cleaned_data["year"])
        name = form.cleaned_data["q"]
    title, rows, table_class = RESULT_VIEWS[by]
    table = table_class(rows(reviews, name))
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    template = "reviews/_results_table.html" if getattr(request, "htmx", False) else "reviews/results.html"
    return render(request, template, {
        "title": "评查结果统计", "form": form, "table": table, "by": by,
        "tabs": [{"key": key, "title": label[0], "selected": key == by} for key, label in RESULT_VIEWS.items()],
    })
