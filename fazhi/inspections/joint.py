"""Joint inspections (综合查一次, 进一次门、查多项事): other departments' tasks in, merged visits out.

Tasks. Each department's inspection task on an entity is an `ExternalTask`, keyed by (bureau, department,
the department's own task number): saving a task again updates it and never makes a second. Tasks come from
other systems through the API and from spreadsheets (`joint_import`); both call `save_tasks`.

Our own visits. A planned visit of this bureau (an `Inspection` still 待检查 and not yet joined) takes part as a
task of 卫生健康: when it is merged, an `ExternalTask` of department health is created for it (or refreshed, if
one is left unmerged) with `inspection` pointing at the visit, numbered ``JC<visit id>``, carrying the visit's
window and the titles of its published items. Health tasks are made only this way, never imported, so they
cannot drift from the visits they stand for.

Merging. `merge_joint_visits` takes, per entity, the tasks not yet merged whose windows overlap the period
asked for, and forms groups whose windows share at least one day (a window is inclusive: two windows that
touch on one day overlap). A group with tasks of at least two departments becomes one `JointVisit`; its window
is the days every task of the group shares, its lead the department with the most checklist items
(`lead_department`), its checklist the items of all tasks, de-duplicated by text. Tasks and our visits are
linked to it in the same transaction: the joint visit's creation event names every task it took, and each of
our visits has its own event. Merged tasks are never merged again, so merging twice changes nothing.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import lru_cache

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count, Q

from fazhi.core.audit import EventBatch, PendingEvent, created_values, lock_audit_chain, record_events, snapshot
from fazhi.core.bulk import bulk_insert, fewer_full_collections, statement_aside
from fazhi.core.choices import AuditAction
from fazhi.core.permissions import acting_bureau
from fazhi.entities.credit_code import normalise as normalise_credit_code
from fazhi.entities.models import Entity

from .choices import Department, InspectionStatus
from .models import ExternalTask, Inspection, JointVisit
from .permissions import JOINT_ROLES

# Ties on the number of items go to the department listed first here: 卫生健康 first, because the bureau that
# runs the platform organises the visit, then the others in the order of `Department`. A rule, not a ranking of
# departments: any fixed order keeps the choice reproducible.
LEAD_DEPARTMENT_ORDER: tuple[str, ...] = tuple(Department.values)
DEPARTMENT_RANK = {d: n for n, d in enumerate(LEAD_DEPARTMENT_ORDER)}
# Our own visits' tasks are numbered after the visit, so a visit has at most one task.
OWN_TASK_PREFIX = "JC"
# Who brings tasks in by hand or by API: other systems and people may not file tasks as 卫生健康.
IMPORTABLE_DEPARTMENTS = tuple(d for d in Department if d != Department.HEALTH)
TASK_FIELDS = ("entity", "title", "items", "window_start", "window_end")


@dataclass(frozen=True)
class JointLimits:
    """How much one submission may carry (technical bounds, not legal rules)."""

    max_tasks_per_post: int = 500
    max_items_per_task: int = 100
    max_item_chars: int = 200
    max_file_bytes: int = 2 * 1024 * 1024
    max_rows: int = 2000
    max_cell_chars: int = 4000
    max_merge_days: int = 366


JOINT_LIMITS = JointLimits()


# ---- who may act for which bureau ----------------------------------------------------------------------------

def home_bureau(actor):
    return acting_bureau(actor, "办理联合检查")


def ensure_may_act_for(actor, bureau, what: str) -> None:
    """Joint work is for JOINT_ROLES, and only for one's own bureau (a city sees its counties, acts for none)."""
    if getattr(actor, "is_superuser", False):
        return
    if not actor.has_role(*JOINT_ROLES):
        raise PermissionDenied(f"您没有{what}的权限（限科室负责人、分管领导、主要领导和系统管理员）。")
    if home_bureau(actor).pk != bureau.pk:
        raise PermissionDenied(f"只能为本局{what}。")


# ---- saving tasks --------------------------------------------------------------------------------------------

@lru_cache(maxsize=4096)  # departments repeat the same few item texts across thousands of tasks
def item_key(text: str) -> str:
    """Two item texts are the same item when they differ only in spacing."""
    return re.sub(r"\s+", "", text or "")


@dataclass(frozen=True)
class TaskInput:
    """One task as a department sends it; `row` is where it was (spreadsheet row, or position in a post)."""

    row: int
    department: str
    external_id: str
    credit_code: str
    title: str
    items: tuple[str, ...]
    window_start: dt.date | None
    window_end: dt.date | None

    @property
    def department_label(self) -> str:
        return Department(self.department).label if self.department in Department.values else self.department


