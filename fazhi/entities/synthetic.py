"""Synthetic but plausible regulated entities, for the demo counties and the province-scale benchmarks.

Everything here is a function of a `random.Random` and a reference date, so one seed gives the same county
every time; nothing touches the database. The mix follows what a county bureau supervises: many
hairdressers, hotels and clinics, a village clinic in most villages, a health centre in every town, a few
hospitals. Names are built from generic words, never from real brands.
"""
from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from fazhi.core.choices import SupervisionDomain as D

from .choices import CreditGrade, CreditGradeBasis, EntityStatus, LegalForm, LicenceKind, NoCreditCodeReason
from .credit_code import ALPHABET, check_character
from .rules import ENTITY_RULES, KINDS_BY_CODE, LICENCE_VALIDITY_YEARS, SUB_KIND_PARENT

PROVINCE_ABBREVIATIONS = {
    "11": "京", "12": "津", "13": "冀", "14": "晋", "15": "蒙", "21": "辽", "22": "吉", "23": "黑", "31": "沪",
    "32": "苏", "33": "浙", "34": "皖", "35": "闽", "36": "赣", "37": "鲁", "41": "豫", "42": "鄂", "43": "湘",
    "44": "粤", "45": "桂", "46": "琼", "50": "渝", "51": "川", "52": "贵", "53": "云", "54": "藏", "61": "陕",
    "62": "甘", "63": "青", "64": "宁", "65": "新",
}

# People: the commonest family names nationally; a county adds the names common there.
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏"
            "薛叶余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文")
GIVEN_NAME_CHARS = ("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂华玉兰俊志文斌建国嘉欣子涵浩然雨婷晓东海燕春梅"
                    "立新红丹凯宇鹏飞佳慧颖琳淑珍荣辉波健振德永宏瑞思远亮成锋林晨鑫璐倩莉雪梦琪诗怡")
MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155",
                   "157", "158", "159", "166", "176", "177", "180", "181", "182", "186", "187", "188", "189", "199")

# Shop and company names: two generic characters, e.g. 惠民, 康华, 嘉悦. Pairs that are well-known brands are refused.
BRAND_FIRST = "惠康华仁安福顺鑫金嘉美丽雅欣恒盛泰瑞祥和博宏兴佳优乐悦益明达诚信众友百天海新荣昌隆丰源聚汇锦富宝君豪星"
BRAND_SECOND = "民康华安福利源达盛丰泰祥和美家乐悦雅馨韵轩阁苑居缘林泉辉湾园晖邦禾尚怡心诚德信宁"
KNOWN_BRANDS = frozenset({"万达", "华润", "国美", "苏宁", "如家", "汉庭", "美的", "海尔", "格力", "万科", "恒大", "保利",
                          "华为", "百丽", "锦江", "全季", "永和", "天虹", "华联", "百联", "金鹰", "银泰", "宝洁", "康师",
                          "家乐", "美宜", "海信", "安踏", "联华", "华住", "百安", "海天", "雅居"})
# Villages, estates and made-up townships: place-name characters common in South and North China alike.
PLACE_FIRST = "东西南北新大小上下石龙凤金银白青黄沙水山河江湖塘田平安宁福永兴隆昌太和长横莲桂梅竹松柏"
PLACE_SECOND = "塘湾坑岗头坪洲沙江岭桥埠田圩冈山湖门口源城园溪洋涌围埔边岸庄屯寨港"
ESTATE_SUFFIXES = ("花园", "苑", "豪庭", "名都", "新城", "雅居", "华府", "公馆")
SCENIC_NAMES = ("金沙湾", "碧水湾", "银滩", "蓝湾", "清泉", "海韵", "碧波", "翠湖")
ORDINALS = "一二三四五六七八九十"
PRODUCTS = ("五金制品", "塑料制品", "家具", "纺织", "电子", "陶瓷", "化工", "印刷", "皮具", "水暖卫浴", "制衣",
            "机械", "食品", "包装", "不锈钢制品", "灯饰", "电器", "铝业", "汽车配件", "玩具")
HOSPITAL_SPECIALTIES = ("骨科", "眼科", "口腔", "妇产", "中西医结合", "康复", "精神", "皮肤病", "耳鼻喉")
CLINIC_SPECIALTIES = ("中医", "西医内科", "口腔", "中西医结合", "内科", "外科", "皮肤科", "儿科")


@dataclass(frozen=True)
class Township:
    code: str
    name: str

    @property
    def is_urban(self) -> bool:
        """A 街道 (sub-district): more shops and clinics, no village clinics, no 乡镇卫生院."""
        return self.name.endswith("街道")

    @property
    def short_name(self) -> str:
        for suffix in ("街道", "镇", "乡"):
            if self.name.endswith(suffix) and len(self.name) > len(suffix) + 1:
                return self.name[: -len(suffix)]
        return self.name


@dataclass(frozen=True)
class County:
    """What the generator needs to know about the county whose entities it makes."""

    code: str  # GB/T 2260, e.g. 440783
    name: str  # 开平市
    city: str  # 江门市
    province: str  # 广东省
    bureau: str  # 开平市卫生健康局: issues the county's licences
    doc_prefix: str  # 开卫: its document numbers, e.g. 开卫罚〔2025〕12号
    townships: tuple[Township, ...]
    centre: tuple[float, float]  # longitude, latitude
    area_code: str  # 0750
    landline_digits: int = 7
    local_surnames: tuple[str, ...] = ()

    @property
    def short_name(self) -> str:
        if "自治" in self.name:  # 连南瑶族自治县 → 连南
            return self.name[:2]
        return self.name[:-1] if len(self.name) > 2 else self.name

    @property
    def province_abbreviation(self) -> str:
        return PROVINCE_ABBREVIATIONS.get(self.code[:2], "")


