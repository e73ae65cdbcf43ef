"""Risk ranking: each factor moves the score as its rule says, with its reason; a fixed number of queries; the
draw weighted by risk is reproducible, verifiable and favours high-risk entities; the pages keep to their scope."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from itertools import count

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse
from django.utils import timezone

from fazhi import urls as project_urls
from fazhi.cases.models import Case
from fazhi.core.choices import Role
from fazhi.core.models import Domain
from fazhi.core.tests import factories as f
from fazhi.entities.models import CreditGradeChange, Entity
from fazhi.entities.tests.factories import township
from fazhi.inspections import draws, planning
from fazhi.inspections.models import ItemCheck, OnSiteRecord
from fazhi.inspections.tests import factories as fi
from fazhi.supervision import risk, risk_nav, views_risk
from fazhi.supervision.risk import FACTORS, RISK_RULES, risk_scores

# The pages are mounted by the project's urls; until they are, these tests mount them themselves.
urlpatterns = list(project_urls.urlpatterns)
if not any(getattr(p, "namespace", None) == "risk" for p in urlpatterns):
    urlpatterns.append(path("supervision/risk/", include("fazhi.supervision.urls_risk")))
pytestmark = pytest.mark.urls(__name__)

risk_nav.register()
_serial = count(1)
AS_OF = dt.date(2026, 6, 30)  # a day in the past: the score reads the records as they stood then


def place(bureau, grade="B", *, domains=("public_place",), status="operating", **fields) -> Entity:
    """An entity written straight to the table, as the draw tests do."""
    n = next(_serial)
    entity = Entity.objects.create(
        organisation=bureau, name=fields.pop("name", f"开平市风险测试宾馆{n}"), kind="public_place",
        sub_kind="accommodation", address=f"开平市长沙街道{n}号", no_credit_code_reason="individual",
        credit_grade=grade, status=status, domain_codes=" ".join(sorted(domains)), **fields,
    )
    entity.domains.set(domains)
    return entity


def penalty(entity, decided_on: dt.date | None, *, kinds="warning fine") -> Case:
    """A case against the entity, decided on `decided_on` (None: not yet decided) with `kinds` of penalty."""
    n = next(_serial)
    return Case.objects.create(
        organisation=entity.organisation, entity=entity, procedure="general",
        status="archived" if decided_on else "investigating", cause="未取得卫生许可证擅自营业", source="inspection",
        received_on=(decided_on or AS_OF) - dt.timedelta(days=30), party_kind="organisation",
        party_name=entity.name, domain_id="public_place", penalty_kinds=kinds, decided_on=decided_on,
        decision_number=f"开卫罚〔2026〕{n}号" if decided_on else "",
    )


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def visited(entity, day: dt.date, *, status="closed"):
    return fi.visit(entity, [], [], day=day, status=status, code_issued_at=_at(day))


def record(entity, day: dt.date, results: list[str], *, signed=True):
    """A visit on `day` with an on-site record holding one item result per entry of `results`."""
    visit = visited(entity, day)
    sheet = OnSiteRecord.objects.create(organisation=entity.organisation, inspection=visit, arrived_at=_at(day),
                                        place=entity.address, status="signed" if signed else "draft")
    for result in results:
        ItemCheck.objects.create(record=sheet, item=fi.item(entity.organisation), result=result)
    return sheet


def scored(entity, as_of=AS_OF):
    return risk_scores(Entity.objects.filter(pk=entity.pk), as_of)[entity.pk]


def points(found, label: str) -> int:
    return next(r.points for r in found.reasons if r.factor == label)


def explanation(found, label: str) -> str:
    return next(r.explanation for r in found.reasons if r.factor == label)


# ---- the factors ---------------------------------------------------------------------------------------------

def test_a_plain_entity_scores_its_grade_its_domain_and_the_never_visited_months(kaiping):
    found = scored(place(kaiping, "B"))
    rules = RISK_RULES
    assert found.score == rules.grade_points["B"] + rules.domain_points["public_place"] + rules.months_cap * rules.months_points
    assert [r.factor for r in found.reasons] == [factor.label for factor in FACTORS]
    assert sum(r.points for r in found.reasons) == found.score
    assert "没有检查记录" in explanation(found, "距上次检查")


@pytest.mark.parametrize("grade", ["A", "B", "C", "D"])
def test_the_grade_adds_its_points(kaiping, grade):
    found = scored(place(kaiping, grade))
    assert points(found, "信用等级") == RISK_RULES.grade_points[grade]
    assert f"{grade}级" in explanation(found, "信用等级")


def test_the_grade_of_a_past_day_comes_from_the_credit_history(kaiping):
    entity = place(kaiping, "D")
    CreditGradeChange.objects.create(organisation=kaiping, entity=entity, from_grade="B", to_grade="D",
                                     basis="penalty", reason="处罚", effective_on=dt.date(2026, 3, 1))
    steady = place(kaiping, "C")  # no history: the grade it has
    assert points(scored(entity, dt.date(2026, 2, 28)), "信用等级") == RISK_RULES.grade_points["B"]
    assert points(scored(entity, dt.date(2026, 3, 1)), "信用等级") == RISK_RULES.grade_points["D"]
    assert points(scored(steady, dt.date(2026, 2, 28)), "信用等级") == RISK_RULES.grade_points["C"]


def test_each_penalty_decided_in_the_window_adds_its_points_and_nothing_else_does(kaiping):
    entity = place(kaiping)
    before = scored(entity).score
    window_opens = risk.years_before(AS_OF, RISK_RULES.history_years) + dt.timedelta(days=1)
    penalty(entity, window_opens)  # the first day that counts
    penalty(entity, AS_OF)  # the last
    penalty(entity, window_opens - dt.timedelta(days=1))  # too old
    penalty(entity, AS_OF + dt.timedelta(days=1))  # after the day scored
    penalty(entity, dt.date(2026, 5, 1), kinds="")  # 不予处罚
    penalty(entity, None)  # still being investigated
    found = scored(entity)
    assert points(found, "行政处罚") == 2 * RISK_RULES.penalty_points
    assert found.score == before + 2 * RISK_RULES.penalty_points
    assert "受到行政处罚2次" in explanation(found, "行政处罚")


def test_penalties_count_up_to_the_cap(kaiping):
    entity = place(kaiping)
    for n in range(RISK_RULES.penalty_count_cap + 2):
        penalty(entity, AS_OF - dt.timedelta(days=10 + n))
    found = scored(entity)
    assert points(found, "行政处罚") == RISK_RULES.penalty_count_cap * RISK_RULES.penalty_points
    assert f"最多计{RISK_RULES.penalty_count_cap}次" in explanation(found, "行政处罚")


def test_each_non_conforming_item_of_a_signed_record_adds_its_points(kaiping):
    entity = place(kaiping)
    record(entity, AS_OF - dt.timedelta(days=40), ["non_compliant", "non_compliant", "compliant", "not_applicable"])
    record(entity, AS_OF - dt.timedelta(days=20), ["non_compliant"], signed=False)  # a draft finds nothing yet
    found = scored(entity)
    assert points(found, "检查不合格") == 2 * RISK_RULES.finding_points
    assert "不合格2项" in explanation(found, "检查不合格")


def test_the_months_since_the_last_visit_add_up_to_the_cap(kaiping):
    recent, old, cancelled = place(kaiping), place(kaiping), place(kaiping)
    visited(recent, dt.date(2025, 12, 31))
    visited(recent, dt.date(2026, 1, 15))  # the last one counts: five whole months before 30 June
    visited(old, dt.date(2023, 1, 1))
    visited(cancelled, dt.date(2026, 6, 1), status="cancelled")  # nobody went in
    found = scored(recent)
    assert points(found, "距上次检查") == 5 * RISK_RULES.months_points
    assert "2026-01-15" in explanation(found, "距上次检查")
    assert points(scored(old), "距上次检查") == RISK_RULES.months_cap * RISK_RULES.months_points
    assert points(scored(cancelled), "距上次检查") == RISK_RULES.months_cap * RISK_RULES.months_points
    assert scored(recent).score < scored(old).score


def test_a_visit_after_the_day_scored_does_not_count(kaiping):
    entity = place(kaiping)
    visited(entity, AS_OF + dt.timedelta(days=1))
    assert "没有检查记录" in explanation(scored(entity), "距上次检查")


def test_the_domain_adds_its_inherent_risk_the_highest_of_several(kaiping):
    hotel = place(kaiping, domains=("public_place",))
    dental = place(kaiping, domains=("medical_service", "radiation"))
    assert points(scored(hotel), "专业固有风险") == RISK_RULES.domain_points["public_place"]
    found = scored(dental)
    assert points(found, "专业固有风险") == RISK_RULES.domain_points["radiation"]
    assert "取最高的放射卫生" in explanation(found, "专业固有风险")
    assert found.score - scored(hotel).score == RISK_RULES.domain_points["radiation"] - RISK_RULES.domain_points["public_place"]


def test_complaints_are_declared_and_say_why_they_count_nothing(kaiping):
    found = scored(place(kaiping))
    assert points(found, "投诉举报") == 0
    assert "投诉举报模块尚未建成" in explanation(found, "投诉举报")


def test_high_risk_follows_the_rules_threshold(kaiping):
    entity = place(kaiping, "D", domains=("radiation",))
    penalty(entity, AS_OF - dt.timedelta(days=5))
    found = scored(entity)
    assert found.score >= RISK_RULES.high_risk_score and found.is_high
    assert not scored(place(kaiping, "A")).is_high
    strict = replace(RISK_RULES, high_risk_score=found.score + 1)
    assert not risk_scores(Entity.objects.filter(pk=entity.pk), AS_OF, strict)[entity.pk].is_high


def test_changed_weights_change_the_score(kaiping):
    entity = place(kaiping, "C")
    heavier = replace(RISK_RULES, grade_points={**RISK_RULES.grade_points, "C": 50})
    assert (risk_scores(Entity.objects.filter(pk=entity.pk), AS_OF, heavier)[entity.pk].score
            == scored(entity).score - RISK_RULES.grade_points["C"] + 50)


# ---- in bulk -------------------------------------------------------------------------------------------------

def _population(bureau, n: int) -> list[Entity]:
    entities = [place(bureau, "ABCD"[i % 4], domains=(("public_place",), ("radiation",))[i % 2]) for i in range(n)]
    for i, entity in enumerate(entities):
        if i % 3 == 0:
            penalty(entity, AS_OF - dt.timedelta(days=100 + i))
        if i % 5 == 0:
            record(entity, AS_OF - dt.timedelta(days=60 + i), ["non_compliant"])
    return entities


def _queries(entities) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        found = risk_scores(Entity.objects.filter(pk__in=[e.pk for e in entities]), AS_OF)
    return len(captured), found


def test_the_number_of_queries_does_not_grow_with_the_entities(kaiping):
    entities = _population(kaiping, 30)
    few, found_few = _queries(entities[:3])
    many, found_many = _queries(entities)
    assert few == many == 1
    assert len(found_few) == 3 and len(found_many) == 30
    assert all(found_many[pk].score == found.score for pk, found in found_few.items())


def test_scoring_in_chunks_gives_the_same_scores(kaiping):
    entities = _population(kaiping, 12)
    everything = Entity.objects.filter(pk__in=[e.pk for e in entities])
    chunked = dict(risk.iter_risk_scores(everything, AS_OF, chunk=5))
    assert {pk: s.score for pk, s in chunked.items()} == {pk: s.score for pk, s in risk_scores(everything, AS_OF).items()}


# ---- the weighted draw ---------------------------------------------------------------------------------------

def _plan(actor, *, weighted: bool):
    today = timezone.localdate()
    plan = planning.create_plan(
        actor=actor, name=f"{today.year}年风险加权抽查计划", year=today.year, starts_on=today,
        ends_on=dt.date(today.year, 12, 31), domains=[Domain.objects.get(pk="public_place")],
        sampling_ratios={"A": "0", "B": "20", "C": "50", "D": "100"}, team_size=2, risk_weighted=weighted)
    return planning.publish_plan(plan, actor=actor)


@pytest.fixture
def drawable(kaiping, bureaus):
    fi.item(kaiping, "public_place")
    entities = [place(kaiping, "B") for _ in range(10)] + [place(kaiping, "C") for _ in range(4)]
    for entity in entities[:3]:
        penalty(entity, timezone.localdate() - dt.timedelta(days=30))
    for n in range(3):
        fi.certified_officer(bureaus["kaiping_institute"], "public_place", full_name=f"执法{n}")
    return entities


def test_a_weighted_draw_records_the_scores_and_checks_out(section_head, drawable):
    plan = _plan(section_head, weighted=True)
    draw = draws.draw_plan(plan, actor=section_head)
    assert draw.algorithm == draws.RISK_ALGORITHM
    today_scores = risk_scores(Entity.objects.filter(pk__in=[e.pk for e in drawable]))
    assert {e["id"]: e["risk"] for e in draw.entity_pool} == {pk: s.score for pk, s in today_scores.items()}
    assert all(row["risk"] == today_scores[row["entity"]].score for row in draw.result)
    assert len(draw.result) == draws.sample_size(10, "20") + draws.sample_size(4, "50")
    check = draws.verify_draw(draw)
    assert check.ok, check.lines()
    # The same seed and pools give the same result, and a score changed afterwards is caught.
    assert draws.run_draw(draw.seed, draw.entity_pool, draw.inspector_pool, plan.sampling_ratios, 2,
                          weighted=True) == draw.result
    draw.entity_pool[0]["risk"] += 50
    assert not draws.verify_draw(draw).pools_intact


def test_an_unweighted_plan_draws_as_before(section_head, drawable):
    draw = draws.draw_plan(_plan(section_head, weighted=False), actor=section_head)
    assert draw.algorithm == draws.ALGORITHM
    assert all("risk" not in e for e in draw.entity_pool) and all("risk" not in r for r in draw.result)
    assert draws.verify_draw(draw).ok


def test_a_weighted_draw_picks_high_risk_entities_more_often_than_an_unweighted_one():
    risky = {1, 2}
    pool = [{"id": n, "grade": "B", "key": False, "domains": ["public_place"], "recused": [],
             "risk": 100 if n in risky else 10} for n in range(1, 21)]
    inspectors = [{"id": n, "domains": ["public_place"]} for n in range(1, 5)]
    seeds = [f"{n:032x}" for n in range(400)]

    def risky_share(weighted: bool) -> float:
        picked = [row["entity"] for seed in seeds
                  for row in draws.run_draw(seed, pool, inspectors, {"B": "10"}, 2, weighted=weighted)]
        assert len(picked) == 2 * len(seeds)  # 10% of 20, every time
        return sum(pk in risky for pk in picked) / len(picked)

    # Each risky one is taken with probability k·w/W = 2·100/380 ≈ 0.53, against 2/20 = 0.1 unweighted.
    assert risky_share(True) > 0.45
    assert risky_share(False) < 0.15


# ---- the pages -----------------------------------------------------------------------------------------------

@pytest.fixture
def outsider(bureaus):
    return f.staff(bureaus["huancui"], Role.OFFICER, username="outsider", full_name="环翠人员")


def test_the_ranking_lists_the_viewers_entities_highest_first_with_reasons(as_user, officer, kaiping, bureaus):
    low = place(kaiping, "A", name="开平市低风险理发店")
    high = place(kaiping, "D", domains=("radiation",), name="开平市高风险口腔诊所")
    penalty(high, timezone.localdate() - dt.timedelta(days=10))
    place(kaiping, "D", status="deregistered", name="开平市已注销诊所")
    place(bureaus["huancui"], "D", name="环翠区外区宾馆")
    response = as_user(officer).get(reverse("risk:ranking"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "环翠区外区宾馆" not in text and "开平市已注销诊所" not in text
    assert text.index("开平市高风险口腔诊所") < text.index("开平市低风险理发店")
    assert "受到行政处罚1次" in text and "?tab=risk" in text
    ranked = [row["entity"].pk for row in response.context["rows"]]
    assert ranked == [high.pk, low.pk]


def test_the_ranking_filters_by_domain_grade_township_and_high_risk(as_user, officer, kaiping):
    town = township("440783001", "长沙街道")
    pool = place(kaiping, "B", name="开平市长沙泳池", township=town)
    xray = place(kaiping, "C", domains=("radiation",), name="开平市放射诊所")
    dangerous = place(kaiping, "D", domains=("radiation",), name="开平市高危放射诊所")
    penalty(dangerous, timezone.localdate() - dt.timedelta(days=3))
    visited(xray, timezone.localdate() - dt.timedelta(days=3))  # seen lately: below the high-risk score
    client = as_user(officer)

    def listed(**query) -> set[int]:
        return {row["entity"].pk for row in client.get(reverse("risk:ranking"), query).context["rows"]}

    assert listed(domain="radiation") == {xray.pk, dangerous.pk}
    assert listed(credit_grade="B") == {pool.pk}
    assert listed(township=town.pk) == {pool.pk}
    assert listed(high="1") == {dangerous.pk}


def test_another_bureaus_entities_never_appear_even_when_asked_for(as_user, outsider, kaiping):
    place(kaiping, "D", name="开平市高风险宾馆")
    response = as_user(outsider).get(reverse("risk:ranking"), {"organisation": kaiping.pk})
    assert response.status_code == 200
    assert "开平市高风险宾馆" not in response.content.decode()
    assert response.context["rows"] == []


def test_a_scope_too_large_for_a_page_is_asked_to_narrow(as_user, officer, kaiping, monkeypatch):
    for _ in range(3):
        place(kaiping)
    monkeypatch.setattr(views_risk, "RISK_RULES", replace(RISK_RULES, page_limit=2))
    response = as_user(officer).get(reverse("risk:ranking"))
    assert response.context["too_many"] and "rows" not in response.context
    assert "请先选择监管机关或监管专业缩小范围" in response.content.decode()


def test_the_entity_tab_shows_the_score_and_each_reason(as_user, officer, kaiping, bureaus, outsider):
    entity = place(kaiping, "C", domains=("radiation",))
    url = reverse("entities:detail", args=[entity.pk]) + "?tab=risk"
    response = as_user(officer).get(url)
    text = response.content.decode()
    found = scored(entity, timezone.localdate())
    assert response.context["risk"].score == found.score
    for reason in found.reasons:
        assert reason.explanation in text
    assert as_user(outsider).get(url).status_code == 404


def test_the_menu_offers_the_ranking(as_user, officer):
    response = as_user(officer).get(reverse("risk:ranking"))
    assert reverse("risk:ranking") in response.content.decode()
    assert "风险排名" in response.content.decode()