@dataclass(frozen=True)
class TaskProblem:
    row: int
    field: str  # a TaskInput field name; `joint_import.COLUMN_OF` says which column shows it
    message: str


class TasksRejected(ValidationError):
    """Some tasks cannot be saved; none was. `problems` lists every one of them."""

    def __init__(self, problems: list[TaskProblem]):
        self.problems = problems
        super().__init__([f"第{p.row}条：{p.message}" for p in problems])


@dataclass
class TaskSaveResult:
    created: list[ExternalTask] = field(default_factory=list)
    updated: list[ExternalTask] = field(default_factory=list)
    unchanged: list[ExternalTask] = field(default_factory=list)

    @property
    def tasks(self) -> list[ExternalTask]:
        return sorted([*self.created, *self.updated, *self.unchanged], key=lambda t: t.pk)


def _clean_items(items) -> list[str]:
    seen, kept = set(), []
    for text in items:
        text = (text or "").strip()
        if text and item_key(text) not in seen:
            seen.add(item_key(text))
            kept.append(text)
    return kept


def _row_problems(task: TaskInput, entity: Entity | None) -> list[tuple[str, str]]:
    problems = []
    if task.department not in IMPORTABLE_DEPARTMENTS:
        problems.append(("department", "卫生健康部门的任务来自本局的检查计划，不能导入。" if task.department == Department.HEALTH
                         else "部门不在可选范围内，请按模板“填写说明”填写部门名称。"))
    if not task.external_id:
        problems.append(("external_id", "请填写部门任务编号（本部门系统中的任务编号）。"))
    elif len(task.external_id) > 100:
        problems.append(("external_id", "部门任务编号不能超过100个字符。"))
    if not task.credit_code:
        problems.append(("credit_code", "请填写监管对象的统一社会信用代码。"))
    elif entity is None:
        problems.append(("credit_code", f"本局监管对象中没有统一社会信用代码为{task.credit_code}的对象，请核对代码，"
                                        "或先在“监管对象”中登记。"))
    if not task.title:
        problems.append(("title", "请填写任务名称。"))
    elif len(task.title) > 200:
        problems.append(("title", "任务名称不能超过200个字符。"))
    items = _clean_items(task.items)
    if not items:
        problems.append(("items", "请至少填写一项检查内容。"))
    elif len(items) > JOINT_LIMITS.max_items_per_task:
        problems.append(("items", f"检查内容不能超过{JOINT_LIMITS.max_items_per_task}项。"))
    elif any(len(i) > JOINT_LIMITS.max_item_chars for i in items):
        problems.append(("items", f"每项检查内容不能超过{JOINT_LIMITS.max_item_chars}个字符。"))
    if task.window_start is None:
        problems.append(("window_start", "请填写检查日期起（如2026-03-01）。"))
    if task.window_end is None:
        problems.append(("window_end", "请填写检查日期止（如2026-03-31）。"))
    elif task.window_start is not None and task.window_end < task.window_start:
        problems.append(("window_end", "检查日期止不能早于检查日期起。"))
    return problems


def _values(task: TaskInput, entity: Entity) -> dict:
    return {"entity_id": entity.pk, "title": task.title, "items": _clean_items(task.items),
            "window_start": task.window_start, "window_end": task.window_end}


def _differs(task: ExternalTask, values: dict) -> bool:
    return any(getattr(task, name) != value for name, value in values.items())


@dataclass
class TaskCheck:
    """What saving the tasks would do, or why it cannot."""

    problems: list[TaskProblem] = field(default_factory=list)
    plans: list[tuple] = field(default_factory=list)  # (current task or None, new values, input)

    @property
    def new_count(self) -> int:
        return sum(1 for current, _, _ in self.plans if current is None)

    @property
    def changed_count(self) -> int:
        return sum(1 for current, values, _ in self.plans if current is not None and _differs(current, values))

    @property
    def unchanged_count(self) -> int:
        return len(self.plans) - self.new_count - self.changed_count


