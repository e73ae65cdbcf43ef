"""Bulk import: files in every format people have, every bad row reported, all or nothing, never a duplicate."""
import datetime as dt
import io
import json
import zipfile
from decimal import Decimal

import openpyxl
import psycopg
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fazhi.core import spreadsheets
from fazhi.core.audit import EventBatch, verify_chain
from fazhi.core.bulk import CopyJob
from fazhi.core.choices import AuditAction
from fazhi.core.models import AuditEvent
from fazhi.entities import imports, jobs, services
from fazhi.entities.choices import CreditGradeBasis, EntityStatus, ImportStatus, LicenceKind
from fazhi.entities.import_template import header_key
from fazhi.entities.models import CreditGradeChange, Entity, ImportBatch, Licence
from fazhi.entities.rules import IMPORT_RULES, ImportRules
from fazhi.entities.tests.factories import credit_code
from fazhi.entities.tests.import_files import (
    HEADER, cells_in_order, csv_file, entity_row, inline_xlsx_file, run_import, upload, xlsx_file,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("uploads_in_tmp")]

def errors_of(batch) -> list[tuple]:
    return [(e["row"], e["column"], e["message"]) for e in batch.errors]


def problem_with(actor, data: bytes, name: str) -> str:
    """The one message a malformed file gets: refused at upload, or the checked batch's message."""
    try:
        batch = imports.create_batch(actor=actor, uploaded_file=upload(data, name))
    except ValidationError as refusal:
        return " ".join(refusal.messages)
    batch = imports.check_batch(batch)
    assert batch.status == ImportStatus.FAILED, batch.errors
    return batch.message


# ---- fixtures ----------------------------------------------------------------------------------------------------