@dataclass(frozen=True)
class SyntheticLicence:
    kind: str
    number: str
    issued_on: dt.date
    valid_to: dt.date | None
    issuer: str


@dataclass(frozen=True)
class SyntheticGradeChange:
    from_grade: str
    to_grade: str
    basis: str
    reason: str
    effective_on: dt.date


@dataclass(frozen=True)
class SyntheticEntity:
    name: str
    name_parts: tuple[str, ...]  # the pieces the name was built from, so pinyin initials can be cached per piece
    credit_code: str
    no_credit_code_reason: str
    legal_form: str
    kind: str
    sub_kind: str
    domains: tuple[str, ...]
    legal_representative: str
    contact_person: str
    contact_phone: str
    address: str
    township_code: str
    longitude: Decimal | None
    latitude: Decimal | None
    status: str
    status_note: str  # why it is not 在营 (empty when it is)
    is_key_supervision: bool
    key_supervision_reason: str
    credit_grade: str
    registered_on: dt.date
    licences: tuple[SyntheticLicence, ...] = ()
    grade_changes: tuple[SyntheticGradeChange, ...] = ()  # after the initial B, oldest first

    def model_fields(self) -> dict:
        """The Entity fields (organisation and township apart) as the model takes them."""
        return {
            "name": self.name, "credit_code": self.credit_code, "no_credit_code_reason": self.no_credit_code_reason,
            "legal_form": self.legal_form, "kind": self.kind, "sub_kind": self.sub_kind,
            "legal_representative": self.legal_representative, "contact_person": self.contact_person,
            "contact_phone": self.contact_phone, "address": self.address, "longitude": self.longitude,
            "latitude": self.latitude, "status": self.status, "is_key_supervision": self.is_key_supervision,
            "key_supervision_reason": self.key_supervision_reason, "credit_grade": self.credit_grade,
        }


F = LegalForm
L = LicenceKind


@dataclass(frozen=True)
class SubKindPlan:
    """How entities of one sub-kind look: how common, which legal forms, names, licences, key supervision."""

    sub_kind: str
    share: float  # of the entities beyond the county's fixed institutions
    names: tuple[str, ...]
    legal_forms: tuple[tuple[str, float], ...] = ((F.ENTERPRISE, 1.0),)
    licences: tuple[tuple[str, float], ...] = ()  # (kind, chance); the first that draws true is issued
    key: tuple[float, str] = (0.0, "")
    extra_domains: tuple[tuple[str, float], ...] = ()
    no_code_share: float = 0.0  # of the individual businesses (or all, for units that are never registered)
    no_code_reason: str = NoCreditCodeReason.INDIVIDUAL_UNREGISTERED
    urban: bool | None = None  # True: only in 街道; False: only in 镇/乡; None: anywhere
    always_operating: bool = False


PUBLIC = ((F.PUBLIC_INSTITUTION, 1.0),)
SHOP = ((F.INDIVIDUAL, 0.6), (F.ENTERPRISE, 0.4))
MEDICAL_LICENCE = ((L.MEDICAL_PRACTICE, 1.0),)

