"""Test data for the core: a province → city → county tree for each model bureau, and fixed personas.

Other apps' factories build on these. They write directly (no audit events) so tests can set up quickly;
tests of services call the services themselves.
"""
from __future__ import annotations

import datetime as dt
import itertools

from fazhi.core.choices import OrganisationKind, RegionLevel, Role, SectionKind
from fazhi.core.models import Domain, EnforcementCertificate, Organisation, Region, RoleAssignment, Section, User

TEST_PASSWORD = "Fazhi#2026test"
_serial = itertools.count(1)


def region(code: str, name: str, level: int, parent: Region | None = None) -> Region:
    obj, _ = Region.objects.get_or_create(code=code, defaults={"name": name, "level": level, "parent": parent})
    return obj


def organisation(name: str, kind: str, region_: Region, parent: Organisation | None = None, **fields) -> Organisation:
    existing = Organisation.objects.filter(name=name).first()
    if existing:
        return existing
    org = Organisation.objects.create(name=name, kind=kind, region=region_, parent=parent, **fields)
    org.path = org.compute_path()
    org.bureau = org if kind == OrganisationKind.BUREAU else parent
    org.save(update_fields=["path", "bureau"])
    return org


def bureau(name: str, region_: Region, parent: Organisation | None = None, **fields) -> Organisation:
    return organisation(name, OrganisationKind.BUREAU, region_, parent, **fields)


def institute(name: str, of: Organisation, **fields) -> Organisation:
    return organisation(name, OrganisationKind.SUPERVISION_INSTITUTE, of.region, of, **fields)


def section(org: Organisation, name: str, kind: str = SectionKind.OTHER) -> Section:
    obj, _ = Section.objects.get_or_create(organisation=org, name=name, defaults={"kind": kind})
    return obj


def staff(org: Organisation, *roles: str, username: str | None = None, full_name: str | None = None, **fields) -> User:
    n = next(_serial)
    user = User(
        username=username or f"user{n}",
        full_name=full_name or f"测试人员{n}",
        organisation=org,
        must_change_password=fields.pop("must_change_password", False),
        **fields,
    )
    user.set_password(TEST_PASSWORD)
    user.save()
    RoleAssignment.objects.bulk_create(RoleAssignment(user=user, role=r) for r in roles)
    return user


def certificate(holder: User, *domains: str, number: str | None = None, valid_from=None, valid_to=None, **fields):
    today = dt.date.today()
    cert = EnforcementCertificate.objects.create(
        holder=holder,
        number=number or f"44{next(_serial):08d}",
        issuer=fields.pop("issuer", "广东省人民政府"),
        valid_from=valid_from or today - dt.timedelta(days=365),
        valid_to=valid_to or today + dt.timedelta(days=365 * 3),
        **fields,
    )
    cert.domains.set(Domain.objects.filter(code__in=domains or ["public_place"]))
    return cert


def model_bureaus() -> dict[str, Organisation]:
    """Both model chains: 广东省/江门市/开平市 and 山东省/威海市/环翠区, with bureaus and institutes."""
    gd = region("440000", "广东省", RegionLevel.PROVINCE)
    jm = region("440700", "江门市", RegionLevel.CITY, gd)
    kp = region("440783", "开平市", RegionLevel.COUNTY, jm)
    sd = region("370000", "山东省", RegionLevel.PROVINCE)
    wh = region("371000", "威海市", RegionLevel.CITY, sd)
    hc = region("371002", "环翠区", RegionLevel.COUNTY, wh)
    gd_b = bureau("广东省卫生健康委员会", gd, short_name="广东省卫健委", doc_prefix="粤卫")
    jm_b = bureau("江门市卫生健康局", jm, gd_b, short_name="江门市卫健局", doc_prefix="江卫")
    kp_b = bureau("开平市卫生健康局", kp, jm_b, short_name="开平市卫健局", doc_prefix="开卫")
    kp_i = institute("开平市卫生监督所", kp_b, short_name="开平市卫监所")
    sd_b = bureau("山东省卫生健康委员会", sd, short_name="山东省卫健委", doc_prefix="鲁卫")
    wh_b = bureau("威海市卫生健康委员会", wh, sd_b, short_name="威海市卫健委", doc_prefix="威卫")
    hc_b = bureau("威海市环翠区卫生健康局", hc, wh_b, short_name="环翠区卫健局", doc_prefix="环卫")
    hc_i = institute("威海市环翠区卫生监督所", hc_b, short_name="环翠区卫监所")
    return {
        "guangdong": gd_b, "jiangmen": jm_b, "kaiping": kp_b, "kaiping_institute": kp_i,
        "shandong": sd_b, "weihai": wh_b, "huancui": hc_b, "huancui_institute": hc_i,
    }


PERSONA_ROLES = {
    "officer": (Role.OFFICER,),
    "section_head": (Role.SECTION_HEAD, Role.OFFICER),
    "legal_reviewer": (Role.LEGAL_REVIEWER,),
    "leader": (Role.LEADER,),
    "clerk": (Role.LICENSING_CLERK,),
    "admin": (Role.ADMIN,),
}
