"""The visit's state machine: the guards hold at their boundaries."""
import pytest

from fazhi.core.workflow import TransitionRefused
from fazhi.inspections.models import Recusal
from fazhi.inspections.status import INSPECTION_MACHINE

from . import factories as fi

pytestmark = pytest.mark.django_db


def test_one_officer_is_not_enough(hotel, team, published_items, officer):
    inspection = fi.visit(hotel, team[:1], published_items)
    with pytest.raises(TransitionRefused, match="不得少于2人"):
        INSPECTION_MACHINE.fire(inspection, "register", actor=officer)


def test_an_unpublished_item_may_not_be_inspected(hotel, team, kaiping, officer):
    inspection = fi.visit(hotel, team, [fi.item(kaiping, published=False, title="未公布事项")])
    with pytest.raises(TransitionRefused, match="未公布事项"):
        INSPECTION_MACHINE.fire(inspection, "register", actor=officer)


def test_an_officer_without_a_certificate_for_the_domain_is_refused(hotel, team, kaiping, bureaus, officer):
    radiation_only = fi.certified_officer(bureaus["kaiping_institute"], "radiation", full_name="刘放射")
    inspection = fi.visit(hotel, [team[0], radiation_only], [fi.item(kaiping, "public_place")])
    with pytest.raises(TransitionRefused, match="刘放射"):
        INSPECTION_MACHINE.fire(inspection, "register", actor=officer)


def test_a_recused_officer_is_refused(hotel, team, published_items, officer):
    Recusal.objects.create(organisation=hotel.organisation, officer=team[1][0], entity=hotel, reason="近亲属任职")
    inspection = fi.visit(hotel, team, published_items)
    with pytest.raises(TransitionRefused, match="回避"):
        INSPECTION_MACHINE.fire(inspection, "register", actor=officer)


def test_over_the_cap_needs_approval(hotel, team, published_items, officer):
    inspection = fi.visit(hotel, team, published_items, over_cap=True)
    with pytest.raises(TransitionRefused, match="上限"):
        INSPECTION_MACHINE.fire(inspection, "register", actor=officer)


def test_cancelling_needs_a_reason(hotel, team, published_items, officer):
    inspection = fi.visit(hotel, team, published_items)
    with pytest.raises(TransitionRefused, match="取消原因"):
        INSPECTION_MACHINE.fire(inspection, "cancel", actor=officer, reason=" ")
    INSPECTION_MACHINE.fire(inspection, "cancel", actor=officer, reason="对象已停业")
    assert (inspection.status, inspection.cancel_reason) == ("cancelled", "对象已停业")


def test_a_clerk_may_not_register_a_visit(hotel, team, published_items, clerk):
    inspection = fi.visit(hotel, team, published_items)
    with pytest.raises(TransitionRefused, match="权限"):
        INSPECTION_MACHINE.fire(inspection, "register", actor=clerk)


def test_the_cap_counts_per_level_and_skips_case_driven_visits(hotel, team, published_items, kaiping):
    import datetime as dt

    from fazhi.inspections.caps import cap_count, over_cap

    day = dt.date(2026, 5, 1)
    for n in range(2):
        fi.visit(hotel, team, published_items, day=day + dt.timedelta(days=n))
    fi.visit(hotel, team, published_items, day=day, reason="complaint")
    assert (cap_count(hotel, kaiping, 2026).at_level, cap_count(hotel, kaiping, 2026).in_all) == (2, 2)
    assert over_cap(hotel, kaiping, day, "routine")
    assert not over_cap(hotel, kaiping, day, "complaint")
    assert not over_cap(hotel, kaiping, dt.date(2027, 1, 2), "routine")
