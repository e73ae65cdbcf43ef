"""The synthetic entities: valid codes and fields, a realistic mix, real townships, the same county for the same seed."""
import csv
import datetime as dt
import random
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from fazhi.core.regions import SHIPPED_REGIONS
from fazhi.core.validators import validate_phone
from fazhi.entities.choices import CreditGrade, EntityStatus, LegalForm, LicenceKind, NoCreditCodeReason
from fazhi.entities.credit_code import credit_code_problem
from fazhi.entities.models import Entity
from fazhi.entities import synthetic
from fazhi.entities.rules import KINDS_BY_CODE, SUB_KIND_PARENT
from fazhi.entities.synthetic import (
    KNOWN_BRANDS,
    PLANS,
    County,
    Township,
    brand,
    credit_code,
    generate_county,
    township_names,
)

TODAY = dt.date(2026, 3, 2)
COUNT = 1500


def shipped_townships(county_code: str) -> tuple[Township, ...]:
    with open(SHIPPED_REGIONS, encoding="utf-8") as handle:
        return tuple(Township(r["code"], r["name"]) for r in csv.DictReader(handle) if r["parent_code"] == county_code)


KAIPING = County(
    code="440783", name="开平市", city="江门市", province="广东省", bureau="开平市卫生健康局", doc_prefix="开卫",
    townships=shipped_townships("440783"), centre=(112.698, 22.376), area_code="0750", local_surnames=("关", "司徒"),
)


@pytest.fixture(scope="module")
def county_entities():
    return generate_county(KAIPING, random.Random(7), COUNT, today=TODAY)


def share(entities, predicate) -> float:
    return sum(1 for e in entities if predicate(e)) / len(entities)


def test_it_makes_as_many_entities_as_asked_with_unique_names(county_entities):
    assert len(county_entities) == COUNT
    assert len({e.name for e in county_entities}) == COUNT
    assert all("".join(e.name_parts) == e.name for e in county_entities)


def test_it_is_deterministic_by_its_seed(county_entities):
    again = generate_county(KAIPING, random.Random(7), COUNT, today=TODAY)
    other = generate_county(KAIPING, random.Random(8), COUNT, today=TODAY)
    assert again == county_entities
    assert [e.name for e in other] != [e.name for e in county_entities]


def test_every_credit_code_is_valid_and_registered_in_the_county_or_its_city(county_entities):
    codes = [e.credit_code for e in county_entities if e.credit_code]
    assert len(codes) > COUNT * 0.6
    assert [c for c in codes if credit_code_problem(c)] == []
    assert {c[2:8] for c in codes} <= {"440783", "440700"}
    assert len(set(codes)) == len(codes)


@given(st.integers(min_value=0, max_value=2**32), st.sampled_from(LegalForm.values))
def test_credit_codes_are_valid_for_every_legal_form_and_seed(seed, legal_form):
    code = credit_code(random.Random(seed), legal_form, "371002")
    assert credit_code_problem(code) is None
    assert code[2:6] == "3710"


def test_the_code_says_who_registered_the_entity(county_entities):
    first_two = {LegalForm.ENTERPRISE: "91", LegalForm.INDIVIDUAL: "92", LegalForm.PUBLIC_INSTITUTION: "12",
                 LegalForm.SOCIAL_ORGANISATION: "52"}
    for e in county_entities:
        if e.credit_code:
            assert e.credit_code[:2] == first_two[e.legal_form], e


def test_legal_forms_fit_the_kind(county_entities):
    hospitals = [e for e in county_entities if e.sub_kind in ("hospital", "township_health_centre")]
    barbers = [e for e in county_entities if e.sub_kind == "hairdressing"]
    assert share(hospitals, lambda e: e.legal_form == LegalForm.PUBLIC_INSTITUTION) > 0.6
    assert share(barbers, lambda e: e.legal_form == LegalForm.INDIVIDUAL) > 0.7
    assert all(e.legal_form == LegalForm.PUBLIC_INSTITUTION for e in county_entities
               if e.sub_kind in ("township_health_centre", "disease_control", "maternal_child"))


