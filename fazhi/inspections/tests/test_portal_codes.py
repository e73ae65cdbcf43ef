"""The portal's code pages: no sign-in, the same plain answer for every miss, throttled guessing, and one
anonymous rating per visit."""
import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fazhi.core.models import AuditEvent
from fazhi.inspections.models import VisitRating
from fazhi.inspections.rules import INSPECTION_RULES
from fazhi.inspections.views_portal_codes import NOT_FOUND

from . import factories as fi

pytestmark = pytest.mark.django_db

CODE = "ACDE3479"


@pytest.fixture
def live(hotel, team, published_items):
    return fi.visit(hotel, team, published_items, status="registered", code=CODE,
                    code_issued_at=timezone.now(), code_expires_at=timezone.now() + dt.timedelta(hours=2))


def page(client, code):
    return client.get(reverse("inspections_portal:code", args=[code]))


def rate(client, code=CODE, **data):
    return client.post(reverse("inspections_portal:code_rate", args=[code]),
                       {"confirmed": "on", "score": 4, "comment": "", **data})


def test_the_entity_sees_officers_certificates_items_and_bureau(client, live, team, published_items):
    response = page(client, CODE)
    text = response.content.decode()
    assert response.status_code == 200
    assert all(o.full_name in text and c.number in text for o, c in team)
    assert all(i.title in text and i.legal_basis in text for i in published_items)
    assert live.organisation.name in text and live.entity.name in text


def test_typing_a_code_leads_to_its_page(client, live):
    response = client.get(reverse("inspections_portal:code_lookup"), {"code": "acde 3479"})
    assert response.status_code == 302 and response.url == reverse("inspections_portal:code", args=[CODE])
    assert client.get(reverse("inspections_portal:code_lookup")).status_code == 200


@pytest.mark.parametrize("code", ["ACDE3477", "not-a-code", "ACDE347O", "%3Cscript%3E", "A" * 40])
def test_unknown_and_malformed_codes_get_the_same_plain_answer(client, live, code):
    response = client.get(reverse("inspections_portal:code_lookup"), {"code": code})
    text = response.content.decode()
    assert response.status_code == 404 and NOT_FOUND in text
    assert "Traceback" not in text and live.entity.name not in text


def test_an_expired_code_gets_the_same_plain_answer(client, live):
    live.code_expires_at = timezone.now() - dt.timedelta(seconds=1)
    live.save()
    response = page(client, CODE)
    assert response.status_code == 404 and NOT_FOUND in response.content.decode()
    assert live.entity.name not in response.content.decode()


def test_guessing_is_throttled_at_exactly_the_limit(client, live):
    allowed = INSPECTION_RULES.code_guesses_allowed
    for n in range(allowed):
        assert page(client, f"ACDE{n % 10:04d}".replace("0", "3")).status_code == 404
    blocked = page(client, "ACDE7777")
    assert blocked.status_code == 429 and "以后再试" in blocked.content.decode()
    assert int(blocked["Retry-After"]) <= INSPECTION_RULES.code_guess_window_seconds
    # While blocked, even a good code waits: otherwise the answer would tell a hit from a miss.
    assert page(client, CODE).status_code == 429
    # Another address is not held back by this one's misses.
    assert page(Client(REMOTE_ADDR="10.0.0.9"), CODE).status_code == 200


def test_good_codes_do_not_count_as_misses(client, live):
    allowed = INSPECTION_RULES.code_guesses_allowed
    for _ in range(allowed - 1):
        assert page(client, "ACDE7777").status_code == 404
    for _ in range(allowed + 2):
        assert page(client, CODE).status_code == 200
    assert page(client, "ACDE7777").status_code == 404
    assert page(client, "ACDE7777").status_code == 429


def test_the_count_lapses_after_the_window(client, live, monkeypatch):
    import time

    for _ in range(INSPECTION_RULES.code_guesses_allowed):
        page(client, "ACDE7777")
    assert page(client, CODE).status_code == 429
    later = time.time() + INSPECTION_RULES.code_guess_window_seconds + 1
    monkeypatch.setattr(time, "time", lambda: later)
    assert page(client, CODE).status_code == 200


def test_a_rating_is_anonymous_and_one_per_visit(client, live):
    response = rate(client, score=5, comment="检查人员很专业")
    assert response.status_code == 302
    rating = VisitRating.objects.get()
    assert (rating.inspection, rating.score, rating.comment) == (live, 5, "检查人员很专业")
    fields = {f.name for f in VisitRating._meta.concrete_fields}
    assert fields == {"id", "inspection", "score", "comment", "created_at"}  # nothing that says who rated
    event = AuditEvent.objects.for_object(rating).get()
    assert event.actor is None and set(event.after) == {"inspection"} and "检查人员很专业" not in str(event.detail)
    again = rate(Client(), score=1)
    assert again.status_code == 400 and VisitRating.objects.count() == 1
    assert "已经确认并评价" in again.content.decode()
    assert "已经确认并评价" in page(client, CODE).content.decode()


def test_a_rating_needs_confirmation_and_a_score_in_range(client, live):
    assert rate(client, confirmed="").status_code == 400
    assert rate(client, score=INSPECTION_RULES.rating_max + 1).status_code == 400
    assert rate(client, score=INSPECTION_RULES.rating_min - 1).status_code == 400
    assert not VisitRating.objects.exists()


def test_no_rating_with_an_unknown_or_expired_code(client, live):
    assert rate(client, code="ACDE7777").status_code == 404
    live.code_expires_at = timezone.now() - dt.timedelta(seconds=1)
    live.save()
    assert rate(client).status_code == 404
    assert not VisitRating.objects.exists()


def test_the_rating_form_needs_its_csrf_token(live):
    guarded = Client(enforce_csrf_checks=True)
    assert rate(guarded).status_code == 403
    form = page(guarded, CODE)
    assert 'name="csrfmiddlewaretoken"' in form.content.decode()
    token = guarded.cookies["csrftoken"].value
    assert rate(guarded, csrfmiddlewaretoken=token).status_code == 302
