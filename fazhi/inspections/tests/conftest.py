import pytest

from fazhi.entities.tests.factories import credit_code, register

from . import factories as fi


@pytest.fixture
def hotel(officer):
    """A hotel of 开平市 (公共场所), registered by the conftest officer."""
    return register(officer, name="开平市三埠街道悦来宾馆", credit_code=credit_code(11), kind="public_place",
                    sub_kind="accommodation", address="开平市三埠街道东河路8号")


@pytest.fixture
def clinic(officer):
    return register(officer)


@pytest.fixture
def published_items(kaiping):
    return [fi.item(kaiping, "public_place"), fi.item(kaiping, "public_place")]


@pytest.fixture
def team(bureaus):
    """Two officers of 开平's supervision institute, each certified for 公共场所 and 医疗服务."""
    return [fi.certified_officer(bureaus["kaiping_institute"], "public_place", "medical_service",
                                 full_name=name) for name in ("黄监督", "梁监督")]
