"""Publication of penalty decisions: redaction, the 7-working-day limit, publishing once, withdrawal, take-down
after 5 years (2 for a person), and the staff pages."""
from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from itertools import count

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

import fazhi.urls as project_urls
from fazhi.cases import publication as services
from fazhi.cases.choices import CaseSource, CaseStatus, PartyKind, Procedure, PublicationStatus
from fazhi.cases.models import Case, CaseOfficer, Publication
from fazhi.cases.querysets_publication import late_cutoff
from fazhi.core.choices import AuditAction, CalendarDayKind, Role
from fazhi.core.models import AuditEvent, CalendarDay, Organisation
from fazhi.core.tests import factories as f
from fazhi.core.workflow import TransitionRefused

D = dt.date
_serial = count(1)
CREDIT_CODE = "91440783MA51ABCD1X"
PERSON_ID = "44078319900101123X"
PERSON_PHONE = "13812345678"

# The staff pages under the path the project mounts them at, whether or not the project's URLconf has them yet.
urlpatterns = list(project_urls.urlpatterns)
if not any(getattr(p, "namespace", None) == "case_publication" for p in urlpatterns):
    urlpatterns.insert(0, path("cases/publication/", include("fazhi.cases.urls_publication")))
handler403, handler404 = project_urls.handler403, project_urls.handler404


# ---- factories: rows written directly, so each test states the case it needs ----------------------------------

def decided_case(org, *, party_kind=PartyKind.ORGANISATION, decided_on: dt.date | None = None, team=(),
                 status=CaseStatus.DECIDED, procedure=Procedure.GENERAL, **fields) -> Case:
    """A case with a penalty decision of `decided_on` (default today), its officers `team`."""
    n = next(_serial)
    decided_on = decided_on or timezone.localdate()
    person = party_kind == PartyKind.PERSON
    values = {
        "cause": "未取得卫生许可证擅自营业", "source": CaseSource.INSPECTION,
        "received_on": decided_on - dt.timedelta(days=40),
        "party_name": "张三明" if person else f"开平市悦来宾馆有限公司{n}",
        "party_credit_code": "" if person else CREDIT_CODE,
        "party_id_number": PERSON_ID if person else "",
        "party_phone": PERSON_PHONE if person else "0750-2345678",
        "party_representative": "" if person else "李四海",
        "party_address": "开平市三埠街道东河路8号" if person else "开平市长沙街道幕沙路1号",
        "facts": "经查，当事人未取得公共场所卫生许可证即开展住宿经营。",
        "penalty_kinds": "warning fine", "fine_amount": Decimal("3000"),
        "provision_broken_cited": "公共场所卫生管理条例第八条",
        "penalty_provision_cited": "公共场所卫生管理条例第十四条第一款第（四）项",
        "decision_number": f"开卫罚〔{decided_on.year}〕{n}号", "decided_on": decided_on, **fields,
    }
    case = Case.objects.create(organisation=org, procedure=procedure, status=status, party_kind=party_kind,
                               domain_id="public_place", **values)
    CaseOfficer.objects.bulk_create(CaseOfficer(case=case, officer=o, is_lead=i == 0) for i, o in enumerate(team))
    return case


def published(case, *, published_on: dt.date, status=PublicationStatus.PUBLISHED, **fields) -> Publication:
    """A publication row as `publish` would write it, on any day and in any state."""
    return Publication.objects.create(
        case=case, organisation=services.issuing_bureau(case), decision_number=case.decision_number,
        party_display=services.published_party(case), body=services.publication_text(case),
        decided_on=case.decided_on, due_by=services.publication_due_by(case), published_on=published_on,
        takedown_on=services.takedown_date(case.party_kind, published_on), status=status, **fields)


