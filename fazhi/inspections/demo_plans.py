"""Demo data of the item list, plans and campaigns, for each demo county bureau: a published list of items with
their legal basis, this year's random-inspection plan, published and drawn once, and one special campaign.

Runs after the entities (the draw needs them) and acts as the bureau's own planner, through the services, so
every record is audited. Idempotent: an item whose code the bureau has, a plan or campaign whose name it has,
is not made again, and a plan already drawn is not drawn again.
"""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from fazhi.core.demo import DemoStep, register_demo_step
from fazhi.core.models import Domain, Organisation, User
from fazhi.entities.demo import DEMO_COUNTIES

from .campaigns import create_campaign
from .choices import ItemStatus, PlanStatus
from .draws import draw_plan, staff_organisations
from .items import create_item, publish_item
from .models import Campaign, InspectionItem, InspectionPlan
from .permissions import PLANNER_ROLES
from .planning import create_plan, default_ratios, publish_plan

# (domain, code, title, content, method, legal basis)
DEMO_ITEMS = (
    ("public_place", "GG-01", "卫生许可证持证及公示情况", "是否取得公共场所卫生许可证、在有效期内并在显著位置公示。",
     "现场检查、查阅资料", "《公共场所卫生管理条例》第八条；《公共场所卫生管理条例实施细则》第二十二条"),
    ("public_place", "GG-02", "从业人员健康合格证明", "直接为顾客服务的从业人员是否取得有效健康合格证明。",
     "查阅资料、现场询问", "《公共场所卫生管理条例》第七条；《公共场所卫生管理条例实施细则》第十条"),
    ("public_place", "GG-03", "卫生管理制度和卫生管理档案", "是否配备卫生管理人员，建立卫生管理制度和档案。",
     "查阅资料", "《公共场所卫生管理条例实施细则》第七条、第八条"),
    ("public_place", "GG-04", "公共用品用具清洗消毒保洁", "顾客用品用具是否一客一换一消毒，清洗消毒保洁设施是否正常运转。",
     "现场检查", "《公共场所卫生管理条例实施细则》第十四条"),
    ("public_place", "GG-05", "室内空气质量和集中空调通风系统", "室内空气流通；集中空调通风系统是否符合卫生规范。",
     "现场检查、查阅检测报告", "《公共场所卫生管理条例实施细则》第十二条"),
    ("public_place", "GG-06", "游泳、沐浴场所水质", "游泳池水、沐浴用水水质是否符合卫生标准。",
     "现场检查、采样检测", "《公共场所卫生管理条例实施细则》第十三条"),
    ("public_place", "GG-07", "卫生检测及检测结果公示", "每年是否至少进行一次卫生检测，检测结果是否公示。",
     "查阅资料、现场检查", "《公共场所卫生管理条例实施细则》第十九条、第二十条"),
    ("medical_service", "YL-01", "医疗机构执业许可或备案", "是否取得医疗机构执业许可证或经备案后开展诊疗活动。",
     "现场检查、查阅资料", "《医疗机构管理条例》第二十三条"),
    ("medical_service", "YL-02", "医疗机构执业许可证校验", "执业许可证是否按期校验。", "查阅资料",
     "《医疗机构管理条例》第二十二条"),
    ("medical_service", "YL-03", "按核准的诊疗科目执业", "是否超出核准登记或备案的诊疗科目开展诊疗活动。",
     "现场检查、查阅病历", "《医疗机构管理条例》第二十六条"),
    ("medical_service", "YL-04", "卫生技术人员执业资格", "是否使用非卫生技术人员从事医疗卫生技术工作。",
     "查阅资料、现场核对", "《医疗机构管理条例》第二十七条；《中华人民共和国医师法》第十四条"),
    ("medical_service", "YL-05", "处方开具与处方权", "处方是否由取得处方权的医师开具。", "查阅处方",
     "《处方管理办法》第八条"),
    ("infectious_disease", "CR-01", "医疗废物分类收集和暂时贮存", "医疗废物是否分类收集，暂时贮存设施是否符合要求。",
     "现场检查", "《医疗废物管理条例》第十六条、第十七条"),
    ("infectious_disease", "CR-02", "消毒管理制度和消毒隔离", "是否建立消毒管理组织和制度，医疗器械是否按规定消毒。",
     "现场检查、查阅资料", "《消毒管理办法》第四条、第六条"),
    ("infectious_disease", "CR-03", "传染病预检分诊", "是否建立传染病预检、分诊制度并落实。", "现场检查",
     "《医疗机构传染病预检分诊管理办法》第三条"),
    ("drinking_water", "YS-01", "供水单位卫生许可", "集中式供水单位是否取得卫生许可证。", "查阅资料",
     "《生活饮用水卫生监督管理办法》第七条"),
    ("drinking_water", "YS-02", "供管水人员健康体检和培训", "直接从事供、管水的人员是否取得体检合格证。",
     "查阅资料", "《生活饮用水卫生监督管理办法》第十一条"),
    ("drinking_water", "YS-03", "出厂水和末梢水水质", "供应的饮用水是否符合国家生活饮用水卫生标准。", "采样检测",
     "《生活饮用水卫生监督管理办法》第六条"),
    ("school", "XX-01", "教学环境卫生", "教室采光、照明、课桌椅等是否符合国家有关标准。", "现场检查、检测",
     "《学校卫生工作条例》第六条"),
    ("radiation", "FS-01", "放射诊疗许可", "开展放射诊疗工作是否取得放射诊疗许可。", "查阅资料",
     "《放射诊疗管理规定》第四条"),
    ("occupational", "ZY-01", "职业病危害项目申报", "存在职业病危害因素的用人单位是否及时申报。", "查阅资料",
     "《中华人民共和国职业病防治法》第十六条"),
    ("maternal_family", "MY-01", "母婴保健技术服务执业许可", "开展产前诊断等母婴保健技术服务是否经许可。",
     "查阅资料", "《中华人民共和国母婴保健法》第三十二条"),
)
PLAN_DOMAINS = ("public_place", "drinking_water")
CAMPAIGN_DOMAINS = ("medical_service", "infectious_disease")


