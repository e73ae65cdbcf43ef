"""Export: the list as filtered and sorted, streamed to .xlsx, scoped, phones masked where the viewer may not edit."""
import datetime as dt
import io
from decimal import Decimal
from urllib.parse import quote

import openpyxl
import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fazhi.core.choices import AuditAction, Role
from fazhi.core.models import AuditEvent
from fazhi.core.tests import factories as f
from fazhi.entities import services
from fazhi.entities.choices import ImportStatus, LicenceKind
from fazhi.entities.exports import EXPORT_COLUMNS, stream_entities_xlsx
from fazhi.entities.models import Entity
from fazhi.entities.tests.factories import credit_code

from .import_files import run_import

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("uploads_in_tmp")]
EXPORT = reverse("entities:export")


def clinic(actor, n: int, **fields):
    values = {"name": f"开平市惠民诊所{n}", "credit_code": credit_code(n), "kind": "medical", "sub_kind": "clinic",
              "address": f"开平市长沙街道幕沙路{n}号", "contact_phone": "13812345678", **fields}
    return services.create_entity(actor=actor, **values)


def sheet_rows(response) -> list[tuple]:
    assert isinstance(response, StreamingHttpResponse)
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(workbook.active.iter_rows(values_only=True))


def as_dicts(rows) -> list[dict]:
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def test_it_exports_the_template_columns_with_labels_a_licence_and_typed_dates(client, section_head, changsha):
    entity = clinic(section_head, 1, township=changsha, longitude=Decimal("112.698545"), latitude=Decimal("22.376395"),
                    is_key_supervision=True, key_supervision_reason="血液透析", domains=["medical_service", "radiation"])
    services.add_licence(entity, actor=section_head, kind=LicenceKind.MEDICAL_PRACTICE, number="PDY1",
                         issued_on=dt.date(2020, 1, 1), valid_to=dt.date(2025, 1, 1))
    services.add_licence(entity, actor=section_head, kind=LicenceKind.RADIATION, number="FS2",
                         issued_on=dt.date(2024, 1, 1), valid_to=dt.date(2028, 1, 1))
    client.force_login(section_head)
    rows = sheet_rows(client.get(EXPORT))
    assert rows[0] == EXPORT_COLUMNS and rows[0][:2] == ("名称*", "统一社会信用代码") and rows[0][-2:] == ("监管机关", "更新时间")
    row = as_dicts(rows)[0]
    assert row["名称*"] == "开平市惠民诊所1" and row["统一社会信用代码"] == credit_code(1)
    assert (row["类别*"], row["细分类别*"], row["主体性质"]) == ("医疗机构", "诊所", "企业")
    assert row["监管专业"] == "医疗服务、放射卫生" and row["乡镇（街道）"] == "长沙街道"
    assert (row["经度"], row["纬度"]) == (112.698545, 22.376395)
    assert (row["经营状态"], row["重点监管"], row["信用等级"]) == ("在营", "是", "B级（基本守信）")
    assert (row["证照类别"], row["证照编号"], row["有效期至"]) == ("放射诊疗许可证", "FS2", dt.datetime(2028, 1, 1))
    assert row["联系电话"] == "13812345678" and row["监管机关"] == "开平市卫生健康局"
    assert isinstance(row["更新时间"], dt.datetime)


def test_it_exports_what_the_filters_select_in_the_lists_order(client, section_head, changsha):
    clinic(section_head, 1, name="乙诊所")
    clinic(section_head, 2, name="甲诊所")
    services.create_entity(actor=section_head, name="丙旅馆", credit_code=credit_code(3), kind="public_place",
                           sub_kind="accommodation", address="开平市某路")
    client.force_login(section_head)
    names = [r[0] for r in sheet_rows(client.get(EXPORT, {"kind": "medical", "sort": "-name"}))[1:]]
    assert names == sorted(["乙诊所", "甲诊所"], reverse=True)
    assert [r[0] for r in sheet_rows(client.get(EXPORT, {"q": "旅馆"}))[1:]] == ["丙旅馆"]


