"""The import pages as their users see them: upload, findings, confirm, progress, scoping and the command."""
import io
import threading

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from fazhi.core.xlsx_stream import XLSX_CONTENT_TYPE
from fazhi.entities import imports, jobs
from fazhi.entities.choices import ImportStatus
from fazhi.entities.models import Entity, ImportBatch
from fazhi.entities.rules import ImportRules

from .import_files import csv_file, entity_row, upload, xlsx_file

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("uploads_in_tmp")]
LIST, UPLOAD = reverse("entities:import_list"), reverse("entities:import_upload")
TEMPLATE = reverse("entities:import_template")


def detail(batch):
    return reverse("entities:import_detail", args=[batch.pk])


def post_file(client, data: bytes, name: str = "监管对象.xlsx"):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, data)})


def checked_batch(actor, rows, name="x.csv"):
    return imports.check_batch(imports.create_batch(actor=actor, uploaded_file=upload(csv_file(rows), name)))


# ---- upload and findings -----------------------------------------------------------------------------------------

def test_an_upload_is_checked_and_shows_its_preview_and_the_confirm_button(client, section_head, townships):
    client.force_login(section_head)
    page = client.get(UPLOAD).content.decode()
    assert "下载导入模板" in page and 'enctype="multipart/form-data"' in page
    response = post_file(client, xlsx_file([entity_row(1), entity_row(2)]))
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(batch)
    page = client.get(detail(batch)).content.decode()
    assert "检查通过" in page and "将新增2个" in page and "确认导入</button>" in page
    assert "开平市惠民诊所1" in page and "开平市惠民诊所2" in page  # the preview of the first rows
    assert "every 1s" not in page
    assert not Entity.objects.exists()


def test_bad_rows_are_listed_by_row_column_and_message(client, section_head, townships):
    client.force_login(section_head)
    post_file(client, csv_file([entity_row(1), entity_row(2, {"联系电话": "12345"})]), "x.csv")
    page = client.get(detail(ImportBatch.objects.get())).content.decode()
    assert "检查发现错误" in page and "确认导入</button>" not in page
    assert "<td>3</td><td>联系电话</td><td>请填写11位手机号码，或带区号的固定电话（如0750-2212345）。</td>" in page


def test_a_file_that_is_no_table_is_refused_on_the_form(client, section_head):
    client.force_login(section_head)
    page = post_file(client, b"\x89PNG\r\n\x1a\n" + bytes(range(1, 200)), "x.xlsx").content.decode()
    assert "无法识别文件内容" in page and not ImportBatch.objects.exists()
    page = client.post(UPLOAD, {}).content.decode()
    assert "请选择要导入的文件。" in page


def test_a_file_over_the_limit_is_refused_with_the_limit(client, section_head, monkeypatch):
    monkeypatch.setattr(imports, "IMPORT_RULES", ImportRules(max_file_bytes=1024 * 1024))
    client.force_login(section_head)
    page = post_file(client, b"a," * (1024 * 1024), "big.csv").content.decode()
    assert "超过1.0 MB的上限" in page and not ImportBatch.objects.exists()


def test_a_malformed_workbook_fails_with_its_message(client, section_head):
    client.force_login(section_head)
    post_file(client, xlsx_file([]))
    page = client.get(detail(ImportBatch.objects.get())).content.decode()
    assert "失败，未导入" in page and "表格只有表头，没有数据行" in page and "取消本批次" in page


# ---- confirm, cancel, progress -----------------------------------------------------------------------------------

def test_confirming_applies_the_batch(client, section_head, townships):
    batch = checked_batch(section_head, [entity_row(1)])
    client.force_login(section_head)
    response = client.post(reverse("entities:import_apply", args=[batch.pk]))
    assert response.status_code == 302 and response["Location"] == detail(batch)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLIED and Entity.objects.get().name == "开平市惠民诊所1"
    page = client.get(detail(batch)).content.decode()
    assert "已导入：共1行，新增1个" in page and "查看监管对象" in page and "确认导入</button>" not in page
    again = client.post(reverse("entities:import_apply", args=[batch.pk]), follow=True).content.decode()
    assert "只有“检查通过”的批次才能导入" in again and Entity.objects.count() == 1


def test_cancelling_leaves_the_registry_alone(client, section_head, townships):
    batch = checked_batch(section_head, [entity_row(1)])
    client.force_login(section_head)
    page = client.post(reverse("entities:import_cancel", args=[batch.pk]), follow=True).content.decode()
    assert "已取消该批次" in page
    batch.refresh_from_db()
    assert batch.status == ImportStatus.CANCELLED and not Entity.objects.exists()


def test_actions_take_post_only(client, section_head, townships):
    batch = checked_batch(section_head, [entity_row(1)])
    client.force_login(section_head)
    for name in ("import_apply", "import_cancel"):
        assert client.get(reverse(f"entities:{name}", args=[batch.pk])).status_code == 405
    assert client.post(reverse("entities:import_progress", args=[batch.pk])).status_code == 405
    assert client.put(detail(batch)).status_code == 405


