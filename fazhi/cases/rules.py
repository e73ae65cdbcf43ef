"""The rules of penalty cases as data, each with its source (DOMAIN.md, "Penalty cases").

[L] read in the law's text; [P] seen in published material; [M] common practice, unverified. [P] and [M]
values are settings a bureau may change; [L] values change only with the law. Which cases need legal review,
collective deliberation or hearing rights is not here but in the editable `CaseRule` table.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class CaseRules:
    # simple procedure (行政处罚法第五十一条、第五十二条、第六十八条、第六十九条)
    simple_fine_max_person: Decimal = Decimal("200")  # [L §51]
    simple_fine_max_organisation: Decimal = Decimal("3000")  # [L §51]
    simple_penalty_kinds: frozenset = frozenset({"warning", "fine"})  # [L §51]
    simple_filing_days: int = 5  # days to file an on-the-spot decision with the bureau [§52 "备案"; days M]
    on_spot_cash_max: Decimal = Decimal("100")  # [L §68]
    # officers (第四十二条)
    min_officers: int = 2
    # filing (立案): decide within 7 days of receipt [P 卫生健康行政处罚程序规定]
    filing_decision_days: int = 7
    # limitation (第三十六条): 2 years, 5 where life and health were harmed
    limitation_years: int = 2
    limitation_years_life_health: int = 5
    # evidence preservation (第五十六条) and seizure (行政强制法第二十五条)
    preservation_decision_days: int = 7
    seizure_days: int = 30
    seizure_extension_days: int = 30
    # the time limit (第六十条); warnings at 60 and 80 days (DOMAIN.md, "Early warnings")
    decision_limit_days: int = 90
    decision_warning_days: tuple = (60, 80)
    # collective deliberation (第五十七条第二款): the bureau's leaders, at least this many [M]
    deliberation_min_attendees: int = 3
    # extension of the 90-day limit: days per approval [P; 卫生健康行政处罚程序规定 article not found]
    extension_max_days: int = 30
    # prior notice and hearing (第四十四、四十五、六十三、六十四条)
    statement_window_workdays: int = 3  # [M]
    hearing_request_days: int = 5  # [L §64(1)]
    hearing_notice_min_days: int = 7  # [L §64(2)]
    # service (第六十一条)
    service_days: int = 7
    # payment (第六十六、六十七、七十二条)
    payment_days: int = 15
    surcharge_daily_rate: Decimal = Decimal("0.03")
    # enforcement (行政强制法第五十三、五十四条; 行政复议法第二十条; 行政诉讼法第四十六条)
    reminder_wait_days: int = 10
    reconsideration_days: int = 60
    litigation_months: int = 6
    enforcement_window_months: int = 3
    # publication [P 三项制度; L §48; P takedown]
    publication_workdays: int = 7
    withdrawal_days: int = 3
    takedown_years_organisation: int = 5
    takedown_years_person: int = 2


CASE_RULES = CaseRules()

# Roles, by what they do in a case (ARCHITECTURE.md, "The people").
OFFICER_ROLES = frozenset({"officer"})
SECTION_HEAD_ROLES = frozenset({"section_head"})
LEGAL_ROLES = frozenset({"legal_reviewer"})
LEADER_ROLES = frozenset({"leader", "chief"})
# Who approves filing, extensions, deferrals and measures: the bureau's responsible person (负责人).
APPROVER_ROLES = SECTION_HEAD_ROLES | LEADER_ROLES
CASE_READER_ROLES = OFFICER_ROLES | SECTION_HEAD_ROLES | LEGAL_ROLES | LEADER_ROLES | frozenset({"admin"})

# The seeded case rule table (CaseRule rows). Amount thresholds for "较大数额" are set by each province:
# these defaults are [M] and the administrator edits them.
SEEDED_CASE_RULES = (
    # code, name, effect, condition, party_kind, amount, penalty_kind, basis
    ("LR-FINE-P", "对公民罚款数额较大", "legal_review", "fine_at_least", "person", "5000", "",
     "行政处罚法第五十八条；数额由省级规定"),
    ("LR-FINE-O", "对组织罚款数额较大", "legal_review", "fine_at_least", "organisation", "50000", "",
     "行政处罚法第五十八条；数额由省级规定"),
    ("LR-REVOKE", "吊销许可证件", "legal_review", "penalty_kind", "", None, "licence_revocation",
     "行政处罚法第五十八条"),
    ("LR-SUSPEND", "责令停产停业", "legal_review", "penalty_kind", "", None, "order_suspension",
     "行政处罚法第五十八条"),
    ("LR-CLOSE", "责令关闭", "legal_review", "penalty_kind", "", None, "order_closure", "行政处罚法第五十八条"),
    ("LR-HEARING", "经过听证程序", "legal_review", "after_hearing", "", None, "", "行政处罚法第五十八条第一款第（二）项"),
    ("LR-COMPLEX", "案件情况疑难复杂、涉及多个法律关系", "legal_review", "complex", "", None, "",
     "行政处罚法第五十八条第一款第（三）项"),
    ("LR-PUBLIC", "涉及重大公共利益", "legal_review", "public_interest", "", None, "",
     "行政处罚法第五十八条第一款第（一）项"),
    ("CD-COMPLEX", "情节复杂", "deliberation", "complex", "", None, "", "行政处罚法第五十七条第二款"),
    ("CD-REVOKE", "吊销许可证件", "deliberation", "penalty_kind", "", None, "licence_revocation",
     "行政处罚法第五十七条第二款（重大违法行为）"),
    ("CD-FINE-O", "对组织较大数额罚款", "deliberation", "fine_at_least", "organisation", "50000", "",
     "行政处罚法第五十七条第二款（重大违法行为）；数额由省级规定"),
    ("CD-FINE-P", "对公民较大数额罚款", "deliberation", "fine_at_least", "person", "5000", "",
     "行政处罚法第五十七条第二款（重大违法行为）；数额由省级规定"),
    ("HR-FINE-P", "对公民较大数额罚款", "hearing_right", "fine_at_least", "person", "5000", "",
     "行政处罚法第六十三条第一款第（一）项；数额由省级规定"),
    ("HR-FINE-O", "对组织较大数额罚款", "hearing_right", "fine_at_least", "organisation", "50000", "",
     "行政处罚法第六十三条第一款第（一）项；数额由省级规定"),
    ("HR-CONFISCATE-P", "对公民没收较大数额违法所得", "hearing_right", "confiscation_at_least", "person", "5000", "",
     "行政处罚法第六十三条第一款第（二）项"),
    ("HR-CONFISCATE-O", "对组织没收较大数额违法所得", "hearing_right", "confiscation_at_least", "organisation",
     "50000", "", "行政处罚法第六十三条第一款第（二）项"),
    ("HR-DOWNGRADE", "降低资质等级", "hearing_right", "penalty_kind", "", None, "licence_downgrade",
     "行政处罚法第六十三条第一款第（三）项"),
    ("HR-REVOKE", "吊销许可证件", "hearing_right", "penalty_kind", "", None, "licence_revocation",
     "行政处罚法第六十三条第一款第（三）项"),
    ("HR-SUSPEND", "责令停产停业", "hearing_right", "penalty_kind", "", None, "order_suspension",
     "行政处罚法第六十三条第一款第（四）项"),
    ("HR-CLOSE", "责令关闭", "hearing_right", "penalty_kind", "", None, "order_closure",
     "行政处罚法第六十三条第一款第（四）项"),
    ("HR-RESTRICT", "限制从业", "hearing_right", "penalty_kind", "", None, "restrict_practice",
     "行政处罚法第六十三条第一款第（五）项"),
    ("HR-RESTRICT-ACT", "限制开展生产经营活动", "hearing_right", "penalty_kind", "", None, "restrict_activity",
     "行政处罚法第六十三条第一款第（四）项"),
)

# Documents a case issues, with their numbering abbreviations (DocumentKind rows). Those already seeded by
# the core are reused; these are added by the cases app's migration.
CASE_DOCUMENT_KINDS = (
    ("interview_record", "询问笔录", "询"),
    ("seizure", "查封扣押决定书", "封"),
    ("investigation_report", "案件调查终结报告", "终"),
    ("review_record", "审核记录", "审"),
    ("deliberation_record", "集体讨论记录", "议"),
    ("no_penalty_decision", "不予行政处罚决定书", "不罚"),
    ("service_receipt", "送达回证", "送"),
    ("closing_report", "结案报告", "结"),
    ("file_index", "卷内目录", "卷"),
)