PLANS: tuple[SubKindPlan, ...] = (
    # 医疗机构
    SubKindPlan("hospital", 0.006, ("{short}{brand}医院", "{county}{brand}{specialty}医院", "{county}{town_short}医院"),
                ((F.PUBLIC_INSTITUTION, 0.45), (F.ENTERPRISE, 0.3), (F.SOCIAL_ORGANISATION, 0.25)), MEDICAL_LICENCE,
                (0.9, "医院，诊疗活动和医疗废物处置风险高"), ((D.RADIATION, 0.7), (D.MATERNAL_FAMILY, 0.4)),
                always_operating=True),
    SubKindPlan("township_health_centre", 0.0, ("{county}{town}卫生院",), PUBLIC, MEDICAL_LICENCE,
                (0.3, "乡镇卫生院，承担辖区基本医疗和传染病报告"), ((D.RADIATION, 0.4), (D.MATERNAL_FAMILY, 0.3)),
                urban=False, always_operating=True),
    SubKindPlan("community_health_centre", 0.0, ("{county}{town}社区卫生服务中心",), PUBLIC, MEDICAL_LICENCE,
                extra_domains=((D.RADIATION, 0.2),), urban=True, always_operating=True),
    SubKindPlan("community_health_station", 0.012, ("{county}{town}{place}社区卫生服务站",),
                ((F.PUBLIC_INSTITUTION, 0.5), (F.ENTERPRISE, 0.3), (F.INDIVIDUAL, 0.2)), ((L.MEDICAL_PRACTICE, 0.9),),
                urban=True),
    SubKindPlan("maternal_child", 0.0, ("{county}妇幼保健院",), PUBLIC, MEDICAL_LICENCE,
                (1.0, "开展助产和母婴保健技术服务"), ((D.MATERNAL_FAMILY, 1.0), (D.RADIATION, 0.5)),
                always_operating=True),
    SubKindPlan("outpatient", 0.02, ("{short}{brand}门诊部", "{short}{brand}口腔门诊部", "{short}{brand}中医门诊部",
                                     "{short}{brand}综合门诊部"),
                ((F.ENTERPRISE, 0.7), (F.SOCIAL_ORGANISATION, 0.3)), MEDICAL_LICENCE,
                extra_domains=((D.RADIATION, 0.2),)),
    SubKindPlan("clinic", 0.1, ("{county}{town}{brand}诊所", "{short}{person}{clinic_specialty}诊所",
                                "{short}{brand}口腔诊所", "{town_short}{brand}诊所"),
                ((F.INDIVIDUAL, 0.45), (F.ENTERPRISE, 0.45), (F.SOCIAL_ORGANISATION, 0.1)),
                ((L.CLINIC_FILING, 0.75), (L.MEDICAL_PRACTICE, 1.0)), extra_domains=((D.RADIATION, 0.05),),
                no_code_share=0.1),
    SubKindPlan("village_clinic", 0.12, ("{county}{town}{village}村卫生室",), ((F.OTHER, 0.85), (F.INDIVIDUAL, 0.15)),
                MEDICAL_LICENCE, no_code_share=1.0, no_code_reason=NoCreditCodeReason.VILLAGE_CLINIC, urban=False),
    SubKindPlan("infirmary", 0.015, ("{short}{brand}{product}有限公司医务室", "{county}第{ordinal}中学医务室"),
                ((F.OTHER, 1.0),), ((L.MEDICAL_PRACTICE, 0.7),), no_code_share=1.0,
                no_code_reason=NoCreditCodeReason.INTERNAL_UNIT),
    SubKindPlan("blood_station", 0.0005, ("{short}{brand}单采血浆站",), ((F.ENTERPRISE, 1.0),), MEDICAL_LICENCE,
                (1.0, "采供血机构，血液安全风险高"), always_operating=True),
    SubKindPlan("disease_control", 0.0, ("{county}疾病预防控制中心",), PUBLIC, always_operating=True),
    SubKindPlan("other_medical", 0.01, ("{short}{brand}医学检验实验室", "{short}{brand}血液透析中心",
                                        "{short}{brand}护理院", "{short}{brand}康复医疗中心"),
                ((F.ENTERPRISE, 0.8), (F.SOCIAL_ORGANISATION, 0.2)), MEDICAL_LICENCE),
    # 公共场所
    SubKindPlan("accommodation", 0.09, ("{short}{brand}大酒店", "{short}{brand}酒店", "{brand}宾馆", "{county}{brand}宾馆",
                                        "{brand}旅馆", "{town_short}{brand}旅店", "{brand}民宿", "{brand}商务酒店"),
                SHOP, ((L.PUBLIC_PLACE, 0.95),), no_code_share=0.05),
    SubKindPlan("bathing", 0.03, ("{brand}沐浴中心", "{brand}足浴店", "{brand}养生会所", "{brand}浴室", "{brand}温泉度假村"),
                SHOP, ((L.PUBLIC_PLACE, 0.95),), no_code_share=0.1),
    SubKindPlan("hairdressing", 0.22, ("{brand}美发店", "{brand}理发店", "{brand}美容院", "{brand}美容美发店",
                                       "{brand}发型设计工作室", "{surname}记理发店", "{brand}美甲店", "{brand}美容养生馆",
                                       "{town_short}{brand}发廊"),
                ((F.INDIVIDUAL, 0.85), (F.ENTERPRISE, 0.15)), ((L.PUBLIC_PLACE, 0.8),), no_code_share=0.3),
    SubKindPlan("swimming", 0.012, ("{scenic}游泳馆", "{short}{brand}游泳池", "{short}{brand}水上乐园",
                                    "{brand}{estate}会所游泳池"),
                ((F.ENTERPRISE, 0.7), (F.PUBLIC_INSTITUTION, 0.2), (F.INDIVIDUAL, 0.1)), ((L.PUBLIC_PLACE, 1.0),),
                (0.8, "游泳场所，池水水质和传染病传播风险高")),
    SubKindPlan("entertainment", 0.03, ("{brand}量贩式KTV", "{brand}歌舞厅", "{short}{brand}影城", "{brand}网吧",
                                        "{brand}游艺厅"),
                SHOP, ((L.PUBLIC_PLACE, 0.6),), no_code_share=0.05),
    SubKindPlan("shopping", 0.03, ("{short}{brand}购物广场", "{brand}百货商场", "{brand}书店", "{short}{brand}商业广场",
                                   "{brand}超市"),
                ((F.ENTERPRISE, 0.7), (F.INDIVIDUAL, 0.3)), ((L.PUBLIC_PLACE, 0.3),)),
    SubKindPlan("waiting_room", 0.003, ("{county}{town_short}汽车站",), ((F.ENTERPRISE, 1.0),), ((L.PUBLIC_PLACE, 0.5),)),
    SubKindPlan("culture", 0.002, ("{county}{town}文化站", "{short}{brand}美术馆"), PUBLIC, ((L.PUBLIC_PLACE, 0.5),)),
    SubKindPlan("sports", 0.005, ("{short}{brand}体育中心", "{brand}羽毛球馆", "{brand}健身中心"),
                ((F.ENTERPRISE, 0.8), (F.PUBLIC_INSTITUTION, 0.2)), ((L.PUBLIC_PLACE, 0.5),)),
    SubKindPlan("other_public_place", 0.008, ("{short}{brand}会展中心", "{brand}室内游乐场", "{short}{brand}儿童乐园"),
                ((F.ENTERPRISE, 1.0),), ((L.PUBLIC_PLACE, 0.5),)),
    # 供水单位
    SubKindPlan("central_water", 0.004, ("{county}{town_short}水厂", "{county}{town}供水站"),
                ((F.ENTERPRISE, 0.6), (F.PUBLIC_INSTITUTION, 0.4)), ((L.WATER_SUPPLY, 1.0),),
                (1.0, "集中式供水单位，供水人口多，水质事关公众健康"), always_operating=True),
    SubKindPlan("secondary_water", 0.025, ("{short}{brand}物业管理有限公司", "{brand}{estate}二次供水"),
                ((F.ENTERPRISE, 1.0),), ((L.WATER_SUPPLY, 0.5),), (0.1, "高层住宅二次供水设施，供水户数多")),
    SubKindPlan("vended_water", 0.01, ("{brand}现制现售水站", "{town_short}{brand}纯净水售水点"),
                ((F.INDIVIDUAL, 0.6), (F.ENTERPRISE, 0.4)), ((L.WATER_SUPPLY, 0.7),), no_code_share=0.2),
    SubKindPlan("water_products", 0.004, ("{short}{brand}净水设备有限公司", "{short}{brand}水处理材料有限公司",
                                          "{short}{brand}管业有限公司"), licences=((L.OTHER, 0.8),)),
    # 学校及托幼机构
    SubKindPlan("kindergarten", 0.045, ("{county}{town}{brand}幼儿园", "{short}{brand}幼儿园", "{county}{town}中心幼儿园"),
                ((F.SOCIAL_ORGANISATION, 0.55), (F.PUBLIC_INSTITUTION, 0.35), (F.ENTERPRISE, 0.1)),
                key=(0.15, "托幼机构，儿童聚集，传染病防控要求高")),
    SubKindPlan("primary_school", 0.025, ("{county}{town}{village}小学", "{county}第{ordinal}小学", "{short}{brand}学校"),
                ((F.PUBLIC_INSTITUTION, 0.9), (F.SOCIAL_ORGANISATION, 0.1)), always_operating=True),
    SubKindPlan("secondary_school", 0.008, ("{county}第{ordinal}中学", "{county}{town_short}第{ordinal}中学",
                                            "{short}{brand}中学"),
                ((F.PUBLIC_INSTITUTION, 0.85), (F.SOCIAL_ORGANISATION, 0.15)), always_operating=True),
    SubKindPlan("vocational_school", 0.001, ("{short}{brand}职业技术学校",), ((F.SOCIAL_ORGANISATION, 1.0),)),
    SubKindPlan("higher_education", 0.0003, ("{city_short}{brand}职业技术学院",),
                ((F.PUBLIC_INSTITUTION, 0.6), (F.SOCIAL_ORGANISATION, 0.4)), always_operating=True),
    SubKindPlan("other_school", 0.006, ("{short}{brand}培训学校", "{short}{brand}艺术培训中心"),
                ((F.SOCIAL_ORGANISATION, 0.8), (F.ENTERPRISE, 0.2))),
    # 用人单位（职业卫生）
    SubKindPlan("manufacturing", 0.035, ("{short}{brand}{product}有限公司", "{short}{town_short}{brand}{product}厂"),
                key=(0.08, "存在噪声、粉尘等职业病危害因素，接触人数多")),
    SubKindPlan("mining", 0.003, ("{short}{brand}石场", "{short}{brand}矿业有限公司"),
                key=(0.7, "存在矽尘等严重职业病危害因素")),
    SubKindPlan("construction", 0.005, ("{short}{brand}建筑工程有限公司", "{short}{brand}建设集团有限公司")),
    SubKindPlan("utilities", 0.003, ("{short}{brand}燃气有限公司", "{short}{brand}热电有限公司", "{short}{brand}水务有限公司")),
    SubKindPlan("other_industry", 0.005, ("{short}{brand}物流有限公司", "{short}{brand}汽车维修有限公司")),
    # 放射诊疗及放射卫生技术服务
    SubKindPlan("x_ray_imaging", 0.008, ("{short}{brand}医学影像诊断中心", "{short}{brand}口腔门诊部",
                                         "{short}{brand}健康体检中心"),
                licences=((L.RADIATION, 1.0),), key=(0.1, "X射线影像诊断设备多，受检人数多")),
    SubKindPlan("interventional", 0.0005, ("{short}{brand}心血管病医院",), licences=((L.RADIATION, 1.0),),
                key=(1.0, "开展介入放射学诊疗，辐射风险高"), always_operating=True),
    SubKindPlan("radiotherapy", 0.0003, ("{short}{brand}肿瘤医院",), licences=((L.RADIATION, 1.0),),
                key=(1.0, "开展放射治疗，辐射风险高"), always_operating=True),
    SubKindPlan("nuclear_medicine", 0.0003, ("{short}{brand}核医学诊疗中心",), licences=((L.RADIATION, 1.0),),
                key=(1.0, "开展核医学诊疗，辐射风险高"), always_operating=True),
    SubKindPlan("radiation_service", 0.002, ("{short}{brand}辐射检测技术有限公司",), licences=((L.OTHER, 0.9),)),
    # 消毒产品生产企业
    SubKindPlan("disinfectant", 0.003, ("{short}{brand}消毒用品有限公司", "{short}{brand}生物科技有限公司"),
                licences=((L.DISINFECTION, 1.0),), key=(0.3, "消毒剂生产企业，产品质量事关感染控制")),
    SubKindPlan("disinfection_device", 0.002, ("{short}{brand}环保设备有限公司", "{short}{brand}电器有限公司"),
                licences=((L.DISINFECTION, 1.0),)),
    SubKindPlan("hygiene_product", 0.002, ("{short}{brand}卫生用品有限公司", "{short}{brand}纸业有限公司"),
                licences=((L.DISINFECTION, 1.0),)),
    # 其他
    # "Other" has no default domain; an entity needs one, and these are supervised for infectious disease.
    SubKindPlan("other_entity", 0.003, ("{short}{brand}养老院", "{short}{brand}殡仪服务中心"),
                ((F.SOCIAL_ORGANISATION, 0.7), (F.ENTERPRISE, 0.3)), extra_domains=((D.INFECTIOUS_DISEASE, 1.0),)),
)
PLANS_BY_SUB_KIND = {p.sub_kind: p for p in PLANS}

