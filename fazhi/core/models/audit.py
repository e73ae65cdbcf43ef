"""The audit chain: every create, change and state transition, append-only, each event hashing the one before."""
from django.conf import settings
from django.db import models

from ..choices import AuditAction
from ..querysets import ScopedQuerySet


class AuditEventQuerySet(ScopedQuerySet):
    def for_object(self, obj):
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


class AuditEvent(models.Model):
    """One audited event. Never updated or deleted (on PostgreSQL a trigger refuses both)."""

    seq = models.PositiveBigIntegerField("序号", unique=True)
    occurred_at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    actor_name = models.CharField("操作人姓名", max_length=150, blank=True)
    action = models.CharField("动作", max_length=30, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField("对象类型", max_length=100, blank=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name="所属机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    before = models.JSONField("变更前", null=True, blank=True)
    after = models.JSONField("变更后", null=True, blank=True)
    detail = models.JSONField("说明", default=dict, blank=True)
    prev_hash = models.CharField("前一事件摘要", max_length=64)
    hash = models.CharField("本事件摘要", max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "审计事件"
        verbose_name_plural = "审计事件"
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id", "seq"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.get_action_display()} {self.object_repr}"

    def changes(self, model=None) -> list[tuple[str, object, object]]:
        """(field, before, after) for each field the event names; with `model`, fields by their Chinese names."""
        before, after = self.before or {}, self.after or {}
        labels = {}
        if model is not None:
            labels = {f.name: str(f.verbose_name) for f in model._meta.get_fields() if hasattr(f, "verbose_name")}
            labels.update(roles="角色")
        return [(labels.get(n, n), before.get(n), after.get(n)) for n in sorted({*before, *after})]


class AuditChainHead(models.Model):
    """The last link of the chain: one row, locked while an event is appended, so events line up one by one."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = "审计链头"
        verbose_name_plural = "审计链头"