def test_every_export_is_audited_with_its_filters_and_row_count(client, section_head):
    clinic(section_head, 1)
    clinic(section_head, 2)
    client.force_login(section_head)
    b"".join(client.get(EXPORT, {"kind": "medical", "page": "2"}).streaming_content)
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.detail == {"model": "entities.entity", "filters": {"kind": "medical"}, "rows": 2}
    assert event.actor == section_head and event.organisation_id == section_head.organisation.bureau_id


def test_it_names_the_file_by_date_in_rfc_5987_form(client, section_head):
    client.force_login(section_head)
    response = client.get(EXPORT)
    name = f"监管对象_{timezone.localdate():%Y%m%d}.xlsx"
    assert f"filename*=utf-8''{quote(name)}" in response["Content-Disposition"]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def test_it_exports_only_what_the_viewer_may_see_and_masks_phones_they_may_not_edit(
        client, section_head, leader, outsider, city_admin):
    clinic(section_head, 1)
    services.create_entity(actor=outsider, name="环翠区诊所", credit_code=credit_code(2, "371002"), kind="medical",
                           sub_kind="clinic", address="威海市环翠区1号", contact_phone="13912345678")
    client.force_login(outsider)
    assert [r[0] for r in sheet_rows(client.get(EXPORT))[1:]] == ["环翠区诊所"]
    client.force_login(city_admin)
    rows = as_dicts(sheet_rows(client.get(EXPORT)))
    assert [(r["名称*"], r["联系电话"]) for r in rows] == [("开平市惠民诊所1", "138****5678")]
    client.force_login(leader)  # own bureau, but not one who edits entities: as on the entity's page, masked
    assert as_dicts(sheet_rows(client.get(EXPORT)))[0]["联系电话"] == "138****5678"
    client.force_login(section_head)
    assert as_dicts(sheet_rows(client.get(EXPORT)))[0]["联系电话"] == "13812345678"


def test_only_exporter_roles_may_export(client, bureaus):
    client.force_login(f.staff(bureaus["kaiping"], Role.COMPLAINTS_CLERK))
    assert client.get(EXPORT).status_code == 403
    client.logout()
    assert client.get(EXPORT).status_code == 302
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_it_refuses_get_only(client, section_head):
    client.force_login(section_head)
    assert client.post(EXPORT).status_code == 405


def test_bad_filters_go_back_to_the_list_with_a_message(client, section_head):
    client.force_login(section_head)
    response = client.get(EXPORT, {"status": "nonsense"}, follow=False)
    assert response.status_code == 302 and response["Location"].startswith(reverse("entities:list"))
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_queries_do_not_grow_with_the_rows(section_head, changsha):
    def queries_for_export() -> int:
        queryset = Entity.objects.visible_to(section_head).order_by("name", "id")
        with CaptureQueriesContext(connection) as captured:
            b"".join(stream_entities_xlsx(queryset, viewer=section_head))
        return len(captured)

    for n in range(1, 4):
        clinic(section_head, n, township=changsha)
    few = queries_for_export()
    for n in range(4, 30):
        entity = clinic(section_head, n, township=changsha)
        services.add_licence(entity, actor=section_head, kind=LicenceKind.MEDICAL_PRACTICE, number=f"P{n}")
    assert queries_for_export() == few


def test_an_export_of_ones_own_bureau_imports_back_unchanged(client, section_head, changsha):
    entity = clinic(section_head, 1, township=changsha, legal_representative="张三", note="夜间营业",
                    longitude=Decimal("112.5"), latitude=Decimal("22.25"))
    services.add_licence(entity, actor=section_head, kind=LicenceKind.MEDICAL_PRACTICE, number="PDY1",
                         issued_on=dt.date(2020, 1, 1), valid_to=dt.date(2025, 1, 1))
    services.create_entity(actor=section_head, name="长沙村卫生室", no_credit_code_reason="village_clinic",
                           kind="medical", sub_kind="village_clinic", address="开平市长沙街道长沙村")
    client.force_login(section_head)
    data = b"".join(client.get(EXPORT).streaming_content)
    events = AuditEvent.objects.count()
    batch = run_import(section_head, data, "监管对象_导出.xlsx")
    assert batch.status == ImportStatus.APPLIED, batch.errors
    assert (batch.created_count, batch.updated_count, batch.unchanged_count) == (0, 0, 2)
    assert AuditEvent.objects.count() == events + 2  # the batch's upload and apply, nothing else