# The institutions every county has, by name; the rest of its entities are drawn from the shares above.
# They are public institutions, but for the water company and the bus station, which are companies.
COUNTY_INSTITUTIONS = (
    ("hospital", "{county}人民医院"), ("hospital", "{county}中医院"), ("maternal_child", "{county}妇幼保健院"),
    ("disease_control", "{county}疾病预防控制中心"), ("other_medical", "{county}慢性病防治站"),
    ("culture", "{county}图书馆"), ("culture", "{county}博物馆"), ("sports", "{county}体育馆"),
    ("waiting_room", "{county}汽车客运站"), ("central_water", "{county}自来水有限公司"),
    ("secondary_school", "{county}第一中学"), ("vocational_school", "{county}职业技术学校"),
    ("primary_school", "{county}实验小学"), ("kindergarten", "{county}机关幼儿园"),
)
COMPANY_INSTITUTIONS = frozenset({"waiting_room", "central_water"})
# Per township: its health centre (or community health centre), and its central primary school.
TOWNSHIP_INSTITUTIONS = (
    ("township_health_centre", "{county}{town}卫生院"), ("community_health_centre", "{county}{town}社区卫生服务中心"),
    ("primary_school", "{county}{town}中心小学"),
)
# Numbered second and third hospitals in the larger counties: 开平市第二人民医院, 开平市第三人民医院.
NUMBERED_HOSPITAL = "{county}第{ordinal}人民医院"