def test_entities_without_a_code_say_why(county_entities):
    uncoded = [e for e in county_entities if not e.credit_code]
    assert uncoded and all(e.no_credit_code_reason for e in uncoded)
    assert all(not e.no_credit_code_reason for e in county_entities if e.credit_code)
    reasons = Counter((e.sub_kind, e.no_credit_code_reason) for e in uncoded)
    assert reasons[("hairdressing", NoCreditCodeReason.INDIVIDUAL_UNREGISTERED)] > 0
    assert all(e.no_credit_code_reason == NoCreditCodeReason.VILLAGE_CLINIC
               for e in county_entities if e.sub_kind == "village_clinic")
    assert all(e.no_credit_code_reason == NoCreditCodeReason.INTERNAL_UNIT
               for e in county_entities if e.sub_kind == "infirmary")


def test_the_mix_of_kinds_looks_like_a_county(county_entities):
    sub_kinds = Counter(e.sub_kind for e in county_entities)
    assert 0.15 < sub_kinds["hairdressing"] / COUNT < 0.32
    assert sub_kinds["hairdressing"] > sub_kinds["accommodation"] > sub_kinds["hospital"]
    assert sub_kinds["clinic"] > sub_kinds["outpatient"] > sub_kinds["hospital"] >= 2
    assert sub_kinds["hospital"] / COUNT < 0.02
    assert sub_kinds["maternal_child"] == sub_kinds["disease_control"] == 1
    assert set(Counter(e.kind for e in county_entities)) == set(KINDS_BY_CODE)


def test_every_town_has_its_health_centre_and_every_village_clinic_is_in_a_town(county_entities):
    towns = {t.code for t in KAIPING.townships if not t.is_urban}
    centres = Counter(e.township_code for e in county_entities if e.sub_kind == "township_health_centre")
    assert set(centres) == towns and set(centres.values()) == {1}
    assert {e.township_code for e in county_entities if e.sub_kind == "village_clinic"} <= towns
    assert "开平市长沙街道社区卫生服务中心" in {e.name for e in county_entities}


def test_statuses_and_grades_are_mostly_good(county_entities):
    statuses = Counter(e.status for e in county_entities)
    grades = Counter(e.credit_grade for e in county_entities)
    assert statuses[EntityStatus.OPERATING] / COUNT > 0.8
    assert 0 < statuses[EntityStatus.REVOKED] < statuses[EntityStatus.SUSPENDED] + statuses[EntityStatus.DEREGISTERED]
    assert 0.6 < grades[CreditGrade.B] / COUNT < 0.8
    assert grades[CreditGrade.B] > grades[CreditGrade.A] > grades[CreditGrade.C] > grades[CreditGrade.D] > 0
    assert all(e.status == EntityStatus.OPERATING for e in county_entities if e.sub_kind == "hospital")
    assert all(e.status_note for e in county_entities if e.status != EntityStatus.OPERATING)


def test_every_grade_but_b_has_its_history_from_b(county_entities):
    for e in county_entities:
        if e.credit_grade == CreditGrade.B:
            assert e.grade_changes == ()
            continue
        (change,) = e.grade_changes
        assert (change.from_grade, change.to_grade) == (CreditGrade.B, e.credit_grade)
        assert e.registered_on <= change.effective_on <= TODAY
        assert change.reason and change.basis


def test_key_supervision_has_reasons_and_covers_the_risky(county_entities):
    assert all(e.key_supervision_reason for e in county_entities if e.is_key_supervision)
    assert all(not e.key_supervision_reason for e in county_entities if not e.is_key_supervision)
    assert all(e.is_key_supervision for e in county_entities if e.name in ("开平市人民医院", "开平市自来水有限公司"))
    assert all(e.is_key_supervision for e in county_entities if e.credit_grade == CreditGrade.D)
    assert 0.03 < share(county_entities, lambda e: e.is_key_supervision) < 0.2


