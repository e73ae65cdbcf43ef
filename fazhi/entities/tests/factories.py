"""Test data for the registry, on top of the core's bureaus and personas (fazhi.core.tests.factories).

`register` goes through the service, so an entity made here has its first grade and its audit event.
"""
from __future__ import annotations

from fazhi.core.choices import RegionLevel
from fazhi.core.models import Region
from fazhi.core.tests import factories as f
from fazhi.entities import services
from fazhi.entities.choices import CreditGradeBasis, LicenceKind
from fazhi.entities.credit_code import check_character


def credit_code(serial: int, region: str = "440783") -> str:
    """A valid 统一社会信用代码 of an enterprise registered in `region`, one per serial."""
    first17 = f"91{region}MA{serial:07d}"
    return first17 + check_character(first17)


def township(code: str, name: str) -> Region:
    """A township (乡镇/街道) under the county of its first six digits, which `model_bureaus()` has made."""
    return f.region(code, name, RegionLevel.TOWNSHIP, Region.objects.get(code=code[:6]))


def register(actor, **fields):
    """A clinic in 开平市 registered by `actor`; any field can be given instead."""
    values = {
        "name": "开平市三埠街道惠民诊所", "credit_code": credit_code(1), "kind": "medical", "sub_kind": "clinic",
        "address": "开平市三埠街道幕沙路1号", **fields,
    }
    return services.create_entity(actor=actor, **values)


def lengthen_history(entity, *, officer, grader, grades: str) -> None:
    """One more licence and one more credit grade change for each grade in `grades` (each unlike the one before)."""
    for n, grade in enumerate(grades):
        services.add_licence(entity, actor=officer, kind=LicenceKind.OTHER, number=f"开卫备{n}")
        services.change_credit_grade(entity, actor=grader, grade=grade, basis=CreditGradeBasis.ANNUAL, reason="年度")
