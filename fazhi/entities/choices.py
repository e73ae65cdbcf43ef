"""Vocabularies of the entity registry."""
from django.db import models


class EntityStatus(models.TextChoices):
    OPERATING = "operating", "在营"
    SUSPENDED = "suspended", "停业"
    DEREGISTERED = "deregistered", "注销"
    REVOKED = "revoked", "吊销"


class CreditGrade(models.TextChoices):
    A = "A", "A级（守信）"
    B = "B", "B级（基本守信）"
    C = "C", "C级（失信）"
    D = "D", "D级（严重失信）"


class LegalForm(models.TextChoices):
    """What kind of legal person or body the entity is: a hospital is usually a 事业单位, a clinic a company."""

    ENTERPRISE = "enterprise", "企业"
    PUBLIC_INSTITUTION = "public_institution", "事业单位"
    INDIVIDUAL = "individual", "个体工商户"
    SOCIAL_ORGANISATION = "social_organisation", "社会组织（民办非企业单位等）"
    GOVERNMENT = "government", "机关"
    OTHER = "other", "其他"


class NoCreditCodeReason(models.TextChoices):
    """Why an entity has no 统一社会信用代码; an entity without one must say which applies."""

    INDIVIDUAL_UNREGISTERED = "individual", "个体工商户，尚未取得统一社会信用代码"
    VILLAGE_CLINIC = "village_clinic", "村卫生室等未单独登记的机构"
    INTERNAL_UNIT = "internal_unit", "单位内设机构（如医务室），随所在单位登记"
    OTHER = "other", "其他（在备注中说明）"


class CreditGradeBasis(models.TextChoices):
    INITIAL = "initial", "初始评定"
    ANNUAL = "annual", "年度信用评价"
    PENALTY = "penalty", "行政处罚"
    COMPLAINT = "complaint", "投诉举报查实"
    REPAIR = "repair", "信用修复"
    IMPORT = "import", "批量导入"
    CORRECTION = "correction", "更正错误"


class LicenceKind(models.TextChoices):
    PUBLIC_PLACE = "public_place", "公共场所卫生许可证"
    MEDICAL_PRACTICE = "medical_practice", "医疗机构执业许可证"
    CLINIC_FILING = "clinic_filing", "诊所备案凭证"
    RADIATION = "radiation", "放射诊疗许可证"
    WATER_SUPPLY = "water_supply", "供水单位卫生许可证"
    DISINFECTION = "disinfection", "消毒产品生产企业卫生许可证"
    MATERNAL = "maternal", "母婴保健技术服务执业许可证"
    OTHER = "other", "其他许可或备案"


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", "已上传，等待检查"
    CHECKING = "checking", "正在检查"
    CHECKED_OK = "checked_ok", "检查通过，等待确认导入"
    CHECKED_BAD = "checked_bad", "检查发现错误，未导入"
    APPLYING = "applying", "正在导入"
    APPLIED = "applied", "已导入"
    FAILED = "failed", "失败，未导入"
    CANCELLED = "cancelled", "已取消"
