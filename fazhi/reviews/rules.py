"""The rules of case-file review (案卷评查) as data, each with its source (DOMAIN.md, "Supervision of enforcement").

The rubric itself (items, parts and their weights, veto or score, which automatic check an item uses) is the
editable `RubricItem` / `RubricCategory` tables, seeded from `SEEDED_CATEGORIES` and `SEEDED_RUBRIC` below. The
grade thresholds are [M]: commonly practised, so settings a bureau may change.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from fazhi.cases.rules import CASE_READER_ROLES, LEADER_ROLES, LEGAL_ROLES


@dataclass(frozen=True)
class ReviewRules:
    # A signed file scoring at least this is 优秀, at least `pass_min` 合格; a veto always makes it 不合格. [M]
    excellent_min: Decimal = Decimal("90")
    pass_min: Decimal = Decimal("60")
    # A batch chosen by filter takes every match; more than this is refused, so a batch stays a day's work list.
    max_batch_cases: int = 500
    # The automatic review reads and writes this many case files at a time (one set of queries per batch).
    automatic_batch_size: int = 500


REVIEW_RULES = ReviewRules()

# Who does what (ARCHITECTURE.md, "The people"): the legal section reviews files and, with the administrator,
# keeps the rubric; leaders and section heads read the results.
REVIEWER_ROLES = LEGAL_ROLES
BATCH_READER_ROLES = LEGAL_ROLES | LEADER_ROLES | frozenset({"section_head", "admin"})
READER_ROLES = CASE_READER_ROLES

# The reproducible draw of a batch: its algorithm's name is stored with every batch (sampling.py says it in words).
SAMPLING_ALGORITHM = "fazhi-review-sample-1"

# The two parts of a file's score and their weights: 卷宗形式 20 + 实体 80 [P; weights configurable].
SEEDED_CATEGORIES = (
    # code, name, weight, sort order
    ("form", "案卷形式", "20", 1),
    ("substance", "案卷实体", "80", 2),
)

# The rubric (DOMAIN.md: veto items, then the common defects, scored). Items that only a person can judge have no
# check: the automatic review leaves them to the reviewer and never guesses.
SEEDED_RUBRIC = (
    # code, category, kind, points, check, name, basis
    ("V01", "substance", "veto", "0", "", "执法主体不合法（无处罚权、超越职权或管辖）",
     "行政处罚法第十七条、第二十二条、第三十八条第一款"),
    ("V02", "substance", "veto", "0", "officer_certificates", "执法人员未取得（或不具有有效的）行政执法证件",
     "行政处罚法第四十二条"),
    ("V03", "substance", "veto", "0", "officer_count", "执法人员少于二人", "行政处罚法第四十二条"),
    ("V04", "substance", "veto", "0", "", "认定事实不清", "行政处罚法第四十条"),
    ("V05", "substance", "veto", "0", "", "主要证据不足", "行政处罚法第四十条"),
    ("V06", "substance", "veto", "0", "", "定性错误或者适用法律错误", "行政诉讼法第七十条第（二）项"),
    ("V07", "substance", "veto", "0", "", "违反法定程序（其他严重程序违法）", "行政处罚法第三十八条第二款"),
    ("V08", "substance", "veto", "0", "legal_review", "应当法制审核而未审核，或审核未通过即作出决定",
     "行政处罚法第五十八条"),
    ("V09", "substance", "veto", "0", "deliberation", "应当集体讨论而未集体讨论", "行政处罚法第五十七条第二款"),
    ("V10", "substance", "veto", "0", "", "涉嫌犯罪应当移送而未移送", "行政处罚法第二十七条"),
    ("V11", "substance", "veto", "0", "simple_procedure", "不符合简易程序条件而适用简易程序",
     "行政处罚法第五十一条、第六十八条至第七十条"),
    ("F01", "form", "score", "4", "", "对外文书未加盖行政机关印章", "行政处罚法第五十九条第一款"),
    ("F02", "form", "score", "4", "decision_elements", "行政处罚决定书载明事项不全",
     "行政处罚法第五十九条、第五十二条"),
    ("F03", "form", "score", "3", "service_receipt", "缺少送达回证或送达回证不规范", "行政处罚法第六十一条"),
    ("F04", "form", "score", "3", "key_documents", "案卷缺少关键文书", "行政处罚法第四十七条"),
    ("F05", "form", "score", "3", "file_order", "卷内文书未按立案—取证—审查—决定—送达—执行顺序排列",
     "行政处罚法第四十七条"),
    ("F06", "form", "score", "3", "", "无卷内目录或未编页码", "行政处罚法第四十七条"),
    ("S01", "substance", "score", "10", "", "当事人认定错误或缺少当事人身份证明",
     "行政处罚法第五十九条第一款第（一）项"),
    ("S02", "substance", "score", "12", "cited_provisions", "引用法律条款错误或引用已失效的条款",
     "行政处罚法第三十七条、第五十九条第一款第（三）项"),
    ("S03", "substance", "score", "12", "fine_band", "罚款超出法定幅度，或超出裁量阶次而未说明理由",
     "行政处罚法第三十四条、第三十八条"),
    ("S04", "substance", "score", "8", "", "裁量理由不充分", "行政处罚法第三十四条"),
    ("S05", "substance", "score", "12", "prior_notice", "先决定后告知，或未听取陈述申辩（听证）即作出决定",
     "行政处罚法第四十四条、第四十五条、第六十二条至第六十四条"),
    ("S06", "substance", "score", "10", "filing_first", "先调查取证后立案", "行政处罚法第五十四条"),
    ("S07", "substance", "score", "6", "service_on_time", "送达超过法定期限", "行政处罚法第六十一条"),
    ("S08", "substance", "score", "10", "body_camera", "现场执法或询问未使用执法记录仪",
     "行政处罚法第四十七条；国卫监督发〔2018〕54号"),
)