STATUS_MIX = ((EntityStatus.OPERATING, 0.86), (EntityStatus.SUSPENDED, 0.05), (EntityStatus.DEREGISTERED, 0.07),
              (EntityStatus.REVOKED, 0.02))
GRADE_MIX = ((CreditGrade.B, 0.70), (CreditGrade.A, 0.17), (CreditGrade.C, 0.10), (CreditGrade.D, 0.03))
# Hospitals, schools and other public institutions are seldom graded down, and never to D.
PUBLIC_GRADE_MIX = ((CreditGrade.B, 0.70), (CreditGrade.A, 0.25), (CreditGrade.C, 0.05))
KEY_FOR_GRADE_D = "信用等级为D级（严重失信），依法实行重点监管"
SUSPENSION_NOTES = ("经营者书面告知暂停营业（装修）", "季节性停业", "经营者告知停业整顿", "租约到期暂停营业")
DEREGISTRATION_NOTES = ("已在市场监督管理部门办理注销登记", "经营者申请注销，已核实停止经营")
VIOLATIONS = {
    "medical": ("使用非卫生技术人员从事医疗卫生技术工作", "未按规定分类收集医疗废物", "超出登记的诊疗科目范围开展诊疗活动",
                "未按规定报告传染病疫情"),
    "public_place": ("从业人员未取得有效健康合格证明上岗", "未按规定对顾客用品用具进行清洗、消毒", "未按规定进行卫生检测",
                     "未取得公共场所卫生许可证擅自营业"),
    "water_supply": ("供水水质不符合国家卫生标准", "直接从事供、管水人员未取得体检合格证", "未按规定进行水质检测"),
    "school": ("未按规定落实晨午检和因病缺课追踪制度", "教室采光照明不符合卫生标准"),
    "employer": ("未按规定组织劳动者进行职业健康检查", "工作场所职业病危害因素检测结果超标未整改", "未按规定申报职业病危害项目"),
    "radiation": ("未按规定进行放射工作人员个人剂量监测", "放射诊疗设备未按规定进行状态检测"),
    "disinfection": ("生产的消毒产品标签说明书不符合规定", "生产环境不符合卫生规范要求"),
    "other": ("未落实传染病防控措施",),
}
FINES = {CreditGrade.C: (500, 1000, 2000, 3000, 5000), CreditGrade.D: (10000, 20000, 30000)}
# Each licence number's shape (validity comes from LICENCE_VALIDITY_YEARS in the rule table).
LICENCE_NUMBERS = {
    L.PUBLIC_PLACE: "{abbr}卫公证字〔{year}〕第{region}{serial:05d}号",
    L.CLINIC_FILING: "{abbr}卫诊备字〔{year}〕{region}{serial:05d}号",
    L.RADIATION: "{abbr}卫放证字〔{year}〕第{region}{serial:04d}号",
    L.WATER_SUPPLY: "{abbr}卫水证字〔{year}〕第{region}{serial:04d}号",
    L.DISINFECTION: "{abbr}卫消证字〔{year}〕第{serial:04d}号",
    L.MATERNAL: "{abbr}卫母婴字〔{year}〕第{region}{serial:04d}号",
    L.OTHER: "{abbr}卫备字〔{year}〕第{region}{serial:05d}号",
}
# 医疗机构执业许可证 登记号: organisation code, region, category, ownership, serial.
MEDICAL_CATEGORY = {"hospital": "11", "township_health_centre": "31", "community_health_centre": "32",
                    "community_health_station": "33", "maternal_child": "21", "outpatient": "41", "clinic": "51",
                    "village_clinic": "52", "infirmary": "53", "blood_station": "71"}
# GB 32100 第1–2位 by legal form: 91 企业, 92 个体工商户, 12 事业单位, 52 民办非企业单位, 11 机关, Y1 其他.
CODE_PREFIX = {F.ENTERPRISE: "91", F.INDIVIDUAL: "92", F.PUBLIC_INSTITUTION: "12", F.SOCIAL_ORGANISATION: "52",
               F.GOVERNMENT: "11", F.OTHER: "Y1"}
GB11714_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
MAP_POINT_SHARE = 0.92
NAME_ATTEMPTS = 40
# Draws in a row that gave no new name before the generator gives up: a county asked for far too many entities.
MAX_MISSES = 1000


def weighted(rng: random.Random, pairs) -> str:
    """One value from (value, weight) pairs."""
    total = sum(w for _, w in pairs)
    x = rng.random() * total
    for value, weight in pairs:
        x -= weight
        if x < 0:
            return value
    return pairs[-1][0]


def person_name(rng: random.Random, local_surnames: tuple[str, ...] = ()) -> str:
    surname = rng.choice(local_surnames) if local_surnames and rng.random() < 0.5 else rng.choice(SURNAMES)
    return surname + "".join(rng.choice(GIVEN_NAME_CHARS) for _ in range(1 if rng.random() < 0.3 else 2))


def phone_number(rng: random.Random, county: County) -> str:
    """A mobile number mostly; otherwise a landline with the county's area code."""
    if rng.random() < 0.8:
        return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10 ** 8):08d}"
    local = str(rng.randint(2, 8)) + "".join(str(rng.randrange(10)) for _ in range(county.landline_digits - 1))
    return f"{county.area_code}-{local}"