def unsaved_case(party_kind=PartyKind.ORGANISATION, **fields) -> Case:
    """A case in memory only, for the redaction properties (no database)."""
    values = {"party_name": "开平市悦来宾馆有限公司", "party_credit_code": CREDIT_CODE, "party_id_number": "",
              "party_phone": "", "party_representative": "", "party_address": "", "facts": "",
              "decision_number": "开卫罚〔2026〕12号", "decided_on": D(2026, 3, 5), "cause": "未取得卫生许可证擅自营业",
              "penalty_kinds": "warning fine", "fine_amount": Decimal("3000"), **fields}
    return Case(organisation=Organisation(name="开平市卫生健康局"), procedure=Procedure.GENERAL,
                party_kind=party_kind, **values)


def events_for(obj, action=None):
    events = AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    return events.filter(action=action) if action else events


@pytest.fixture
def institute(bureaus):
    return bureaus["kaiping_institute"]


@pytest.fixture
def team(institute):
    return [f.staff(institute, Role.OFFICER, full_name=name) for name in ("黄办案", "梁办案")]


# ---- redaction: properties ---------------------------------------------------------------------------------------

def _digits(n: int):
    return st.text(alphabet="0123456789", min_size=n, max_size=n)


_mobiles = st.tuples(st.sampled_from("3456789"), _digits(9)).map(lambda t: "1" + t[0] + t[1])
_area_codes = st.one_of(
    st.tuples(st.sampled_from("12"), _digits(1)).map(lambda t: "0" + t[0] + t[1]),  # 010, 02x
    st.tuples(st.sampled_from("3456789"), _digits(2)).map(lambda t: "0" + t[0] + t[1]),
)
_local_numbers = st.tuples(st.sampled_from("23456789"), st.one_of(_digits(6), _digits(7))).map("".join)
_id_cards = st.one_of(st.tuples(_digits(17), st.sampled_from("0123456789Xx")).map("".join), _digits(15))
_bank_cards = st.integers(16, 19).flatmap(_digits)


def _spelt_mobile(number: str, style: int) -> str:
    a, b, c = number[:3], number[3:7], number[7:]
    return (number, f"{a} {b} {c}", f"{a}-{b}-{c}", f"+86 {number}", f"+86-{a}-{b}-{c}")[style]


def _spelt_landline(area: str, local: str, style: int) -> str:
    return (f"{area}-{local}", f"{area} {local}", f"({area}){local}", f"（{area}）{local}", area + local)[style]


def _spelt_id(number: str, style: int) -> str:
    return (number, f"{number[:6]} {number[6:-4]} {number[-4:]}")[style]


def _spelt_card(number: str, style: int) -> str:
    return (number, " ".join(number[i:i + 4] for i in range(0, len(number), 4)))[style]


# Each secret: (as written in the text, the digits that must not survive).
_secrets = st.one_of(
    st.tuples(_mobiles, st.integers(0, 4)).map(lambda t: (_spelt_mobile(*t), t[0])),
    st.tuples(_area_codes, _local_numbers, st.integers(0, 4)).map(lambda t: (_spelt_landline(*t), t[0] + t[1])),
    st.tuples(_id_cards, st.integers(0, 1)).map(lambda t: (_spelt_id(*t), t[0])),
    st.tuples(_bank_cards, st.integers(0, 1)).map(lambda t: (_spelt_card(*t), t[0])),
)
# Filler around the secrets: decision prose, digits and separators that touch the secrets, and any character.
_filler = st.text(alphabet=st.one_of(st.sampled_from(list("当事人于年月日经营罚款元，。：；、（）() -0123456789Xx\n电话手机")),
                                     st.characters()), max_size=12)
_names = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=2, max_size=4)
_separators = str.maketrans("", "", services.SEPARATORS)


def _assert_hidden(secrets, text: str) -> None:
    compact = text.translate(_separators).upper()
    for written, digits in secrets:
        assert written.upper() not in text.upper(), written
        assert digits.upper() not in compact, digits


