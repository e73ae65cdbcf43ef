"""The draw weighted by risk (fazhi-draw-risk-1): pure properties of `run_draw`, and the plan's setting."""
from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from fazhi.entities.models import Entity
from fazhi.inspections import draws
from fazhi.inspections.models import InspectionPlan

from . import factories as fi
from .test_draws import DOMAINS, inspector_pools, make_plan, ratio_sets, seeds
from .test_draws import place as make_place

weighted_pools = st.lists(
    st.fixed_dictionaries({
        "grade": st.sampled_from("ABCD"), "key": st.booleans(),
        "domains": st.lists(st.sampled_from(DOMAINS), min_size=1, max_size=2, unique=True).map(sorted),
        "recused": st.lists(st.integers(1, 12), max_size=3, unique=True).map(sorted),
        "risk": st.integers(0, 150),
    }), max_size=40,
).map(lambda rows: [{"id": n + 1, **row} for n, row in enumerate(rows)])


@settings(max_examples=80, deadline=None)
@given(seed=seeds, entities=weighted_pools, inspectors=inspector_pools, ratios=ratio_sets, team_size=st.integers(2, 3))
def test_a_weighted_draw_is_reproducible_from_its_stored_json(seed, entities, inspectors, ratios, team_size):
    first = draws.run_draw(seed, entities, inspectors, ratios, team_size, weighted=True)
    again = draws.run_draw(seed, *json.loads(draws.canonical_json([entities, inspectors])), ratios, team_size,
                           weighted=True)
    assert first == again
    assert all(row["risk"] == next(e["risk"] for e in entities if e["id"] == row["entity"]) for row in first)


@settings(max_examples=80, deadline=None)
@given(seed=seeds, entities=weighted_pools, inspectors=inspector_pools, ratios=ratio_sets)
def test_a_weighted_draw_keeps_every_key_entity_and_each_grades_ratio(seed, entities, inspectors, ratios):
    result = draws.run_draw(seed, entities, inspectors, ratios, 2, weighted=True)
    reasons = {row["entity"]: row["reason"] for row in result}
    assert len(reasons) == len(result)  # nobody twice
    assert all(reasons.get(e["id"]) == "key_supervision" for e in entities if e["key"])
    grade_of = {e["id"]: e["grade"] for e in entities}
    for grade in "ABCD":
        pool = [e for e in entities if e["grade"] == grade and not e["key"]]
        taken = [pk for pk, reason in reasons.items() if reason == "random_draw" and grade_of[pk] == grade]
        assert len(taken) == draws.sample_size(len(pool), ratios[grade])


def _pool(risks: list[int]) -> list[dict]:
    return [{"id": n, "grade": "C", "key": False, "domains": ["public_place"], "recused": [], "risk": risk}
            for n, risk in enumerate(risks, start=1)]


INSPECTORS = [{"id": n, "domains": ["public_place"]} for n in range(1, 4)]


def _frequencies(pool: list[dict], ratio: str, draws_made: int) -> Counter:
    taken = Counter()
    for n in range(draws_made):
        for row in draws.run_draw(f"{n:032x}", pool, INSPECTORS, {"C": ratio}, 2, weighted=True):
            taken[row["entity"]] += 1
    return taken


def test_each_entity_is_taken_in_proportion_to_its_score():
    risks = [80, 40, 20, 20, 10, 10, 10, 10]  # W = 200; two of eight are taken (25%)
    taken = _frequencies(_pool(risks), "25", 2000)
    for pk, risk in enumerate(risks, start=1):
        expected = 2 * risk / sum(risks)
        assert abs(taken[pk] / 2000 - expected) < 0.05, (pk, taken[pk], expected)


def test_an_entity_whose_share_reaches_the_whole_step_is_always_taken():
    risks = [150, 10, 10, 10, 10, 10, 0]  # k·w = 2·150 ≥ W = 200: certain; a score of 0 still weighs 1
    taken = _frequencies(_pool(risks), "20", 300)
    assert taken[1] == 300
    assert sum(taken.values()) == 2 * 300
    assert taken[7] > 0


