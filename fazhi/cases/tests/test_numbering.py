"""Decision numbers stay gapless when officers decide at the same moment (PostgreSQL, real transactions)."""
import datetime as dt
import threading

import pytest
from django.conf import settings
from django.db import connection

from fazhi.cases import services
from fazhi.cases.choices import PartyKind

from . import factories as fc


def _seed_rows() -> None:
    """The migrated rows the decision reads. A transactional test after a browser test may start on an emptied
    database (the browser's event loop hands this thread a connection without the serialised copy), so the
    test makes sure of them itself."""
    from importlib import import_module

    from django.apps import apps

    for migration in ("fazhi.core.migrations.0002_seed_and_audit_trigger",
                      "fazhi.cases.migrations.0002_seed_rules_and_document_kinds"):
        import_module(migration).seed(apps, None)


# Row locks across threads are what PostgreSQL is for; SQLite serialises every writer anyway.
@pytest.mark.postgres_only
@pytest.mark.skipif(not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
                    reason="needs PostgreSQL's row locks across connections")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_on_the_spot_decisions_take_gapless_distinct_numbers(bureaus):
    _seed_rows()
    teams = [fc.officers(bureaus["kaiping_institute"]) for _ in range(6)]
    violation = fc.violation()
    numbers, errors = [], []

    def decide(team, n):
        try:
            case = services.decide_on_the_spot(
                actor=team[0], cause="无健康合格证明", facts="现场发现。", violation=violation, penalty_kinds="warning",
                place="现场", on=dt.date(2025, 3, 5), officers=team,
                party={"party_kind": PartyKind.PERSON, "party_name": f"当事人{n}"})
            numbers.append(case.decision_number)
        except Exception as exc:  # noqa: BLE001 - the assertion below reports it
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(team, n)) for n, team in enumerate(teams)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(numbers) == sorted(f"开卫简罚〔2025〕{n}号" for n in range(1, 7))