def test_domains_start_from_the_kind_and_radiation_comes_with_its_licence(county_entities):
    for e in county_entities:
        assert e.domains, e  # the services refuse an entity without a domain
        assert set(KINDS_BY_CODE[e.kind].default_domains) <= set(e.domains)
        if "radiation" in e.domains:
            assert LicenceKind.RADIATION in {lic.kind for lic in e.licences} or e.kind != "medical", e
    hospitals = [e for e in county_entities if e.sub_kind == "hospital"]
    assert any("radiation" in e.domains for e in hospitals)


def test_licences_fit_the_kind_and_their_numbers_are_unique(county_entities):
    allowed = {"public_place": {LicenceKind.PUBLIC_PLACE}, "water_supply": {LicenceKind.WATER_SUPPLY, LicenceKind.OTHER},
               "disinfection": {LicenceKind.DISINFECTION}, "school": set(), "employer": set()}
    numbers = Counter()
    for e in county_entities:
        kinds = {lic.kind for lic in e.licences}
        if e.kind in allowed:
            assert kinds <= allowed[e.kind], e
        if e.sub_kind in ("hospital", "village_clinic", "township_health_centre"):
            assert LicenceKind.MEDICAL_PRACTICE in kinds
        for lic in e.licences:
            numbers[(lic.kind, lic.number)] += 1
            assert lic.issued_on <= TODAY and lic.issuer
            assert lic.valid_to is None or lic.valid_to > lic.issued_on
    assert max(numbers.values()) == 1
    public_places = [e for e in county_entities if e.sub_kind in ("accommodation", "swimming")]
    assert share(public_places, lambda e: e.licences and e.licences[0].number.startswith("粤卫公证字")) > 0.9


def test_people_places_and_phones_are_plausible(county_entities):
    townships = {t.code: t.name for t in KAIPING.townships}
    for e in county_entities:
        validate_phone(e.contact_phone)
        assert 2 <= len(e.legal_representative) <= 4
        assert e.address.startswith("开平市" + townships[e.township_code])
        if e.longitude is not None:
            assert abs(float(e.longitude) - 112.698) < 0.3 and abs(float(e.latitude) - 22.376) < 0.3
    assert 0.8 < share(county_entities, lambda e: e.longitude is not None) < 1


def test_every_entity_passes_the_models_own_field_rules(county_entities):
    for e in county_entities:
        entity = Entity(**e.model_fields())
        try:
            entity.clean_fields(exclude={"organisation", "township"})
            entity.clean()
        except ValidationError as error:  # pragma: no cover - the message names the field
            pytest.fail(f"{e.name}: {error}")


def test_every_sub_kind_belongs_to_its_kind():
    assert {p.sub_kind for p in PLANS} == set(SUB_KIND_PARENT)


def test_brands_avoid_well_known_names():
    rng = random.Random(3)
    assert not {brand(rng) for _ in range(5000)} & KNOWN_BRANDS


def test_a_county_of_sub_districts_only_still_gets_its_count():
    district = County(
        code="440106", name="天河区", city="广州市", province="广东省", bureau="广州市天河区卫生健康局", doc_prefix="天卫",
        townships=tuple(Township(f"440106{n:03d}", name) for n, name in
                        enumerate(township_names(random.Random(1), 6, urban_share=1.0), start=1)),
        centre=(113.36, 23.12), area_code="020", landline_digits=8,
    )
    entities = generate_county(district, random.Random(2), 300, today=TODAY)
    assert len(entities) == 300
    assert not {"village_clinic", "township_health_centre"} & {e.sub_kind for e in entities}
    assert all(credit_code_problem(e.credit_code) is None for e in entities if e.credit_code)
    assert all(len(e.contact_phone) == 12 for e in entities if e.contact_phone.startswith("020-"))


def test_it_says_so_when_a_county_runs_out_of_names(monkeypatch):
    # With one brand, one place and one person, a county soon has every name it can make.
    monkeypatch.setattr(synthetic, "brand", lambda rng: "惠民")
    monkeypatch.setattr(synthetic, "place", lambda rng: "新塘")
    monkeypatch.setattr(synthetic, "person_name", lambda rng, local=(): "李明")
    with pytest.raises(ValueError, match="no new names left"):
        generate_county(KAIPING, random.Random(1), COUNT, today=TODAY)