def organisation_code(rng: random.Random) -> str:
    """Nine characters of GB 11714 (eight digits and its check character), as older registrations carry."""
    body = f"{rng.randrange(10 ** 8):08d}"
    remainder = 11 - sum(int(c) * w for c, w in zip(body, GB11714_WEIGHTS)) % 11
    return body + {10: "X", 11: "0"}.get(remainder, str(remainder))


def credit_code(rng: random.Random, legal_form: str, region_code: str) -> str:
    """A valid 统一社会信用代码 for the legal form, registered in the county (or now and then its city)."""
    prefix = CODE_PREFIX.get(legal_form, "91")
    region = region_code if rng.random() < 0.85 else region_code[:4] + "00"
    if prefix[0] == "9" and rng.random() < 0.6:  # registered since 2015: a new 'MA' body
        body = "MA" + str(rng.randrange(10)) + "".join(rng.choice(ALPHABET) for _ in range(6))
    elif prefix == "92":  # an individual business converted from its old licence
        body = "L" + "".join(rng.choice(ALPHABET) for _ in range(8))
    else:
        body = organisation_code(rng)
    first17 = prefix + region + body
    return first17 + check_character(first17)


def brand(rng: random.Random) -> str:
    while True:
        word = rng.choice(BRAND_FIRST) + rng.choice(BRAND_SECOND)
        if word[0] != word[1] and word not in KNOWN_BRANDS:
            return word


def place(rng: random.Random) -> str:
    return rng.choice(PLACE_FIRST) + rng.choice(PLACE_SECOND)


def township_names(rng: random.Random, count: int, urban_share: float) -> list[str]:
    """Made-up 街道 and 镇 names for a county the region table has no townships for."""
    names: list[str] = []
    while len(names) < count:
        name = place(rng) + ("街道" if rng.random() < urban_share else "镇")
        if all(name[:2] != n[:2] for n in names):
            names.append(name)
    return sorted(names, key=lambda n: (not n.endswith("街道"), n))


SLOT_MAKERS = {
    "county": lambda g, t: g.county.name,
    "short": lambda g, t: g.county.short_name,
    "city_short": lambda g, t: g.county.city[:-1] if len(g.county.city) > 2 else g.county.city,
    "town": lambda g, t: t.name,
    "town_short": lambda g, t: t.short_name,
    "brand": lambda g, t: brand(g.rng),
    "place": lambda g, t: place(g.rng),
    "village": lambda g, t: place(g.rng),
    "estate": lambda g, t: g.rng.choice(ESTATE_SUFFIXES),
    "scenic": lambda g, t: g.rng.choice(SCENIC_NAMES),
    "person": lambda g, t: person_name(g.rng, g.county.local_surnames),
    "surname": lambda g, t: g.rng.choice(g.county.local_surnames or SURNAMES) if g.rng.random() < 0.5
    else g.rng.choice(SURNAMES),
    "ordinal": lambda g, t: ORDINALS[g.rng.randrange(1, len(ORDINALS))],
    "product": lambda g, t: g.rng.choice(PRODUCTS),
    "specialty": lambda g, t: g.rng.choice(HOSPITAL_SPECIALTIES),
    "clinic_specialty": lambda g, t: g.rng.choice(CLINIC_SPECIALTIES),
}


class _Slots(dict):
    """The values a name template asks for, drawn on first use, so one name uses one brand throughout."""

    def __init__(self, generator: CountyGenerator, township: Township):
        super().__init__()
        self.generator, self.township = generator, township

    def __missing__(self, key: str) -> str:
        value = self.generator.slot(key, self.township)
        self[key] = value
        return value


