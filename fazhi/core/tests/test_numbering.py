"""Document numbers: the format, one gapless sequence per bureau, year and kind, and no gap or repeat under load."""
import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from fazhi.core.audit import verify_chain
from fazhi.core.choices import AuditAction
from fazhi.core.models import AuditEvent, DocumentSequence, Organisation
from fazhi.core.numbering import current_document_year, next_document_number

PENALTY = "penalty_decision"


def test_it_formats_the_number_with_the_bureaus_prefix_and_the_kinds_abbreviation(kaiping, admin):
    issued = next_document_number(kaiping, PENALTY, year=2026, actor=admin)
    assert (issued.number, issued.year, issued.text) == (1, 2026, "开卫罚〔2026〕1号")
    assert str(issued) == "开卫罚〔2026〕1号"
    assert next_document_number(kaiping, "prior_notice", year=2026).text == "开卫罚告〔2026〕1号"


def test_it_counts_up_without_gaps(kaiping):
    texts = [next_document_number(kaiping, PENALTY, year=2026).text for _ in range(3)]
    assert texts == ["开卫罚〔2026〕1号", "开卫罚〔2026〕2号", "开卫罚〔2026〕3号"]


def test_it_keeps_kinds_years_and_bureaus_apart(bureaus):
    kaiping, huancui = bureaus["kaiping"], bureaus["huancui"]
    next_document_number(kaiping, PENALTY, year=2026)
    next_document_number(kaiping, PENALTY, year=2026)
    assert next_document_number(kaiping, "case_filing", year=2026).number == 1
    assert next_document_number(kaiping, PENALTY, year=2027).number == 1
    assert next_document_number(huancui, PENALTY, year=2026).text == "环卫罚〔2026〕1号"
    assert next_document_number(kaiping, PENALTY, year=2026).number == 3


def test_it_numbers_an_institutes_documents_in_its_bureaus_sequence(bureaus):
    kaiping, institute = bureaus["kaiping"], bureaus["kaiping_institute"]
    assert institute.doc_prefix == ""
    next_document_number(kaiping, PENALTY, year=2026)
    assert next_document_number(institute, PENALTY, year=2026).text == "开卫罚〔2026〕2号"
    assert DocumentSequence.objects.get().organisation == kaiping


def test_it_gives_a_rolled_back_number_out_again(kaiping):
    next_document_number(kaiping, PENALTY, year=2026)
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            assert next_document_number(kaiping, PENALTY, year=2026).number == 2
            raise RuntimeError("the document could not be saved")
    assert next_document_number(kaiping, PENALTY, year=2026).number == 2
    assert verify_chain().intact


def test_it_records_each_issued_number(kaiping, admin):
    issued = next_document_number(kaiping, PENALTY, year=2026, actor=admin)
    event = AuditEvent.objects.get(object_type="core.documentsequence")
    assert event.action == AuditAction.CREATE
    assert event.actor == admin
    assert event.organisation_id == kaiping.pk
    assert event.detail["text"] == issued.text == event.object_repr


def test_it_asks_for_a_prefix_when_the_bureau_has_none(kaiping):
    Organisation.objects.filter(pk=kaiping.pk).update(doc_prefix="")
    kaiping.refresh_from_db()
    with pytest.raises(ValidationError, match="尚未设置文号机关代字"):
        next_document_number(kaiping, PENALTY, year=2026)
    assert not DocumentSequence.objects.exists()


def test_it_names_an_unknown_kind(kaiping):
    with pytest.raises(ValidationError, match="未知的文书种类“no_such_kind”"):
        next_document_number(kaiping, "no_such_kind", year=2026)


def test_it_takes_the_year_in_beijing_time():
    new_years_eve_utc = dt.datetime(2025, 12, 31, 16, 30, tzinfo=dt.timezone.utc)  # 00:30 on 1 January in Beijing
    assert current_document_year(new_years_eve_utc) == 2026


def test_it_defaults_to_the_current_year(kaiping):
    assert next_document_number(kaiping, PENALTY).year == current_document_year()


def test_it_issues_200_numbers_in_a_row_without_gap(kaiping):
    numbers = [next_document_number(kaiping, PENALTY, year=2026).number for _ in range(200)]
    assert numbers == list(range(1, 201))
    assert DocumentSequence.objects.get().last_number == 200


def _take_number(organisation_pk: int) -> int:
    try:
        organisation = Organisation.objects.select_related("bureau").get(pk=organisation_pk)
        return next_document_number(organisation, PENALTY, year=2026).number
    finally:
        connection.close()


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_issues_200_concurrent_numbers_without_gap_or_repeat(bureaus):
    # The bureau and its institute draw from one sequence, so both race for the same row.
    requesters = [bureaus["kaiping"].pk, bureaus["kaiping_institute"].pk] * 100
    with ThreadPoolExecutor(max_workers=16) as pool:
        numbers = list(pool.map(_take_number, requesters))
    assert sorted(numbers) == list(range(1, 201))
    assert DocumentSequence.objects.get().last_number == 200
    assert AuditEvent.objects.filter(object_type="core.documentsequence").count() == 200
    assert verify_chain().intact
