"""The demo: both model bureaus (开平市 and 威海市环翠区) with their chains, sections and staff in every role.

Deterministic (a fixed seed) and idempotent: running it again adds nothing that is already there and never
resets a password someone has changed. Every record goes through the services, so the audit chain holds it.
"""
from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from .choices import OrganisationKind, Role, SectionKind
from .models import Organisation, Region, Section, User
from .validators import id_card_check_character
from .services import create_organisation, create_section, create_staff, ensure_system_account, issue_certificate

DEMO_PASSWORD = "Fazhi@2026"
SEED = 20260101

SURNAMES = "李王张刘陈杨黄赵吴周徐孙马朱胡郭何林罗梁谢宋郑冯邓许韩曹彭曾萧蔡潘田董袁"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰俊志文斌建国嘉欣子涵浩然雨婷晓东海燕春梅"


@dataclass(frozen=True)
class CountyPlan:
    province: tuple[str, str, str, str]  # region code, bureau name, short name, prefix
    city: tuple[str, str, str, str]
    county: tuple[str, str, str, str]
    institute: tuple[str, str]
    username_prefix: str
    issuer: str
    mobile_prefix: str


COUNTIES = (
    CountyPlan(
        ("440000", "广东省卫生健康委员会", "广东省卫健委", "粤卫"),
        ("440700", "江门市卫生健康局", "江门市卫健局", "江卫"),
        ("440783", "开平市卫生健康局", "开平市卫健局", "开卫"),
        ("开平市卫生监督所", "开平市卫监所"),
        "kp", "广东省人民政府", "1382",
    ),
    CountyPlan(
        ("370000", "山东省卫生健康委员会", "山东省卫健委", "鲁卫"),
        ("371000", "威海市卫生健康委员会", "威海市卫健委", "威卫"),
        ("371002", "威海市环翠区卫生健康局", "环翠区卫健局", "环卫"),
        ("威海市环翠区卫生监督所", "环翠区卫监所"),
        "hc", "山东省人民政府", "1395",
    ),
)

BUREAU_SECTIONS = [
    ("办公室", SectionKind.OFFICE), ("法制科", SectionKind.LEGAL), ("医政医管科", SectionKind.MEDICAL),
    ("公共卫生科", SectionKind.PUBLIC_HEALTH), ("行政审批科", SectionKind.LICENSING), ("信访办", SectionKind.COMPLAINTS),
]
INSTITUTE_SECTIONS = [
    ("医疗卫生监督科", SectionKind.SUPERVISION, ["medical_service", "infectious_disease", "maternal_family"]),
    ("公共卫生监督科", SectionKind.SUPERVISION, ["public_place", "drinking_water", "school", "disinfection"]),
    ("职业放射卫生监督科", SectionKind.SUPERVISION, ["occupational", "radiation"]),
]

# One demo account per role, then more officers so that lists, panels and draws have people to work with.
ROLE_ACCOUNTS = [
    ("officer", Role.OFFICER, "institute", 0), ("head", Role.SECTION_HEAD, "institute", 0),
    ("legal", Role.LEGAL_REVIEWER, "法制科", None), ("leader", Role.LEADER, None, None),
    ("chief", Role.CHIEF, None, None), ("clerk", Role.LICENSING_CLERK, "行政审批科", None),
    ("petition", Role.COMPLAINTS_CLERK, "信访办", None), ("outreach", Role.OUTREACH, "办公室", None),
    ("admin", Role.ADMIN, "办公室", None),
]
EXTRA_OFFICERS = 10


def _name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        if name not in used:
            used.add(name)
            return name


def _id_card(rng: random.Random, region_code: str) -> str:
    birth = dt.date(1970, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 30))
    body = f"{region_code}{birth:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return body + id_card_check_character(body)


def _organisation(actor, name, short, prefix, kind, region_code, parent) -> Organisation:
    existing = Organisation.objects.filter(name=name).first()
    if existing:
        return existing
    return create_organisation(
        actor=actor, name=name, short_name=short, doc_prefix=prefix, kind=kind,
        region=Region.objects.get(code=region_code), parent=parent,
        public_intro=f"{name}依法履行卫生健康行政执法职责。",
    )


