import pytest

from fazhi.reports.indicators import indicators

from .seed import seed

# The figures this app registers for the modules built before it; other apps register their own.
OWN_PREFIXES = ("inspections.", "cases.", "core.")


@pytest.fixture
def seeded(bureaus):
    return seed(bureaus)


@pytest.fixture
def own_indicators():
    return [i for i in indicators() if i.code.startswith(OWN_PREFIXES)]
