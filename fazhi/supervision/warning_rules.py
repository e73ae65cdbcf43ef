"""The early-warning rule table: every rule the platform warns by, in one place (DOMAIN.md, "Early warnings").

Each rule names what it looks at, the deadline or guard it watches and the article behind it, its default
severity and lead days, and its evaluator. Deadlines and thresholds are not repeated here: the evaluators ask the
owning module's clocks and rule tables (fazhi/cases/clocks.py, CASE_RULES, INSPECTION_RULES, CERTIFICATE_RULES).
The legal section switches a rule off or changes its severity or lead days on the rules page (a `WarningRule`
row per rule, seeded by migration 0002); the rest is this table.

A deadline rule with lead days L opens its warning L days before the due day, not a day earlier, and becomes
严重 once the due day has passed (`escalates`). A guard opens its warning on the day its condition holds.
The warnings DOMAIN.md lists that no built module holds the data for are in `NOT_COVERED`, with the reason.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from fazhi.cases.rules import CASE_RULES
from fazhi.core.rules import CERTIFICATE_RULES
from fazhi.inspections.rules import INSPECTION_RULES

from . import evaluate_cases as c
from . import evaluate_inspections as i
from .choices import Severity, Source
from .engine import CASE, CERTIFICATE, ENTITY, INSPECTION, OPINION, Finding, RecordKind, ScanContext

Evaluator = Callable[[ScanContext, "int | None"], Iterator[Finding]]


@dataclass(frozen=True)
class WarningSettings:
    """Values of the warnings themselves that no module's rule table holds. [M]"""

    # Visits to one entity by separate teams this many days either side of a planned one are "repeated" (综合查一次).
    repeat_window_days: int = 30
    repeat_min_visits: int = 2
    # The court's window (行政强制法第五十三条: three months) is "closing" in its last this-many days.
    enforcement_closing_days: int = 15
    # Default lead days of the deadline rules: how early a warning opens before its due day.
    filing_lead_days: int = 2
    measure_lead_days: int = 2
    seizure_lead_days: int = 5
    service_lead_days: int = 2
    payment_lead_days: int = 3
    publication_lead_days: int = 2
    simple_filing_lead_days: int = 1


WARNING_SETTINGS = WarningSettings()


@dataclass(frozen=True)
class WarningRuleSpec:
    code: str
    name: str
    source: str  # Source: the module whose records it looks at
    record: RecordKind  # the record a warning names (and links to)
    looks_at: str  # what it looks at
    basis: str  # the deadline or guard, with its article
    severity: str  # default; the legal section may change it
    evaluate: Evaluator
    lead_days: int | None = None  # default days before the due day; None: not a lead-day rule
    escalates: bool = False  # 严重 once the due day has passed

    @property
    def source_label(self) -> str:
        return Source(self.source).label

    @property
    def severity_label(self) -> str:
        return Severity(self.severity).label


