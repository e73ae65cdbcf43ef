"""The published inspection item list (检查事项清单, 一单两库的“一单”): writes and reads.

A bureau drafts an item, edits it while it is a draft, publishes it and may withdraw it later; a withdrawn
item may be published again. Only published items may be inspected (国办发〔2024〕54号), so an item that has
been published is never edited in place: it is withdrawn and a new one drafted.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from fazhi.core.audit import record_create, record_update, snapshot
from fazhi.core.permissions import acting_bureau
from fazhi.core.workflow import StateMachine, Transition

from .choices import ItemStatus
from .models import InspectionItem
from .permissions import PLANNER_ROLES

ITEM_FIELDS = ("domain", "code", "title", "content", "method", "legal_basis", "sort_order")


def ensure_planner(actor, what: str) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.has_role(*PLANNER_ROLES):
        raise PermissionDenied(f"您没有{what}的权限。")


def ensure_own(actor, obj, what: str) -> None:
    """Writes stay inside one's own bureau: a city sees its counties' records and changes none."""
    if not type(obj).objects.writable_by(actor).filter(pk=obj.pk).exists():
        raise PermissionDenied(f"该记录不属于本局，不能{what}。")


def _mark_published(item: InspectionItem, context) -> None:
    item.published_at = timezone.now()


def _legal_basis_given(item: InspectionItem, context) -> str | None:
    return None if item.legal_basis.strip() else "检查事项须写明检查依据（法律、法规、规章及条款）方可公布。"


def _legal_basis_exists(item: InspectionItem, context) -> str | None:
    """Every cited article of a text the law library holds must exist in it: a wrong or repealed article is
    refused before the item reaches the portal."""
    from fazhi.laws.links import broken_citations

    broken = broken_citations(item.legal_basis)
    if broken:
        return f"检查依据中的{'、'.join(broken)}在法律法规库中不存在，请核对条文序号后再公布。"
    return None


ITEM_MACHINE = StateMachine(
    name="inspection_item",
    labels=dict(ItemStatus.choices),
    transitions=[
        Transition("publish", "公布", (ItemStatus.DRAFT, ItemStatus.WITHDRAWN), ItemStatus.PUBLISHED,
                   frozenset(PLANNER_ROLES), guards=(_legal_basis_given, _legal_basis_exists), effect=_mark_published),
        Transition("withdraw", "停用", (ItemStatus.PUBLISHED,), ItemStatus.WITHDRAWN, frozenset(PLANNER_ROLES)),
    ],
)


def _save_checked(item: InspectionItem) -> None:
    item.full_clean(exclude=["organisation"], validate_unique=False, validate_constraints=False)
    clash = InspectionItem.objects.filter(organisation_id=item.organisation_id, code=item.code).exclude(pk=item.pk)
    if clash.exists():
        raise ValidationError({"code": "本机关已有相同编码的检查事项，请换一个编码。"})
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError as error:  # a concurrent save took the code between the check and the insert
        raise ValidationError({"code": "本机关已有相同编码的检查事项，请换一个编码。"}) from error


@transaction.atomic
def create_item(*, actor, **fields) -> InspectionItem:
    """Draft an item in the actor's bureau."""
    ensure_planner(actor, "编制检查事项清单")
    item = InspectionItem(organisation=acting_bureau(actor), created_by=actor,
                          **{k: v for k, v in fields.items() if k in ITEM_FIELDS})
    _save_checked(item)
    record_create(item, actor=actor)
    return item


@transaction.atomic
def update_item(item: InspectionItem, *, actor, **fields) -> InspectionItem:
    ensure_planner(actor, "修改检查事项")
    ensure_own(actor, item, "修改")
    item = InspectionItem.objects.select_for_update().get(pk=item.pk)
    if item.status == ItemStatus.PUBLISHED:
        raise ValidationError("已公布的检查事项不能直接修改，请先停用，再修改后重新公布。")
    before = snapshot(item, ITEM_FIELDS)
    for name in ITEM_FIELDS:
        if name in fields:
            setattr(item, name, fields[name])
    _save_checked(item)
    record_update(item, before, actor=actor)
    return item


def publish_item(item: InspectionItem, *, actor) -> InspectionItem:
    ensure_own(actor, item, "公布")
    return ITEM_MACHINE.fire(item, "publish", actor=actor)


def withdraw_item(item: InspectionItem, *, actor, reason: str = "") -> InspectionItem:
    ensure_own(actor, item, "停用")
    return ITEM_MACHINE.fire(item, "withdraw", actor=actor, note=reason.strip()[:200])


def published_items(bureau):
    """The bureau's published items, in the order of the list."""
    return (InspectionItem.objects.filter(organisation=bureau, status=ItemStatus.PUBLISHED)
            .select_related("domain"))


def public_item_rows(bureau_id: int, search: str = ""):
    """The public columns of a bureau's published items, by domain: what the portal shows and nothing more."""
    rows = InspectionItem.objects.filter(organisation_id=bureau_id, status=ItemStatus.PUBLISHED)
    search = (search or "").strip()
    if search:
        rows = rows.filter(Q(title__icontains=search) | Q(legal_basis__icontains=search))
    return rows.order_by("domain__sort_order", "sort_order", "code").values(
        "code", "title", "content", "method", "legal_basis", "published_at", "domain__name",
    )
