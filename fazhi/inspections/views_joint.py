"""Pages of joint inspections: the tasks, their upload, the merge, the joint visits and what merging saved.

Reading needs a sign-in and shows what `visible_to` allows (a joint visit outside it is a 404). Uploading and
merging are for JOINT_ROLES, for one's own bureau; the services check both again.
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fazhi.core.forms import add_service_errors
from fazhi.core.listing import ScopedListView
from fazhi.core.permissions import roles_required, visible_or_404
from fazhi.core.spreadsheets import FileProblem
from fazhi.core.xlsx_stream import XLSX_CONTENT_TYPE

from . import joint, joint_import
from .filters_joint import ExternalTaskFilterSet, JointVisitFilterSet
from .forms_joint import MergeWindowForm, PeriodForm, TaskConfirmForm, TaskUploadForm
from .models import ExternalTask, JointVisit
from .permissions import JOINT_ROLES
from .tables_joint import ExternalTaskTable, JointVisitTable

joint_roles_required = roles_required(*JOINT_ROLES)
UPLOAD_TEMPLATE = "inspections/joint/upload.html"
# The preview shows this many of the checked rows; all of them are saved on confirmation.
PREVIEW_ROWS = 20


def may_act(user) -> bool:
    return user.has_role(*JOINT_ROLES) and user.organisation_id is not None


class JointListMixin:
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_act"] = may_act(self.request.user)
        return context


class ExternalTaskListView(JointListMixin, ScopedListView):
    model = ExternalTask
    filterset_class = ExternalTaskFilterSet
    table_class = ExternalTaskTable
    template_name = "inspections/joint/task_list.html"
    title = "部门检查任务"

    def scoped_queryset(self, queryset):
        return queryset.select_related("entity")


class JointVisitListView(JointListMixin, ScopedListView):
    model = JointVisit
    filterset_class = JointVisitFilterSet
    table_class = JointVisitTable
    template_name = "inspections/joint/visit_list.html"
    title = "联合检查"

    def scoped_queryset(self, queryset):
        return queryset.select_related("entity", "organisation").annotate(task_count=Count("tasks"))


# ---- upload ----------------------------------------------------------------------------------------------------

@joint_roles_required
@require_http_methods(["GET", "POST"])
def task_upload(request):
    """Upload and check: every bad row is listed and nothing is saved; a clean file waits for confirmation."""
    form = TaskUploadForm(request.POST, request.FILES) if request.method == "POST" else TaskUploadForm()
    context = {"form": form, "title": "导入部门检查任务"}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            data = joint_import.uploaded_bytes(upload)
            check = joint_import.check_upload(joint.home_bureau(request.user), actor=request.user, data=data)
        except FileProblem as problem:
            form.add_error("file", problem.message)
        else:
            context.update(check=check, file_name=upload.name, preview=check.tasks[:PREVIEW_ROWS])
            if check.is_clean:
                payload = joint_import.sign_upload(data, actor=request.user, name=upload.name)
                context["confirm_form"] = TaskConfirmForm(initial={"payload": payload})
    return render(request, UPLOAD_TEMPLATE, context)


@joint_roles_required
@require_POST
def task_upload_confirm(request):
    """Check the file again and save all its tasks, or none (the findings are shown again)."""
    form = TaskConfirmForm(request.POST)
    try:
        if not form.is_valid():
            raise FileProblem("确认信息缺失，请重新上传文件。")
        data, name = joint_import.unsign_upload(form.cleaned_data["payload"], actor=request.user)
        result = joint_import.apply_upload(joint.home_bureau(request.user), actor=request.user, data=data)
    except FileProblem as problem:
        messages.error(request, problem.message)
        return redirect("inspections:joint_upload")
    except joint.TasksRejected as rejected:
        check = joint_import.UploadCheck([], joint_import.problem_rows(rejected.problems))
        return render(request, UPLOAD_TEMPLATE, {"form": TaskUploadForm(), "title": "导入部门检查任务",
                                                 "check": check, "file_name": name, "rechecked": True})
    messages.success(request, f"已导入“{name}”：新增{len(result.created)}个、更新{len(result.updated)}个任务，"
                              f"{len(result.unchanged)}个无变化。")
    return redirect("inspections:joint_tasks")


@joint_roles_required
@require_GET
def task_template(request):
    response = HttpResponse(joint_import.build_template(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, "部门检查任务导入模板.xlsx")
    return response


# ---- merge -----------------------------------------------------------------------------------------------------

@joint_roles_required
@require_http_methods(["GET", "POST"])
def merge(request):
    """GET: what merging the period would do (nothing saved). POST: merge it."""
    form = MergeWindowForm(request.POST if request.method == "POST" else request.GET)
    bureau = joint.home_bureau(request.user)
    planned = None
    if form.is_valid():
        try:
            joint.check_window(form.period)
            if request.method == "POST":
                result = joint.merge_joint_visits(bureau, actor=request.user, window=form.period)
                messages.success(request, f"已合并{result.tasks_merged}个任务为{len(result.visits)}次联合检查，"
                                          f"少进门{result.visits_saved}次。" if result.visits else "没有可以合并的任务，未作改动。")
                return redirect("inspections:joint_visits")
            planned = joint.plan_joint_visits(bureau, window=form.period)
        except ValidationError as error:
            add_service_errors(form, error)
    return render(request, "inspections/joint/merge.html", {
        "form": form, "title": "合并联合检查", "planned": planned,
        "task_total": sum(len(p.tasks) for p in planned or ()),
    })


# ---- reading ---------------------------------------------------------------------------------------------------

@login_required
@require_GET
def joint_visit_detail(request, pk):
    tasks = ExternalTask.objects.order_by("department", "external_id")
    queryset = JointVisit.objects.select_related("entity", "organisation", "created_by").prefetch_related(
        Prefetch("tasks", queryset=tasks), "inspections")
    visit = visible_or_404(queryset, request.user, pk)
    return render(request, "inspections/joint/visit_detail.html", {
        "title": f"联合检查：{visit.entity.name}", "visit": visit, "checklist": joint.checklist_rows(visit),
        "tasks": list(visit.tasks.all()), "inspections": list(visit.inspections.all()),
    })


@login_required
@require_GET
def report(request):
    form = PeriodForm(request.GET)
    savings = joint.joint_savings(request.user, *form.period) if form.is_valid() else None
    return render(request, "inspections/joint/report.html", {"form": form, "title": "联合检查减少进门次数",
                                                             "savings": savings})
