"""The region table: the shipped GB/T 2260 file, all-or-nothing loading, idempotent reloads, chains."""
import csv
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from fazhi.core.audit import verify_chain
from fazhi.core.choices import AuditAction, RegionLevel
from fazhi.core.models import AuditEvent, Region
from fazhi.core.regions import SHIPPED_REGIONS, load_regions, load_shipped_regions, region_chain

MAINLAND_PROVINCES = {
    "110000": "北京市", "120000": "天津市", "130000": "河北省", "140000": "山西省", "150000": "内蒙古自治区",
    "210000": "辽宁省", "220000": "吉林省", "230000": "黑龙江省", "310000": "上海市", "320000": "江苏省",
    "330000": "浙江省", "340000": "安徽省", "350000": "福建省", "360000": "江西省", "370000": "山东省",
    "410000": "河南省", "420000": "湖北省", "430000": "湖南省", "440000": "广东省", "450000": "广西壮族自治区",
    "460000": "海南省", "500000": "重庆市", "510000": "四川省", "520000": "贵州省", "530000": "云南省",
    "540000": "西藏自治区", "610000": "陕西省", "620000": "甘肃省", "630000": "青海省", "640000": "宁夏回族自治区",
    "650000": "新疆维吾尔自治区",
}

SMALL_TREE = [
    {"code": "440000", "name": "广东省", "level": "1", "parent_code": ""},
    {"code": "440700", "name": "江门市", "level": "2", "parent_code": "440000"},
    {"code": "440783", "name": "开平市", "level": "3", "parent_code": "440700"},
]


