import datetime as dt

import pytest

from fazhi.core.choices import Role
from fazhi.core.tests import factories as f
from fazhi.entities.tests.factories import credit_code, register

from . import factories as fc

# A Monday in a known calendar year, far from holidays: 2025-03-03.
MONDAY = dt.date(2025, 3, 3)


@pytest.fixture
def hotel(officer):
    return register(officer, name="开平市三埠街道悦来宾馆", credit_code=credit_code(11), kind="public_place",
                    sub_kind="accommodation", address="开平市三埠街道东河路8号")


@pytest.fixture
def case_team(bureaus):
    return fc.officers(bureaus["kaiping_institute"])


@pytest.fixture
def approver(bureaus):
    person = f.staff(bureaus["kaiping_institute"], Role.SECTION_HEAD, full_name="何科长")
    return person


@pytest.fixture
def chief(bureaus):
    return f.staff(bureaus["kaiping"], Role.LEADER, Role.CHIEF, full_name="钱局长")