def _text_with(secrets, fillers) -> str:
    parts = [fillers[0]]
    for (written, _digits_), filler in zip(secrets, fillers[1:]):
        parts += [written, filler]
    return "".join(parts)


@settings(deadline=None)
@given(secrets=st.lists(_secrets, min_size=1, max_size=4), fillers=st.lists(_filler, min_size=5, max_size=5),
       kind=st.sampled_from(PartyKind.values))
def test_no_id_or_phone_number_embedded_anywhere_survives_redaction(secrets, fillers, kind):
    case = unsaved_case(kind, party_name="王小明" if kind == PartyKind.PERSON else "开平市悦来宾馆有限公司")
    _assert_hidden(secrets, services.redact(_text_with(secrets, fillers), case))
    _assert_hidden(secrets, services.redact(_text_with(secrets, fillers)))


@settings(deadline=None)
@given(id_card=_id_cards, mobile=_mobiles, local=_local_numbers, area=_area_codes,
       fillers=st.lists(_filler, min_size=4, max_size=4), kind=st.sampled_from(PartyKind.values))
def test_the_partys_own_numbers_never_reach_the_published_text(id_card, mobile, local, area, fillers, kind):
    # The party's landline is quoted without its area code, where only its being the party's own gives it away.
    case = unsaved_case(kind, party_id_number=id_card, party_phone=f"{area}-{local}",
                        facts=f"{fillers[0]}{id_card}{fillers[1]}{local}{fillers[2]}{mobile}{fillers[3]}")
    text = services.publication_text(case)
    _assert_hidden([(id_card, id_card), (mobile, mobile), (local, local)], text)


@settings(deadline=None)
@given(name=_names, fillers=st.lists(_filler, min_size=3, max_size=3), secrets=st.lists(_secrets, max_size=2))
def test_a_persons_name_is_masked_wherever_it_stands(name, fillers, secrets):
    case = unsaved_case(PartyKind.PERSON, party_name=name, party_credit_code="",
                        facts=f"{fillers[0]}{name}{fillers[1]}{_text_with(secrets, fillers)}{name}{fillers[2]}")
    text = services.publication_text(case)
    assert name not in text
    assert services.mask_name(name) in text
    _assert_hidden(secrets, text)


@settings(deadline=None)
@given(name=st.tuples(_names, st.sampled_from(["有限公司", "诊所", "宾馆", "学校"])).map("".join),
       fillers=st.lists(_filler, min_size=3, max_size=3), secrets=st.lists(_secrets, max_size=3))
def test_an_organisations_name_and_credit_code_survive(name, fillers, secrets):
    case = unsaved_case(PartyKind.ORGANISATION, party_name=name, party_representative="李四海",
                        facts=f"{fillers[0]}{name}{_text_with(secrets, fillers)}{CREDIT_CODE}{fillers[2]}")
    text = services.publication_text(case)
    assert f"当事人：{name}（统一社会信用代码：{CREDIT_CODE}；法定代表人（负责人）：李四海）" in text
    assert name in services.redact(case.facts, case)
    _assert_hidden(secrets, text)


@settings(deadline=None)
@given(secrets=st.lists(_secrets, max_size=4), fillers=st.lists(_filler, min_size=5, max_size=5),
       kind=st.sampled_from(PartyKind.values), name=_names)
def test_redacting_twice_changes_nothing(secrets, fillers, kind, name):
    case = unsaved_case(kind, party_name=name, party_id_number=PERSON_ID, party_phone="0750-2345678",
                        party_address="开平市三埠街道东河路8号")
    once = services.redact(_text_with(secrets, fillers) + name, case)
    assert services.redact(once, case) == once


# ---- redaction: examples -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, masked", [("张三明", "张*明"), ("王五", "王*"), ("欧阳小明", "欧**明"), ("李", "*"),
                                          (" 赵六 ", "赵*")])
def test_it_masks_names_as_published_decisions_do(name, masked):
    assert services.mask_name(name) == masked


