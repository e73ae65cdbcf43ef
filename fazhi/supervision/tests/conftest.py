"""Fixtures of the early-warning tests: a hotel of 开平市, a certified team of the supervision section, and the
people who approve, review and decide. Dates are fixed, in a year whose holidays the calendar knows."""
from __future__ import annotations

import datetime as dt

import pytest

from fazhi.core.choices import Role
from fazhi.core.tests import factories as f
from fazhi.entities.tests.factories import credit_code, register

# A Monday far from holidays: 2025-03-03.
MONDAY = dt.date(2025, 3, 3)


@pytest.fixture
def hotel(officer):
    return register(officer, name="开平市三埠街道悦来宾馆", credit_code=credit_code(21), kind="public_place",
                    sub_kind="accommodation", address="开平市三埠街道东河路8号")


@pytest.fixture
def team(bureaus, supervision_section):
    """Two officers of the supervision section, certified for 公共场所 from 2020 to 2035."""
    people = []
    for name in ("黄执法", "梁执法"):
        person = f.staff(bureaus["kaiping_institute"], Role.OFFICER, full_name=name, section=supervision_section)
        f.certificate(person, "public_place", valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2035, 12, 31))
        people.append(person)
    return people


@pytest.fixture
def approver(bureaus, supervision_section):
    return f.staff(bureaus["kaiping_institute"], Role.SECTION_HEAD, full_name="何科长", section=supervision_section)


@pytest.fixture
def other_section(bureaus):
    from fazhi.core.choices import SectionKind

    return f.section(bureaus["kaiping_institute"], "监督二科", SectionKind.SUPERVISION)