def _planner(bureau: Organisation) -> User | None:
    """The bureau's own planner (a section head first): the demo acts as the bureau would."""
    people = User.objects.filter(organisation__in=staff_organisations(bureau), is_active=True,
                                 role_assignments__role__in=PLANNER_ROLES).distinct()
    heads = people.filter(role_assignments__role=PLANNER_ROLES[0])
    return heads.order_by("pk").first() or people.order_by("pk").first()


def _items(bureau, actor) -> int:
    have = set(InspectionItem.objects.filter(organisation=bureau).values_list("code", flat=True))
    domains = {d.pk: d for d in Domain.objects.all()}
    added = 0
    for order, (domain, code, title, content, method, basis) in enumerate(DEMO_ITEMS, start=1):
        if code in have:
            continue
        item = create_item(actor=actor, domain=domains[domain], code=code, title=title, content=content,
                           method=method, legal_basis=basis, sort_order=order)
        publish_item(item, actor=actor)
        added += 1
    return added


def _campaign(bureau, actor, today: dt.date) -> bool:
    theme = f"{today.year}年医疗机构依法执业专项监督检查"
    if Campaign.objects.filter(organisation=bureau, theme=theme).exists():
        return False
    create_campaign(actor=actor, theme=theme, domains=Domain.objects.filter(pk__in=CAMPAIGN_DOMAINS),
                    description="重点检查无证行医、超范围执业、使用非卫生技术人员和医疗废物处置。",
                    starts_on=max(today, dt.date(today.year, 4, 1)), ends_on=dt.date(today.year, 12, 31))
    return True


def _plan(bureau, actor, today: dt.date) -> str:
    name = f"{today.year}年度公共场所和生活饮用水卫生双随机抽查计划"
    plan = InspectionPlan.objects.filter(organisation=bureau, name=name).first()
    if plan is None:
        plan = create_plan(
            actor=actor, name=name, year=today.year, starts_on=today, ends_on=dt.date(today.year, 12, 31),
            domains=list(Domain.objects.filter(pk__in=PLAN_DOMAINS)), sampling_ratios=default_ratios(), team_size=2,
            item_list=list(InspectionItem.objects.filter(organisation=bureau, status=ItemStatus.PUBLISHED,
                                                         domain_id__in=PLAN_DOMAINS)),
        )
    if plan.status == PlanStatus.DRAFT:
        plan = publish_plan(plan, actor=actor)
    if plan.status != PlanStatus.PUBLISHED:
        return "计划已抽取"
    draw = draw_plan(plan, actor=actor)
    return f"抽取{len(draw.result)}个对象"


def load_demo_plans(*, today: dt.date | None = None) -> str:
    today = today or timezone.localdate()
    lines = []
    for demo in DEMO_COUNTIES:
        bureau = Organisation.objects.bureaus().filter(region__code=demo.region_code).first()
        actor = _planner(bureau) if bureau else None
        if actor is None:
            lines.append(f"区划 {demo.region_code} 没有卫生健康局或其计划制定人员，跳过")
            continue
        with transaction.atomic():
            added = _items(bureau, actor)
            campaign = _campaign(bureau, actor, today)
            drawn = _plan(bureau, actor, today)
        lines.append(f"{bureau.name}：新公布检查事项{added}项，{'新部署专项1个，' if campaign else ''}{drawn}")
    return "；".join(lines)


register_demo_step(DemoStep(order=20, label="检查事项清单与双随机抽查", run=load_demo_plans))
