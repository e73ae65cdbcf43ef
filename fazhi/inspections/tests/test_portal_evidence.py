"""The portal's evidence pages: the code opens the open items, uploads keep their SHA-256, wrong codes are throttled."""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from fazhi.core.choices import AuditAction
from fazhi.core.models import AuditEvent
from fazhi.inspections import forms_rectification, rectification, uploads
from fazhi.inspections.choices import RectificationStatus as R
from fazhi.inspections.models import Inspection, RectificationEvidence
from fazhi.inspections.rules import INSPECTION_RULES

from .test_rectification import issue, signed_visit

pytestmark = pytest.mark.django_db

CODE = "KP7Q3M9X"  # from the codes alphabet, as every issued code is
START = reverse("inspections_portal:evidence")
ITEMS = reverse("inspections_portal:evidence_items")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def opinion(hotel, team, published_items):
    """An opinion in progress for a visit whose code expired yesterday."""
    visit = signed_visit(hotel, team, published_items)
    Inspection.objects.filter(pk=visit.pk).update(code=CODE, code_expires_at=timezone.now() - dt.timedelta(days=1))
    today = timezone.localdate()
    return issue(visit, team[0][0], today + dt.timedelta(days=7), today + dt.timedelta(days=14))


def enter(client, code=CODE, ip="203.0.113.7"):
    return client.post(START, {"code": code}, REMOTE_ADDR=ip)


def upload_url(item):
    return reverse("inspections_portal:evidence_upload", args=[item.pk])


def test_an_expired_code_still_opens_the_open_items(client, opinion):
    assert enter(client)["Location"] == ITEMS
    page = client.get(ITEMS).content.decode()
    assert opinion.number in page and "整改要求1" in page and "整改要求2" in page


def test_the_code_may_be_typed_with_spaces_and_in_lower_case(client, opinion):
    assert enter(client, " kp7q 3m9x ").status_code == 302


def test_an_upload_stores_the_sha256_computed_by_the_server(client, opinion):
    item = opinion.items.first()
    content = "整改后的健康证扫描件".encode() * 1000
    enter(client)
    response = client.post(upload_url(item), {"note": "已为两名员工办理健康证",
                                              "file": SimpleUploadedFile("健康证.pdf", content, "application/pdf")})
    assert response["Location"] == ITEMS
    evidence = RectificationEvidence.objects.get()
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    assert (evidence.size, evidence.original_name, evidence.item) == (len(content), "健康证.pdf", item)
    with evidence.file.open("rb") as stored:
        assert stored.read() == content
    item.refresh_from_db()
    assert item.status == R.SUBMITTED
    assert AuditEvent.objects.filter(object_type="inspections.rectificationevidence", object_id=str(evidence.pk),
                                     action=AuditAction.CREATE).exists()


def test_the_officer_downloads_the_evidence_an_outsider_cannot(client, opinion, team, outsider, as_user):
    enter(client)
    client.post(upload_url(opinion.items.first()), {"file": SimpleUploadedFile("a.jpg", b"jpeg-bytes")})
    evidence = RectificationEvidence.objects.get()
    url = reverse("inspections:opinion_evidence_file", args=[evidence.pk])
    assert b"".join(as_user(team[0][0]).get(url).streaming_content) == b"jpeg-bytes"
    assert as_user(outsider).get(url).status_code == 404


def test_a_note_or_a_file_is_needed(client, opinion):
    enter(client)
    response = client.post(upload_url(opinion.items.first()), {"note": "  "})
    assert response.status_code == 200 and "至少一项" in response.content.decode()
    assert not RectificationEvidence.objects.exists()


def test_a_file_over_the_limit_is_refused(client, opinion, monkeypatch):
    small = dataclasses.replace(INSPECTION_RULES, max_upload_bytes=1024 * 1024)
    monkeypatch.setattr(forms_rectification, "INSPECTION_RULES", small)
    monkeypatch.setattr(uploads, "INSPECTION_RULES", small)
    enter(client)
    item = opinion.items.first()
    exactly = SimpleUploadedFile("ok.pdf", b"x" * small.max_upload_bytes)
    assert client.post(upload_url(item), {"file": exactly}).status_code == 302
    over = SimpleUploadedFile("big.pdf", b"x" * (small.max_upload_bytes + 1))
    response = client.post(upload_url(item), {"file": over})
    assert response.status_code == 200 and "不能超过1MB" in response.content.decode()
    assert RectificationEvidence.objects.count() == 1


def test_misses_up_to_the_limit_are_answered_then_429(client, opinion):
    for _ in range(INSPECTION_RULES.code_guesses_allowed):
        response = enter(client, "WRONG123")
        assert response.status_code == 200 and "检查码不正确" in response.content.decode()
    throttled = enter(client)  # even the right code, once the allowance is spent
    assert throttled.status_code == 429 and "分钟后再试" in throttled.content.decode()
    assert enter(client, ip="198.51.100.2").status_code == 302  # another address is not held back


def test_one_miss_fewer_than_the_limit_still_lets_the_right_code_in(client, opinion):
    for _ in range(INSPECTION_RULES.code_guesses_allowed - 1):
        enter(client, "WRONG123")
    assert enter(client)["Location"] == ITEMS


def test_a_closed_opinion_is_not_opened_by_its_code(client, opinion, team):
    for item in opinion.items.all():
        rectification.submit_evidence(item, note="已整改")
        rectification.decide_item(item, actor=team[0][0], accepted=True)
    response = enter(client)
    assert response.status_code == 200 and "无需提交整改材料" in response.content.decode()


def test_accepted_items_are_no_longer_offered(client, opinion, team):
    accepted = opinion.items.first()
    rectification.submit_evidence(accepted, note="已整改")
    rectification.decide_item(accepted, actor=team[0][0], accepted=True)
    enter(client)
    assert client.get(upload_url(accepted)).status_code == 404
    assert upload_url(accepted) not in client.get(ITEMS).content.decode()


def test_an_item_of_another_visit_is_not_found(client, opinion, hotel, team, published_items):
    other = issue(signed_visit(hotel, team, published_items), team[0][0], timezone.localdate())
    enter(client)
    assert client.get(upload_url(other.items.get())).status_code == 404


def test_without_a_code_the_items_page_sends_back_to_the_start(client, opinion):
    assert client.get(ITEMS)["Location"] == START
    assert client.get(upload_url(opinion.items.first()))["Location"] == START


def test_a_rejected_item_shows_the_officers_note_and_takes_new_evidence(client, opinion, team):
    item = opinion.items.first()
    rectification.submit_evidence(item, note="已整改")
    rectification.decide_item(item, actor=team[0][0], accepted=False, note="照片模糊，请重拍")
    enter(client)
    assert "照片模糊，请重拍" in client.get(ITEMS).content.decode()
    client.post(upload_url(item), {"note": "已重拍"})
    item.refresh_from_db()
    assert item.status == R.SUBMITTED
