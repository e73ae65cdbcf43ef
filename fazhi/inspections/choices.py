"""Vocabularies of inspections (DOMAIN.md, "Inspections")."""
from django.db import models


class ItemStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已公布"
    WITHDRAWN = "withdrawn", "已停用"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已公布"
    DRAWN = "drawn", "已抽取"


class VisitReason(models.TextChoices):
    """Why a visit happens. Case-driven reasons are exempt from the annual cap (rules.CASE_DRIVEN_REASONS)."""

    RANDOM_DRAW = "random_draw", "双随机抽查"
    KEY_SUPERVISION = "key_supervision", "重点监管"
    CAMPAIGN = "campaign", "专项执法"
    ROUTINE = "routine", "日常监督"
    COMPLAINT = "complaint", "投诉举报"
    HOTLINE = "hotline", "12345热线转办"
    REFERRAL = "referral", "移送转办"
    RECHECK = "recheck", "整改复查"
    LICENCE_VERIFICATION = "licence_verification", "许可核查"
    EMERGENCY = "emergency", "突发事件处置"


class InspectionStatus(models.TextChoices):
    PLANNED = "planned", "待检查"
    REGISTERED = "registered", "已亮码"
    RECORDED = "recorded", "笔录已签"
    CLOSED = "closed", "已办结"
    CANCELLED = "cancelled", "已取消"


class ItemResult(models.TextChoices):
    COMPLIANT = "compliant", "合格"
    NON_COMPLIANT = "non_compliant", "不合格"
    NOT_APPLICABLE = "not_applicable", "不适用"


class RecordStatus(models.TextChoices):
    DRAFT = "draft", "填写中"
    SIGNED = "signed", "已签名锁定"


class RecordFileKind(models.TextChoices):
    PHOTO = "photo", "照片"
    FILE = "file", "文件"


class OpinionStatus(models.TextChoices):
    ISSUED = "issued", "整改中"
    CLOSED = "closed", "整改完成"
    HANDED_OVER = "handed_over", "已转立案"


class RectificationStatus(models.TextChoices):
    PENDING = "pending", "待整改"
    SUBMITTED = "submitted", "已提交整改材料"
    ACCEPTED = "accepted", "整改合格"
    REJECTED = "rejected", "整改不合格"


class Department(models.TextChoices):
    """Departments whose inspection tasks may be merged into one visit (综合查一次)."""

    HEALTH = "health", "卫生健康"
    MARKET = "market", "市场监管"
    FIRE = "fire", "消防救援"
    ENVIRONMENT = "environment", "生态环境"
    HOUSING = "housing", "住房城乡建设"
    EDUCATION = "education", "教育"
    EMERGENCY = "emergency", "应急管理"
    HUMAN_RESOURCES = "human_resources", "人力资源社会保障"
    CULTURE_TOURISM = "culture_tourism", "文化和旅游"
    PUBLIC_SECURITY = "public_security", "公安"
    OTHER = "other", "其他部门"
