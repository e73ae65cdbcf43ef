"""Fixtures the registry's tests share: townships of the demo counties and a private upload folder."""
import pytest

from fazhi.entities.tests.factories import township


@pytest.fixture
def sanbu(bureaus):
    return township("440783001", "三埠街道")


@pytest.fixture
def changsha(bureaus):
    return township("440783002", "长沙街道")


@pytest.fixture
def huancui_township(bureaus):
    return township("371002001", "环翠楼街道")


@pytest.fixture
def uploads_in_tmp(settings, tmp_path):
    """Uploaded files go to the test's own folder, and an import's check and apply run inside the request."""
    settings.MEDIA_ROOT = tmp_path
    settings.FAZHI_JOBS_INLINE = True


@pytest.fixture
def townships(sanbu, changsha, huancui_township):
    return {"sanbu": sanbu, "changsha": changsha, "huancui": huancui_township}