def check_tasks(bureau, tasks: list[TaskInput], *, lock: bool = False) -> TaskCheck:
    """Check every task against the rules and the bureau's data as it is now; saves nothing."""
    codes = {normalise_credit_code(t.credit_code) for t in tasks} - {""}
    entities = {e.credit_code: e for e in Entity.objects.filter(organisation=bureau, credit_code__in=codes)}
    stored = ExternalTask.objects.filter(organisation=bureau, external_id__in={t.external_id for t in tasks})
    existing = {(t.department, t.external_id): t for t in (stored.select_for_update() if lock else stored)}
    check, seen = TaskCheck(), {}
    for task in tasks:
        entity = entities.get(normalise_credit_code(task.credit_code))
        found = [TaskProblem(task.row, name, message) for name, message in _row_problems(task, entity)]
        key = (task.department, task.external_id)
        if task.external_id and key in seen:
            found.append(TaskProblem(task.row, "external_id", f"与第{seen[key]}条的部门和任务编号相同，同一任务只能出现一次。"))
        seen.setdefault(key, task.row)
        current = existing.get(key)
        if not found and current is not None and current.joint_visit_id and _differs(current, _values(task, entity)):
            found.append(TaskProblem(task.row, "external_id", "该任务已并入联合检查，不能再修改；如有变化，请与牵头部门联系。"))
        check.problems += found
        if not found:
            check.plans.append((current, _values(task, entity), task))
    return check


def save_tasks(bureau, *, actor, tasks: list[TaskInput]) -> TaskSaveResult:
    """Create or update the bureau's tasks, all or none; raise TasksRejected listing every bad task.

    A task is matched by (department, task number): sent again it is updated, or left alone when nothing
    changed. A task already merged into a joint visit keeps what it was merged with; a change is refused.
    """
    ensure_may_act_for(actor, bureau, "导入部门检查任务")
    result = TaskSaveResult()
    with transaction.atomic():
        lock_audit_chain()
        check = check_tasks(bureau, tasks, lock=True)
        if check.problems:
            raise TasksRejected(check.problems)
        events = []
        for current, values, task in check.plans:
            events += _apply_task(bureau, current, values, task, result)
        record_events(events, actor=actor)
    return result


def _apply_task(bureau, current, values, task: TaskInput, result: TaskSaveResult) -> list[PendingEvent]:
    if current is None:
        created = ExternalTask(organisation=bureau, department=task.department, external_id=task.external_id, **values)
        created.save(force_insert=True)
        result.created.append(created)
        return [PendingEvent(AuditAction.CREATE, created, after=snapshot(created))]
    if not _differs(current, values):
        result.unchanged.append(current)
        return []
    before = snapshot(current, TASK_FIELDS)
    for name, value in values.items():
        setattr(current, name, value)
    current.save(update_fields=list(TASK_FIELDS))
    result.updated.append(current)
    after = snapshot(current, TASK_FIELDS)
    changed = [k for k in after if after[k] != before[k]]
    return [PendingEvent(AuditAction.UPDATE, current, before={k: before[k] for k in changed},
                         after={k: after[k] for k in changed})]


# ---- planning joint visits -----------------------------------------------------------------------------------

@dataclass
class PlannedVisit:
    """A group of tasks on one entity that one joint visit will serve; nothing of it is saved yet."""

    entity: Entity
    tasks: list[TaskRow | ExternalTask]
    window_start: dt.date
    window_end: dt.date
    lead_department: str = ""
    checklist: list[dict] = field(default_factory=list)

    @property
    def departments(self) -> list[str]:
        present = {t.department for t in self.tasks}
        return [d for d in LEAD_DEPARTMENT_ORDER if d in present]

    @property
    def department_labels(self) -> str:
        return "、".join(Department(d).label for d in self.departments)

    @property
    def lead_label(self) -> str:
        return Department(self.lead_department).label

    @property
    def inspections(self) -> list[Inspection]:
        return [t.inspection for t in self.tasks if t.inspection_id]


def combined_checklist(tasks: list[TaskRow | ExternalTask]) -> list[dict]:
    """Every item of every task once (same text, however spaced, is one item), each with its departments.

    Items keep the order of the departments (LEAD_DEPARTMENT_ORDER), then of the tasks and their items.
    """
    entries: dict[str, dict] = {}
    for task in sorted(tasks, key=lambda t: (DEPARTMENT_RANK[t.department], t.window_start, t.external_id)):
        department = task.department
        for text in task.items:
            key = item_key(text)
            entry = entries.get(key)
            if entry is None:
                entries[key] = {"text": text.strip(), "departments": [department]}
            elif department not in entry["departments"]:
                entry["departments"].append(department)
    return list(entries.values())


