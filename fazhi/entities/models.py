"""The entity registry: everything the bureau supervises, its licences and its credit grade over time."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from fazhi.core.models import Domain, Organisation, Region, ScopedModel
from fazhi.core.querysets import ScopedQuerySet
from fazhi.core.validators import validate_phone

from .choices import (
    CreditGrade,
    CreditGradeBasis,
    EntityStatus,
    ImportStatus,
    LegalForm,
    LicenceKind,
    NoCreditCodeReason,
)
from .credit_code import normalise as normalise_credit_code
from .credit_code import validate_credit_code
from .querysets import DOMAIN_CODES_SEPARATOR, EntityQuerySet, LicenceQuerySet
from .rules import ENTITY_RULES, KIND_CHOICES, SUB_KIND_CHOICES, SUB_KIND_LABELS, sub_kind_problem, township_problem


def domain_codes_value(codes) -> str:
    """`Entity.domain_codes` for these domain codes: sorted, each once, space-separated."""
    return DOMAIN_CODES_SEPARATOR.join(sorted({str(code) for code in codes}))


# What other modules may keep a copy of, to be searched by (a visit's 监管对象名称); a change to any of them
# is passed on by `services.names_changed`.
NAME_FIELDS = ("name", "name_initials", "credit_code")


class Entity(ScopedModel):
    """A regulated entity (监管对象): a hospital, clinic, hotel, pool, barber, water supplier, school, employer...

    It belongs to the bureau that supervises it; `organisation` is that bureau.
    """

    # Indexes here are written on every import and edit, so none is kept that another already serves: the bureau's
    # lookups use entity_org_name (organisation first), the initials search entity_initials_pattern (migration 0003).
    organisation = models.ForeignKey(
        Organisation, verbose_name="所属机构", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    name = models.CharField("名称", max_length=200)
    name_initials = models.CharField("名称拼音首字母", max_length=200, blank=True, editable=False)
    credit_code = models.CharField(
        "统一社会信用代码", max_length=18, blank=True, validators=[validate_credit_code],
        help_text="18位，按GB 32100-2015校验。未取得代码的须说明原因。",
    )
    no_credit_code_reason = models.CharField(
        "无统一社会信用代码的原因", max_length=20, blank=True, choices=NoCreditCodeReason.choices
    )
    legal_form = models.CharField("主体性质", max_length=30, choices=LegalForm.choices, default=LegalForm.ENTERPRISE)
    kind = models.CharField("类别", max_length=20, choices=KIND_CHOICES)
    sub_kind = models.CharField("细分类别", max_length=30, choices=SUB_KIND_CHOICES)
    domains = models.ManyToManyField(Domain, verbose_name="监管专业", related_name="entities")
    # The same domains as one value, so that on PostgreSQL one index answers "name contains … in domain …"
    # together; written wherever `domains` is (see `domain_codes_value`), never edited on its own.
    domain_codes = models.CharField("监管专业代码（检索用）", max_length=400, blank=True, editable=False)
    legal_representative = models.CharField("法定代表人（负责人）", max_length=50, blank=True)
    contact_person = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True, validators=[validate_phone])
    address = models.CharField("地址", max_length=200)
    township = models.ForeignKey(
        Region, verbose_name="所在乡镇（街道）", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    longitude = models.DecimalField(
        "经度", max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(ENTITY_RULES.longitude_range[0]), MaxValueValidator(ENTITY_RULES.longitude_range[1])],
    )
    latitude = models.DecimalField(
        "纬度", max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(ENTITY_RULES.latitude_range[0]), MaxValueValidator(ENTITY_RULES.latitude_range[1])],
    )
    status = models.CharField("经营状态", max_length=20, choices=EntityStatus.choices, default=EntityStatus.OPERATING)
    is_key_supervision = models.BooleanField("重点监管", default=False)
    key_supervision_reason = models.CharField("列为重点监管的原因", max_length=200, blank=True)
    credit_grade = models.CharField(
        "信用等级", max_length=1, choices=CreditGrade.choices, default=ENTITY_RULES.initial_credit_grade
    )
    note = models.TextField("备注", blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = EntityQuerySet.as_manager()

    class Meta:
        verbose_name = "监管对象"
        verbose_name_plural = "监管对象"
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "credit_code"],
                condition=~Q(credit_code=""),
                name="entity_unique_credit_code",
                violation_error_message="本局已登记此统一社会信用代码的监管对象，请在列表中查找后修改，不要重复登记。",
            ),
            models.CheckConstraint(
                condition=~Q(credit_code="", no_credit_code_reason=""),
                name="entity_code_or_reason",
                violation_error_message="请填写统一社会信用代码，或选择无代码的原因。",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "name"], name="entity_org_name"),
            models.Index(fields=["credit_code"], name="entity_credit_code"),
            models.Index(fields=["kind", "sub_kind"], name="entity_kind"),
            models.Index(fields=["status"], name="entity_status"),
            models.Index(fields=["credit_grade"], name="entity_grade"),
            models.Index(fields=["is_key_supervision"], name="entity_key", condition=Q(is_key_supervision=True)),
            models.Index(fields=["-updated_at"], name="entity_updated"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Rules across fields, each message on the field it concerns."""
        errors: dict[str, str] = {}
        self.name = (self.name or "").strip()
        self.credit_code = normalise_credit_code(self.credit_code)
        if self.credit_code:
            self.no_credit_code_reason = ""
        elif not self.no_credit_code_reason:
            errors["no_credit_code_reason"] = "没有统一社会信用代码的，请选择原因（如个体工商户尚未取得）。"
        if self.kind:
            problem = sub_kind_problem(self.kind, self.sub_kind)
            if problem:
                errors["sub_kind"] = problem
        if self.township_id is not None:
            problem = township_problem(self.township, self.organisation if self.organisation_id else None)
            if problem:
                errors["township"] = problem
        if (self.longitude is None) != (self.latitude is None):
            errors["latitude" if self.latitude is None else "longitude"] = "经度和纬度须同时填写，或都不填。"
        if self.is_key_supervision and not self.key_supervision_reason.strip():
            errors["key_supervision_reason"] = "列为重点监管的，请写明原因。"
        if errors:
            raise ValidationError(errors)

    @property
    def sub_kind_label(self) -> str:
        return SUB_KIND_LABELS.get(self.sub_kind, self.sub_kind)