def _section(actor, org, name, kind) -> Section:
    return Section.objects.filter(organisation=org, name=name).first() or create_section(
        actor=actor, organisation=org, name=name, kind=kind
    )


@dataclass
class DemoAccount:
    username: str
    role: str
    full_name: str
    organisation: str


def _staff(actor, rng, used, plan, org, section, username, roles, domains) -> DemoAccount:
    user = User.objects.filter(username=username).first()
    if user is None:
        name = _name(rng, used)
        user, _ = create_staff(
            actor=actor, organisation=org, section=section, roles=roles, password=DEMO_PASSWORD,
            username=username, full_name=name, phone=f"{plan.mobile_prefix}{rng.randrange(0, 10**7):07d}",
            id_card_number=_id_card(rng, plan.county[0]),
            has_legal_qualification=Role.LEGAL_REVIEWER in roles,
        )
        if domains:
            today = dt.date.today()
            issue_certificate(
                actor=actor, holder=user, domains=domains, issuer=plan.issuer,
                number=f"{plan.county[0][:2]}{rng.randrange(10**9, 10**10)}",
                valid_from=today - dt.timedelta(days=rng.randrange(100, 1500)),
                valid_to=today + dt.timedelta(days=rng.randrange(20, 1800)),
            )
    else:
        used.add(user.full_name)
    return DemoAccount(username, Role(roles[0]).label, user.full_name, str(org))


def _county(actor, plan: CountyPlan, rng: random.Random) -> list[DemoAccount]:
    province = _organisation(actor, *plan.province[1:], OrganisationKind.BUREAU, plan.province[0], None)
    city = _organisation(actor, *plan.city[1:], OrganisationKind.BUREAU, plan.city[0], province)
    county = _organisation(actor, *plan.county[1:], OrganisationKind.BUREAU, plan.county[0], city)
    institute = _organisation(actor, *plan.institute, "", OrganisationKind.SUPERVISION_INSTITUTE, plan.county[0], county)
    bureau_sections = {name: _section(actor, county, name, kind) for name, kind in BUREAU_SECTIONS}
    units = [(_section(actor, institute, name, kind), domains) for name, kind, domains in INSTITUTE_SECTIONS]
    used: set[str] = set()
    accounts = []
    for suffix, role, where, unit in ROLE_ACCOUNTS:
        enforcing = role in (Role.OFFICER, Role.SECTION_HEAD)
        org = institute if where == "institute" else county
        section = units[unit][0] if where == "institute" else bureau_sections.get(where)
        roles = [role, Role.OFFICER] if role == Role.SECTION_HEAD else [role]
        domains = units[unit][1] if enforcing else None
        accounts.append(_staff(actor, rng, used, plan, org, section, f"{plan.username_prefix}_{suffix}", roles, domains))
    for n in range(1, EXTRA_OFFICERS + 1):
        section, domains = units[n % len(units)]
        _staff(actor, rng, used, plan, institute, section, f"{plan.username_prefix}_officer{n:02d}", [Role.OFFICER], domains)
    city_admin = f"{plan.username_prefix}_city_admin"
    accounts.append(_staff(actor, rng, used, plan, city, None, city_admin, [Role.ADMIN, Role.LEADER], None))
    return accounts


@dataclass(frozen=True)
class DemoStep:
    """A later app's part of the demo, run after the core's by `load_demo`: `run()` returns a summary line."""

    order: int
    label: str
    run: Callable[[], str]


_demo_steps: list[DemoStep] = []


def register_demo_step(step: DemoStep) -> None:
    """Apps call this from their own `demo` module; the command imports every app's `demo` module first."""
    if all(s.label != step.label for s in _demo_steps):
        _demo_steps.append(step)


def demo_steps() -> list[DemoStep]:
    return sorted(_demo_steps, key=lambda s: s.order)


def load_demo() -> list[DemoAccount]:
    """Create (or complete) the demo and return one account per role for each county."""
    from .regions import load_shipped_regions

    load_shipped_regions()
    with transaction.atomic():
        actor = ensure_system_account()
        accounts = []
        for index, plan in enumerate(COUNTIES):
            accounts += _county(actor, plan, random.Random(SEED + index))
    return accounts