def shipped_rows() -> list[dict]:
    with open(SHIPPED_REGIONS, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def names(chain) -> list[str]:
    return [region.name for region in chain]


def write_csv(tmp_path, rows, header="code,name,level,parent_code"):
    path = tmp_path / "regions.csv"
    lines = [header] + [",".join(row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.django_db
def test_it_loads_the_shipped_file_with_all_31_provinces():
    result = load_shipped_regions()

    assert result.ok and result.created == len(shipped_rows()) and result.updated == 0
    provinces = dict(Region.objects.filter(level=RegionLevel.PROVINCE).values_list("code", "name"))
    assert MAINLAND_PROVINCES.items() <= provinces.items()
    assert not Region.objects.filter(level=RegionLevel.PROVINCE, parent__isnull=False).exists()
    assert not Region.objects.filter(level__gt=RegionLevel.PROVINCE, parent__isnull=True).exists()


@pytest.mark.django_db
def test_it_chains_kaiping_and_its_townships_up_to_guangdong():
    load_shipped_regions()

    assert names(region_chain("440783")) == ["广东省", "江门市", "开平市"]
    assert names(region_chain("440783109")) == ["广东省", "江门市", "开平市", "赤坎镇"]
    townships = dict(Region.objects.get(code="440783").children.values_list("name", "level"))
    assert len(townships) == 15 and set(townships.values()) == {RegionLevel.TOWNSHIP}
    assert {"长沙街道", "三埠街道", "赤坎镇", "水口镇"} <= townships.keys()


@pytest.mark.django_db
def test_it_chains_huancui_and_its_townships_up_to_shandong():
    load_shipped_regions()

    assert names(region_chain("371002")) == ["山东省", "威海市", "环翠区"]
    assert names(region_chain("371002012")) == ["山东省", "威海市", "环翠区", "嵩山街道"]
    townships = set(Region.objects.get(code="371002").children.values_list("name", flat=True))
    assert townships == {"环翠楼街道", "鲸园街道", "竹岛街道", "孙家疃街道", "嵩山街道",
                         "张村镇", "羊亭镇", "温泉镇", "桥头镇"}


@pytest.mark.django_db
def test_it_puts_municipal_districts_and_direct_counties_under_a_city_level_group():
    load_shipped_regions()

    assert names(region_chain("110101")) == ["北京市", "市辖区", "东城区"]
    assert Region.objects.get(code="110100").level == RegionLevel.CITY
    assert names(region_chain("469002")) == ["海南省", "省直辖县级行政区划", "琼海市"]
    assert region_chain("999999") == []


@pytest.mark.django_db
def test_it_reloads_without_creating_or_changing_anything(django_assert_max_num_queries):
    first = load_shipped_regions()
    count = Region.objects.count()
    events = AuditEvent.objects.count()

    with django_assert_max_num_queries(20):  # bulk writes: a handful of queries, not one per row
        second = load_shipped_regions()

    assert (second.created, second.updated, second.unchanged) == (0, 0, first.created)
    assert Region.objects.count() == count == len({row["code"] for row in shipped_rows()})
    assert AuditEvent.objects.count() == events  # a load that changes nothing leaves nothing to audit


@pytest.mark.django_db
def test_it_keeps_the_regions_bureaus_already_point_at(kaiping, outsider):
    kaiping_region, huancui_region = kaiping.region_id, outsider.organisation.region_id

    result = load_shipped_regions()

    assert result.unchanged == 6 and result.created == len(shipped_rows()) - 6
    assert Region.objects.get(code="440783").pk == kaiping_region
    assert Region.objects.get(code="371002").pk == huancui_region
    assert Region.objects.get(code="440783002").parent_id == kaiping_region


@pytest.mark.django_db
def test_it_records_one_audit_event_for_a_whole_load():
    before = AuditEvent.objects.count()

    result = load_shipped_regions()

    event = AuditEvent.objects.get(seq__gt=before)
    assert event.action == AuditAction.CREATE and event.actor_name == "系统"
    assert event.detail["created"] == result.created and event.detail["updated"] == 0
    assert event.detail["codes_listed"] is False  # the whole table is not worth listing code by code
    assert verify_chain().intact


@pytest.mark.django_db
def test_it_updates_a_changed_name():
    load_regions(SMALL_TREE + [{"code": "440784", "name": "鹤山县", "level": "3", "parent_code": "440700"}])

    result = load_regions(SMALL_TREE + [{"code": "440784", "name": "鹤山市", "level": "3", "parent_code": "440700"}])

    assert (result.created, result.updated, result.unchanged) == (0, 1, 3)
    assert Region.objects.get(code="440784").name == "鹤山市"
    assert Region.objects.filter(code="440784").count() == 1
    event = AuditEvent.objects.order_by("seq").last()
    assert event.action == AuditAction.UPDATE and event.detail["updated_codes"] == ["440784"]


@pytest.mark.django_db
def test_it_reports_every_bad_row_and_saves_nothing(tmp_path):
    path = write_csv(tmp_path, [
        ("440000", "广东省", "1", ""),
        ("44070", "江门市", "2", "440000"),       # line 3: five digits
        ("440783", "开平市", "3", "449900"),      # line 4: parent nowhere
        ("440781", "台山市", "2", "440000"),      # line 5: a county code marked as a city
        ("440785", "", "3", "440000"),           # line 6: no name
        ("440000", "广东省", "1", ""),            # line 7: the same code again
    ])

    result = load_regions(path)

    assert not result.ok and result.created == 0
    messages = {error.row_number: error.message for error in result.errors}
    assert sorted(messages) == [3, 4, 5, 6, 7]
    assert "6 位" in messages[3] and "9 位" in messages[3]
    assert "449900" in messages[4] and "不在本文件中" in messages[4]
    assert "级别与代码不符" in messages[5] and "县级" in messages[5]
    assert "名称为空" in messages[6]
    assert "重复" in messages[7]
    assert str(result.errors[0]) == f"第 3 行（44070）：{messages[3]}"
    assert not Region.objects.exists() and not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_parent_of_the_wrong_level_or_range():
    result = load_regions(SMALL_TREE + [
        {"code": "440783001", "name": "三埠街道", "level": "4", "parent_code": "440000"},  # province above
        {"code": "371002001", "name": "环翠楼街道", "level": "4", "parent_code": "440783"},  # other county
        {"code": "440784", "name": "鹤山市", "level": "3", "parent_code": "440783"},  # county under county
        {"code": "450000", "name": "广西壮族自治区", "level": "1", "parent_code": "440000"},
    ])

    messages = {error.row_number: error.message for error in result.errors}
    assert sorted(messages) == [5, 6, 7, 8]
    assert "是省级" in messages[5] and "应为县级或地级" in messages[5]
    assert "应以“440783”开头" in messages[6]
    assert "是县级" in messages[7] and "应为地级" in messages[7]
    assert "省级区划不应有上级区划" in messages[8]
    assert not Region.objects.exists()


@pytest.mark.django_db
def test_it_rejects_a_file_with_the_wrong_header(tmp_path):
    path = write_csv(tmp_path, [("440000", "广东省", "1")], header="code,name,level")

    result = load_regions(path)

    assert [(e.row_number, "parent_code" in e.message) for e in result.errors] == [(1, True)]
    assert not Region.objects.exists()


@pytest.mark.django_db
def test_it_rejects_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "regions.csv"
    path.write_bytes("code,name,level,parent_code\n440000,广东省,1,\n".encode("gbk"))

    result = load_regions(path)

    assert [(e.row_number, "UTF-8" in e.message) for e in result.errors] == [(1, True)]
    assert not Region.objects.exists()


@pytest.mark.django_db
def test_it_lets_only_a_superuser_load_regions(admin):
    rows = SMALL_TREE + [{"code": "440783002", "name": "长沙街道", "level": "4", "parent_code": "440783"}]
    with pytest.raises(PermissionDenied):
        load_regions(rows, actor=admin)
    assert not Region.objects.filter(code="440783002").exists()

    admin.is_superuser = True
    result = load_regions(rows, actor=admin)

    assert (result.created, result.unchanged) == (1, 3)
    event = AuditEvent.objects.get()
    assert event.actor == admin and event.detail["created_codes"] == ["440783002"]


@pytest.mark.django_db
def test_it_prints_the_counts_from_the_command():
    out = io.StringIO()

    call_command("load_regions", stdout=out)
    call_command("load_regions", stdout=out)

    total = len(shipped_rows())
    assert f"新增 {total}，更新 0，未变 0" in out.getvalue()
    assert f"新增 0，更新 0，未变 {total}" in out.getvalue()


@pytest.mark.django_db
def test_it_fails_the_command_and_lists_the_bad_rows(tmp_path):
    path = write_csv(tmp_path, [("440000", "广东省", "1", ""), ("440700", "江门市", "3", "440000")])
    err = io.StringIO()

    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("load_regions", str(path), stderr=err)

    assert "第 3 行（440700）：级别与代码不符" in err.getvalue()
    assert not Region.objects.exists()


@pytest.mark.django_db
def test_it_fails_the_command_for_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="找不到区划文件"):
        call_command("load_regions", str(tmp_path / "none.csv"))
