"""Other departments' inspection tasks (/api/v1/inspections/tasks/), for merging into joint visits.

A batch is saved for the caller's own bureau, all or none, through `joint.save_tasks` (the spreadsheet upload
uses the same service). Tasks are matched by (department, task number), so posting a batch again updates
and never duplicates. Errors come in the API's one shape; a rejected task's fields are named
``tasks[<position from 0>].<field>``.
"""
from django.core.exceptions import ValidationError
from ninja import Query, Router
from ninja.pagination import paginate

from fazhi.core.api import READ_ERRORS, WRITE_ERRORS, RecordId
from fazhi.core.permissions import visible_or_404
from fazhi.core.schemas import ApiPagination

from .joint import TaskInput, TasksRejected, home_bureau, save_tasks
from .models import ExternalTask
from .schemas_joint import TaskFilter, TaskOut, TasksIn, TasksSavedOut

router = Router(tags=["联合检查"])


def _tasks():
    return ExternalTask.objects.select_related("entity").order_by("-window_start", "-id")


def _input(position: int, task) -> TaskInput:
    return TaskInput(row=position, department=str(task.department),
                     external_id=task.external_id, credit_code=task.credit_code, title=task.title,
                     items=tuple(task.items), window_start=task.window_start, window_end=task.window_end)


@router.get("/", response={200: list[TaskOut], **READ_ERRORS}, summary="部门检查任务列表")
@paginate(ApiPagination)
def list_tasks(request, filters: Query[TaskFilter]):
    """调用者可见的部门检查任务（县级见本局，市级见所辖县区），检查日期新的在前。"""
    return filters.filter(_tasks().visible_to(request.auth))


@router.get("/{id}", response={200: TaskOut, **READ_ERRORS}, summary="部门检查任务详情")
def get_task(request, id: int = RecordId):
    return visible_or_404(_tasks(), request.auth, id)


@router.post("/", response={200: TasksSavedOut, **WRITE_ERRORS}, summary="提交部门检查任务")
def post_tasks(request, payload: TasksIn):
    """为调用者所属卫生健康局新增或更新一批任务（科室负责人、分管领导、主要领导、系统管理员）。

    按“部门 + 部门任务编号”识别：再次提交同一任务时更新，不会重复；已并入联合检查的任务不能再修改。
    有任何一条不合格时整批不保存，`errors` 逐条列出问题。
    """
    bureau = home_bureau(request.auth)
    try:
        result = save_tasks(bureau, actor=request.auth,
                            tasks=[_input(n, task) for n, task in enumerate(payload.tasks)])
    except TasksRejected as rejected:
        errors: dict[str, list[str]] = {}
        for problem in rejected.problems:
            errors.setdefault(f"tasks[{problem.row}].{problem.field}", []).append(problem.message)
        raise ValidationError(errors) from None
    saved = _tasks().filter(pk__in=[t.pk for t in result.tasks]).order_by("pk")
    return {"created": len(result.created), "updated": len(result.updated), "unchanged": len(result.unchanged),
            "tasks": list(saved)}