def test_the_stored_algorithm_says_how_to_draw_again(section_head, kaiping, bureaus, published_items):
    for _ in range(10):
        make_place(kaiping, "C")
    fi.certified_officer(bureaus["kaiping_institute"], "public_place", full_name="执法甲")
    fi.certified_officer(bureaus["kaiping_institute"], "public_place", full_name="执法乙")
    plan = make_plan(section_head, risk_weighted=True, sampling_ratios={"A": "0", "B": "0", "C": "20", "D": "0"})
    draw = draws.draw_plan(plan, actor=section_head)
    assert draw.algorithm == draws.RISK_ALGORITHM and draws.verify_draw(draw).ok
    # Ten equal scores, two to take: the weighted draw takes the i-th and (i+5)-th in hash order, the plain one
    # the first two, so a draw relabelled as plain no longer reproduces.
    draw.algorithm = draws.ALGORITHM
    check = draws.verify_draw(draw)
    assert check.known_algorithm and not check.result_reproduced


def test_a_weighted_draw_takes_the_same_number_of_queries_however_many_it_picks(section_head, kaiping, bureaus,
                                                                             published_items):
    for n in range(3):
        fi.certified_officer(bureaus["kaiping_institute"], "public_place", full_name=f"执法{n}")
    counts = []
    for size in (3, 12):
        Entity.objects.filter(organisation=kaiping).update(status="suspended")
        for _ in range(size):
            make_place(kaiping, "C")
        plan = make_plan(section_head, name=f"加权抽查{size}", risk_weighted=True)
        with CaptureQueriesContext(connection) as queries:
            draw = draws.draw_plan(plan, actor=section_head)
        assert len(draw.result) == size
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_plan_form_sets_the_weighting_and_the_pages_show_it(section_head, kaiping, bureaus, as_user,
                                                               published_items):
    today = timezone.localdate()
    data = {"name": "加权计划", "year": today.year, "domains": ["public_place"], "starts_on": today.isoformat(),
            "ends_on": dt.date(today.year, 12, 31).isoformat(), "team_size": 2, "risk_weighted": "on",
            "ratio_A": "3", "ratio_B": "5", "ratio_C": "100", "ratio_D": "20"}
    client = as_user(section_head)
    assert client.get(reverse("inspections:plan_create")).content.decode().count("按风险加权抽取") >= 1
    assert client.post(reverse("inspections:plan_create"), data).status_code == 302
    plan = InspectionPlan.objects.get(name="加权计划")
    assert plan.risk_weighted
    assert "各信用等级内按抽取当日的风险分加权抽取" in client.get(
        reverse("inspections:plan_detail", args=[plan.pk])).content.decode()
    make_place(kaiping, "C")
    fi.certified_officer(bureaus["kaiping_institute"], "public_place", full_name="执法甲")
    fi.certified_officer(bureaus["kaiping_institute"], "public_place", full_name="执法乙")
    client.post(reverse("inspections:plan_publish", args=[plan.pk]))
    client.post(reverse("inspections:plan_draw", args=[plan.pk]))
    draw = plan.draws.get()
    page = client.get(reverse("inspections:draw_detail", args=[draw.pk])).content.decode()
    assert "抽取时风险分" in page and draws.RISK_ALGORITHM in page
    assert "复核一致" in client.get(reverse("inspections:draw_verify", args=[draw.pk])).content.decode()


@pytest.mark.parametrize("weighted", [False, True])
def test_the_weighting_is_kept_on_the_plan_and_in_the_draws_audit_event(section_head, kaiping, bureaus,
                                                                       published_items, weighted):
    from fazhi.core.models import AuditEvent

    make_place(kaiping, "C")
    fi.certified_officer(bureaus["kaiping_institute"], "public_place", full_name="执法甲")
    fi.certified_officer(bureaus["kaiping_institute"], "public_place", full_name="执法乙")
    draw = draws.draw_plan(make_plan(section_head, risk_weighted=weighted), actor=section_head)
    event = AuditEvent.objects.get(object_type="inspections.draw", object_id=str(draw.pk))
    assert event.detail["risk_weighted"] is weighted