@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of two rows, so a handful of rows crosses several chunk boundaries."""
    monkeypatch.setattr(imports, "IMPORT_RULES", ImportRules(batch_size=2))


def entity_events(action=None):
    events = AuditEvent.objects.filter(object_type="entities.entity")
    return events.filter(action=action) if action else events


# ---- formats -----------------------------------------------------------------------------------------------------

def test_it_creates_entities_with_licences_domains_first_grades_and_one_event_each(section_head, townships, kaiping):
    rows = [entity_row(1), entity_row(2, {"监管专业": "医疗服务、放射卫生", "信用等级": "A"})]
    batch = run_import(section_head, xlsx_file(rows), "开平诊所.xlsx")
    assert batch.status == ImportStatus.APPLIED, batch.errors
    assert (batch.created_count, batch.updated_count, batch.unchanged_count) == (2, 0, 0)
    first, second = Entity.objects.order_by("name")
    assert first.organisation == kaiping and first.township == townships["changsha"]
    assert first.name_initials == "kpshmzs1" and first.credit_grade == "B"
    assert sorted(first.domains.values_list("code", flat=True)) == ["infectious_disease", "medical_service"]
    assert sorted(second.domains.values_list("code", flat=True)) == ["medical_service", "radiation"]
    assert (first.domain_codes, second.domain_codes) == ("infectious_disease medical_service",
                                                         "medical_service radiation")
    licence = Licence.objects.get(entity=first)
    assert (licence.kind, licence.number, licence.issued_on, licence.valid_to) == (
        LicenceKind.MEDICAL_PRACTICE, "PDY00001", dt.date(2025, 3, 1), dt.date(2030, 2, 28))
    initial = CreditGradeChange.objects.get(entity=second)
    assert (initial.basis, initial.to_grade, initial.changed_by) == (CreditGradeBasis.INITIAL, "A", section_head)
    created = entity_events(AuditAction.CREATE).order_by("seq")
    assert [e.object_id for e in created] == [str(first.pk), str(second.pk)]
    assert created[0].after["domains"] == ["infectious_disease", "medical_service"]
    assert created[0].detail["row"] == 2 and created[0].actor == section_head
    assert AuditEvent.objects.filter(object_type="entities.licence", action=AuditAction.CREATE).count() == 2
    assert AuditEvent.objects.filter(object_type="entities.importbatch").count() == 2  # upload, apply
    assert verify_chain().intact


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_it_reads_csv_in_utf8_with_or_without_bom_and_in_gbk(section_head, townships, encoding):
    rows = [entity_row(1, {"名称": "开平市长沙街道“康华”美容美发店", "类别": "公共场所", "细分类别": "美容美发场所",
                           "证照类别": "公共场所卫生许可证"})]
    batch = run_import(section_head, csv_file(rows, encoding=encoding), "美发店.csv")
    assert batch.status == ImportStatus.APPLIED, (batch.message, batch.errors)
    assert batch.encoding == ("utf-8" if encoding.startswith("utf") else "gb18030")
    entity = Entity.objects.get()
    assert entity.name == "开平市长沙街道“康华”美容美发店" and entity.sub_kind == "hairdressing"


def test_it_reads_xlsx_with_inline_strings_and_typed_cells(section_head, townships):
    row = entity_row(1, {"联系电话": 13812345678, "经度": 112.698545, "纬度": Decimal("22.376395"),
                         "发证日期": dt.date(2025, 3, 1), "有效期至": dt.datetime(2030, 2, 28), "重点监管": True,
                         "重点监管原因": "辖区唯一血液透析点"})
    for data in (inline_xlsx_file([row]), xlsx_file([row])):
        batch = run_import(section_head, data)
        assert batch.status == ImportStatus.APPLIED, batch.errors
    entity = Entity.objects.get()
    assert entity.contact_phone == "13812345678" and entity.is_key_supervision
    assert (entity.longitude, entity.latitude) == (Decimal("112.698545"), Decimal("22.376395"))
    assert Licence.objects.get().valid_to == dt.date(2030, 2, 28)


def test_it_matches_headers_without_stars_spaces_or_full_width_brackets(section_head, townships):
    header = [header_key(h) for h in HEADER]
    header[header.index("法定代表人（负责人）")] = " 法定代表人(负责人) "
    header[header.index("乡镇（街道）")] = "乡镇(街道)*"
    row = entity_row(1, {"法定代表人（负责人）": "张三"})
    batch = run_import(section_head, csv_file([row], header=header), "x.csv")
    assert batch.status == ImportStatus.APPLIED, (batch.message, batch.errors)
    assert Entity.objects.get().legal_representative == "张三"


def test_it_takes_codes_as_well_as_labels(section_head, townships):
    row = entity_row(1, {"类别": "public_place", "细分类别": "swimming", "监管专业": "public_place,drinking_water",
                         "经营状态": "operating", "信用等级": "A级", "乡镇（街道）": "440783001",
                         "证照类别": "public_place", "主体性质": "individual"})
    batch = run_import(section_head, csv_file([row]), "x.csv")
    assert batch.status == ImportStatus.APPLIED, batch.errors
    entity = Entity.objects.get()
    assert (entity.kind, entity.sub_kind, entity.township, entity.credit_grade, entity.legal_form) == (
        "public_place", "swimming", townships["sanbu"], "A", "individual")


def test_it_needs_only_the_required_columns(section_head, kaiping):
    header = ["名称*", "无代码原因", "类别*", "细分类别*", "地址*"]
    row = {"名称": "长沙村卫生室", "无代码原因": "村卫生室等未单独登记的机构", "类别": "医疗机构", "细分类别": "村卫生室",
           "地址": "开平市长沙街道长沙村"}
    batch = run_import(section_head, csv_file([row], header=header), "村卫生室.csv")
    assert batch.status == ImportStatus.APPLIED, batch.errors
    entity = Entity.objects.get()
    assert entity.credit_code == "" and entity.status == EntityStatus.OPERATING and entity.legal_form == "enterprise"


# ---- matching and idempotence ------------------------------------------------------------------------------------

def test_importing_the_same_file_again_creates_and_changes_nothing(section_head, townships):
    data = xlsx_file([entity_row(n) for n in range(1, 6)])
    run_import(section_head, data)
    counts = (Entity.objects.count(), Licence.objects.count(), CreditGradeChange.objects.count())
    events = AuditEvent.objects.exclude(object_type="entities.importbatch").count()
    updated = dict(Entity.objects.values_list("pk", "updated_at"))
    again = run_import(section_head, data)
    assert again.status == ImportStatus.APPLIED
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 5)
    assert (Entity.objects.count(), Licence.objects.count(), CreditGradeChange.objects.count()) == counts
    assert AuditEvent.objects.exclude(object_type="entities.importbatch").count() == events
    assert dict(Entity.objects.values_list("pk", "updated_at")) == updated


def test_it_updates_by_credit_code_and_audits_only_what_changed(section_head, townships):
    run_import(section_head, csv_file([entity_row(1)]), "x.csv")
    entity = Entity.objects.get()
    batch = run_import(section_head, csv_file([entity_row(1, {"联系电话": "0750-2212345", "名称": "开平市惠民门诊部",
                                                               "细分类别": "门诊部"})]), "x.csv")
    assert (batch.created_count, batch.updated_count) == (0, 1)
    entity.refresh_from_db()
    assert (entity.contact_phone, entity.sub_kind, entity.name_initials) == ("0750-2212345", "outpatient", "kpshmmzb")
    event = entity_events(AuditAction.UPDATE).get()
    assert event.before == {"contact_phone": "13812345678", "name": "开平市惠民诊所1", "sub_kind": "clinic"}
    assert event.after == {"contact_phone": "0750-2212345", "name": "开平市惠民门诊部", "sub_kind": "outpatient"}


def test_blank_cells_leave_an_existing_entitys_values_alone(section_head, townships):
    run_import(section_head, csv_file([entity_row(1, {"联系人": "李四", "备注": "夜间营业"})]), "x.csv")
    batch = run_import(section_head, csv_file([entity_row(1, {"联系电话": None, "乡镇（街道）": None})]), "x.csv")
    assert batch.unchanged_count == 1
    entity = Entity.objects.get()
    assert (entity.contact_person, entity.contact_phone, entity.note) == ("李四", "13812345678", "夜间营业")
    assert entity.township == townships["changsha"]


def test_it_matches_codeless_rows_by_name_and_address(section_head):
    row = {"名称": "长沙村卫生室", "无代码原因": "村卫生室等未单独登记的机构", "类别": "医疗机构", "细分类别": "村卫生室",
           "地址": "开平市长沙街道长沙村"}
    run_import(section_head, csv_file([row]), "x.csv")
    batch = run_import(section_head, csv_file([{**row, "联系人": "梁医生", "地址": " 开平市长沙街道长沙村 "}]), "x.csv")
    assert (batch.created_count, batch.updated_count) == (0, 1)
    assert Entity.objects.get().contact_person == "梁医生"
    moved = run_import(section_head, csv_file([{**row, "地址": "开平市长沙街道新村"}]), "x.csv")
    assert moved.created_count == 1 and Entity.objects.count() == 2


def test_a_code_given_later_goes_to_the_codeless_entity_of_that_name_and_address(section_head):
    row = {"名称": "惠民诊所", "无代码原因": "个体工商户，尚未取得统一社会信用代码", "类别": "医疗机构", "细分类别": "诊所",
           "地址": "开平市三埠街道1号"}
    run_import(section_head, csv_file([row]), "x.csv")
    batch = run_import(section_head, csv_file([{**row, "统一社会信用代码": credit_code(7)}]), "x.csv")
    assert (batch.created_count, batch.updated_count) == (0, 1)
    entity = Entity.objects.get()
    assert entity.credit_code == credit_code(7) and entity.no_credit_code_reason == ""


def test_another_bureaus_entity_with_the_same_code_is_not_touched(section_head, outsider, townships):
    f_entity = services.create_entity(actor=outsider, name="环翠区某诊所", credit_code=credit_code(1), kind="medical",
                                      sub_kind="clinic", address="威海市环翠区1号")
    batch = run_import(section_head, csv_file([entity_row(1)]), "x.csv")
    assert batch.created_count == 1
    f_entity.refresh_from_db()
    assert f_entity.name == "环翠区某诊所" and Entity.objects.filter(credit_code=credit_code(1)).count() == 2


# ---- row errors --------------------------------------------------------------------------------------------------

def test_it_lists_every_bad_row_with_the_models_own_messages_and_saves_nothing(section_head, townships):
    rows = [
        entity_row(1),
        entity_row(2, {"统一社会信用代码": credit_code(2)[:17] + ("0" if credit_code(2)[17] != "0" else "1")}),
        entity_row(3, {"类别": "公共场所"}),
        entity_row(4, {"联系电话": "12345", "乡镇（街道）": "环翠楼街道"}),
        entity_row(5, {"经度": "112.5", "重点监管": "是"}),
        entity_row(6, {"发证日期": "2026-01-02", "有效期至": "2025-01-01", "经营状态": "营业中"}),
        entity_row(7, {"统一社会信用代码": None}),
    ]
    batch = run_import(section_head, xlsx_file(rows))
    assert batch.status == ImportStatus.CHECKED_BAD
    errors = errors_of(batch)
    assert (3, "统一社会信用代码", "第18位校验码不正确（按GB 32100-2015计算），请逐位核对。") in errors
    assert any(e[:2] == (4, "细分类别") and e[2].startswith("“公共场所”下的细分类别只能是：") for e in errors)
    assert (5, "联系电话", "请填写11位手机号码，或带区号的固定电话（如0750-2212345）。") in errors
    assert (5, "乡镇（街道）", "“环翠楼街道”不在开平市辖区内。") in errors
    assert (6, "纬度", "经度和纬度须同时填写，或都不填。") in errors
    assert (6, "重点监管原因", "列为重点监管的，请写明原因。") in errors
    assert (7, "有效期至", "有效期至不能早于发证日期。") in errors
    assert (7, "经营状态", "“营业中”不是有效的经营状态，可填：在营、停业、注销、吊销。") in errors
    assert (8, "无代码原因", "没有统一社会信用代码的，请选择原因（如个体工商户尚未取得）。") in errors
    assert not [e for e in errors if e[0] == 2]
    assert batch.error_count == len(errors) == 9
    assert Entity.objects.count() == 0 and Licence.objects.count() == 0
    with pytest.raises(ValidationError):
        imports.apply_batch(batch, actor=section_head)


def test_the_same_credit_code_twice_is_an_error_on_the_later_row(section_head, townships):
    rows = [entity_row(1), entity_row(2), entity_row(3, {"统一社会信用代码": credit_code(1).lower()})]
    batch = run_import(section_head, csv_file(rows), "x.csv")
    assert errors_of(batch) == [(4, "统一社会信用代码", "与第2行的统一社会信用代码相同，同一监管对象只能占一行。")]


def test_a_licence_number_held_by_another_entity_is_an_error(section_head, townships):
    run_import(section_head, csv_file([entity_row(1)]), "x.csv")
    batch = run_import(section_head, csv_file([entity_row(2, {"证照编号": "PDY00001"})]), "x.csv")
    assert errors_of(batch) == [(2, "证照编号", "该证照已登记在“开平市惠民诊所1”名下，不能再登记给本行的监管对象，请核对编号。")]
    twice = run_import(section_head, csv_file([entity_row(3, {"证照编号": "X1"}), entity_row(4, {"证照编号": "X1"})]), "x.csv")
    assert errors_of(twice) == [(3, "证照编号", "与第2行的证照类别、编号都相同。")]


def test_a_licence_needs_both_kind_and_number(section_head, townships):
    rows = [entity_row(1, {"证照类别": None}), entity_row(2, {"证照编号": None})]
    batch = run_import(section_head, csv_file(rows), "x.csv")
    assert errors_of(batch) == [(2, "证照类别", "填写证照编号的，请同时填写证照类别。"),
                                (3, "证照编号", "填写了证照类别或日期的，请同时填写证照编号。")]


def test_a_licence_row_updates_the_dates_of_the_entitys_own_licence(section_head, townships):
    run_import(section_head, csv_file([entity_row(1)]), "x.csv")
    batch = run_import(section_head, csv_file([entity_row(1, {"有效期至": "2031-12-31"})]), "x.csv")
    assert batch.updated_count == 1
    assert Licence.objects.get().valid_to == dt.date(2031, 12, 31)
    event = AuditEvent.objects.get(object_type="entities.licence", action=AuditAction.UPDATE)
    assert (event.before, event.after) == ({"valid_to": "2030-02-28"}, {"valid_to": "2031-12-31"})


def test_a_kind_without_default_domains_needs_them_written(section_head, townships):
    row = entity_row(1, {"类别": "其他", "细分类别": "其他", "证照编号": None, "证照类别": None, "发证日期": None,
                         "有效期至": None})
    batch = run_import(section_head, csv_file([row]), "x.csv")
    assert errors_of(batch) == [(2, "监管专业", "类别“其他”没有默认的监管专业，请填写监管专业。")]


def test_unknown_values_say_what_may_be_written(section_head, townships):
    rows = [entity_row(1, {"监管专业": "医疗服务、食品安全", "乡镇（街道）": "不存在镇", "发证日期": "去年"})]
    batch = run_import(section_head, csv_file(rows), "x.csv")
    errors = {e[1]: e[2] for e in errors_of(batch)}
    assert errors["监管专业"].startswith("监管专业“食品安全”不存在，可填：医疗服务、传染病防治")
    assert errors["乡镇（街道）"] == "开平市辖区内没有名为“不存在镇”的乡镇（街道），请核对名称或改填9位代码。"
    assert errors["发证日期"] == "“去年”不是有效日期，请按2026-01-31的格式填写。"


def test_a_credit_code_excel_turned_into_a_number_is_explained(section_head, townships):
    batch = run_import(section_head, xlsx_file([entity_row(1, {"统一社会信用代码": 1.24407831234567e17})]))
    assert errors_of(batch) == [(2, "统一社会信用代码",
                                 "统一社会信用代码被Excel存成了数字（末几位已丢失），请把该列设为“文本”格式后重新录入。")]


# ---- status and grade --------------------------------------------------------------------------------------------

def test_status_changes_only_by_a_legal_move(section_head, townships):
    run_import(section_head, csv_file([entity_row(1), entity_row(2, {"经营状态": "注销"})]), "x.csv")
    batch = run_import(section_head, csv_file([entity_row(1, {"经营状态": "停业"}), entity_row(2, {"经营状态": "在营"})]),
                       "x.csv")
    assert errors_of(batch) == [
        (3, "经营状态", "经营状态不能从“注销”改为“在营”（注销、吊销后不能恢复，须重新登记）。")]
    batch = run_import(section_head, csv_file([entity_row(1, {"经营状态": "停业"})]), "x.csv")
    assert batch.status == ImportStatus.APPLIED
    entity = Entity.objects.get(credit_code=credit_code(1))
    assert entity.status == EntityStatus.SUSPENDED
    event = entity_events(AuditAction.TRANSITION).get()
    assert (event.before, event.after) == ({"status": "operating"}, {"status": "suspended"})
    assert event.detail["transition"] == "suspend" and "第2行" in event.detail["note"]


def test_a_changed_grade_needs_a_grader_and_is_recorded_with_the_file_and_row(section_head, clerk, townships):
    run_import(clerk, csv_file([entity_row(1)]), "first.csv")
    refused = run_import(clerk, csv_file([entity_row(1, {"信用等级": "C"})]), "grades.csv")
    assert errors_of(refused) == [(2, "信用等级", "系统中为B级（基本守信），调整信用等级须有信用评定权限；如不调整，请清空此格或填写“B”。")]
    batch = run_import(section_head, csv_file([entity_row(1, {"信用等级": "C级（失信）"})]), "grades.csv")
    assert batch.updated_count == 1
    change = CreditGradeChange.objects.get(basis=CreditGradeBasis.IMPORT)
    assert (change.from_grade, change.to_grade, change.changed_by) == ("B", "C", section_head)
    assert change.reason == "批量导入（grades.csv 第2行）" and change.effective_on == timezone.localdate()
    event = entity_events(AuditAction.UPDATE).get()
    assert (event.before, event.after) == ({"credit_grade": "B"}, {"credit_grade": "C"})


# ---- all or nothing ----------------------------------------------------------------------------------------------

def test_apply_checks_again_and_saves_nothing_when_the_data_changed_since(section_head, townships, small_chunks):
    batch = run_import(section_head, csv_file([entity_row(n) for n in range(1, 6)]), "x.csv", apply=False)
    assert batch.status == ImportStatus.CHECKED_OK and batch.created_count == 5
    entity = services.create_entity(actor=section_head, name="后来登记的诊所", credit_code=credit_code(99),
                                    kind="medical", sub_kind="clinic", address="开平市某路")
    services.add_licence(entity, actor=section_head, kind=LicenceKind.MEDICAL_PRACTICE, number="PDY00005")
    batch = imports.apply_batch(batch, actor=section_head)
    assert batch.status == ImportStatus.CHECKED_BAD
    assert errors_of(batch) == [(6, "证照编号", "该证照已登记在“后来登记的诊所”名下，不能再登记给本行的监管对象，请核对编号。")]
    assert "未导入任何记录" in batch.message
    assert Entity.objects.count() == 1 and Licence.objects.count() == 1


def test_apply_reads_the_rows_the_check_kept_and_removes_them_once_applied(section_head, townships, monkeypatch):
    batch = run_import(section_head, xlsx_file([entity_row(n) for n in range(1, 4)]), "x.xlsx", apply=False)
    storage, kept = batch.file.storage, imports.parsed_rows_name(batch)
    assert batch.status == ImportStatus.CHECKED_OK and storage.exists(kept)

    def no_second_parse(*args, **kwargs):
        raise AssertionError("the workbook was parsed again")

    monkeypatch.setattr(imports, "read_table", no_second_parse)
    batch = imports.apply_batch(batch, actor=section_head)
    assert batch.status == ImportStatus.APPLIED and batch.created_count == 3
    assert sorted(Entity.objects.values_list("name", flat=True)) == sorted(entity_row(n)["名称"] for n in range(1, 4))
    assert not storage.exists(kept)


@pytest.mark.parametrize("make", [csv_file, xlsx_file, inline_xlsx_file], ids=["csv", "xlsx", "inline xlsx"])
def test_a_file_parsed_aside_imports_like_one_parsed_here(make, section_head, townships, monkeypatch):
    monkeypatch.setattr(spreadsheets, "READ_ASIDE_FROM_BYTES", 0)
    rows = [entity_row(n) for n in range(1, 6)]
    batch = run_import(section_head, make(rows), "aside")
    assert batch.status == ImportStatus.APPLIED and batch.created_count == 5
    assert sorted(Entity.objects.values_list("name", "credit_code")) == sorted(
        (r["名称"], r["统一社会信用代码"]) for r in rows)


def test_rows_that_cannot_be_kept_only_cost_a_second_reading(section_head, townships, monkeypatch):
    def full_disk(self, name, content, max_length=None):
        raise OSError("disk full")

    batch = imports.create_batch(actor=section_head, uploaded_file=upload(csv_file([entity_row(1)]), "x.csv"))
    monkeypatch.setattr(FileSystemStorage, "save", full_disk)
    batch = imports.check_batch(batch)
    monkeypatch.undo()
    assert batch.status == ImportStatus.CHECKED_OK
    assert not batch.file.storage.exists(imports.parsed_rows_name(batch))
    batch = imports.apply_batch(batch, actor=section_head)
    assert batch.status == ImportStatus.APPLIED and Entity.objects.count() == 1


def test_kept_rows_of_another_upload_are_not_used(section_head, townships):
    batch = run_import(section_head, csv_file([entity_row(n) for n in range(1, 3)]), "x.csv", apply=False)
    storage, kept = batch.file.storage, imports.parsed_rows_name(batch)
    with storage.open(kept, "rb") as handle:
        lines = handle.read().splitlines()
    # Rows kept for some other file (a third row repeating the first): read, they would fail the apply.
    header = json.loads(lines[0]) | {"sha256": "0" * 64}
    forged = [json.dumps(header).encode(), *lines[1:], json.dumps([9, json.loads(lines[1])[1]]).encode()]
    storage.delete(kept)
    storage.save(kept, ContentFile(b"\n".join(forged) + b"\n"))
    batch = imports.apply_batch(batch, actor=section_head)
    assert batch.status == ImportStatus.APPLIED and Entity.objects.count() == 2


def test_a_failed_check_keeps_no_rows_and_a_cancel_removes_them(section_head, townships):
    bad = run_import(section_head, csv_file([entity_row(1, {"统一社会信用代码": "123"})]), "bad.csv", apply=False)
    assert bad.status == ImportStatus.CHECKED_BAD
    assert not bad.file.storage.exists(imports.parsed_rows_name(bad))
    good = run_import(section_head, csv_file([entity_row(1)]), "good.csv", apply=False)
    assert good.file.storage.exists(imports.parsed_rows_name(good))
    imports.cancel_batch(good, actor=section_head)
    assert not good.file.storage.exists(imports.parsed_rows_name(good))


def fail_second_call(monkeypatch, owner, name: str, error: Exception) -> None:
    calls, real = [], getattr(owner, name)

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, failing)


def test_a_failure_while_writing_rolls_back_every_chunk(section_head, townships, small_chunks, monkeypatch):
    fail_second_call(monkeypatch, EventBatch, "add", RuntimeError("out of memory"))
    batch = run_import(section_head, csv_file([entity_row(n) for n in range(1, 6)]), "x.csv")
    assert batch.status == ImportStatus.FAILED and "未导入任何记录" in batch.message
    assert Entity.objects.count() == Licence.objects.count() == CreditGradeChange.objects.count() == 0
    assert not entity_events().exists() and verify_chain().intact


def test_a_conflict_met_while_rows_go_in_beside_the_events_rolls_back_every_chunk(
        section_head, townships, small_chunks, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("rows are written beside the events (in a helper thread) on PostgreSQL only")
    fail_second_call(monkeypatch, CopyJob, "run", psycopg.errors.UniqueViolation("duplicate key"))
    batch = run_import(section_head, csv_file([entity_row(n) for n in range(1, 6)]), "x.csv")
    assert batch.status == ImportStatus.FAILED and "与他人同时进行的修改冲突" in batch.message
    assert Entity.objects.count() == Licence.objects.count() == CreditGradeChange.objects.count() == 0
    assert not entity_events().exists() and verify_chain().intact


def test_apply_writes_in_a_bounded_number_of_queries(section_head, townships):
    def queries_for(count: int, offset: int) -> int:
        batch = run_import(section_head, csv_file([entity_row(n) for n in range(offset, offset + count)]), "x.csv",
                           apply=False)
        with CaptureQueriesContext(connection) as captured:
            assert imports.apply_batch(batch, actor=section_head).status == ImportStatus.APPLIED
        return len(captured)

    # SQLite takes at most 999 parameters a statement, so 40 rows' inserts may take two statements instead of one.
    few, many = queries_for(4, 200), queries_for(40, 100)
    assert many <= few + 3 < 40


# ---- malformed files ---------------------------------------------------------------------------------------------

def with_sheet_text(data: bytes, placeholder: str, text: str) -> bytes:
    """The same workbook with `placeholder` in its sheet XML replaced: cells beyond what writers allow."""
    source, buffer = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename.endswith("sheet1.xml"):
                content = content.replace(placeholder.encode(), text.encode())
            target.writestr(info.filename, content)
    return buffer.getvalue()


def _zip(members: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


BAD_FILES = {
    "empty": (b"", "x.csv", "文件是空的"),
    "blank": (b" \r\n\r\n", "x.csv", "文件是空的"),
    "header only": (csv_file([]), "x.csv", "表格只有表头，没有数据行"),
    "header only xlsx": (xlsx_file([]), "x.xlsx", "表格只有表头，没有数据行"),
    "junk named csv": (bytes(range(256)) * 8, "x.csv", "文件中含有空字符"),
    "junk named xlsx": (b"\x89PNG\r\n\x1a\n" + bytes(range(1, 256)) * 4, "x.xlsx", "无法识别文件内容"),
    "zip not a workbook": (_zip({"word/document.xml": "<w/>", "readme.txt": "hi"}), "x.xlsx", "不是Excel工作簿"),
    "broken zip": (b"PK\x03\x04" + b"\x00\x01" * 200, "x.xlsx", "不是Excel工作簿"),
    "ods": (_zip({"mimetype": "application/vnd.oasis.opendocument.spreadsheet"}), "x.xlsx", ".ods"),
    "neither utf8 nor gbk": ("名称*,地址*\n".encode("utf-8") + b"\x81\x30\xff\xfe\x80", "x.csv", "UTF-8或GBK"),
    "utf16": ("名称*,地址*\n".encode("utf-16"), "x.csv", "UTF-16"),
    "nul bytes": (csv_file([entity_row(1)]).replace(b"\n", b"\x00\n", 1), "x.csv", "空字符"),
    "old xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "x.xls", "旧版Excel（.xls）"),
    "missing and unknown columns": (csv_file([{"名称": "a"}], header=["名称*", "电话号码", "类别*"]), "x.csv",
                                    "缺少必填列：细分类别*、地址*；有无法识别的列：电话号码"),
    "repeated column": (csv_file([], header=[*HEADER, "名称"]), "x.csv", "“名称”出现了不止一次"),
    "10 MB in one cell csv": (csv_file([entity_row(1, {"备注": "长" * 10_000_000})]), "x.csv", "超过每格2000个字符的上限"),
    # Writers cut a cell at Excel's 32,767 characters; the case below puts the full 10 MB into the sheet itself.
    "long inline string xlsx": (inline_xlsx_file([entity_row(1, {"备注": "长" * 40_000})]), "x.xlsx",
                                "第2行第23列的内容有32767个字符，超过每格2000个字符的上限"),
    "10 MB in one cell xlsx": (with_sheet_text(inline_xlsx_file([entity_row(1, {"备注": "PLACEHOLDER"})]), "PLACEHOLDER",
                                               "x" * 10_000_000), "x.xlsx", "第2行第23列的内容有10000000个字符"),
    "long shared string xlsx": (xlsx_file([entity_row(1, {"备注": "x" * 40_000})]), "x.xlsx", "超过每格2000个字符的上限"),
}


@pytest.mark.parametrize("aside", [False, True], ids=["read here", "read aside"])
@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_a_malformed_file_gets_one_clear_message_and_changes_nothing(case, aside, section_head, townships, monkeypatch):
    # Read aside: parsed in a child process (as large files are), which must refuse a file in the same words.
    monkeypatch.setattr(spreadsheets, "READ_ASIDE_FROM_BYTES", 0 if aside else 1 << 40)
    data, name, expected = BAD_FILES[case]
    assert expected in problem_with(section_head, data, name)
    assert Entity.objects.count() == Licence.objects.count() == 0
    assert not AuditEvent.objects.exclude(object_type="entities.importbatch").exists()


def test_more_rows_than_the_limit_is_refused(section_head, townships, monkeypatch):
    monkeypatch.setattr(imports, "IMPORT_RULES", ImportRules(max_rows=3, batch_size=2))
    message = problem_with(section_head, csv_file([entity_row(n) for n in range(1, 5)]), "x.csv")
    assert message == "数据超过3行的上限，请拆分为几个文件分批导入。"


@pytest.mark.parametrize("make", [csv_file, xlsx_file], ids=["csv", "xlsx"])
def test_a_sheet_wider_than_the_limit_is_refused(make, section_head, townships, monkeypatch):
    monkeypatch.setattr(imports, "IMPORT_RULES", ImportRules(max_columns=25))
    header = [*HEADER, "甲", "乙", "丙"]
    message = problem_with(section_head, make([entity_row(1, {"丙": "x"})], header=header), "x")
    assert message == "表格超过25列，不是导入模板的格式。请使用导入模板。"


def test_a_sheet_that_expands_too_far_is_refused_as_a_zip_bomb(section_head, townships, monkeypatch):
    monkeypatch.setattr(imports, "IMPORT_RULES", ImportRules(max_expansion=1))
    # Blank space compresses to almost nothing; once inflated past the limit (1 MB × 1 here), reading stops.
    data = with_sheet_text(inline_xlsx_file([entity_row(1)]), "</sheetData>", " " * (2 << 20) + "</sheetData>")
    assert len(data) < 1 << 20
    assert "工作表解压后过大" in problem_with(section_head, data, "x.xlsx")


def test_only_the_first_errors_are_kept_but_all_are_counted(section_head, townships, monkeypatch):
    monkeypatch.setattr(imports, "IMPORT_RULES", ImportRules(max_stored_errors=2))
    batch = run_import(section_head, csv_file([entity_row(n, {"联系电话": "12345"}) for n in range(1, 5)]), "x.csv")
    assert batch.status == ImportStatus.CHECKED_BAD
    assert [e[0] for e in errors_of(batch)] == [2, 3] and batch.error_count == 4
    assert "发现4处错误，下面列出前2处" in batch.message


def test_a_file_over_the_size_limit_is_refused_at_upload_with_the_limit(section_head, monkeypatch):
    monkeypatch.setattr(imports, "IMPORT_RULES", ImportRules(max_file_bytes=2 * 1024 * 1024))
    with pytest.raises(ValidationError) as refusal:
        imports.create_batch(actor=section_head, uploaded_file=upload(b"a" * (3 * 1024 * 1024), "big.csv"))
    assert refusal.value.message_dict["file"] == ["文件大小为3.0 MB，超过2.0 MB的上限，请拆分为几个文件分批导入。"]
    assert not ImportBatch.objects.exists()


def test_the_default_limits_are_the_rule_tables(section_head):
    assert imports.IMPORT_RULES is IMPORT_RULES
    assert IMPORT_RULES.max_cell_chars == 2000 and "2000" in BAD_FILES["10 MB in one cell csv"][2]


# ---- who may import, and where -----------------------------------------------------------------------------------

def test_only_importers_may_upload_and_apply(officer, section_head, townships):
    with pytest.raises(PermissionDenied):
        imports.create_batch(actor=officer, uploaded_file=upload(csv_file([entity_row(1)]), "x.csv"))
    batch = run_import(section_head, csv_file([entity_row(1)]), "x.csv", apply=False)
    with pytest.raises(PermissionDenied):
        imports.apply_batch(batch, actor=officer)


def test_a_batch_belongs_to_the_importers_bureau_and_no_other_bureau_may_apply_or_cancel_it(
        section_head, outsider, city_admin, kaiping, townships):
    batch = run_import(section_head, csv_file([entity_row(1)]), "x.csv", apply=False)
    assert batch.organisation == kaiping and batch.created_by == section_head
    assert not ImportBatch.objects.visible_to(outsider).exists()
    assert ImportBatch.objects.visible_to(city_admin).exists()
    for actor in (outsider, city_admin):
        with pytest.raises(PermissionDenied):
            imports.apply_batch(batch, actor=actor)
        with pytest.raises(PermissionDenied):
            imports.cancel_batch(batch, actor=actor)
    assert Entity.objects.count() == 0


def test_rows_of_another_bureau_in_an_export_are_refused(section_head, townships):
    header = [*HEADER, "监管机关", "更新时间"]
    rows = [entity_row(1, {"监管机关": "开平市卫生健康局", "更新时间": "2026-01-01 08:00"}),
            entity_row(2, {"监管机关": "威海市环翠区卫生健康局"})]
    batch = run_import(section_head, csv_file(rows, header=header), "x.csv")
    assert errors_of(batch) == [(3, "监管机关", "该行属于“威海市环翠区卫生健康局”，只能导入本局（开平市卫生健康局）的监管对象，请删除其他机关的行。")]


# ---- progress and interruptions ----------------------------------------------------------------------------------

def test_progress_is_reported_by_chunk_in_both_phases(section_head, townships, small_chunks):
    seen = {"check": [], "apply": []}
    data = csv_file([entity_row(n) for n in range(1, 6)])
    batch = imports.create_batch(actor=section_head, uploaded_file=upload(data, "x.csv"))
    batch = imports.check_batch(batch, on_progress=lambda done, total: seen["check"].append((done, total)))
    assert batch.processed_rows == batch.total_rows == 5
    imports.apply_batch(batch, actor=section_head, on_progress=lambda done, total: seen["apply"].append((done, total)))
    assert [done for done, _ in seen["check"]] == [2, 4, 5] == [done for done, _ in seen["apply"]]
    assert seen["apply"][0][1] == 5
    assert imports.read_progress(batch.pk)["processed"] == 5


def test_a_batch_whose_job_died_shows_as_interrupted_and_can_be_checked_again(section_head, townships, monkeypatch):
    batch = run_import(section_head, csv_file([entity_row(1)]), "x.csv", apply=False)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.APPLYING)
    batch.refresh_from_db()
    imports.publish_progress(batch.pk, "apply", 0, 1)
    assert not imports.is_interrupted(batch)
    clock = imports.time.time() + IMPORT_RULES.interrupted_after_seconds + 1
    monkeypatch.setattr(imports.time, "time", lambda: clock)
    assert imports.is_interrupted(batch)
    jobs.start_check(batch, actor=section_head)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.CHECKED_OK and Entity.objects.count() == 0


def test_a_running_batch_cannot_be_checked_again_or_cancelled(section_head, townships):
    batch = run_import(section_head, csv_file([entity_row(1)]), "x.csv", apply=False)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.APPLYING)
    imports.publish_progress(batch.pk, "apply", 0, 1)
    batch.refresh_from_db()
    with pytest.raises(ValidationError):
        jobs.start_check(batch, actor=section_head)
    with pytest.raises(ValidationError):
        imports.cancel_batch(batch, actor=section_head)


def test_a_cancelled_or_applied_batch_cannot_be_applied_again(section_head, townships):
    batch = run_import(section_head, csv_file([entity_row(1)]), "x.csv", apply=False)
    imports.cancel_batch(batch, actor=section_head)
    with pytest.raises(ValidationError):
        imports.apply_batch(batch, actor=section_head)
    applied = run_import(section_head, csv_file([entity_row(2)]), "y.csv")
    with pytest.raises(ValidationError):
        jobs.start_apply(applied, actor=section_head)


# ---- the template ------------------------------------------------------------------------------------------------

def test_the_template_has_the_header_and_a_guide_with_every_allowed_value(kaiping, townships):
    workbook = openpyxl.load_workbook(io.BytesIO(imports.build_template(kaiping)))
    assert workbook.sheetnames[:2] == ["监管对象", "填写说明"]
    header = [c.value for c in workbook["监管对象"][1]]
    assert header == HEADER and header[0] == "名称*" and "统一社会信用代码" in header
    guide = "\n".join(str(c.value) for row in workbook["填写说明"].iter_rows() for c in row if c.value)
    for expected in ("医疗机构：医院、乡镇卫生院", "公共场所：住宿场所", "在营、停业、注销、吊销", "A级（守信）",
                     "企业、事业单位", "个体工商户，尚未取得统一社会信用代码", "医疗服务、传染病防治", "公共场所卫生许可证",
                     "长沙街道（440783002）", "三埠街道（440783001）", "开平市卫生健康局"):
        assert expected in guide
    assert "环翠楼街道" not in guide


def test_a_filled_in_template_imports(section_head, kaiping, townships):
    workbook = openpyxl.load_workbook(io.BytesIO(imports.build_template(kaiping)))
    workbook["监管对象"].append(cells_in_order(entity_row(1), HEADER))
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert run_import(section_head, buffer.getvalue(), "模板.xlsx").status == ImportStatus.APPLIED


def test_a_reimport_that_changes_the_domains_changes_the_searchable_codes(section_head, townships):
    run_import(section_head, csv_file([entity_row(1)]), "x.csv")
    run_import(section_head, csv_file([entity_row(1, {"监管专业": "放射卫生"})]), "x.csv")
    entity = Entity.objects.get()
    assert entity.domain_codes == "radiation"
    assert list(Entity.objects.in_domain("radiation")) == [entity]
    assert not Entity.objects.in_domain("medical_service").exists()
