"""简易程序 at its limits (行政处罚法第五十一、五十二、六十八至七十条)."""
import datetime as dt
from decimal import Decimal

import pytest

from fazhi.cases import services
from fazhi.cases.choices import CaseStatus as S
from fazhi.cases.choices import PartyKind
from fazhi.cases.models import Case, Payment
from fazhi.core.workflow import TransitionRefused

from . import factories as fc

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 3, 5)


def on_spot(team, *, entity=None, party=None, kinds="fine", fine=None, **fields):
    return services.decide_on_the_spot(
        actor=team[0], cause="从业人员未取得健康合格证明", facts="现场检查发现2名从业人员无健康合格证明。",
        violation=fc.violation(), penalty_kinds=kinds, place="宾馆前台", on=DAY, entity=entity, party=party,
        officers=team, fine_amount=Decimal(fine) if fine else None, **fields)


PERSON = {"party_kind": PartyKind.PERSON, "party_name": "张三", "party_id_number": "440783199001011234"}


def test_a_citizen_may_be_fined_200_on_the_spot_but_not_201(case_team):
    with pytest.raises(TransitionRefused, match="不得超过200.00元"):
        on_spot(case_team, party=PERSON, fine="201")
    case = on_spot(case_team, party=PERSON, fine="200")
    assert case.status == S.ON_SPOT and case.decision_number == "开卫简罚〔2025〕1号"
    assert case.served_on == DAY and case.payment_due_on == dt.date(2025, 3, 20)


def test_an_organisation_may_be_fined_3000_on_the_spot_but_not_3001(case_team, hotel):
    with pytest.raises(TransitionRefused, match="不得超过3,000.00元"):
        on_spot(case_team, entity=hotel, fine="3001")
    assert on_spot(case_team, entity=hotel, fine="3000").status == S.ON_SPOT


def test_a_refused_decision_leaves_no_case_and_uses_no_number(case_team, hotel):
    with pytest.raises(TransitionRefused):
        on_spot(case_team, entity=hotel, fine="3001")
    assert not Case.objects.exists()
    assert on_spot(case_team, entity=hotel, fine="100").decision_number == "开卫简罚〔2025〕1号"


def test_only_a_warning_or_a_fine_on_the_spot(case_team, hotel):
    with pytest.raises(TransitionRefused, match="只能给予警告或者罚款"):
        on_spot(case_team, entity=hotel, kinds="warning confiscate_gains", fine="100")
    assert on_spot(case_team, entity=hotel, kinds="warning").payment_due_on is None


def test_cash_on_the_spot_only_up_to_100_yuan_or_when_hard_to_collect_and_always_with_a_receipt(case_team, hotel):
    with pytest.raises(TransitionRefused, match="第六十八条"):
        on_spot(case_team, entity=hotel, fine="101", cash_collected=True, cash_receipt_number="粤财0001")
    with pytest.raises(TransitionRefused, match="第七十条"):
        on_spot(case_team, entity=hotel, fine="100", cash_collected=True)
    paid = on_spot(case_team, entity=hotel, fine="100", cash_collected=True, cash_receipt_number="粤财0001")
    assert Payment.objects.get(case=paid).amount == Decimal("100") and paid.payment_due_on is None
    remote = on_spot(case_team, entity=hotel, fine="500", cash_collected=True, cash_hard_to_collect=True,
                     cash_receipt_number="粤财0002")
    assert remote.status == S.ON_SPOT


def test_a_phone_resending_the_same_decision_gets_the_same_case(case_team, hotel):
    key = "6f1c4b8e-6c6e-4d8e-9b7a-0b1f1d3c2a10"
    first = on_spot(case_team, entity=hotel, fine="100", client_key=key)
    again = on_spot(case_team, entity=hotel, fine="100", client_key=key)
    assert first.pk == again.pk and Case.objects.count() == 1


def test_filed_with_the_bureau_in_time_then_closed_once_paid(case_team, hotel, approver):
    case = on_spot(case_team, entity=hotel, fine="100")
    late = DAY + dt.timedelta(days=6)
    with pytest.raises(TransitionRefused, match="备案"):
        services.record_with_bureau(case, actor=case_team[0], on=late)
    services.record_with_bureau(case, actor=case_team[0], on=DAY + dt.timedelta(days=5))
    with pytest.raises(TransitionRefused, match="尚欠100.00元"):
        services.close_case(case, actor=approver, on=DAY + dt.timedelta(days=6))
    services.record_payment(case, actor=case_team[0], paid_on=DAY + dt.timedelta(days=6), amount=Decimal("100"),
                            receipt_number="4400")
    services.close_case(case, actor=approver, on=DAY + dt.timedelta(days=6))
    assert Case.objects.get(pk=case.pk).status == S.CLOSED
