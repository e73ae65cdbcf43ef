"""What an entity can be, and the rules about it, as data.

The kinds and sub-kinds follow the categories the health supervision system reports by (全国卫生健康监督
信息报告系统: 医疗机构, 公共场所, 供水单位, 学校, 职业卫生, 放射卫生, 消毒产品). Each kind says which
supervision domains a new entity of that kind falls under by default; the officer may add others.
"""
from __future__ import annotations

from dataclasses import dataclass

from fazhi.core.choices import RegionLevel
from fazhi.core.choices import SupervisionDomain as D

from .choices import LicenceKind


@dataclass(frozen=True)
class SubKind:
    code: str
    label: str


@dataclass(frozen=True)
class EntityKindRule:
    code: str
    label: str
    sub_kinds: tuple[SubKind, ...]
    default_domains: tuple[str, ...]


def _subs(*pairs: tuple[str, str]) -> tuple[SubKind, ...]:
    return tuple(SubKind(code, label) for code, label in pairs)


ENTITY_KINDS: tuple[EntityKindRule, ...] = (
    EntityKindRule(
        "medical", "医疗机构",
        _subs(
            ("hospital", "医院"), ("township_health_centre", "乡镇卫生院"),
            ("community_health_centre", "社区卫生服务中心"), ("community_health_station", "社区卫生服务站"),
            ("maternal_child", "妇幼保健院（所、站）"), ("outpatient", "门诊部"), ("clinic", "诊所"),
            ("village_clinic", "村卫生室"), ("infirmary", "医务室（卫生所、卫生室）"),
            ("blood_station", "采供血机构"), ("disease_control", "疾病预防控制机构"),
            ("other_medical", "其他医疗卫生机构"),
        ),
        (D.MEDICAL_SERVICE, D.INFECTIOUS_DISEASE),
    ),
    EntityKindRule(
        "public_place", "公共场所",
        _subs(
            ("accommodation", "住宿场所"), ("bathing", "沐浴场所"), ("hairdressing", "美容美发场所"),
            ("swimming", "游泳场所"), ("entertainment", "文化娱乐场所"), ("shopping", "商场（店）、书店"),
            ("waiting_room", "候车（机、船）室"), ("culture", "展览馆、博物馆、图书馆、美术馆"),
            ("sports", "体育场（馆）"), ("other_public_place", "其他公共场所"),
        ),
        (D.PUBLIC_PLACE,),
    ),
    EntityKindRule(
        "water_supply", "供水单位",
        _subs(
            ("central_water", "集中式供水"), ("secondary_water", "二次供水"),
            ("vended_water", "现制现售饮用水"), ("water_products", "涉及饮用水卫生安全产品生产企业"),
        ),
        (D.DRINKING_WATER,),
    ),
    EntityKindRule(
        "school", "学校及托幼机构",
        _subs(
            ("kindergarten", "托幼机构"), ("primary_school", "小学"), ("secondary_school", "中学"),
            ("vocational_school", "中等职业学校"), ("higher_education", "高等学校"),
            ("other_school", "其他教育机构"),
        ),
        (D.SCHOOL, D.INFECTIOUS_DISEASE),
    ),
    EntityKindRule(
        "employer", "用人单位（职业卫生）",
        _subs(
            ("manufacturing", "制造业"), ("mining", "采矿业"), ("construction", "建筑业"),
            ("utilities", "电力、燃气及水的生产和供应业"), ("other_industry", "其他行业"),
        ),
        (D.OCCUPATIONAL,),
    ),
    EntityKindRule(
        "radiation", "放射诊疗及放射卫生技术服务",
        _subs(
            ("radiotherapy", "放射治疗"), ("nuclear_medicine", "核医学"), ("interventional", "介入放射学"),
            ("x_ray_imaging", "X射线影像诊断"), ("radiation_service", "放射卫生技术服务机构"),
        ),
        (D.RADIATION,),
    ),
    EntityKindRule(
        "disinfection", "消毒产品生产企业",
        _subs(
            ("disinfectant", "消毒剂"), ("disinfection_device", "消毒器械"), ("hygiene_product", "卫生用品"),
        ),
        (D.DISINFECTION,),
    ),
    EntityKindRule(
        "other", "其他",
        _subs(("other_entity", "其他")),
        (),
    ),
)

