import datetime as dt

import pytest
from django.utils import timezone

from fazhi.core.choices import Role
from fazhi.core.tests import factories as f
from fazhi.entities.tests.factories import credit_code, register
from fazhi.inspections.choices import InspectionStatus, ItemResult, RecordStatus
from fazhi.inspections.models import ItemCheck, OnSiteRecord
from fazhi.inspections.tests import factories as fi

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


@pytest.fixture
def inspection_team(bureaus):
    return [fi.certified_officer(bureaus["kaiping_institute"], "public_place", full_name=name)
            for name in ("黄监督", "梁监督")]


@pytest.fixture
def finding(hotel, inspection_team, kaiping):
    """A non-conforming item of the signed on-site record of a visit to the hotel some weeks ago."""
    item = fi.item(kaiping, "public_place", title="从业人员健康管理")
    visited = timezone.now() - dt.timedelta(days=25)
    visit = fi.visit(hotel, inspection_team, [item], status=InspectionStatus.RECORDED,
                     day=timezone.localdate(visited))
    record = OnSiteRecord.objects.create(organisation=visit.organisation, inspection=visit, number="开卫现〔2026〕7号",
                                         place="宾馆前台", arrived_at=visited, status=RecordStatus.SIGNED,
                                         signed_at=visited)
    return ItemCheck.objects.create(record=record, item=item, result=ItemResult.NON_COMPLIANT,
                                    finding="2名从业人员未取得健康合格证明", provision="公共场所卫生管理条例第七条")
