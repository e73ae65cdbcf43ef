"""Tasks from a spreadsheet: every bad row listed with nothing saved (xlsx, UTF-8 and GBK CSV), confirm, re-upload
without duplicates, the template, and who may upload."""
import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fazhi.core.models import AuditEvent
from fazhi.entities.tests.factories import credit_code, register
from fazhi.inspections import joint, joint_import
from fazhi.inspections.models import ExternalTask

pytestmark = pytest.mark.django_db

HEADER = [c.label for c in joint_import.TEMPLATE_COLUMNS]
UPLOAD, CONFIRM = reverse("inspections:joint_upload"), reverse("inspections:joint_upload_confirm")


def row(hotel, **cells) -> list:
    values = {"部门": "市场监管", "部门任务编号": "SJ-001", "统一社会信用代码": hotel.credit_code,
              "监管对象名称": hotel.name, "任务名称": "食品安全抽查", "检查内容": "营业执照公示；明码标价",
              "检查日期起": "2026-03-01", "检查日期止": "2026-03-10", **cells}
    return [values.get(c.header, "") for c in joint_import.TEMPLATE_COLUMNS]


def csv_bytes(rows, encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADER)
    for cells in rows:
        workbook.active.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def post(client, data: bytes, name="任务.csv"):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, data)})


@pytest.fixture
def bad_rows(hotel):
    return [
        row(hotel),
        row(hotel, 部门="税务", 部门任务编号="SJ-002"),
        row(hotel, 部门任务编号="SJ-003", 统一社会信用代码=credit_code(99)),
        row(hotel, 部门任务编号="SJ-004", 检查日期起="2026-13-01"),
        row(hotel, 部门任务编号="SJ-005", 检查日期止="2026-02-01"),
        row(hotel, 部门任务编号="SJ-001"),
        row(hotel, 部门="卫生健康", 部门任务编号="WS-1", 检查内容=""),
    ]


def expect_listed(problems):
    found = {(p["row"], p["column"]) for p in problems}
    assert found >= {(3, "部门"), (4, "统一社会信用代码"), (5, "检查日期起"), (6, "检查日期止"), (7, "部门任务编号"),
                     (8, "部门"), (8, "检查内容")}
    assert all(p["message"] for p in problems) and (2, "部门") not in found


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_bad_csv_rows_are_all_listed_and_nothing_is_saved(as_user, section_head, bad_rows, encoding):
    response = post(as_user(section_head), csv_bytes(bad_rows, encoding))
    check = response.context["check"]
    assert not check.is_clean and "confirm_form" not in response.context
    expect_listed(check.problems)
    assert "本局监管对象中没有统一社会信用代码为" in response.content.decode()
    assert not ExternalTask.objects.exists()


def test_bad_xlsx_rows_are_all_listed_and_nothing_is_saved(as_user, section_head, bad_rows):
    response = post(as_user(section_head), xlsx_bytes(bad_rows), "任务.xlsx")
    expect_listed(response.context["check"].problems)
    assert not ExternalTask.objects.exists()


def test_a_clean_gbk_file_is_previewed_then_saved_on_confirmation(as_user, section_head, hotel):
    client = as_user(section_head)
    rows = [row(hotel), row(hotel, 部门="消防", 部门任务编号="XF-1", 检查内容="消防通道\n灭火器")]
    response = post(client, csv_bytes(rows, "gbk"))
    check = response.context["check"]
    assert check.is_clean and check.new_count == 2 and not ExternalTask.objects.exists()
    assert "确认导入" in response.content.decode()
    payload = response.context["confirm_form"].initial["payload"]
    assert client.post(CONFIRM, {"payload": payload}).status_code == 302
    fire = ExternalTask.objects.get(external_id="XF-1")
    assert (fire.department, fire.items, fire.entity) == ("fire", ["消防通道", "灭火器"], hotel)
    assert fire.window_start == dt.date(2026, 3, 1)
    assert AuditEvent.objects.filter(object_type="inspections.externaltask", object_id=str(fire.pk)).exists()


def test_uploading_the_same_file_again_updates_and_never_duplicates(section_head, hotel, kaiping):
    data = xlsx_bytes([row(hotel)])
    joint_import.apply_upload(kaiping, actor=section_head, data=data)
    again = joint_import.apply_upload(kaiping, actor=section_head, data=data)
    assert (len(again.created), len(again.updated), len(again.unchanged)) == (0, 0, 1)
    changed = joint_import.apply_upload(kaiping, actor=section_head, data=xlsx_bytes([row(hotel, 任务名称="复查")]))
    assert len(changed.updated) == 1 and ExternalTask.objects.get().title == "复查"


def test_a_row_gone_bad_since_the_check_rejects_the_whole_file(as_user, section_head, hotel, officer):
    client = as_user(section_head)
    other = register(officer, name="开平市另一宾馆", credit_code=credit_code(12), kind="public_place",
                     sub_kind="accommodation", address="开平市长沙街道2号")
    rows = [row(hotel), row(other, 部门任务编号="SJ-002")]
    payload = post(client, csv_bytes(rows)).context["confirm_form"].initial["payload"]
    # Meanwhile the first task arrives through the API and is merged with another department's.
    joint.save_tasks(hotel.organisation, actor=section_head, tasks=[
        joint.TaskInput(0, "market", "SJ-001", hotel.credit_code, "旧任务", ("旧内容",), dt.date(2026, 3, 1),
                        dt.date(2026, 3, 10)),
        joint.TaskInput(1, "fire", "XF-9", hotel.credit_code, "消防", ("通道",), dt.date(2026, 3, 1), dt.date(2026, 3, 10)),
    ])
    joint.merge_joint_visits(hotel.organisation, actor=section_head, window=(dt.date(2026, 3, 1), dt.date(2026, 3, 31)))
    response = client.post(CONFIRM, {"payload": payload})
    assert response.context["rechecked"] and response.context["check"].problems[0]["row"] == 2
    assert not ExternalTask.objects.filter(external_id="SJ-002").exists()


def test_a_tampered_confirmation_is_refused(as_user, section_head, hotel):
    response = as_user(section_head).post(CONFIRM, {"payload": "forged"})
    assert response.status_code == 302 and not ExternalTask.objects.exists()


def test_a_confirmation_is_only_for_the_person_who_checked(as_user, section_head, leader, hotel):
    payload = post(as_user(section_head), csv_bytes([row(hotel)])).context["confirm_form"].initial["payload"]
    as_user(leader).post(CONFIRM, {"payload": payload})
    assert not ExternalTask.objects.exists()


def test_a_file_that_is_not_the_template_is_refused_on_the_form(as_user, section_head):
    response = post(as_user(section_head), "名称,地址\n甲,乙\n".encode())
    assert "不是部门检查任务的导入模板" in response.content.decode()


def test_upload_is_for_joint_roles_and_imports_into_ones_own_bureau(as_user, officer, outsider, hotel):
    assert post(as_user(officer), csv_bytes([row(hotel)])).status_code == 403
    # The outsider's bureau has no entity with 开平's credit code.
    response = post(as_user(outsider), csv_bytes([row(hotel)]))
    assert response.context["check"].problems[0]["column"] == "统一社会信用代码"


def test_the_template_downloads_and_reads_back(as_user, section_head):
    response = as_user(section_head).get(reverse("inspections:joint_template"))
    assert response.status_code == 200 and "xlsx" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [c.value for c in workbook.worksheets[0][1]] == HEADER
    assert joint_import.map_header(HEADER)["window_end"] == 7
