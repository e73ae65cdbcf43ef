"""Staff, their roles and their enforcement certificates; API tokens for other systems."""
from __future__ import annotations

import datetime as dt
import hashlib

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q

from ..choices import CertificateStatus, Role, SupervisionDomain
from ..querysets import ScopedQuerySet
from ..validators import validate_id_card_number, validate_phone
from .organisations import Organisation, Section


class UserQuerySet(ScopedQuerySet):
    def with_role(self, role: str):
        return self.filter(role_assignments__role=role)

    def staff_listing(self):
        return self.select_related("organisation", "section").prefetch_related("role_assignments")


class StaffManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A member of staff. Entities and the public use the portal and hold no account."""

    full_name = models.CharField("姓名", max_length=50)
    organisation = models.ForeignKey(
        Organisation, verbose_name="所属机构", null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    section = models.ForeignKey(
        Section, verbose_name="所在科室", null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    job_title = models.CharField("职务", max_length=50, blank=True)
    id_card_number = models.CharField(
        "居民身份证号", max_length=18, blank=True, validators=[validate_id_card_number]
    )
    phone = models.CharField("手机号码", max_length=20, blank=True, validators=[validate_phone])
    has_legal_qualification = models.BooleanField(
        "具有法律职业资格", default=False, help_text="初次从事行政处罚决定法制审核的人员须具备（行政处罚法第五十八条）。"
    )
    legal_qualification_number = models.CharField("法律职业资格证书编号", max_length=50, blank=True)
    must_change_password = models.BooleanField("须修改初始密码", default=True)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)

    objects = StaffManager()

    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = "工作人员"
        verbose_name_plural = "工作人员"
        ordering = ["organisation__path", "username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def roles(self) -> set[str]:
        """The roles held, read once per loaded user (a request asks has_role many times)."""
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("role_assignments")
        if prefetched is not None:
            return {a.role for a in prefetched}
        if "_roles" not in self.__dict__:
            self.__dict__["_roles"] = set(self.role_assignments.values_list("role", flat=True))
        return self.__dict__["_roles"]

    def forget_roles(self) -> None:
        self.__dict__.pop("_roles", None)
        getattr(self, "_prefetched_objects_cache", {}).pop("role_assignments", None)

    def has_role(self, *roles: str) -> bool:
        return self.is_superuser or bool(self.roles.intersection(roles))

    @property
    def role_labels(self) -> list[str]:
        return [Role(r).label for r in Role.values if r in self.roles]



class RoleAssignment(models.Model):
    """One role held by one person; a person may hold several."""

    user = models.ForeignKey(User, verbose_name="人员", on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField("角色", max_length=30, choices=Role.choices)

    class Meta:
        verbose_name = "角色分配"
        verbose_name_plural = "角色分配"
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="role_assignment_unique")]

    def __str__(self) -> str:
        return f"{self.user}：{self.get_role_display()}"


class Domain(models.Model):
    """A supervision domain (专业类别). Seeded from `SupervisionDomain`; certificates and entities refer to it."""

    code = models.CharField("代码", max_length=30, primary_key=True, choices=SupervisionDomain.choices)
    name = models.CharField("名称", max_length=30)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "专业类别"
        verbose_name_plural = "专业类别"
        ordering = ["sort_order"]

    def __str__(self) -> str:
        return self.name


class CertificateQuerySet(ScopedQuerySet):
    scope_field = "holder__organisation"

    def valid_on(self, day: dt.date, domain: str | None = None):
        """Certificates that allow enforcement on `day` (in `domain`, if given)."""
        qs = self.filter(valid_from__lte=day, valid_to__gte=day).exclude(
            Q(status__in=[CertificateStatus.REVOKED, CertificateStatus.CANCELLED]) & Q(ended_on__lte=day)
        )
        # One suspension must cover the day by itself: a joined exclude() would let the start of one
        # and the open end of another combine into a suspension that never was.
        suspended = CertificateSuspension.objects.covering(day).values("certificate_id")
        qs = qs.exclude(pk__in=suspended)
        if domain is not None:
            qs = qs.filter(domains__code=domain)
        return qs.distinct()

    def expiring_within(self, day: dt.date, days: int):
        return self.filter(status=CertificateStatus.VALID, valid_to__gte=day, valid_to__lte=day + dt.timedelta(days=days))


class EnforcementCertificate(models.Model):
    """An administrative enforcement certificate (行政执法证): who may enforce, in which domains, until when.

    Suspensions keep their periods and revocation its date, so "was this officer certified on the day
    of that inspection" has an answer years later.
    """

    holder = models.ForeignKey(User, verbose_name="持证人", on_delete=models.PROTECT, related_name="certificates")
    number = models.CharField("执法证号", max_length=40, unique=True)
    issuer = models.CharField("发证机关", max_length=100)
    domains = models.ManyToManyField(Domain, verbose_name="执法领域", related_name="certificates")
    valid_from = models.DateField("有效期起")
    valid_to = models.DateField("有效期至")
    status = models.CharField(
        "状态", max_length=20, choices=CertificateStatus.choices, default=CertificateStatus.VALID, editable=False
    )
    ended_on = models.DateField("吊销/注销日期", null=True, blank=True, editable=False)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = "执法证"
        verbose_name_plural = "执法证"
        ordering = ["holder__full_name", "-valid_to"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__gte=models.F("valid_from")), name="certificate_period_valid")
        ]

    def __str__(self) -> str:
        return f"{self.holder}（{self.number}）"

    @property
    def audit_organisation_id(self):
        return self.holder.organisation_id

    @property
    def domain_labels(self) -> str:
        return "、".join(d.name for d in self.domains.all())


class SuspensionQuerySet(models.QuerySet):
    def covering(self, day: dt.date):
        return self.filter(Q(start__lte=day) & (Q(end__isnull=True) | Q(end__gt=day)))


class CertificateSuspension(models.Model):
    """A period during which a certificate was suspended (暂扣); `end` is empty while it lasts."""

    certificate = models.ForeignKey(
        EnforcementCertificate, verbose_name="执法证", on_delete=models.PROTECT, related_name="suspensions"
    )
    start = models.DateField("暂扣起")
    end = models.DateField("恢复日期", null=True, blank=True)
    reason = models.CharField("原因", max_length=200)

    objects = SuspensionQuerySet.as_manager()

    class Meta:
        verbose_name = "执法证暂扣记录"
        verbose_name_plural = "执法证暂扣记录"
        ordering = ["-start"]


class ApiTokenQuerySet(ScopedQuerySet):
    scope_field = "user__organisation"

    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A token another system presents to the API. It acts as its (system) user and sees what that user sees.

    Only a hash of the key is stored; the key itself is shown once, when it is made.
    """

    user = models.ForeignKey(User, verbose_name="代表的账号", on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField("用途", max_length=100)
    key_prefix = models.CharField("前缀", max_length=8, db_index=True)
    key_hash = models.CharField("摘要", max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"

    def __str__(self) -> str:
        return f"{self.name}（{self.key_prefix}…）"

    @property
    def audit_organisation_id(self):
        return self.user.organisation_id

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()