def test_it_masks_each_kind_of_number_and_leaves_amounts_dates_and_citations():
    text = ("身份证号44078319900101123X，电话138 1234 5678，座机（0750）2345678，联系电话：2345678，"
            "银行卡6222 0212 3456 7890 123。罚款人民币5,000.00元，2026-03-05，开卫罚〔2026〕12号，第十四条。")
    assert services.redact(text) == (
        "身份证号4407**********123X，电话138****5678，座机075****5678，联系电话：*******，"
        "银行卡6222***********0123。罚款人民币5,000.00元，2026-03-05，开卫罚〔2026〕12号，第十四条。")


def test_it_stars_the_partys_own_local_number_and_id_in_any_spelling():
    case = unsaved_case(PartyKind.PERSON, party_name="张三明", party_id_number="440783199001011234",
                        party_phone="(0750)2345678", party_credit_code="")
    text = services.redact("张三明（4407 8319 9001 0112 34）家中座机2345678", case)
    assert text == "张*明（******************）家中座机*******"


def test_an_organisations_all_digit_credit_code_stays_but_a_persons_id_with_the_same_digits_goes():
    code = "124407830000000001"
    org = unsaved_case(PartyKind.ORGANISATION, party_credit_code=code, facts=f"统一社会信用代码{code}。")
    person = unsaved_case(PartyKind.PERSON, party_name="张三明", party_credit_code=code, facts=f"号码{code}。")
    assert code in services.publication_text(org)
    assert code not in services.publication_text(person)


def test_a_persons_address_and_id_are_left_out_of_the_party_line():
    case = unsaved_case(PartyKind.PERSON, party_name="张三明", party_id_number=PERSON_ID, party_phone=PERSON_PHONE,
                        party_address="开平市三埠街道东河路8号", party_representative="张大山", party_credit_code="",
                        facts="张三明在开平市三埠街道东河路8号经营，其父张大山在场。")
    text = services.publication_text(case)
    assert "当事人：张*明\n" in text
    assert "张*明在（住址略）经营，其父张*山在场。" in text
    for private in ("张三明", "张大山", "东河路8号", PERSON_ID, PERSON_PHONE):
        assert private not in text


def test_the_public_text_states_number_party_facts_basis_penalty_bureau_and_date():
    text = services.publication_text(unsaved_case(
        facts="经查，当事人未取得公共场所卫生许可证即开展住宿经营。", provision_broken_cited="公共场所卫生管理条例第八条",
        penalty_provision_cited="公共场所卫生管理条例第十四条第一款第（四）项",
        penalty_kinds="warning fine confiscate_gains", confiscation_amount=Decimal("1200.5")))
    assert text.splitlines() == [
        "行政处罚决定书文号：开卫罚〔2026〕12号",
        "案由：未取得卫生许可证擅自营业",
        f"当事人：开平市悦来宾馆有限公司（统一社会信用代码：{CREDIT_CODE}）",
        "主要违法事实：经查，当事人未取得公共场所卫生许可证即开展住宿经营。",
        "处罚依据：违反了公共场所卫生管理条例第八条的规定，依据公共场所卫生管理条例第十四条第一款第（四）项",
        "处罚内容：警告；罚款人民币3,000.00元；没收违法所得人民币1,200.50元",
        "处罚机关：开平市卫生健康局",
        "作出处罚决定日期：2026年3月5日",
    ]


# ---- dates -------------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_limit_is_seven_working_days_across_national_day(institute):
    # 2025: 10月1日—8日放假, 9月28日(周日)、10月11日(周六)上班 (chinesecalendar).
    case = decided_case(institute, decided_on=D(2025, 9, 30))
    assert services.publication_due_by(case) == D(2025, 10, 16)
    assert services.due_date_notice(case) == ""


