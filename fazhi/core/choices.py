"""Fixed vocabularies shared by every app."""
from django.db import models


class Role(models.TextChoices):
    """A staff role; one person may hold several (ARCHITECTURE.md, "The people")."""

    OFFICER = "officer", "执法人员"
    SECTION_HEAD = "section_head", "科室负责人"
    LEGAL_REVIEWER = "legal_reviewer", "法制审核员"
    LEADER = "leader", "分管领导"
    CHIEF = "chief", "主要领导"
    LICENSING_CLERK = "licensing_clerk", "审批员"
    COMPLAINTS_CLERK = "complaints_clerk", "信访员"
    OUTREACH = "outreach", "普法/培训专员"
    ADMIN = "admin", "系统管理员"


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, "省级"
    CITY = 2, "地级"
    COUNTY = 3, "县级"
    TOWNSHIP = 4, "乡级"


class OrganisationKind(models.TextChoices):
    BUREAU = "bureau", "卫生健康局（委）"
    SUPERVISION_INSTITUTE = "institute", "卫生监督所（局）"


class SectionKind(models.TextChoices):
    LEGAL = "legal", "法制科"
    SUPERVISION = "supervision", "监督科"
    MEDICAL = "medical", "医政科"
    PUBLIC_HEALTH = "public_health", "公共卫生科"
    OFFICE = "office", "办公室"
    LICENSING = "licensing", "行政审批科"
    COMPLAINTS = "complaints", "信访办"
    OTHER = "other", "其他"


class SupervisionDomain(models.TextChoices):
    """专业类别 (DOMAIN.md, "Supervision domains"): certificates, entities and items are per domain."""

    MEDICAL_SERVICE = "medical_service", "医疗服务"
    INFECTIOUS_DISEASE = "infectious_disease", "传染病防治"
    PUBLIC_PLACE = "public_place", "公共场所"
    DRINKING_WATER = "drinking_water", "生活饮用水"
    SCHOOL = "school", "学校卫生"
    OCCUPATIONAL = "occupational", "职业卫生"
    RADIATION = "radiation", "放射卫生"
    MATERNAL_FAMILY = "maternal_family", "母婴保健与计划生育"
    DISINFECTION = "disinfection", "消毒产品"


class CertificateStatus(models.TextChoices):
    VALID = "valid", "有效"
    SUSPENDED = "suspended", "暂扣"
    REVOKED = "revoked", "吊销"
    CANCELLED = "cancelled", "注销"


class AuditAction(models.TextChoices):
    CREATE = "create", "新建"
    UPDATE = "update", "修改"
    TRANSITION = "transition", "状态变更"
    DELETE = "delete", "删除"
    LOGIN = "login", "登录"
    LOGOUT = "logout", "退出"
    LOGIN_FAILED = "login_failed", "登录失败"
    PASSWORD_CHANGE = "password_change", "修改密码"
    EXPORT = "export", "导出"


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", "法定节假日（休息）"
    WORKDAY = "workday", "调休上班日"