KINDS_BY_CODE = {k.code: k for k in ENTITY_KINDS}
SUB_KIND_PARENT = {s.code: k.code for k in ENTITY_KINDS for s in k.sub_kinds}
KIND_CHOICES = [(k.code, k.label) for k in ENTITY_KINDS]
SUB_KIND_CHOICES = [(k.label, [(s.code, s.label) for s in k.sub_kinds]) for k in ENTITY_KINDS]
SUB_KIND_LABELS = {s.code: s.label for k in ENTITY_KINDS for s in k.sub_kinds}


def sub_kind_problem(kind: str, sub_kind: str) -> str | None:
    if kind not in KINDS_BY_CODE:
        return "请选择监管对象类别。"
    if SUB_KIND_PARENT.get(sub_kind) != kind:
        names = "、".join(s.label for s in KINDS_BY_CODE[kind].sub_kinds)
        return f"“{KINDS_BY_CODE[kind].label}”下的细分类别只能是：{names}。"
    return None


def region_prefix(code: str) -> str:
    """The significant part of a GB/T 2260 code: 440700 (江门市) → 4407, so its townships start with it."""
    code = code or ""
    while len(code) > 2 and code.endswith("00"):
        code = code[:-2]
    return code


def township_problem(township, organisation) -> str | None:
    """A township must be a 乡/镇/街道 inside the supervising bureau's own region."""
    if township.level != RegionLevel.TOWNSHIP:
        return f"“{township.name}”不是乡镇（街道），请选择乡镇（街道）。"
    if organisation is not None and not township.code.startswith(region_prefix(organisation.region.code)):
        return f"“{township.name}”不在{organisation.region.name}辖区内。"
    return None


@dataclass(frozen=True)
class EntityRules:
    """Rules about entities that other modules read."""

    # A new entity starts at B until it is graded: neither a reward nor a mark [M].
    initial_credit_grade: str = "B"
    # A map point must fall inside China's bounding box (GCJ-02/WGS-84 degrees).
    longitude_range: tuple[float, float] = (73.0, 136.0)
    latitude_range: tuple[float, float] = (3.0, 54.0)


ENTITY_RULES = EntityRules()

# How long each kind of licence runs, in years; None: a filing (备案) or a licence without an end date.
# 公共场所卫生许可证 4 years [P] (DOMAIN.md, "Licensing"); the others as issued in the model provinces [M].
LICENCE_VALIDITY_YEARS = {
    LicenceKind.PUBLIC_PLACE: 4,
    LicenceKind.MEDICAL_PRACTICE: 5,
    LicenceKind.CLINIC_FILING: None,
    LicenceKind.RADIATION: None,
    LicenceKind.WATER_SUPPLY: 4,
    LicenceKind.DISINFECTION: 4,
    LicenceKind.MATERNAL: 3,
    LicenceKind.OTHER: 5,
}


@dataclass(frozen=True)
class ImportRules:
    """Limits that keep an import from exhausting the server (files beyond them get a plain refusal), and how long
    a job may stay silent before its batch counts as interrupted."""

    max_file_bytes: int = 50 * 1024 * 1024
    max_rows: int = 200_000
    max_cell_chars: int = 2_000
    # The template has 23 columns; a sheet many times wider is not an entity list (and would cost time to read).
    max_columns: int = 200
    # A sheet that expands past this many times its file's size (at least 1 MB) is treated as a zip bomb.
    max_expansion: int = 40
    batch_size: int = 2_000
    # The first thousand problems are enough to fix a file; beyond that the count says how bad it is.
    max_stored_errors: int = 1_000
    # A running job reports after every chunk (a second or two); this long without a word, it died with its process.
    interrupted_after_seconds: int = 120


IMPORT_RULES = ImportRules()
