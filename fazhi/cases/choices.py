"""Vocabularies of penalty cases (DOMAIN.md, "Penalty cases")."""
from django.db import models


class Procedure(models.TextChoices):
    SIMPLE = "simple", "简易程序"
    GENERAL = "general", "一般程序"


class CaseSource(models.TextChoices):
    INSPECTION = "inspection", "监督检查发现"
    RECTIFICATION = "rectification", "整改不合格或逾期未改"
    COMPLAINT = "complaint", "投诉举报"
    REFERRAL = "referral", "有关部门移送"
    TRANSFER = "transfer", "上级交办或指定管辖"
    DIRECT = "direct", "其他途径发现"


class PartyKind(models.TextChoices):
    """Who is punished: §51's simple-procedure limits differ for a citizen and an organisation."""

    ORGANISATION = "organisation", "法人或者其他组织"
    PERSON = "person", "公民"


class CaseStatus(models.TextChoices):
    # general procedure
    REGISTERED = "registered", "待立案审批"
    NOT_FILED = "not_filed", "不予立案"
    INVESTIGATING = "investigating", "调查取证"
    IN_REVIEW = "in_review", "审核中"
    NOTIFIED = "notified", "已事先告知"
    HEARING = "hearing", "听证程序"
    DECIDED = "decided", "已作出决定"
    SERVED = "served", "已送达待履行"
    REMINDED = "reminded", "已催告"
    ENFORCEMENT = "enforcement", "申请强制执行"
    FULFILLED = "fulfilled", "已履行"
    NO_PENALTY = "no_penalty", "不予处罚"
    TRANSFERRED = "transferred", "已移送"
    WITHDRAWN = "withdrawn", "已撤销立案"
    CLOSED = "closed", "已结案"
    ARCHIVED = "archived", "已归档"
    # simple procedure
    ON_SPOT = "on_spot", "当场处罚待备案"
    RECORDED = "recorded", "已备案"


class ReviewStage(models.TextChoices):
    SECTION = "section", "科室初审"
    LEGAL = "legal", "法制科复审"


class ReviewOutcome(models.TextChoices):
    AGREE = "agree", "同意"
    SUPPLEMENT = "supplement", "补充调查"
    REVISE = "revise", "修改后再审"
    DISAGREE = "disagree", "不同意"


class ReviewAspect(models.TextChoices):
    """What a legal review covers, each with its own opinion."""

    SUBJECT = "subject", "主体"
    FACTS = "facts", "事实"
    EVIDENCE = "evidence", "证据"
    LAW = "law", "定性与法律适用"
    PROCEDURE = "procedure", "程序"
    DISCRETION = "discretion", "裁量"
    DOCUMENTS = "documents", "文书"


class BandLevel(models.TextChoices):
    MINOR = "minor", "轻微"
    GENERAL = "general", "一般"
    SERIOUS = "serious", "较重"
    SEVERE = "severe", "严重"


class PenaltyKind(models.TextChoices):
    """The kinds of penalty (行政处罚法第九条) a decision may impose; the heavy ones trigger hearing rights."""

    WARNING = "warning", "警告"
    CRITICISM = "criticism", "通报批评"
    FINE = "fine", "罚款"
    CONFISCATE_GAINS = "confiscate_gains", "没收违法所得"
    CONFISCATE_PROPERTY = "confiscate_property", "没收非法财物"
    LICENCE_DOWNGRADE = "licence_downgrade", "降低资质等级"
    LICENCE_SUSPENSION = "licence_suspension", "暂扣许可证件"
    LICENCE_REVOCATION = "licence_revocation", "吊销许可证件"
    RESTRICT_ACTIVITY = "restrict_activity", "限制开展生产经营活动"
    ORDER_SUSPENSION = "order_suspension", "责令停产停业"
    ORDER_CLOSURE = "order_closure", "责令关闭"
    RESTRICT_PRACTICE = "restrict_practice", "限制从业"


class ConditionKind(models.TextChoices):
    """What a case rule looks at (规则表: 需法制审核 / 需集体讨论 / 听证)."""

    FINE_AT_LEAST = "fine_at_least", "罚款数额达到"
    CONFISCATION_AT_LEAST = "confiscation_at_least", "没收数额达到"
    PENALTY_KIND = "penalty_kind", "处罚种类"
    AFTER_HEARING = "after_hearing", "经过听证"
    COMPLEX = "complex", "案情复杂"
    MAJOR_PUBLIC_INTEREST = "public_interest", "涉及重大公共利益"


class RuleEffect(models.TextChoices):
    LEGAL_REVIEW = "legal_review", "需法制审核"
    DELIBERATION = "deliberation", "需集体讨论"
    HEARING_RIGHT = "hearing_right", "告知听证权利"


class MeasureKind(models.TextChoices):
    PRESERVATION = "preservation", "证据先行登记保存"
    SEIZURE = "seizure", "查封扣押"


class ServiceMethod(models.TextChoices):
    IN_PERSON = "in_person", "直接送达"
    LEFT = "left", "留置送达"
    POST = "post", "邮寄送达"
    ELECTRONIC = "electronic", "电子送达"
    ENTRUSTED = "entrusted", "委托送达"
    PUBLIC_NOTICE = "public_notice", "公告送达"


class AppealKind(models.TextChoices):
    RECONSIDERATION = "reconsideration", "行政复议"
    LITIGATION = "litigation", "行政诉讼"


class ArrangementKind(models.TextChoices):
    DEFERRAL = "deferral", "延期缴纳"
    INSTALMENTS = "instalments", "分期缴纳"


class EvidenceKind(models.TextChoices):
    DOCUMENTARY = "documentary", "书证"
    PHYSICAL = "physical", "物证"
    AUDIOVISUAL = "audiovisual", "视听资料"
    ELECTRONIC = "electronic", "电子数据"
    WITNESS = "witness", "证人证言"
    STATEMENT = "statement", "当事人的陈述"
    EXPERT = "expert", "鉴定意见"
    RECORD = "record", "勘验笔录、现场笔录"


class PublicationStatus(models.TextChoices):
    PUBLISHED = "published", "已公开"
    WITHDRAWN = "withdrawn", "已撤回"
    TAKEN_DOWN = "taken_down", "已到期撤下"