class Licence(ScopedModel):
    """A licence or filing the entity holds. The licensing module will issue these; until then they are recorded."""

    entity = models.ForeignKey(Entity, verbose_name="监管对象", on_delete=models.CASCADE, related_name="licences")
    kind = models.CharField("证照类别", max_length=30, choices=LicenceKind.choices)
    number = models.CharField("证照编号", max_length=60)
    issued_on = models.DateField("发证日期", null=True, blank=True)
    valid_to = models.DateField("有效期至", null=True, blank=True, help_text="长期有效或备案凭证可不填。")
    issuer = models.CharField("发证机关", max_length=100, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = LicenceQuerySet.as_manager()

    class Meta:
        verbose_name = "证照"
        verbose_name_plural = "证照"
        ordering = ["valid_to", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "number"],
                name="licence_unique_number",
                violation_error_message="本局已登记同一类别、同一编号的证照，请核对编号。",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(issued_on__isnull=True) | Q(valid_to__gte=models.F("issued_on")),
                name="licence_valid_after_issue",
                violation_error_message="有效期至不能早于发证日期。",
            ),
        ]
        indexes = [models.Index(fields=["number"], name="licence_number")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class CreditGradeChange(ScopedModel):
    """One entry in an entity's credit history: from which grade to which, who decided, when and why."""

    entity = models.ForeignKey(Entity, verbose_name="监管对象", on_delete=models.CASCADE, related_name="grade_changes")
    from_grade = models.CharField("原等级", max_length=1, choices=CreditGrade.choices, blank=True)
    to_grade = models.CharField("新等级", max_length=1, choices=CreditGrade.choices)
    basis = models.CharField("依据类别", max_length=20, choices=CreditGradeBasis.choices)
    reason = models.CharField("理由", max_length=500)
    effective_on = models.DateField("生效日期")
    changed_by = models.ForeignKey(
        "core.User", verbose_name="评定人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField("记录时间", auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "信用等级变更"
        verbose_name_plural = "信用等级变更"
        ordering = ["-effective_on", "-id"]

    def __str__(self) -> str:
        return f"{self.entity}：{self.from_grade or '—'}→{self.to_grade}"


class ImportBatch(ScopedModel):
    """One uploaded spreadsheet: checked in full first, then applied all-or-nothing when the person confirms.

    Its progress (`processed_rows` of `total_rows`) is what the page shows while a large file is worked on.
    """

    created_by = models.ForeignKey("core.User", verbose_name="导入人", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    file = models.FileField("文件", upload_to="entity-imports/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=200)
    file_size = models.PositiveBigIntegerField("文件大小（字节）", default=0)
    file_sha256 = models.CharField("文件SHA-256", max_length=64)
    file_format = models.CharField("文件格式", max_length=10, blank=True)
    encoding = models.CharField("文本编码", max_length=20, blank=True)
    status = models.CharField("状态", max_length=20, choices=ImportStatus.choices, default=ImportStatus.UPLOADED)
    total_rows = models.PositiveIntegerField("数据行数", default=0)
    processed_rows = models.PositiveIntegerField("已处理行数", default=0)
    error_count = models.PositiveIntegerField("错误数", default=0)
    errors = models.JSONField("错误清单", default=list, blank=True, help_text="[{row, column, message}]，最多保留前若干条。")
    created_count = models.PositiveIntegerField("新增", default=0)
    updated_count = models.PositiveIntegerField("更新", default=0)
    unchanged_count = models.PositiveIntegerField("无变化", default=0)
    message = models.CharField("说明", max_length=500, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "监管对象导入"
        verbose_name_plural = "监管对象导入"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.original_name}（{self.created_at:%Y-%m-%d %H:%M}）" if self.created_at else self.original_name