@pytest.mark.django_db
def test_the_limit_follows_the_bureaus_holiday_table_and_warns_for_an_unknown_year(institute):
    case = decided_case(institute, decided_on=D(2027, 4, 30))  # a Friday in a year the package does not know
    assert services.publication_due_by(case) == D(2027, 5, 11)
    assert "2027年度节假日安排尚未录入" in services.due_date_notice(case)
    for day in range(1, 6):
        CalendarDay.objects.create(date=D(2027, 5, day), kind=CalendarDayKind.HOLIDAY, name="劳动节")
    CalendarDay.objects.create(date=D(2027, 5, 8), kind=CalendarDayKind.WORKDAY, name="劳动节")
    # 5月6、7、8(调休)、10、11、12、13日
    assert services.publication_due_by(case) == D(2027, 5, 13)
    assert services.due_date_notice(case) == ""


@pytest.mark.django_db
def test_late_cutoff_agrees_with_the_limit_on_every_day_around_a_holiday(institute):
    days = [D(2025, 9, 15) + dt.timedelta(days=n) for n in range(45)]
    for today in days[20:]:
        cutoff = late_cutoff(today)
        for decided_on in days:
            limit = services.publication_due_by(Case(decided_on=decided_on))
            assert (limit < today) == (decided_on < cutoff), (decided_on, today)


@pytest.mark.django_db
def test_the_queue_holds_decided_penalties_not_yet_published(institute, bureaus):
    today = D(2025, 10, 20)
    waiting = decided_case(institute, decided_on=D(2025, 10, 15))
    overdue = decided_case(institute, decided_on=D(2025, 9, 30))  # due 10月16日
    served = decided_case(institute, decided_on=D(2025, 10, 14), status=CaseStatus.SERVED)
    decided_case(institute, decided_on=D(2025, 10, 14), status=CaseStatus.CLOSED, penalty_kinds="")  # 不予处罚
    decided_case(institute, decided_on=D(2025, 10, 14), procedure=Procedure.SIMPLE)
    decided_case(institute, decided_on=D(2025, 10, 21))  # after `today`
    published(decided_case(institute, decided_on=D(2025, 10, 10)), published_on=D(2025, 10, 13))
    elsewhere = decided_case(bureaus["huancui"], decided_on=D(2025, 10, 15))
    queue = Publication.objects.due_unpublished(today)
    assert list(queue) == [overdue, served, waiting, elsewhere]
    assert list(Publication.objects.late(today)) == [overdue]
    own = Case.objects.filter(organisation__bureau=bureaus["kaiping"])
    assert list(Publication.objects.due_unpublished(today, cases=own)) == [overdue, served, waiting]


# ---- publishing ----------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_legal_reviewer_publishes_the_redacted_decision_once(institute, legal_reviewer, kaiping):
    case = decided_case(institute, party_kind=PartyKind.PERSON, decided_on=D(2025, 9, 30),
                        facts=f"当事人张三明（身份证号{PERSON_ID}，电话{PERSON_PHONE}）在家中经营。")
    publication = services.publish(case, actor=legal_reviewer, today=D(2025, 10, 9))
    assert publication.organisation == kaiping
    assert publication.party_display == "张*明"
    assert (publication.due_by, publication.published_on, publication.takedown_on) == (
        D(2025, 10, 16), D(2025, 10, 9), D(2027, 10, 9))
    for private in ("张三明", PERSON_ID, PERSON_PHONE):
        assert private not in publication.body
    event = events_for(publication, AuditAction.CREATE).get()
    assert event.actor == legal_reviewer
    assert event.detail == {"late": False, "reworded": False, "redacted_on_save": False}
    with pytest.raises(ValidationError, match="已经公开过"):
        services.publish(case, actor=legal_reviewer)
    assert Publication.objects.count() == 1