def lead_department(checklist: list[dict]) -> str:
    """The department with the most distinct items in the group's checklist (`combined_checklist`); ties go to
    the earlier in LEAD_DEPARTMENT_ORDER."""
    items: dict[str, int] = defaultdict(int)
    for entry in checklist:
        for department in entry["departments"]:
            items[department] += 1
    return min(items, key=lambda d: (-items[d], DEPARTMENT_RANK[d]))


def group_tasks(tasks: list[TaskRow | ExternalTask]) -> list[list[TaskRow | ExternalTask]]:
    """Groups of one entity's tasks that share a day and come from at least two departments.

    The task that ends first can only share days with tasks that start by its last day, and all of those are
    open on that day; so that set is the largest group it can join. If it spans two departments it becomes a
    group; otherwise the first task has no partner and is left out. Repeat with what remains.
    """
    remaining = sorted(tasks, key=lambda t: (t.window_end, t.window_start, DEPARTMENT_RANK[t.department],
                                             t.external_id))
    groups = []
    while remaining:
        last_day = remaining[0].window_end
        group = [t for t in remaining if t.window_start <= last_day]
        if len({t.department for t in group}) >= 2:
            groups.append(group)
            # By identity: our visits' tasks may be unsaved, and comparing models by key costs at this scale.
            taken = {id(t) for t in group}
            remaining = [t for t in remaining if id(t) not in taken]
        else:
            remaining = remaining[1:]
    return groups


def _own_visit_task(bureau, inspection: Inspection, existing: ExternalTask | None) -> ExternalTask:
    """The health task standing for a planned visit, as the visit is now (unsaved when new or changed)."""
    task = existing or ExternalTask(organisation=bureau, department=Department.HEALTH,
                                    external_id=f"{OWN_TASK_PREFIX}{inspection.pk}", inspection=inspection)
    task.entity = inspection.entity
    task.title = f"卫生监督检查（{inspection.get_reason_display()}）"[:200]
    task.items = _clean_items(item.title for item in inspection.items.all())
    task.window_start, task.window_end = inspection.window_start, inspection.window_end
    return task


DEPARTMENT_LABELS = dict(Department.choices)


@dataclass(slots=True, eq=False)
class TaskRow:
    """Another department's unmerged task as merging reads it: the columns planning needs, without a model
    instance per task (a year's merge reads a hundred thousand of them)."""

    pk: int
    department: str
    external_id: str
    entity_id: int
    title: str
    items: list
    window_start: dt.date
    window_end: dt.date
    entity: Entity | None = None

    COLUMNS = ("pk", "department", "external_id", "entity_id", "title", "items", "window_start", "window_end")

    @property
    def inspection_id(self) -> None:
        return None  # only our own visits' tasks stand for an inspection

    def get_department_display(self) -> str:
        return DEPARTMENT_LABELS[self.department]


def _candidates(bureau, start: dt.date, end: dt.date, *, lock: bool) -> list:
    """The unmerged tasks overlapping the period: other departments' as TaskRow, ours as ExternalTask."""
    overlapping = Q(window_start__lte=end, window_end__gte=start)
    tasks = ExternalTask.objects.filter(overlapping, organisation=bureau, joint_visit__isnull=True).order_by()
    visits = Inspection.objects.filter(overlapping, organisation=bureau, status=InspectionStatus.PLANNED,
                                       joint_visit__isnull=True)
    if lock:
        # Lock without joins (PostgreSQL refuses FOR UPDATE on the nullable side of an outer join).
        list(tasks.select_for_update().values_list("pk", flat=True))
        list(visits.select_for_update().values_list("pk", flat=True))
    ours = Q(department=Department.HEALTH, inspection__isnull=False)
    others = [TaskRow(*row) for row in tasks.exclude(ours).values_list(*TaskRow.COLUMNS)]
    own = {t.inspection_id: t for t in tasks.filter(ours)}
    candidates = []
    for visit in visits.select_related("entity").prefetch_related("items"):
        task = _own_visit_task(bureau, visit, own.get(visit.pk))
        if task.items:  # a visit without items has nothing to put on a checklist yet
            candidates.append(task)
    # One Entity object per entity, shared by its tasks, rather than one per task through a join.
    entities = Entity.objects.in_bulk({t.entity_id for t in others})
    for task in others:
        task.entity = entities[task.entity_id]
    return others + candidates


