"""The rubric: seeded from DOMAIN.md, edited by the top organisation's legal section on a page, every edit audited."""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from fazhi.core.choices import AuditAction
from fazhi.core.models import AuditEvent
from fazhi.reviews import rubric
from fazhi.reviews.checks import CHECKS
from fazhi.reviews.models import RubricCategory, RubricItem

pytestmark = pytest.mark.django_db


def test_the_seeded_rubric_is_domains():
    assert {c.code: c.weight for c in RubricCategory.objects.all()} == {"form": Decimal("20.00"),
                                                                       "substance": Decimal("80.00")}
    vetoes = RubricItem.objects.filter(kind="veto")
    assert vetoes.count() == 11 and all(v.points == 0 for v in vetoes)
    for category in RubricCategory.objects.all():
        assert sum(i.points for i in category.items.filter(kind="score")) == category.weight
    used = [i.check_code for i in RubricItem.objects.exclude(check_code="")]
    assert sorted(used) == sorted(CHECKS)  # every check is used by exactly one item
    manual = set(RubricItem.objects.filter(check_code="").values_list("name", flat=True))
    assert {"认定事实不清", "主要证据不足", "对外文书未加盖行政机关印章", "裁量理由不充分"} <= manual


def test_an_edit_is_audited(rubric_keeper):
    item = RubricItem.objects.get(code="S07")
    rubric.update_item(item, actor=rubric_keeper, points=Decimal("5"), name="送达超过七日")
    event = AuditEvent.objects.for_object(item).get()
    assert event.action == AuditAction.UPDATE and event.actor == rubric_keeper
    assert event.before == {"name": "送达超过法定期限", "points": "6.00"}
    assert event.after == {"name": "送达超过七日", "points": "5"}


def test_a_county_legal_reviewer_may_not_edit_the_shared_rubric(legal_reviewer):
    with pytest.raises(PermissionDenied):
        rubric.update_item(RubricItem.objects.get(code="S07"), actor=legal_reviewer, points=Decimal("1"))
    assert not AuditEvent.objects.filter(object_type="reviews.rubricitem").exists()


@pytest.mark.parametrize("fields, field, words", [
    ({"kind": "veto"}, "points", "否决项直接判定不合格"),
    ({"points": Decimal("0")}, "points", "大于零"),
    ({"points": Decimal("90")}, "points", "不能超过"),
    ({"check_code": "officer_count"}, "check_code", "已用于条目"),
    ({"check_code": "no_such_check"}, "check_code", "没有这项自动检查"),
    ({"basis": " "}, "basis", "依据"),
])
def test_it_refuses_an_inconsistent_item(rubric_keeper, fields, field, words):
    with pytest.raises(ValidationError) as refused:
        rubric.update_item(RubricItem.objects.get(code="S07"), actor=rubric_keeper, **fields)
    assert words in refused.value.message_dict[field][0]
    assert RubricItem.objects.get(code="S07").points == Decimal("6")


def test_a_new_item_and_a_weight_change(rubric_keeper):
    substance = RubricCategory.objects.get(code="substance")
    item = rubric.create_item(actor=rubric_keeper, code="S09", name="未告知救济途径", category=substance,
                              kind="score", points=Decimal("4"), check_code="", basis="行政处罚法第五十九条")
    assert AuditEvent.objects.for_object(item).get().action == AuditAction.CREATE
    rubric.update_category(substance, actor=rubric_keeper, weight=Decimal("70"))
    assert AuditEvent.objects.for_object(substance).get().after == {"weight": "70"}
    with pytest.raises(ValidationError):
        rubric.update_category(substance, actor=rubric_keeper, weight=Decimal("10"))  # below an item's 12 points


def test_the_page_shows_and_edits_the_rubric(client, rubric_keeper, officer):
    client.force_login(officer)
    page = client.get(reverse("reviews:rubric"))
    assert page.status_code == 200 and "案卷形式（20.00分）" in page.content.decode()
    assert reverse("reviews:rubric_item_edit", args=[1]) not in page.content.decode()
    item = RubricItem.objects.get(code="S07")
    assert client.get(reverse("reviews:rubric_item_edit", args=[item.pk])).status_code == 403
    client.force_login(rubric_keeper)
    form = {"name": item.name, "category": item.category_id, "kind": "score", "points": "5", "check_code":
            "service_on_time", "basis": item.basis, "sort_order": item.sort_order, "is_active": "on"}
    response = client.post(reverse("reviews:rubric_item_edit", args=[item.pk]), form)
    assert response.status_code == 302
    assert RubricItem.objects.get(pk=item.pk).points == Decimal("5")
    history = client.get(reverse("reviews:rubric")).content.decode()
    assert "省法规处" in history and "扣分分值" in history


def test_the_page_shows_a_refusal_on_its_field(client, rubric_keeper):
    client.force_login(rubric_keeper)
    item = RubricItem.objects.get(code="V03")
    form = {"name": item.name, "category": item.category_id, "kind": "veto", "points": "3",
            "check_code": "officer_count", "basis": item.basis, "sort_order": item.sort_order, "is_active": "on"}
    response = client.post(reverse("reviews:rubric_item_edit", args=[item.pk]), form)
    assert response.status_code == 200 and "否决项直接判定不合格" in response.content.decode()


def test_the_edit_page_answers_only_get_and_post(client, rubric_keeper):
    client.force_login(rubric_keeper)
    assert client.put(reverse("reviews:rubric_item_edit", args=[1])).status_code == 405