@pytest.mark.django_db
def test_reworded_text_is_redacted_again_on_save(institute, leader):
    case = decided_case(institute, party_kind=PartyKind.PERSON)
    body = services.publication_text(case) + f"\n补充：当事人张三明，身份证{PERSON_ID}，手机 138-1234-5678。"
    publication = services.publish(case, actor=leader, body=body)
    assert "补充：当事人张*明" in publication.body
    for private in ("张三明", PERSON_ID, "138-1234-5678", PERSON_PHONE):
        assert private not in publication.body
    assert events_for(publication, AuditAction.CREATE).get().detail["redacted_on_save"] is True
    with pytest.raises(ValidationError):
        services.publish(decided_case(institute), actor=leader, body="   ")


@pytest.mark.django_db
def test_late_publication_is_allowed_and_recorded(institute, legal_reviewer):
    case = decided_case(institute, decided_on=D(2025, 9, 30))
    publication = services.publish(case, actor=legal_reviewer, today=D(2025, 10, 17))
    assert events_for(publication, AuditAction.CREATE).get().detail["late"] is True
    assert list(Publication.objects.published_late()) == [publication]


@pytest.mark.django_db
def test_officers_of_the_case_may_publish_and_no_one_else(institute, team, officer, clerk, outsider, city_admin):
    case = decided_case(institute, team=team)
    for stranger in (officer, clerk, outsider, city_admin):
        with pytest.raises(PermissionDenied):
            services.publish(case, actor=stranger)
    assert services.publish(case, actor=team[1]).case == case


@pytest.mark.django_db
@pytest.mark.parametrize("fields, message", [
    ({"status": CaseStatus.NOTIFIED, "decision_number": "", "decided_on": None}, "尚未作出"),
    ({"procedure": Procedure.SIMPLE}, "简易程序"),
    ({"status": CaseStatus.CLOSED, "penalty_kinds": ""}, "不予处罚"),
])
def test_only_decided_general_procedure_penalties_are_published(institute, legal_reviewer, fields, message):
    with pytest.raises(ValidationError, match=message):
        services.publish(decided_case(institute, **fields), actor=legal_reviewer)
    assert not Publication.objects.exists()


# ---- withdrawal ------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_withdrawal_within_three_days_is_on_time(institute, legal_reviewer):
    publication = published(decided_case(institute, decided_on=D(2025, 9, 30)), published_on=D(2025, 10, 9))
    services.withdraw(publication, actor=legal_reviewer, reason="复议机关撤销原处罚决定", changed_on=D(2025, 11, 3),
                      today=D(2025, 11, 6))
    publication.refresh_from_db()
    assert (publication.status, publication.withdrawn_on) == (PublicationStatus.WITHDRAWN, D(2025, 11, 6))
    assert publication.withdrawal_reason == "复议机关撤销原处罚决定"
    event = events_for(publication, AuditAction.TRANSITION).get()
    assert event.after["status"] == PublicationStatus.WITHDRAWN and "逾期" not in event.detail["note"]
    assert not Publication.objects.on_portal(D(2025, 11, 6)).exists()


@pytest.mark.django_db
def test_a_late_withdrawal_is_recorded_not_refused(institute, team):
    publication = published(decided_case(institute, team=team, decided_on=D(2025, 9, 30)),
                            published_on=D(2025, 10, 9))
    # Changed on Friday 31 Oct: 3 days end on Monday 3 Nov; withdrawn on Wednesday 5 Nov.
    services.withdraw(publication, actor=team[0], reason="本局自行变更处罚决定", changed_on=D(2025, 10, 31),
                      today=D(2025, 11, 5))
    assert services.withdrawal_is_late(D(2025, 10, 31), D(2025, 11, 5))
    assert not services.withdrawal_is_late(D(2025, 10, 31), D(2025, 11, 3))
    note = events_for(publication, AuditAction.TRANSITION).get().detail["note"]
    assert "应于2025-11-03前撤回，逾期2日撤回" in note
    with pytest.raises(TransitionRefused):
        services.withdraw(publication, actor=team[0], reason="再次撤回", changed_on=D(2025, 10, 31),
                          today=D(2025, 11, 5))