def plan_joint_visits(bureau, *, window: tuple[dt.date, dt.date], lock: bool = False) -> list[PlannedVisit]:
    """What merging would do now: one PlannedVisit per group, by entity name. Saves nothing."""
    start, end = window
    by_entity: dict[int, list[TaskRow | ExternalTask]] = defaultdict(list)
    for task in _candidates(bureau, start, end, lock=lock):
        by_entity[task.entity_id].append(task)
    planned = []
    for tasks in by_entity.values():
        for group in group_tasks(tasks):
            checklist = combined_checklist(group)
            planned.append(PlannedVisit(
                entity=group[0].entity, tasks=group,
                window_start=max(t.window_start for t in group), window_end=min(t.window_end for t in group),
                lead_department=lead_department(checklist), checklist=checklist,
            ))
    return sorted(planned, key=lambda p: (p.entity.name, p.entity.pk, p.window_start))


def check_window(window: tuple[dt.date, dt.date]) -> None:
    start, end = window
    if end < start:
        raise ValidationError({"end": "结束日期不能早于开始日期。"})
    if (end - start).days + 1 > JOINT_LIMITS.max_merge_days:
        raise ValidationError({"end": f"一次合并的期间不能超过{JOINT_LIMITS.max_merge_days}天，请分段合并。"})


# ---- merging -------------------------------------------------------------------------------------------------

@dataclass
class MergeResult:
    visits: list[JointVisit] = field(default_factory=list)
    tasks_merged: int = 0

    @property
    def visits_saved(self) -> int:
        return self.tasks_merged - len(self.visits)


def merge_joint_visits(bureau, *, actor, window: tuple[dt.date, dt.date]) -> MergeResult:
    """Merge the bureau's overlapping tasks of two or more departments per entity into joint visits.

    All in one transaction: the joint visits, our visits' health tasks, and the links from tasks and visits,
    each audited. Tasks and visits already merged are left alone, so running it again changes nothing.
    The writes go in bulk (a fixed number of statements however many visits), since a period's merge can
    join tens of thousands of tasks.
    """
    ensure_may_act_for(actor, bureau, "合并联合检查")
    check_window(window)
    with transaction.atomic(), fewer_full_collections():
        lock_audit_chain()
        planned = plan_joint_visits(bureau, window=window, lock=True)
        visits = _save_joint_visits(bureau, planned, actor)
    return MergeResult(visits=visits, tasks_merged=sum(len(p.tasks) for p in planned))


def _save_joint_visits(bureau, planned: list[PlannedVisit], actor) -> list[JointVisit]:
    """Insert the visits and link their tasks and our visits, in a fixed number of statements.

    Each joint visit's creation event names every task it took (id, department, number): that event is the
    record of those tasks being merged, so a merge of a year's tasks writes one event per visit, not one more
    per task. Our own visits (`Inspection`) each get their own event, since a visit's history is read alone.
    """
    visits = [JointVisit(organisation=bureau, entity=p.entity, lead_department=p.lead_department,
                         window_start=p.window_start, window_end=p.window_end, checklist=p.checklist, created_by=actor)
              for p in planned]
    bulk_insert(JointVisit, visits, with_ids=True)
    task_events = _save_own_tasks([t for p in planned for t in p.tasks if isinstance(t, ExternalTask)])
    task_links = [(t.pk, visit.pk) for visit, p in zip(visits, planned) for t in p.tasks]
    inspection_links = [(i.pk, visit.pk) for visit, p in zip(visits, planned) for i in p.inspections]
    _link_to_visits(Inspection, inspection_links)
    events = EventBatch(actor=actor)
    # Linking the tasks rewrites tens of thousands of rows; the server does that while the events are built here.
    with _linking_aside(ExternalTask, task_links):
        for visit, p in zip(visits, planned):
            events.add([PendingEvent(AuditAction.CREATE, visit, after=created_values(visit), detail={
                "tasks": [f"{DEPARTMENT_LABELS[t.department]} {t.external_id}" for t in p.tasks],
                "task_ids": [t.pk for t in p.tasks]})])
            events.add(e for t in p.tasks for e in task_events.get(id(t), []))
            if p.inspections:
                link = {"before": {"joint_visit": None}, "after": {"joint_visit": visit.pk},
                        "detail": {"joint_visit": str(visit)}}
                events.add(PendingEvent(AuditAction.UPDATE, i, **link) for i in p.inspections)
    events.write()
    return visits


