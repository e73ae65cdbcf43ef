import pytest

from fazhi.cases.tests import factories as fc
from fazhi.core.choices import Role, SectionKind
from fazhi.core.tests import factories as f
from fazhi.entities.tests.factories import credit_code, register

from . import factories as fr


@pytest.fixture
def hotel(officer):
    return register(officer, name="开平市三埠街道悦来宾馆", credit_code=credit_code(11), kind="public_place",
                    sub_kind="accommodation", address="开平市三埠街道东河路8号")


@pytest.fixture
def team(bureaus, supervision_section):
    people = fc.officers(bureaus["kaiping_institute"])
    for person in people:
        person.section = supervision_section
        person.save(update_fields=["section"])
    return people


@pytest.fixture
def approver(bureaus):
    return f.staff(bureaus["kaiping_institute"], Role.SECTION_HEAD, full_name="何科长")


@pytest.fixture
def chief(bureaus):
    return f.staff(bureaus["kaiping"], Role.LEADER, Role.CHIEF, full_name="钱局长")


@pytest.fixture
def good_case(hotel, team, approver, legal_reviewer, chief):
    return fr.correct_case(hotel, team, approver=approver, head=approver, legal=legal_reviewer, leader=chief)


@pytest.fixture
def rubric_keeper(bureaus):
    """A legal reviewer of the top organisation (广东省), who keeps the rubric."""
    legal = f.section(bureaus["guangdong"], "政策法规处", SectionKind.LEGAL)
    return f.staff(bureaus["guangdong"], Role.LEGAL_REVIEWER, username="rubric", full_name="省法规处", section=legal)
