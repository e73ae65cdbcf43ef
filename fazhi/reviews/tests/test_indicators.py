"""The dashboard's figures of case-file review: registered with their definitions, computed over a scope, and each
linking to a list of exactly the records it counts."""
import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from fazhi.cases.models import Case, CaseOfficer
from fazhi.reports.indicators import Scope, indicator, indicators
from fazhi.reviews import manual, sampling
from fazhi.reviews.choices import SamplingMethod
from fazhi.reviews.models import RubricItem

from . import factories as fr

pytestmark = pytest.mark.django_db

CODES = ("reviews.manual_reviewed", "reviews.manual_pass_rate", "reviews.auto_flagged", "reviews.auto_vetoed")


@pytest.fixture
def signed_pair(good_case, hotel, team, approver, legal_reviewer, chief):
    """Two files of 开平: one correct, one with a veto; both reviewed automatically and by hand, one passing."""
    second = fr.correct_case(hotel, team, approver=approver, head=approver, legal=legal_reviewer, leader=chief)
    CaseOfficer.objects.filter(case=second, officer=team[1]).delete()
    fr.review_now(good_case, second)
    batch = sampling.create_batch(actor=legal_reviewer, name="评查", year=2025, method=SamplingMethod.FILTER,
                                  criteria={})
    for review in batch.reviews.all():
        marks = {item.pk: manual.Mark() for item in RubricItem.objects.filter(is_active=True)}
        if review.case_id == second.pk:
            marks[RubricItem.objects.get(code="V03").pk] = manual.Mark(vetoed=True, note="承办人员仅1人")
        manual.sign_review(manual.save_marks(review, actor=legal_reviewer, marks=marks), actor=legal_reviewer)
    return good_case, second


def scope_of(bureau, start=dt.date(2025, 1, 1), end=None, section=None):
    return Scope((bureau.pk,), start, end or timezone.localdate(), section)


def test_the_figures_are_registered_with_definitions():
    registered = {i.code: i for i in indicators()}
    for code in CODES:
        assert re.search(r"[\u4e00-\u9fff]", registered[code].definition)
        assert registered[code].records_url is not None


def test_the_figures_count_the_records_they_link_to(client, leader, signed_pair, bureaus):
    scope = scope_of(bureaus["kaiping"])
    figures = {code: indicator(code).compute(scope) for code in CODES}
    assert figures["reviews.manual_reviewed"].value == 2
    assert (figures["reviews.manual_pass_rate"].value, figures["reviews.manual_pass_rate"].numerator,
            figures["reviews.manual_pass_rate"].denominator) == (Decimal("50.0"), 1, 2)
    assert figures["reviews.auto_flagged"].value == 1 and figures["reviews.auto_vetoed"].value == 1
    client.force_login(leader)
    for code in CODES:
        page = client.get(indicator(code).records_url(scope)).content.decode()
        expected = figures[code].denominator if code.endswith("pass_rate") else figures[code].value
        assert f"共 {expected} 条" in page, code


def test_the_figures_follow_the_scope(signed_pair, bureaus, supervision_section):
    huancui = scope_of(bureaus["huancui"])
    assert indicator("reviews.manual_reviewed").compute(huancui).value == 0
    assert indicator("reviews.manual_pass_rate").compute(huancui).value is None
    city = scope_of(bureaus["jiangmen"])  # a city: its counties' files are under its bureaus
    assert indicator("reviews.auto_flagged").compute(Scope((bureaus["kaiping"].pk, bureaus["jiangmen"].pk),
                                                           city.start, city.end)).value == 1
    section = scope_of(bureaus["kaiping"], section=supervision_section.pk)
    assert indicator("reviews.manual_reviewed").compute(section).value == 2
    before = scope_of(bureaus["kaiping"], dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert indicator("reviews.auto_vetoed").compute(before).value == 0
    Case.objects.filter(pk=signed_pair[1].pk).update(received_on=dt.date(2024, 6, 1))
    assert indicator("reviews.auto_vetoed").compute(before).value == 1


def test_each_figure_by_organisation_folds_to_the_whole(signed_pair, bureaus, django_assert_num_queries):
    from fazhi.reports.indicators import fold

    scope = Scope((bureaus["kaiping"].pk, bureaus["kaiping_institute"].pk, bureaus["huancui"].pk),
                  dt.date(2025, 1, 1), timezone.localdate())
    for code in CODES:
        found = indicator(code)
        with django_assert_num_queries(2):  # the institutes under the bureaus, then one grouped count
            by_organisation = found.compute_by_organisation(scope)
        assert fold(found.figure_kind, by_organisation.values()) == found.compute(scope), code