S = WARNING_SETTINGS
RULES: tuple[WarningRuleSpec, ...] = (
    # ---- penalty cases: deadlines --------------------------------------------------------------------------
    WarningRuleSpec(
        "W-CASE-FILING", "立案决定期限", Source.CASES, CASE, "待立案审批的一般程序案件：发现或受理日期",
        f"自发现或受理之日起{CASE_RULES.filing_decision_days}日内决定是否立案（卫生健康行政处罚程序规定）",
        Severity.WARNING, c.filing_decision, S.filing_lead_days, escalates=True),
    WarningRuleSpec(
        "W-CASE-90", "办案期限", Source.CASES, CASE, "调查、审核、告知、听证中的案件：立案日期、已批准的延期",
        f"立案之日起{CASE_RULES.decision_limit_days}日内作出决定，第{CASE_RULES.decision_warning_days[0]}日提示、"
        f"第{CASE_RULES.decision_warning_days[1]}日警告（行政处罚法第六十条）",
        Severity.NOTICE, c.decision_limit, escalates=True),
    WarningRuleSpec(
        "W-CASE-PRESERVE", "证据先行登记保存处理期限", Source.CASES, CASE, "尚未处理的证据先行登记保存措施",
        f"{CASE_RULES.preservation_decision_days}日内作出处理决定（行政处罚法第五十六条）",
        Severity.WARNING, c.preservation, S.measure_lead_days, escalates=True),
    WarningRuleSpec(
        "W-CASE-SEIZURE", "查封扣押期限", Source.CASES, CASE, "尚未处理或解除的查封扣押措施（含批准延长）",
        f"查封扣押不得超过{CASE_RULES.seizure_days}日，经批准可延长{CASE_RULES.seizure_extension_days}日"
        "（行政强制法第二十五条）", Severity.WARNING, c.seizure, S.seizure_lead_days, escalates=True),
    WarningRuleSpec(
        "W-CASE-SERVICE", "决定书送达期限", Source.CASES, CASE, "已作出决定、尚未送达的案件",
        f"未当场交付的，{CASE_RULES.service_days}日内送达（行政处罚法第六十一条）",
        Severity.WARNING, c.service, S.service_lead_days, escalates=True),
    WarningRuleSpec(
        "W-CASE-PAYMENT", "罚没款缴纳期限", Source.CASES, CASE, "已送达待履行的案件：缴纳期限、分期安排、已缴金额",
        f"送达之日起{CASE_RULES.payment_days}日内缴纳，逾期每日加处罚款"
        f"{CASE_RULES.surcharge_daily_rate * 100:g}%（行政处罚法第六十七条、第七十二条）",
        Severity.WARNING, c.payment, S.payment_lead_days, escalates=True),
    WarningRuleSpec(
        "W-CASE-ENFORCE", "申请强制执行期间", Source.CASES, CASE, "已催告的案件：送达日期、催告书送达日期",
        f"催告书送达满{CASE_RULES.reminder_wait_days}日、复议诉讼期限届满后可申请，"
        f"期限届满之日起{CASE_RULES.enforcement_window_months}个月内申请（行政强制法第五十三条、第五十四条）",
        Severity.NOTICE, c.enforcement, escalates=True),
    WarningRuleSpec(
        "W-CASE-PUBLISH", "处罚决定公开期限", Source.CASES, CASE, "一般程序作出处罚决定、尚未公开的案件",
        f"作出决定之日起{CASE_RULES.publication_workdays}个工作日内公开（行政执法公示制度）",
        Severity.WARNING, c.publication, S.publication_lead_days, escalates=True),
    WarningRuleSpec(
        "W-CASE-SIMPLE-FILE", "当场处罚备案期限", Source.CASES, CASE, "当场作出、尚未备案的简易程序决定",
        f"当场作出的处罚决定{CASE_RULES.simple_filing_days}日内报所属行政机关备案（行政处罚法第五十二条）",
        Severity.NOTICE, c.simple_filing, S.simple_filing_lead_days, escalates=True),
    # ---- penalty cases: guards -------------------------------------------------------------------------------
    WarningRuleSpec(
        "W-CASE-LIMIT", "超过追责时效", Source.CASES, CASE, "待立案审批的案件：违法行为终了日期、发现日期",
        f"违法行为{CASE_RULES.limitation_years}年内未被发现的不再处罚，涉及生命健康安全且有危害后果的为"
        f"{CASE_RULES.limitation_years_life_health}年（行政处罚法第三十六条）", Severity.SERIOUS, c.limitation),
    WarningRuleSpec(
        "W-CASE-FIRST", "可适用首违不罚", Source.CASES, CASE, "尚未作出决定的案件：初次违法、危害后果轻微、及时改正",
        "初次违法且危害后果轻微并及时改正的，可以不予行政处罚（行政处罚法第三十三条第一款）",
        Severity.NOTICE, c.first_offence),
    WarningRuleSpec(
        "W-CASE-BAND", "超出裁量基准未说明理由", Source.CASES, CASE, "尚未作出决定的案件：拟罚款、裁量阶次、裁量理由",
        "拟处罚超出裁量阶次的须写明理由（行政处罚法第三十四条）；不得超出罚则规定的幅度（第三十八条）",
        Severity.WARNING, c.discretion),
    WarningRuleSpec(
        "W-CASE-TEAM", "执法人员不足二人", Source.CASES, CASE, "办理中的案件：承办人员人数",
        f"执法人员不得少于{CASE_RULES.min_officers}人（行政处罚法第四十二条）", Severity.SERIOUS, c.team_size),
    WarningRuleSpec(
        "W-CASE-CERT", "执法人员无有效执法证", Source.CASES, CASE, "办理中的案件：承办人员当日的执法证及其专业类别",
        "执法人员应当具有行政执法资格（行政处罚法第四十二条）", Severity.SERIOUS, c.uncertified),
    WarningRuleSpec(
        "W-CASE-RECUSE", "执法人员应当回避", Source.CASES, CASE, "办理中的案件：承办人员对当事人的回避登记",
        "执法人员与案件有直接利害关系的，应当回避（行政处罚法第四十三条）", Severity.SERIOUS, c.recused),
    WarningRuleSpec(
        "W-CASE-SIMPLE", "简易程序超出适用范围", Source.CASES, CASE, "简易程序案件：处罚种类、罚款数额、当事人类别",
        f"只能当场给予警告或者对公民{CASE_RULES.simple_fine_max_person}元以下、对组织"
        f"{CASE_RULES.simple_fine_max_organisation}元以下罚款（行政处罚法第五十一条）",
        Severity.SERIOUS, c.simple_limits),
    # ---- inspections -----------------------------------------------------------------------------------------
    WarningRuleSpec(
        "W-INSP-RECHECK", "整改期满未复查", Source.INSPECTIONS, OPINION, "整改中的卫生监督意见书：最迟整改期限、复查安排",
        f"整改期限届满应当复查，期满后{INSPECTION_RULES.recheck_window_workdays}个工作日内完成",
        Severity.WARNING, i.recheck, escalates=True),
    WarningRuleSpec(
        "W-INSP-CAP", "超出年度检查频次未经批准", Source.INSPECTIONS, INSPECTION, "尚未实施的检查：年度频次、批准",
        f"同一单位每年同一层级不超过{INSPECTION_RULES.annual_cap_per_level}次、各级合计不超过"
        f"{INSPECTION_RULES.annual_cap_total}次，投诉举报、整改复查等除外；超出的须经负责人批准",
        Severity.WARNING, i.over_cap),
    WarningRuleSpec(
        "W-INSP-REPEAT", "多头重复检查", Source.INSPECTIONS, ENTITY,
        f"同一单位前后{S.repeat_window_days}日内由不同检查组分别实施（含计划）的检查",
        "进一次门、查多项事，对同一单位的检查应当合并实施（综合查一次）", Severity.NOTICE, i.repeated_visits),
    WarningRuleSpec(
        "W-INSP-ITEM", "检查事项不在公布清单内", Source.INSPECTIONS, INSPECTION, "尚未实施的检查所列检查事项",
        "未列入检查事项清单的事项不得实施检查（国办发〔2024〕54号）", Severity.SERIOUS, i.unlisted_items),
    WarningRuleSpec(
        "W-INSP-BODYCAM", "现场笔录未记录执法记录仪", Source.INSPECTIONS, INSPECTION,
        "检查当日之后仍未签名的现场笔录：执法记录仪视音频或未使用原因",
        "现场执法应当全程音像记录，未使用的应当写明原因（国卫监督发〔2018〕54号）", Severity.WARNING, i.bodycam),
    # ---- officers --------------------------------------------------------------------------------------------
    WarningRuleSpec(
        "W-CERT-EXPIRY", "执法证即将到期", Source.STAFF, CERTIFICATE, "在职执法人员的有效执法证：有效期至",
        f"执法证到期前{CERTIFICATE_RULES.expiry_warning_days}日提示换证", Severity.NOTICE, i.certificate_expiry,
        CERTIFICATE_RULES.expiry_warning_days),
)
RULES_BY_CODE = {rule.code: rule for rule in RULES}

# DOMAIN.md's early warnings that no built module holds the data for, or that a procedure already refuses.
NOT_COVERED: tuple[tuple[str, str], ...] = (
    ("告知承诺许可60日内现场核查", "行政许可模块尚未建设，没有许可与核查记录。"),
    ("检查结果20个工作日内公开", "监督检查模块尚未记录检查结果的公示，无法判断是否按期公开。"),
    ("信息报告卡5个工作日内报送", "监督信息报告模块尚未建设。"),
    ("信访15日告知、60日办结；人大建议、政协提案3个月内答复", "投诉举报与信访模块尚未建设。"),
    ("行政复议10日内答复、行政诉讼15日内答辩", "复议应诉模块尚未建设。"),
    ("未经告知、陈述申辩期未满、未告知听证、未经法制审核或集体讨论即作出决定；决定书缺少第五十九条事项",
     "作出处罚决定时由办案程序直接拦截（不能作出决定），已作出的由案卷评查复核。"),
)


def lead_days_of(rule: WarningRuleSpec, row) -> int | None:
    """The lead days in force: the row's when the legal section set them, else the rule's default."""
    if rule.lead_days is None:
        return None
    return row.lead_days if row is not None and row.lead_days is not None else rule.lead_days
