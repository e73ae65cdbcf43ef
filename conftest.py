"""Fixed personas for every test (STYLE.md): staff of 开平市 in each role, an outsider from 环翠区, and a city admin."""
import pytest

from fazhi.core.choices import Role, SectionKind
from fazhi.core.tests import factories as f


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Production hashes with PBKDF2 (slow on purpose); tests that create many accounts need not."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def private_cache(settings):
    """Each test gets an empty in-memory cache: record ids restart in every test database, cache keys would not."""
    from django.core.cache import cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def as_user(client):
    """`as_user(person)`: the test client, signed in as that person."""
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def bureaus(db):
    return f.model_bureaus()


@pytest.fixture
def kaiping(bureaus):
    return bureaus["kaiping"]


@pytest.fixture
def supervision_section(bureaus):
    return f.section(bureaus["kaiping_institute"], "监督一科", SectionKind.SUPERVISION)


@pytest.fixture
def officer(bureaus, supervision_section):
    user = f.staff(bureaus["kaiping_institute"], Role.OFFICER, username="officer", full_name="李执法",
                   section=supervision_section)
    f.certificate(user, "public_place", "medical_service")
    return user


@pytest.fixture
def section_head(bureaus, supervision_section):
    return f.staff(bureaus["kaiping_institute"], Role.SECTION_HEAD, Role.OFFICER, username="head",
                   full_name="王科长", section=supervision_section)


@pytest.fixture
def legal_reviewer(bureaus):
    legal = f.section(bureaus["kaiping"], "法制科", SectionKind.LEGAL)
    return f.staff(bureaus["kaiping"], Role.LEGAL_REVIEWER, username="reviewer", full_name="陈法制",
                   section=legal, has_legal_qualification=True)


@pytest.fixture
def leader(bureaus):
    return f.staff(bureaus["kaiping"], Role.LEADER, username="leader", full_name="赵局长")


@pytest.fixture
def clerk(bureaus):
    return f.staff(bureaus["kaiping"], Role.LICENSING_CLERK, username="clerk", full_name="周审批")


@pytest.fixture
def admin(bureaus):
    return f.staff(bureaus["kaiping"], Role.ADMIN, username="admin", full_name="吴管理")


@pytest.fixture
def outsider(bureaus):
    """An officer and administrator of another county (环翠区): must see and change nothing of 开平's."""
    return f.staff(bureaus["huancui"], Role.OFFICER, Role.ADMIN, username="outsider", full_name="孙外区")


@pytest.fixture
def city_admin(bureaus):
    return f.staff(bureaus["jiangmen"], Role.ADMIN, Role.LEADER, username="cityadmin", full_name="江门市管理员")


@pytest.fixture
def province_leader(bureaus):
    return f.staff(bureaus["guangdong"], Role.LEADER, username="provinceleader", full_name="省厅领导")


@pytest.fixture
def shared_test_connection():
    """Requests go through the real WSGI handler, which closes the database connection at the end of each
    request; inside a test's transaction that would close it for good (PostgreSQL). Django's test client
    holds these signals back the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