@dataclass
class CountyGenerator:
    """Makes one county's entities; keeps names, codes and licence numbers unique within the county."""

    county: County
    rng: random.Random
    today: dt.date
    names: set[str] = field(default_factory=set)
    codes: set[str] = field(default_factory=set)
    serials: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.county.townships:
            raise ValueError(f"{self.county.name} has no townships to place entities in")
        lon, lat = self.county.centre
        self.township_points = {}
        for t in self.county.townships:
            spread = 0.04 if t.is_urban else 0.22  # sub-districts make up the county seat; towns lie around it
            self.township_points[t.code] = (lon + self.rng.uniform(-1, 1) * spread,
                                            lat + self.rng.uniform(-1, 1) * spread * 0.8)
        self.urban = [t for t in self.county.townships if t.is_urban]
        self.rural = [t for t in self.county.townships if not t.is_urban]
        # Shops crowd into the county seat: a 街道 draws three times the entities of a 镇.
        self.township_weights = [(t, 3.0 if t.is_urban else 1.0) for t in self.county.townships]
        self.random_plans = [(p, p.share) for p in PLANS if p.share > 0]

    # -- the county --------------------------------------------------------------------------------------
    def entities(self, count: int) -> list[SyntheticEntity]:
        """The county's fixed institutions first, then entities drawn by the mix, `count` in all."""
        result = list(self._institutions())[:count]
        misses = 0
        while len(result) < count:
            plan = weighted(self.rng, self.random_plans)
            township = self._township_for(plan)
            entity = self._entity(plan, township, self.rng.choice(plan.names)) if township else None
            if entity is not None:
                result.append(entity)
                misses = 0
            elif (misses := misses + 1) > MAX_MISSES:
                raise ValueError(f"{self.county.name}: no new names left after {len(result)} entities")
        return result

    def _institutions(self) -> Iterator[SyntheticEntity]:
        seat = self.urban[0] if self.urban else self.county.townships[0]
        for sub_kind, template in COUNTY_INSTITUTIONS:
            entity = self._entity(PLANS_BY_SUB_KIND[sub_kind], seat, template, fixed=True)
            if entity is not None:
                yield entity
        for n in range(1, 1 + self.rng.choice((0, 1, 1, 2))):
            template = NUMBERED_HOSPITAL.replace("{ordinal}", ORDINALS[n])
            entity = self._entity(PLANS_BY_SUB_KIND["hospital"], seat, template, fixed=True)
            if entity is not None:
                yield entity
        for township in self.county.townships:
            for sub_kind, template in TOWNSHIP_INSTITUTIONS:
                plan = PLANS_BY_SUB_KIND[sub_kind]
                if plan.urban is None or plan.urban == township.is_urban:
                    entity = self._entity(plan, township, template, fixed=True)
                    if entity is not None:
                        yield entity

    def _township_for(self, plan: SubKindPlan) -> Township | None:
        if plan.urban is None:
            return weighted(self.rng, self.township_weights)
        candidates = self.urban if plan.urban else self.rural
        return self.rng.choice(candidates) if candidates else None

    # -- one entity --------------------------------------------------------------------------------------
    def _entity(self, plan: SubKindPlan, township: Township, template: str, fixed: bool = False
                ) -> SyntheticEntity | None:
        named = self._unique_name(template, township)
        if named is None:
            return None
        parts, slots = named
        rng, county = self.rng, self.county
        name = "".join(parts)
        kind = SUB_KIND_PARENT[plan.sub_kind]
        if fixed:
            legal_form = F.ENTERPRISE if plan.sub_kind in COMPANY_INSTITUTIONS else F.PUBLIC_INSTITUTION
        else:
            legal_form = weighted(rng, plan.legal_forms)
        code, no_code_reason = self._code(plan, legal_form)
        public = fixed or legal_form == F.PUBLIC_INSTITUTION
        status, status_note = self._status(plan, kind, public)
        grade = self._grade(status, public)
        registered_on = self.today - dt.timedelta(days=rng.randint(60, 365 * 15))
        domains = self._domains(plan, kind, name)
        key, key_reason = self._key(plan, grade, fixed)
        representative = person_name(rng, county.local_surnames)
        point = self._point(township)
        return SyntheticEntity(
            name=name, name_parts=parts, credit_code=code, no_credit_code_reason=no_code_reason,
            legal_form=legal_form, kind=kind, sub_kind=plan.sub_kind, domains=domains,
            legal_representative=representative,
            contact_person=representative if rng.random() < 0.6 else person_name(rng, county.local_surnames),
            contact_phone=phone_number(rng, county), address=self._address(township, slots.get("village")),
            township_code=township.code,
            longitude=point[0] if point else None, latitude=point[1] if point else None,
            status=status, status_note=status_note, is_key_supervision=key, key_supervision_reason=key_reason,
            credit_grade=grade, registered_on=registered_on,
            licences=tuple(self._licences(plan, domains, code, legal_form, registered_on)),
            grade_changes=self._grade_history(grade, kind, registered_on, status),
        )

    def slot(self, key: str, township: Township) -> str:
        return SLOT_MAKERS[key](self, township)

    def _unique_name(self, template: str, township: Township) -> tuple[tuple[str, ...], _Slots] | None:
        """The template filled in, as its pieces; None when every attempt gave a name the county already has."""
        pieces = _template_pieces(template)
        for _ in range(NAME_ATTEMPTS):
            slots = _Slots(self, township)
            parts = tuple(slots[p[1:-1]] if p.startswith("{") else p for p in pieces)
            name = "".join(parts)
            if name not in self.names:
                self.names.add(name)
                return parts, slots
        return None

    def _code(self, plan: SubKindPlan, legal_form: str) -> tuple[str, str]:
        unregistered = plan.no_code_share >= 1.0 or (
            legal_form == F.INDIVIDUAL and self.rng.random() < plan.no_code_share)
        if unregistered:
            return "", plan.no_code_reason
        while True:
            code = credit_code(self.rng, legal_form, self.county.code)
            if code not in self.codes:
                self.codes.add(code)
                return code, ""

    def _status(self, plan: SubKindPlan, kind: str, public: bool) -> tuple[str, str]:
        if plan.always_operating or public:
            return EntityStatus.OPERATING, ""
        status = weighted(self.rng, STATUS_MIX)
        if status == EntityStatus.SUSPENDED:
            return status, self.rng.choice(SUSPENSION_NOTES)
        if status == EntityStatus.DEREGISTERED:
            return status, self.rng.choice(DEREGISTRATION_NOTES)
        if status == EntityStatus.REVOKED:
            return status, f"因{self.rng.choice(VIOLATIONS[kind])}，情节严重，被依法吊销许可证"
        return status, ""

    def _grade(self, status: str, public: bool) -> str:
        if status == EntityStatus.REVOKED:
            return CreditGrade.D if self.rng.random() < 0.6 else CreditGrade.C
        return weighted(self.rng, PUBLIC_GRADE_MIX if public else GRADE_MIX)

    def _domains(self, plan: SubKindPlan, kind: str, name: str) -> tuple[str, ...]:
        domains = list(KINDS_BY_CODE[kind].default_domains)
        for domain, chance in plan.extra_domains:
            if self.rng.random() < chance and domain not in domains:
                domains.append(domain)
        if "口腔" in name and D.RADIATION not in domains and kind == "medical" and self.rng.random() < 0.5:
            domains.append(D.RADIATION)  # dental X-ray
        return tuple(str(d) for d in domains)

    def _key(self, plan: SubKindPlan, grade: str, fixed: bool) -> tuple[bool, str]:
        chance, reason = plan.key
        if chance and (fixed and chance >= 0.8 or self.rng.random() < chance):
            return True, reason
        if grade == CreditGrade.D:
            return True, KEY_FOR_GRADE_D
        return False, ""

    def _point(self, township: Township) -> tuple[Decimal, Decimal] | None:
        if self.rng.random() >= MAP_POINT_SHARE:
            return None
        lon, lat = self.township_points[township.code]
        lon = min(max(lon + self.rng.uniform(-0.02, 0.02), ENTITY_RULES.longitude_range[0]), ENTITY_RULES.longitude_range[1])
        lat = min(max(lat + self.rng.uniform(-0.02, 0.02), ENTITY_RULES.latitude_range[0]), ENTITY_RULES.latitude_range[1])
        return Decimal(f"{lon:.6f}"), Decimal(f"{lat:.6f}")

    def _address(self, township: Township, village: str | None) -> str:
        rng, county = self.rng, self.county
        if village and not township.is_urban:  # a village clinic or school stands in the village it is named after
            return f"{county.name}{township.name}{village}村{rng.randint(1, 120)}号"
        if not township.is_urban and rng.random() < 0.35:
            return f"{county.name}{township.name}{place(rng)}村{rng.randint(1, 120)}号"
        street = place(rng) + rng.choice(("路", "路", "街", "大道", "巷"))
        return f"{county.name}{township.name}{street}{rng.randint(1, 399)}号"

    # -- licences and credit -----------------------------------------------------------------------------
    def _licences(self, plan, domains, code, legal_form, registered_on) -> Iterator[SyntheticLicence]:
        kinds = []
        for kind, chance in plan.licences:
            if self.rng.random() < chance:
                kinds.append(kind)
                break
        if D.RADIATION in domains and L.RADIATION not in kinds and SUB_KIND_PARENT[plan.sub_kind] == "medical":
            kinds.append(L.RADIATION)
        if D.MATERNAL_FAMILY in domains:
            kinds.append(L.MATERNAL)
        for kind in kinds:
            yield self._licence(kind, plan.sub_kind, code, legal_form, registered_on)

    def _licence(self, kind: str, sub_kind: str, code: str, legal_form: str, registered_on: dt.date):
        rng, county = self.rng, self.county
        years = LICENCE_VALIDITY_YEARS[kind]
        # Issued (or last renewed) within one validity period, give or take: a few have lapsed unrenewed.
        back = rng.randint(0, (years or 6) * 365 + 120)
        issued_on = max(registered_on, self.today - dt.timedelta(days=back))
        valid_to = _years_later(issued_on, years) - dt.timedelta(days=1) if years else None
        serial = self.serials[kind] = self.serials.get(kind, 0) + 1
        if kind == L.MEDICAL_PRACTICE:
            ownership = "A" if legal_form == F.PUBLIC_INSTITUTION else "D"
            body = code[8:17] if code else f"PDY{serial:06d}"
            number = f"{body}{county.code}{MEDICAL_CATEGORY.get(sub_kind, '99')}{ownership}{serial:04d}"
        else:
            number = LICENCE_NUMBERS[kind].format(abbr=county.province_abbreviation, year=issued_on.year,
                                                  region=county.code, serial=serial)
        issuer = f"{county.province}卫生健康委员会" if kind == L.DISINFECTION else county.bureau
        return SyntheticLicence(kind, number, issued_on, valid_to, issuer)

    def _grade_history(self, grade: str, kind: str, registered_on: dt.date, status: str):
        """How an entity not at B got there: one decision from B, with its basis, reason and date."""
        if grade == CreditGrade.B:
            return ()
        rng = self.rng
        span = max((self.today - registered_on).days - 30, 1)
        effective_on = registered_on + dt.timedelta(days=30 + rng.randrange(span))
        effective_on = min(effective_on, self.today)
        year = effective_on.year
        if grade == CreditGrade.A:
            basis = CreditGradeBasis.ANNUAL
            reason = rng.choice((f"{year}年度信用评价：全年监督检查未发现违法违规行为，评为A级",
                                 f"{year}年度信用评价：连续{rng.randint(2, 5)}年无违法违规记录，卫生管理制度健全"))
            return (SyntheticGradeChange(CreditGrade.B, grade, basis, reason, effective_on),)
        violation = rng.choice(VIOLATIONS[kind])
        fine = rng.choice(FINES[grade])
        decision = f"{self.county.doc_prefix}罚〔{year}〕{rng.randint(1, 80)}号"
        if grade == CreditGrade.D:
            basis = CreditGradeBasis.PENALTY
            measure = "吊销许可证" if status == EntityStatus.REVOKED else "责令停业整顿"
            reason = f"因{violation}，经责令改正拒不改正，被处罚款{fine}元并{measure}（{decision}）"
        elif rng.random() < 0.25:
            basis = CreditGradeBasis.COMPLAINT
            reason = f"投诉举报查实：{violation}，已责令限期改正"
        else:
            basis = CreditGradeBasis.PENALTY
            reason = f"因{violation}，被给予警告并处罚款{fine}元（{decision}）"
        return (SyntheticGradeChange(CreditGrade.B, grade, basis, reason, effective_on),)


def _years_later(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


_PIECES_CACHE: dict[str, tuple[str, ...]] = {}


def _template_pieces(template: str) -> tuple[str, ...]:
    """'{county}{town}{brand}诊所' → ('{county}', '{town}', '{brand}', '诊所'), cached."""
    pieces = _PIECES_CACHE.get(template)
    if pieces is None:
        found, rest = [], template
        while rest:
            if rest.startswith("{"):
                end = rest.index("}") + 1
                found.append(rest[:end])
                rest = rest[end:]
            else:
                end = rest.find("{")
                end = len(rest) if end < 0 else end
                found.append(rest[:end])
                rest = rest[end:]
        pieces = _PIECES_CACHE[template] = tuple(found)
    return pieces


def generate_county(county: County, rng: random.Random, count: int, *, today: dt.date) -> list[SyntheticEntity]:
    """`count` entities of one county: its fixed institutions first, then the usual mix."""
    return CountyGenerator(county, rng, today).entities(count)
