"""The on-site record: each rule at its boundary, signing, the idempotent phone submit, attachments, scoping."""
import datetime as dt
import hashlib
import json
import re
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fazhi.core.models import AuditEvent, DocumentSequence
from fazhi.core.tests import factories as f
from fazhi.core.workflow import TransitionRefused
from fazhi.inspections import records, views_records
from fazhi.inspections import uploads as upload_checks
from fazhi.inspections.choices import InspectionStatus, ItemResult, RecordStatus
from fazhi.inspections.models import ItemCheck, OnSiteRecord, RecordFile
from fazhi.inspections.records import ItemResultInput, RecordInput, save_record, sign_record
from fazhi.inspections.rules import InspectionRules

from . import factories as fi

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def visit(hotel, team, published_items):
    return fi.visit(hotel, team, published_items, status=InspectionStatus.REGISTERED)


@pytest.fixture
def writer(team):
    return team[0][0]


@pytest.fixture
def uploads(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def arrival(visit, hour=9, minute=0, days=0):
    day = visit.window_start + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def typed(visit, **overrides) -> RecordInput:
    arrived = overrides.pop("arrived_at", arrival(visit))
    values = {
        "arrived_at": arrived, "left_at": arrived + dt.timedelta(hours=1), "place": "开平市三埠街道东河路8号",
        "present_person": "张经理", "present_person_title": "店长", "summary": "对照清单逐项检查。",
        "bodycam_device": "DSJ-01", "bodycam_file_id": "20260506-0001", "bodycam_seconds": 1800,
        "results": tuple(ItemResultInput(i.pk, ItemResult.COMPLIANT) for i in visit.items.all()),
    }
    values.update(overrides)
    return RecordInput(**values)


def errors_of(excinfo) -> str:
    return " ".join(excinfo.value.messages)


# ---- the draft ---------------------------------------------------------------------------------------------

def test_it_saves_a_draft_with_a_result_per_item_and_audits_it(visit, writer):
    outcome = save_record(visit, typed(visit), actor=writer)
    record = outcome.record
    assert outcome.created and record.status == RecordStatus.DRAFT and record.organisation == visit.organisation
    assert record.checks.count() == 2
    event = AuditEvent.objects.get(object_type="inspections.onsiterecord", object_id=str(record.pk), action="create")
    assert len(event.after["checks"]) == 2 and event.actor == writer


def test_it_updates_the_draft_and_audits_what_changed(visit, writer):
    record = save_record(visit, typed(visit), actor=writer).record
    save_record(visit, typed(visit, place="二楼客房区"), actor=writer)
    record.refresh_from_db()
    assert record.place == "二楼客房区" and OnSiteRecord.objects.count() == 1
    event = AuditEvent.objects.filter(object_id=str(record.pk), action="update").get()
    assert event.after == {"place": "二楼客房区"}


def test_departure_before_or_at_arrival_is_refused(visit, writer):
    arrived = arrival(visit)
    with pytest.raises(ValidationError) as excinfo:
        save_record(visit, typed(visit, arrived_at=arrived, left_at=arrived), actor=writer)
    assert "离开时间须晚于到达时间" in errors_of(excinfo)
    save_record(visit, typed(visit, arrived_at=arrived, left_at=arrived + dt.timedelta(minutes=1)), actor=writer)


def test_arrival_before_the_window_start_is_refused(visit, writer):
    with pytest.raises(ValidationError) as excinfo:
        save_record(visit, typed(visit, arrived_at=arrival(visit, 23, 59, days=-1)), actor=writer)
    assert "不能早于计划检查日期" in errors_of(excinfo)
    assert save_record(visit, typed(visit, arrived_at=arrival(visit, 0, 0)), actor=writer).created


def test_non_compliant_without_provision_is_refused(visit, writer):
    first, second = visit.items.all()
    results = (ItemResultInput(first.pk, ItemResult.COMPLIANT),
               ItemResultInput(second.pk, ItemResult.NON_COMPLIANT, finding="2名从业人员无健康合格证明"))
    with pytest.raises(ValidationError) as excinfo:
        save_record(visit, typed(visit, results=results), actor=writer)
    assert "违反的条款" in errors_of(excinfo)
    assert not OnSiteRecord.objects.exists() and not ItemCheck.objects.exists()
    fixed = results[:1] + (ItemResultInput(second.pk, ItemResult.NON_COMPLIANT, "2名从业人员无健康合格证明",
                                           "《公共场所卫生管理条例》第七条"),)
    record = save_record(visit, typed(visit, results=fixed), actor=writer).record
    assert record.checks.get(item=second).provision == "《公共场所卫生管理条例》第七条"


def test_an_item_not_on_the_visit_is_refused(visit, writer, kaiping):
    other = fi.item(kaiping)
    with pytest.raises(ValidationError, match="不属于本次检查"):
        save_record(visit, typed(visit, results=(ItemResultInput(other.pk, ItemResult.COMPLIANT),)), actor=writer)


def test_a_body_cam_record_needs_a_duration_above_zero(visit, writer):
    with pytest.raises(ValidationError) as excinfo:
        save_record(visit, typed(visit, bodycam_seconds=0), actor=writer)
    assert "时长须大于0秒" in errors_of(excinfo)
    assert save_record(visit, typed(visit, bodycam_seconds=1), actor=writer).created


def test_a_visit_not_yet_registered_takes_no_record(hotel, team, published_items, writer):
    planned = fi.visit(hotel, team, published_items)
    with pytest.raises(ValidationError, match="亮码登记"):
        save_record(planned, typed(planned), actor=writer)


# ---- who may write --------------------------------------------------------------------------------------------

def test_an_officer_not_on_the_team_may_not_write_or_sign(visit, writer, officer):
    with pytest.raises(PermissionDenied, match="不是本次检查的检查人员"):
        save_record(visit, typed(visit), actor=officer)
    record = save_record(visit, typed(visit), actor=writer).record
    with pytest.raises(PermissionDenied, match="不是本次检查的检查人员"):
        sign_record(record, actor=officer)
    assert OnSiteRecord.objects.get().status == RecordStatus.DRAFT


def test_a_clerk_may_not_write(visit, clerk):
    with pytest.raises(PermissionDenied, match="权限"):
        save_record(visit, typed(visit), actor=clerk)


def test_another_county_may_neither_write_nor_sign(visit, writer, outsider):
    with pytest.raises(PermissionDenied):
        save_record(visit, typed(visit), actor=outsider)
    record = save_record(visit, typed(visit), actor=writer).record
    with pytest.raises(PermissionDenied):
        sign_record(record, actor=outsider)


# ---- signing --------------------------------------------------------------------------------------------------

def test_signing_numbers_locks_and_moves_the_visit(visit, writer):
    record = save_record(visit, typed(visit), actor=writer).record
    sign_record(record, actor=writer)
    record.refresh_from_db()
    visit.refresh_from_db()
    year = timezone.localdate().year
    assert record.number == f"开卫现〔{year}〕1号"
    assert (record.status, record.signed_by, visit.status) == (RecordStatus.SIGNED, writer, InspectionStatus.RECORDED)
    transitions = AuditEvent.objects.filter(action="transition").values_list("object_type", flat=True)
    assert set(transitions) == {"inspections.onsiterecord", "inspections.inspection"}


def test_a_signed_record_refuses_every_change(visit, writer, uploads):
    record = save_record(visit, typed(visit), actor=writer).record
    sign_record(record, actor=writer)
    with pytest.raises(ValidationError, match="已签名锁定"):
        save_record(visit, typed(visit, place="改动"), actor=writer)
    with pytest.raises(ValidationError, match="已签名锁定"):
        sign_record(record, actor=writer)
    with pytest.raises(ValidationError, match="已签名锁定"):
        records.attach_file(visit, SimpleUploadedFile("现场.png", PNG), actor=writer)
    assert OnSiteRecord.objects.get().place == "开平市三埠街道东河路8号"


def test_signing_without_body_cam_or_reason_is_refused_citing_the_rule(visit, writer):
    record = save_record(visit, typed(visit, bodycam_device="", bodycam_file_id="", bodycam_seconds=None),
                         actor=writer).record
    with pytest.raises(TransitionRefused, match="国卫监督发〔2018〕54号"):
        sign_record(record, actor=writer)
    save_record(visit, typed(visit, bodycam_device="", bodycam_file_id="", bodycam_seconds=None,
                             bodycam_absent_reason="记录仪故障，已拍照补充"), actor=writer)
    sign_record(record, actor=writer)
    assert record.status == RecordStatus.SIGNED


def test_an_incomplete_record_is_not_signed_and_takes_no_number(visit, writer):
    first = visit.items.first()
    record = save_record(visit, typed(visit, results=(ItemResultInput(first.pk, ItemResult.COMPLIANT),)),
                         actor=writer).record
    with pytest.raises(TransitionRefused, match="尚未填写检查结果"):
        sign_record(record, actor=writer)
    visit.refresh_from_db()
    assert record.status == RecordStatus.DRAFT and record.number == "" and visit.status == InspectionStatus.REGISTERED
    assert not DocumentSequence.objects.filter(last_number__gt=0).exists()


def test_signing_needs_the_departure_time(visit, writer):
    record = save_record(visit, typed(visit, left_at=None), actor=writer).record
    with pytest.raises(TransitionRefused, match="离开时间"):
        sign_record(record, actor=writer)


# ---- the phone's submit, once ---------------------------------------------------------------------------------

def test_the_same_client_key_twice_makes_one_record(visit, writer):
    key = uuid.uuid4()
    first = save_record(visit, typed(visit), actor=writer, client_key=key)
    again = save_record(visit, typed(visit), actor=writer, client_key=key)
    assert first.created and again.replayed and again.record.pk == first.record.pk
    assert OnSiteRecord.objects.count() == 1 and ItemCheck.objects.count() == 2
    assert OnSiteRecord.objects.get().client_key == key


def test_an_old_submission_replayed_after_a_newer_one_changes_nothing(visit, writer):
    old_key, new_key = uuid.uuid4(), uuid.uuid4()
    save_record(visit, typed(visit), actor=writer, client_key=old_key)
    save_record(visit, typed(visit, place="后来改的地点"), actor=writer, client_key=new_key)
    assert save_record(visit, typed(visit), actor=writer, client_key=old_key).replayed
    assert OnSiteRecord.objects.get().place == "后来改的地点"


def test_a_replay_after_signing_returns_the_signed_record(visit, writer):
    key = uuid.uuid4()
    record = save_record(visit, typed(visit), actor=writer, client_key=key).record
    sign_record(record, actor=writer)
    assert save_record(visit, typed(visit), actor=writer, client_key=key).replayed


def test_a_key_of_another_visit_is_refused(visit, writer, hotel, team, published_items):
    key = uuid.uuid4()
    save_record(visit, typed(visit), actor=writer, client_key=key)
    other = fi.visit(hotel, team, published_items, status=InspectionStatus.REGISTERED)
    with pytest.raises(ValidationError, match="提交标识"):
        save_record(other, typed(other), actor=writer, client_key=key)


def json_submit(client, visit, key, **overrides):
    arrived = timezone.localtime(arrival(visit))
    data = {"client_key": str(key), "arrived_at": f"{arrived:%Y-%m-%dT%H:%M}",
            "left_at": f"{arrived + dt.timedelta(hours=1):%Y-%m-%dT%H:%M}", "place": "一楼大堂",
            "present_person": "张经理", "bodycam_absent_reason": "记录仪送修", **overrides}
    for item in visit.items.all():
        data[f"result_{item.pk}"] = ItemResult.COMPLIANT
    return client.post(reverse("inspections:record_edit", args=[visit.pk]), data, HTTP_ACCEPT="application/json")


def test_it_answers_a_repeated_json_submit_with_the_first_record(visit, writer, as_user):
    client, key = as_user(writer), uuid.uuid4()
    first, second = json_submit(client, visit, key), json_submit(client, visit, key)
    assert first.status_code == second.status_code == 200
    assert first.json()["record"] == second.json()["record"] and second.json()["replayed"]
    assert OnSiteRecord.objects.count() == 1 and ItemCheck.objects.count() == 2


def test_a_json_submit_with_bad_times_gets_the_errors(visit, writer, as_user):
    same_minute = f"{timezone.localtime(arrival(visit)):%Y-%m-%dT%H:%M}"
    response = json_submit(as_user(writer), visit, uuid.uuid4(), left_at=same_minute)
    assert response.status_code == 400 and "离开时间须晚于到达时间" in response.json()["errors"]["left_at"][0]
    assert not OnSiteRecord.objects.exists()


# ---- working offline -------------------------------------------------------------------------------------------

def worker_config(response) -> dict:
    line = next(line for line in response.content.decode().splitlines() if line.startswith("var CONFIG = "))
    return json.loads(line.removeprefix("var CONFIG = ").removesuffix(";"))


def test_the_worker_is_served_as_javascript_at_the_top_of_inspections_and_revalidated(client, visit):
    url = reverse("inspections:service_worker")
    response = client.get(url)
    assert url == "/inspections/sw.js" and response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    cache_control = response["Cache-Control"]
    assert "no-cache" in cache_control and "max-age=0" in cache_control and "immutable" not in cache_control
    config = worker_config(response)
    # A worker's scope is its own folder: /inspections/ covers the day page and every record form.
    assert config["scope"] == "/inspections/" and config["pageLimit"] == views_records.OFFLINE_PAGE_LIMIT
    assert "/static/inspections/record_draft.js" in config["staticUrls"]
    assert "/static/core/fazhi.css" in config["staticUrls"]


def test_the_worker_keeps_only_the_day_page_and_record_forms(client, visit):
    patterns = [re.compile(p) for p in worker_config(client.get(reverse("inspections:service_worker")))["pages"]]

    def kept(url):
        return any(p.search(url) for p in patterns)

    assert kept(reverse("inspections:today")) and kept(reverse("inspections:record_edit", args=[visit.pk]))
    assert not kept(reverse("inspections:record", args=[visit.pk]))
    assert not kept(reverse("inspections:record_file", args=[visit.pk, 1]))
    assert not kept(reverse("inspections:record_csrf")) and not kept("/inspections/")


def test_the_worker_version_follows_the_content_of_the_files_it_keeps(client, tmp_path, monkeypatch):
    url = reverse("inspections:service_worker")
    before = worker_config(client.get(url))["version"]
    assert worker_config(client.get(url))["version"] == before
    changed = tmp_path / "record_draft.js"
    changed.write_text("// a new release")
    real_find = finders.find
    monkeypatch.setattr(finders, "find",
                        lambda name, *a, **k: str(changed) if name == "inspections/record_draft.js"
                        else real_find(name, *a, **k))
    assert worker_config(client.get(url))["version"] != before


def test_the_day_page_and_the_form_register_the_worker(visit, writer, as_user):
    client = as_user(writer)
    worker = reverse("inspections:service_worker")
    for url in (reverse("inspections:today"), reverse("inspections:record_edit", args=[visit.pk])):
        page = client.get(url).content.decode()
        assert "inspections/offline.js" in page and f'data-worker="{worker}"' in page
        assert "离线打开需通过 HTTPS 访问本系统" in page  # hidden unless the browser has no service workers


def sign_in(client, user) -> None:
    login = reverse("login")
    client.get(login)
    token = client.cookies["csrftoken"].value
    response = client.post(login, {"username": user.username, "password": f.TEST_PASSWORD,
                                   "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_a_form_kept_from_an_earlier_sign_in_submits_with_a_fresh_token(visit, writer):
    client = Client(enforce_csrf_checks=True)
    sign_in(client, writer)
    form = client.get(reverse("inspections:record_edit", args=[visit.pk]))
    kept_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.content.decode()).group(1)
    client.post(reverse("logout"), {"csrfmiddlewaretoken": kept_token})
    sign_in(client, writer)  # signing in again rotates the secret behind every earlier token

    stale = json_submit(client, visit, uuid.uuid4(), csrfmiddlewaretoken=kept_token)
    assert stale.status_code == 403 and not OnSiteRecord.objects.exists()
    fresh = client.get(reverse("inspections:record_csrf"))
    assert "no-store" in fresh["Cache-Control"]
    response = json_submit(client, visit, uuid.uuid4(), csrfmiddlewaretoken=fresh.json()["token"])
    assert response.status_code == 200 and OnSiteRecord.objects.count() == 1


# ---- attachments ----------------------------------------------------------------------------------------------

def test_a_photo_is_stored_with_its_sha256_computed_here(visit, writer, uploads):
    save_record(visit, typed(visit), actor=writer)
    stored = records.attach_file(visit, SimpleUploadedFile("大堂.png", PNG, content_type="text/plain"), actor=writer)
    assert (stored.kind, stored.size, stored.sha256) == ("photo", len(PNG), hashlib.sha256(PNG).hexdigest())
    assert AuditEvent.objects.filter(object_type="inspections.recordfile", object_id=str(stored.pk)).exists()


def test_a_file_over_the_limit_or_of_another_type_is_refused(visit, writer, uploads, monkeypatch):
    save_record(visit, typed(visit), actor=writer)
    with pytest.raises(ValidationError, match="只能上传"):
        records.attach_file(visit, SimpleUploadedFile("说明.txt", b"plain text"), actor=writer)
    monkeypatch.setattr(upload_checks, "INSPECTION_RULES", InspectionRules(max_upload_bytes=len(PNG)))
    records.attach_file(visit, SimpleUploadedFile("刚好.png", PNG), actor=writer)
    with pytest.raises(ValidationError, match="不能超过"):
        records.attach_file(visit, SimpleUploadedFile("超出.png", PNG + b"\x00"), actor=writer)
    assert RecordFile.objects.count() == 1


def test_a_pdf_is_a_file(visit, writer, uploads):
    save_record(visit, typed(visit), actor=writer)
    assert records.attach_file(visit, SimpleUploadedFile("许可证.pdf", b"%PDF-1.7\n..."), actor=writer).kind == "file"


# ---- pages ----------------------------------------------------------------------------------------------------

def test_today_lists_my_open_visits_of_today_only(hotel, clinic, team, published_items, writer, as_user, officer):
    today = fi.visit(hotel, team, published_items, status=InspectionStatus.REGISTERED)
    fi.visit(clinic, team, published_items, day=timezone.localdate() + dt.timedelta(days=1))
    fi.visit(clinic, team, published_items, status=InspectionStatus.RECORDED)
    fi.visit(clinic, [(officer, officer.certificates.first())], published_items)
    response = as_user(writer).get(reverse("inspections:today"))
    assert response.status_code == 200
    assert list(response.context["table"].data) == [today]
    assert reverse("inspections:record_edit", args=[today.pk]) in response.content.decode()


def test_today_is_for_officers(clerk, as_user):
    assert as_user(clerk).get(reverse("inspections:today")).status_code == 403


def test_the_form_page_is_for_the_team(visit, writer, officer, outsider, as_user, client):
    url = reverse("inspections:record_edit", args=[visit.pk])
    page = as_user(writer).get(url)
    assert page.status_code == 200 and "record_draft.js" in page.content.decode()
    client.logout()
    assert as_user(officer).get(url).status_code == 403
    client.logout()
    assert as_user(outsider).get(url).status_code == 404


def test_a_plain_form_post_saves_and_goes_to_the_record(visit, writer, as_user):
    client = as_user(writer)
    arrived = timezone.localtime(arrival(visit))
    data = {"arrived_at": f"{arrived:%Y-%m-%dT%H:%M}", "place": "一楼大堂"}
    response = client.post(reverse("inspections:record_edit", args=[visit.pk]), data)
    assert response.status_code == 302 and response.url == reverse("inspections:record", args=[visit.pk])
    page = client.get(response.url)
    assert page.status_code == 200 and "签名并锁定" in page.content.decode()


def test_signing_through_the_page(visit, writer, as_user):
    save_record(visit, typed(visit), actor=writer)
    response = as_user(writer).post(reverse("inspections:record_sign", args=[visit.pk]), follow=True)
    assert "已签名锁定" in response.content.decode()
    assert OnSiteRecord.objects.get().status == RecordStatus.SIGNED


def test_another_county_sees_no_record_page_and_cannot_sign(visit, writer, outsider, as_user):
    save_record(visit, typed(visit), actor=writer)
    client = as_user(outsider)
    assert client.get(reverse("inspections:record", args=[visit.pk])).status_code == 404
    assert client.post(reverse("inspections:record_sign", args=[visit.pk])).status_code == 404
    assert OnSiteRecord.objects.get().status == RecordStatus.DRAFT


def test_the_city_reads_the_record(visit, writer, city_admin, as_user):
    save_record(visit, typed(visit), actor=writer)
    page = as_user(city_admin).get(reverse("inspections:record", args=[visit.pk]))
    assert page.status_code == 200 and "签名并锁定" not in page.content.decode()


def test_the_sign_page_refuses_get(visit, writer, as_user):
    assert as_user(writer).get(reverse("inspections:record_sign", args=[visit.pk])).status_code == 405


def test_an_attachment_is_uploaded_and_downloaded_within_scope(visit, writer, outsider, as_user, client, uploads):
    save_record(visit, typed(visit), actor=writer)
    owner = as_user(writer)
    owner.post(reverse("inspections:record_file_upload", args=[visit.pk]),
               {"file": SimpleUploadedFile("大堂.png", PNG)})
    stored = RecordFile.objects.get()
    url = reverse("inspections:record_file", args=[visit.pk, stored.pk])
    assert b"".join(owner.get(url).streaming_content) == PNG
    client.logout()
    assert as_user(outsider).get(url).status_code == 404


# ---- demo -----------------------------------------------------------------------------------------------------

def test_the_demo_signs_records_for_registered_visits_only_and_once(visit, hotel, team, published_items):
    from fazhi.inspections.demo_records import load_demo_records

    planned = fi.visit(hotel, team, published_items)
    assert "签署现场笔录1份" in load_demo_records()
    visit.refresh_from_db()
    planned.refresh_from_db()
    assert (visit.status, planned.status) == (InspectionStatus.RECORDED, InspectionStatus.PLANNED)
    assert visit.record.is_locked and visit.record.checks.filter(result=ItemResult.NON_COMPLIANT).count() == 1
    assert "未生成" in load_demo_records()