def test_a_running_batch_polls_for_its_progress_and_stops_when_done(client, section_head, townships):
    batch = checked_batch(section_head, [entity_row(1)])
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.APPLYING)
    imports.publish_progress(batch.pk, "apply", 250, 1000)
    client.force_login(section_head)
    progress = reverse("entities:import_progress", args=[batch.pk])
    page = client.get(detail(batch)).content.decode()
    assert f'hx-get="{progress}" hx-trigger="every 1s"' in page
    part = client.get(progress, HTTP_HX_REQUEST="true").content.decode()
    assert 'value="25"' in part and "已处理 250 行，共约 1000 行" in part and "<html" not in part
    assert "确认导入</button>" not in part and "取消本批次" not in part
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.APPLIED, message="已导入：共1行")
    part = client.get(progress, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in part and "已导入：共1行" in part


def test_an_interrupted_batch_says_so_and_can_be_checked_again(client, section_head, townships):
    batch = checked_batch(section_head, [entity_row(1)])
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.CHECKING)
    imports.cache.delete(imports.progress_key(batch.pk))  # its job died with the server
    client.force_login(section_head)
    page = client.get(detail(batch)).content.decode()
    assert "已中断" in page and "处理过程被中断" in page and "重新检查" in page and "every 1s" not in page
    assert "已中断" in client.get(LIST).content.decode()
    client.post(detail(batch))
    batch.refresh_from_db()
    assert batch.status == ImportStatus.CHECKED_OK


# Serialized rollback: the flush after a transactional test must leave later tests the rows the migrations seed.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_without_inline_jobs_the_check_runs_in_a_thread_once_committed(
        client, section_head, townships, settings, monkeypatch):
    settings.FAZHI_JOBS_INLINE = False
    launches = []
    monkeypatch.setattr(jobs.transaction, "on_commit", launches.append)
    client.force_login(section_head)
    post_file(client, csv_file([entity_row(1)]), "x.csv")
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.CHECKING and len(launches) == 1  # waits for the commit
    # Started after the request is over: the in-memory SQLite of the tests refuses two writers at once.
    launches[0]()
    workers = [t for t in threading.enumerate() if t.name == f"entity-import-{batch.pk}-check"]
    assert len(workers) == 1 and workers[0].daemon
    workers[0].join(timeout=30)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.CHECKED_OK, batch.message


# ---- the list, the template, who may see what --------------------------------------------------------------------

def test_the_list_shows_the_bureaus_batches(client, section_head, clerk, outsider, townships):
    mine = checked_batch(section_head, [entity_row(1)], "开平批次.csv")
    theirs = imports.create_batch(actor=outsider, uploaded_file=upload(csv_file([entity_row(2)]), "环翠批次.csv"))
    client.force_login(clerk)
    page = client.get(LIST).content.decode()
    assert "开平批次.csv" in page and "环翠批次.csv" not in page and "检查通过" in page
    assert "上传导入文件" in page and "下载导入模板" in page
    assert client.get(detail(mine)).status_code == 200
    assert client.get(detail(theirs)).status_code == 404
    assert client.get(reverse("entities:import_progress", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("entities:import_apply", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("entities:import_cancel", args=[theirs.pk])).status_code == 404


def test_import_pages_are_for_importers_only(client, officer, leader, townships, section_head):
    batch = checked_batch(section_head, [entity_row(1)])
    for person in (officer, leader):
        client.force_login(person)
        for url in (LIST, UPLOAD, TEMPLATE, detail(batch)):
            assert client.get(url).status_code == 403, (person, url)
        assert client.post(reverse("entities:import_apply", args=[batch.pk])).status_code == 403
    client.logout()
    assert client.get(LIST).status_code == 302


def test_the_city_sees_a_countys_batch_but_cannot_act_on_it(client, city_admin, section_head, townships):
    batch = checked_batch(section_head, [entity_row(1)])
    client.force_login(city_admin)
    page = client.get(detail(batch)).content.decode()
    assert "检查通过" in page and "确认导入</button>" not in page and "取消本批次" not in page
    assert client.post(reverse("entities:import_apply", args=[batch.pk])).status_code == 403
    assert not Entity.objects.exists()


def test_the_template_downloads_as_xlsx_for_the_bureau(client, clerk, townships):
    client.force_login(clerk)
    response = client.get(TEMPLATE)
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert "filename*=utf-8''%E7%9B%91%E7%AE%A1" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[:2] == ["监管对象", "填写说明"]


# ---- the command -------------------------------------------------------------------------------------------------

def test_the_command_checks_then_applies_a_file(section_head, townships, tmp_path, capsys):
    path = tmp_path / "大文件.csv"
    path.write_bytes(csv_file([entity_row(1), entity_row(2)]))
    call_command("import_entities", str(path), "--user", "head")
    assert "检查通过" in capsys.readouterr().out and not Entity.objects.exists()
    call_command("import_entities", str(path), "--user", "head", "--apply")
    assert "已导入" in capsys.readouterr().out and Entity.objects.count() == 2


def test_the_command_prints_the_errors_and_fails(section_head, townships, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_file([entity_row(1, {"联系电话": "12345"})]))
    with pytest.raises(CommandError):
        call_command("import_entities", str(path), "--user", "head", "--apply")
    assert "第2行“联系电话”列：请填写11位手机号码" in capsys.readouterr().out
    assert not Entity.objects.exists()


def test_the_command_refuses_users_without_the_role(officer, tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(csv_file([entity_row(1)]))
    with pytest.raises(CommandError, match="您没有批量导入监管对象的权限"):
        call_command("import_entities", str(path), "--user", "officer")
    with pytest.raises(CommandError, match="不存在"):
        call_command("import_entities", str(path), "--user", "nobody")