def _save_own_tasks(tasks: list[ExternalTask]) -> dict[int, list[PendingEvent]]:
    """Insert the new health tasks of our visits and refresh the changed ones; their events, by task object."""
    events: dict[int, list[PendingEvent]] = {}
    new = [t for t in tasks if t.pk is None]
    bulk_insert(ExternalTask, new, with_ids=True)
    for task in new:
        events[id(task)] = [PendingEvent(AuditAction.CREATE, task, after=snapshot(task),
                                         detail={"source": "本局检查计划", "inspection": task.inspection_id})]
    inserted = {id(t) for t in new}
    refreshed = [t for t in tasks if t.inspection_id and id(t) not in inserted]
    stored = ExternalTask.objects.in_bulk([t.pk for t in refreshed])
    changed = []
    for task in refreshed:
        before, after = snapshot(stored[task.pk], TASK_FIELDS), snapshot(task, TASK_FIELDS)
        if before != after:
            changed.append(task)
            events[id(task)] = [PendingEvent(AuditAction.UPDATE, task, before=before, after=after)]
    ExternalTask.objects.bulk_update(changed, list(TASK_FIELDS), batch_size=500)
    return events


LINK_SQL = ("UPDATE {table} AS t SET joint_visit_id = v.visit FROM unnest(%s::bigint[], %s::bigint[]) AS v(id, visit) "
            "WHERE t.id = v.id AND t.joint_visit_id IS NULL")


def _link_to_visits(model, pairs: list[tuple[int, int]]) -> None:
    """Set joint_visit of rows not yet linked, (row id, joint visit id) pairs, in one statement on PostgreSQL."""
    if not pairs:
        return
    if connection.vendor != "postgresql":
        for visit_id, ids in _by_visit(pairs).items():
            model.objects.filter(pk__in=ids, joint_visit__isnull=True).update(joint_visit_id=visit_id)
        return
    with connection.cursor() as cursor:
        cursor.execute(*_link_statement(model, pairs))


def _linking_aside(model, pairs: list[tuple[int, int]]):
    """`_link_to_visits`, run by the server while the caller's block runs (`statement_aside`) on PostgreSQL."""
    if connection.vendor != "postgresql" or not pairs:
        _link_to_visits(model, pairs)
        return nullcontext()
    return statement_aside(*_link_statement(model, pairs), check_now=True)


def _link_statement(model, pairs: list[tuple[int, int]]) -> tuple[str, list]:
    table = connection.ops.quote_name(model._meta.db_table)
    return LINK_SQL.format(table=table), [[pk for pk, _ in pairs], [visit for _, visit in pairs]]


def _by_visit(pairs: list[tuple[int, int]]) -> dict[int, list[int]]:
    grouped = defaultdict(list)
    for pk, visit_id in pairs:
        grouped[visit_id].append(pk)
    return grouped


# ---- reading -------------------------------------------------------------------------------------------------

def checklist_rows(visit: JointVisit) -> list[dict]:
    """The checklist as a page shows it: each item's text and its departments by name."""
    labels = dict(Department.choices)
    return [{"text": entry.get("text", ""),
             "departments": "、".join(labels.get(d, d) for d in entry.get("departments", []))}
            for entry in visit.checklist]


@dataclass(frozen=True)
class DepartmentSavings:
    department: str
    tasks: int  # tasks of the department merged into joint visits
    visits: int  # joint visits the department took part in
    led: int  # joint visits it led

    @property
    def label(self) -> str:
        return Department(self.department).label

    @property
    def saved(self) -> int:
        """Each merged task is a visit saved except the one visit the department leads: sums to the total."""
        return self.tasks - self.led


@dataclass(frozen=True)
class Savings:
    start: dt.date
    end: dt.date
    tasks: int
    joint_visits: int
    departments: list[DepartmentSavings]

    @property
    def saved(self) -> int:
        """Visits saved against one visit per task."""
        return self.tasks - self.joint_visits


def joint_savings(user, start: dt.date, end: dt.date) -> Savings:
    """How many visits merging saved, for joint visits starting in [start, end] that `user` may see."""
    visits = JointVisit.objects.visible_to(user).filter(window_start__gte=start, window_start__lte=end)
    tasks = (ExternalTask.objects.filter(joint_visit__in=visits.values("pk")).order_by().values("department")
             .annotate(tasks=Count("pk"), visits=Count("joint_visit", distinct=True)))
    led = dict(visits.order_by().values_list("lead_department").annotate(n=Count("pk")))
    rows = {row["department"]: row for row in tasks}
    departments = [DepartmentSavings(d, rows[d]["tasks"], rows[d]["visits"], led.get(d, 0))
                   for d in LEAD_DEPARTMENT_ORDER if d in rows]
    return Savings(start, end, sum(d.tasks for d in departments), visits.count(), departments)