@pytest.mark.django_db
def test_withdrawal_needs_a_reason_and_a_plausible_date(institute, legal_reviewer, officer):
    publication = published(decided_case(institute, decided_on=D(2025, 9, 30)), published_on=D(2025, 10, 9))
    with pytest.raises(ValidationError) as error:
        services.withdraw(publication, actor=legal_reviewer, reason=" ", changed_on=D(2025, 11, 7),
                          today=D(2025, 11, 6))
    assert set(error.value.message_dict) == {"reason", "changed_on"}
    with pytest.raises(ValidationError, match="不能早于作出处罚决定"):
        services.withdraw(publication, actor=legal_reviewer, reason="撤销", changed_on=D(2025, 9, 1))
    with pytest.raises(PermissionDenied):
        services.withdraw(publication, actor=officer, reason="撤销", changed_on=D(2025, 11, 3))
    assert Publication.objects.get().status == PublicationStatus.PUBLISHED


# ---- take-down ---------------------------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("party_kind, published_on, last_day, takedown_on", [
    (PartyKind.ORGANISATION, D(2026, 1, 15), D(2031, 1, 14), D(2031, 1, 15)),
    (PartyKind.PERSON, D(2026, 1, 15), D(2028, 1, 14), D(2028, 1, 15)),
    (PartyKind.PERSON, D(2028, 2, 29), D(2030, 2, 27), D(2030, 2, 28)),
])
def test_takedown_after_five_years_or_two_for_a_person(institute, party_kind, published_on, last_day, takedown_on):
    publication = published(decided_case(institute, party_kind=party_kind, decided_on=published_on),
                            published_on=published_on)
    assert publication.takedown_on == takedown_on
    assert list(Publication.objects.on_portal(last_day)) == [publication]
    assert services.take_down_expired(last_day) == 0
    assert not Publication.objects.on_portal(takedown_on).exists()
    assert services.take_down_expired(takedown_on) == 1
    publication.refresh_from_db()
    assert publication.status == PublicationStatus.TAKEN_DOWN
    event = events_for(publication, AuditAction.TRANSITION).get()
    assert event.detail["transition"] == "take_down" and event.actor.username == "system"
    assert services.take_down_expired(takedown_on) == 0


@pytest.mark.django_db
def test_the_command_takes_down_and_says_how_many(institute):
    published(decided_case(institute, decided_on=D(2020, 1, 6)), published_on=D(2020, 1, 6))
    published(decided_case(institute, decided_on=D(2020, 1, 6)), published_on=D(2020, 1, 6),
              status=PublicationStatus.WITHDRAWN, withdrawn_on=D(2020, 3, 1), withdrawal_reason="撤销")
    out = io.StringIO()
    call_command("take_down_expired_publications", "--date", "2025-01-06", stdout=out)
    assert "共撤下到期的处罚决定 1 件" in out.getvalue()
    assert set(Publication.objects.values_list("status", flat=True)) == {PublicationStatus.TAKEN_DOWN,
                                                                          PublicationStatus.WITHDRAWN}


# ---- staff pages ---------------------------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_the_queue_shows_due_dates_and_flags_overdue(as_user, institute, legal_reviewer, outsider):
    today = timezone.localdate()
    overdue = decided_case(institute, decided_on=today - dt.timedelta(days=40), party_name="逾期宾馆")
    fresh = decided_case(institute, decided_on=today, party_name="新近宾馆")
    html = as_user(legal_reviewer).get(reverse("case_publication:queue")).content.decode()
    assert "逾期宾馆" in html and "新近宾馆" in html and "已逾期" in html
    assert f"{services.publication_due_by(fresh):%Y-%m-%d}" in html
    filtered = as_user(legal_reviewer).get(reverse("case_publication:queue"), {"overdue": "1"}).content.decode()
    assert overdue.party_name in filtered and fresh.party_name not in filtered
    assert "逾期宾馆" not in as_user(outsider).get(reverse("case_publication:queue")).content.decode()


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_clerk_may_not_open_the_queue(as_user, clerk):
    assert as_user(clerk).get(reverse("case_publication:queue")).status_code == 403


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_preview_shows_the_redacted_text_and_publishes(as_user, institute, legal_reviewer):
    case = decided_case(institute, party_kind=PartyKind.PERSON, facts=f"当事人张三明，身份证号{PERSON_ID}。")
    url = reverse("case_publication:preview", args=[case.pk])
    client = as_user(legal_reviewer)
    page = client.get(url).content.decode()
    assert "张*明" in page and "张三明" not in page and PERSON_ID not in page
    edited = services.publication_text(case) + f"\n当事人电话{PERSON_PHONE}"
    preview = client.post(url, {"body": edited, "action": "preview"})
    assert preview.status_code == 200 and PERSON_PHONE not in preview.content.decode()
    assert not Publication.objects.exists()
    response = client.post(url, {"body": edited, "action": "publish"})
    publication = Publication.objects.get()
    assert response.status_code == 302 and response.url == reverse("case_publication:detail", args=[publication.pk])
    assert PERSON_PHONE not in publication.body
    again = client.get(url)
    assert again.status_code == 302 and again.url == response.url


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_preview_refuses_who_may_not_publish(as_user, institute, officer, outsider):
    case = decided_case(institute)
    url = reverse("case_publication:preview", args=[case.pk])
    page = as_user(officer).get(url)
    assert page.status_code == 200 and "确认公开" not in page.content.decode()
    assert as_user(officer).post(url, {"body": "文字", "action": "publish"}).status_code == 403
    assert as_user(outsider).get(url).status_code == 404
    assert as_user(officer).put(url).status_code == 405
    assert not Publication.objects.exists()


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_the_withdrawal_form_withdraws_and_warns_when_late(as_user, institute, legal_reviewer, officer):
    today = timezone.localdate()
    publication = published(decided_case(institute, decided_on=today - dt.timedelta(days=30)),
                            published_on=today - dt.timedelta(days=20))
    url = reverse("case_publication:withdraw", args=[publication.pk])
    assert as_user(officer).get(url).status_code == 403
    client = as_user(legal_reviewer)
    assert client.post(url, {"changed_on": "", "reason": ""}).status_code == 200
    changed_on = today - dt.timedelta(days=10)
    response = client.post(url, {"changed_on": f"{changed_on:%Y-%m-%d}", "reason": "人民法院判决撤销"}, follow=True)
    assert "逾期撤回" in response.content.decode()
    assert Publication.objects.get().status == PublicationStatus.WITHDRAWN
    detail = client.get(reverse("case_publication:detail", args=[publication.pk])).content.decode()
    assert "人民法院判决撤销" in detail and "已撤回" in detail


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_the_published_list_is_scoped(as_user, institute, legal_reviewer, outsider):
    published(decided_case(institute, party_name="本县宾馆"), published_on=timezone.localdate())
    assert "本县宾馆" in as_user(legal_reviewer).get(reverse("case_publication:list")).content.decode()
    assert "本县宾馆" not in as_user(outsider).get(reverse("case_publication:list")).content.decode()



@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_the_queue_costs_the_same_queries_for_more_rows(as_user, institute, legal_reviewer):
    client, url = as_user(legal_reviewer), reverse("case_publication:queue")
    decided_case(institute)
    client.get(url)
    with CaptureQueriesContext(connection) as one_row:
        client.get(url)
    for _ in range(10):
        decided_case(institute)  # the same day, so the same calendar years are read
    with CaptureQueriesContext(connection) as eleven_rows:
        client.get(url)
    assert len(eleven_rows) == len(one_row)
