"""The discretion table: the seed against the law library, band derivation, the band check and reasons, the
editable file (round trip, re-import by code, bad files, all or nothing), and its pages with who may do what."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import include, path, reverse

from fazhi import urls as project_urls
from fazhi.cases import discretion as d
from fazhi.cases.forms_discretion import sign_upload
from fazhi.cases.models import Case, DiscretionBand, Violation
from fazhi.core.audit import verify_chain
from fazhi.core.choices import AuditAction
from fazhi.core.models import AuditEvent
from fazhi.core.spreadsheets import FileProblem
from fazhi.laws.citations import parse_citation, resolve

# The pages under the address the project gives them, whether or not its URLconf includes them yet.
urlpatterns = list(project_urls.urlpatterns)
if not any(getattr(p, "namespace", None) == "discretion" for p in urlpatterns):
    urlpatterns.insert(0, path("cases/discretion/", include("fazhi.cases.urls_discretion")))
handler403, handler404 = project_urls.handler403, project_urls.handler404
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

LIST, UPLOAD = "discretion:list", "discretion:upload"
SEED_ROWS = 92


def seed_table() -> d.ReadTable:
    return d.read_discretion_table(d.SEED_FILE.read_bytes())


def exported_rows() -> list[d.TableRow]:
    return d.read_discretion_table(d.export_discretion_table("tsv")).rows


def tsv(rows: list[d.TableRow]) -> bytes:
    return d.tsv_text(rows).encode("utf-8")


def row_of(rows, code: str) -> d.TableRow:
    return next(r for r in rows if r.code == code)


def messages_of(check) -> list[str]:
    return [f"{p['column']}：{p['message']}" for p in check.problems]


# ---- the seed ------------------------------------------------------------------------------------------------

def test_every_seeded_citation_exists_in_the_law_library():
    read = seed_table()
    assert not read.problems and len(read.rows) == SEED_ROWS
    for row in read.rows:
        for text in (row.provision_broken_cited, row.penalty_provision_cited):
            citations = parse_citation(text)
            provisions = resolve(citations, latest=True)
            assert len(provisions) == len(citations), text
            assert d.resolve_cited(text).provisions == provisions, text


def test_the_migration_loaded_every_seed_row_linked_to_its_first_cited_provision():
    violations = {v.code: v for v in Violation.objects.prefetch_related("bands")}
    assert len(violations) == SEED_ROWS
    for row in seed_table().rows:
        violation = violations[row.code]
        assert violation.provision_broken == resolve(row.provision_broken_cited, latest=True)[0]
        assert violation.penalty_provision == resolve(row.penalty_provision_cited, latest=True)[0]
        assert d.band_values(violation.bands.all()) == d.band_values(row.bands)
        assert [b.level for b in row.bands] == list(d.LEVELS)


def test_rows_citing_two_articles_or_with_notes_keep_the_citation_as_written():
    violation = Violation.objects.get(provision_broken_cited="传染病防治法第三十条、第三十七条")
    assert (violation.provision_broken.article, violation.provision_broken.version.law.short_title) == (30, "传染病防治法")
    noted = Violation.objects.get(provision_broken_cited="医师法第五十四条第三款（罚则条款直接规定）")
    assert (noted.provision_broken.article, noted.provision_broken.paragraph) == (54, 3)
    cited_twice = [r for r in seed_table().rows
                   if len(parse_citation(r.provision_broken_cited)) > 1 or r.provision_broken_cited.endswith("规定）")]
    assert len(cited_twice) == 8


def test_rows_read_from_the_2013_infectious_disease_law_resolve_to_it_and_carry_caveat_and_authority():
    rows = [r for r in seed_table().rows if "传染病防治法" in r.provision_broken_cited + r.penalty_provision_cited]
    assert len(rows) == 9
    for row in rows:
        provision = Violation.objects.get(code=row.code).penalty_provision
        assert provision.version.effective_to == dt.date(2025, 9, 1)
        assert "2013年修正文本" in row.caveat and "疾病预防控制部门" in row.authority_note
    # 第六十九条 revokes staff certificates only where the failure spread disease or did other serious harm
    reporting = row_of(rows, "CR-002")
    assert "吊销" in reporting.band("severe").other_penalties and "吊销" not in reporting.band("minor").other_penalties


def test_medical_waste_rows_name_the_environment_authority():
    rows = [r for r in seed_table().rows if r.penalty_provision_cited.startswith("医疗废物管理条例")]
    assert rows and all("生态环境主管部门" in r.authority_note for r in rows)


def test_the_seed_file_is_what_the_generator_writes():
    assert d.tsv_text(d.seed_rows_from_violations()) == d.SEED_FILE.read_text(encoding="utf-8")


# ---- deriving bands ------------------------------------------------------------------------------------------

def amounts(bands) -> list[tuple]:
    return [(b.level, d.amount_text(b.fine_min), d.amount_text(b.fine_max)) for b in bands]


def test_a_fixed_range_splits_into_four_contiguous_quarters_from_minor_to_severe():
    bands = d.derive_bands(Decimal("10000"), Decimal("30000"), "一万元以上三万元以下")
    assert amounts(bands) == [("minor", "10000", "15000"), ("general", "15000", "20000"),
                              ("serious", "20000", "25000"), ("severe", "25000", "30000")]
    assert "行政处罚法第三十三条第一款" in bands[0].circumstances and "严重" in bands[-1].circumstances


def test_a_range_without_minimum_starts_at_nothing_and_rounds_to_the_fen():
    bands = d.derive_bands(None, Decimal("10001"), "可以并处一万零一元以下")
    assert amounts(bands)[0] == ("minor", "0", "2500.25") and bands[-1].fine_max == Decimal("10001.00")


def test_a_two_clause_rule_splits_each_clause_and_keeps_the_gap_between_them():
    bands = d.derive_bands(None, Decimal("50000"), "可以并处一万元以下；弄虚作假的，并处二万元以上五万元以下")
    assert amounts(bands) == [("minor", "0", "5000"), ("general", "5000", "10000"),
                              ("serious", "20000", "35000"), ("severe", "35000", "50000")]
    assert "弄虚作假的" in bands[2].circumstances and "弄虚作假" not in bands[0].circumstances


def test_a_conditional_single_clause_names_its_condition_in_every_band():
    bands = d.derive_bands(Decimal("100000"), Decimal("500000"), "逾期不改正的，处十万元以上五十万元以下")
    assert all("罚款适用条件：逾期不改正的" in b.circumstances for b in bands)


def test_multiples_of_illegal_gains_keep_the_rule_as_circumstances_without_amounts():
    rule = "违法所得二倍以上十倍以下，违法所得不足一万元的，按一万元计算"
    bands = d.derive_bands(None, None, rule)
    assert [b.level for b in bands] == list(d.LEVELS)
    assert all(rule in b.circumstances and b.fine_min is None and b.fine_max is None for b in bands)


def test_chinese_amounts_are_read():
    assert [d.parse_amount(t) for t in ("5000元", "1万元", "一百万元", "二百元", "五十万元")] == [
        5000, 10000, 1000000, 200, 500000]


def test_derived_bands_pass_the_files_own_checks():
    row = d.TableRow(2, "T-1", "medical_service", "测试", "医师法第十四条", "医师法第五十七条", "warning fine",
                     fine_min=Decimal("5000.00"), fine_max=Decimal("30000.00"))
    row.bands = d.derive_bands(row.fine_min, row.fine_max, "并处5000元以上1万元以下；逾期不改正的，处1万元以上3万元以下")
    assert d.row_problems(row) == []


# ---- the band check and written reasons ------------------------------------------------------------------------

@pytest.fixture
def ranged():
    """医师 practising outside registration: 10000–30000 yuan, bands 10000/15000/20000/25000/30000."""
    return Violation.objects.prefetch_related("bands").get(code="YL-008")


def test_a_fine_exactly_on_the_band_maximum_is_inside_and_one_fen_more_is_outside(ranged):
    assert d.band_check(ranged, "general", Decimal("20000"))[0] is True
    ok, message = d.band_check(ranged, "general", Decimal("20000.01"))
    assert ok is False and "“一般”阶次（15000元至20000元）" in message
    assert d.band_check(ranged, "general", Decimal("15000"))[0] is True
    assert d.band_check(ranged, "general", Decimal("14999.99"))[0] is False


def test_the_statutory_range_is_checked_with_or_without_a_band(ranged):
    assert d.band_check(ranged, "", Decimal("30000")) == (True, "未选择裁量阶次，拟罚款在法定幅度内。")
    ok, message = d.band_check(ranged, "", Decimal("30000.01"))
    assert not ok and "超过法定最高数额30000元" in message
    assert not d.band_check(ranged, "severe", Decimal("9999.99"))[0]


def test_a_fine_where_the_law_provides_none_is_refused():
    no_fine = Violation.objects.prefetch_related("bands").get(code="YL-014")
    ok, message = d.band_check(no_fine, "general", Decimal("100"))
    assert not ok and "没有规定罚款" in message
    assert d.band_check(no_fine, "general", None)[0] is True


def test_a_band_without_amounts_accepts_any_fine_and_asks_for_the_calculation():
    multiples = Violation.objects.prefetch_related("bands").get(code="YL-001")
    ok, message = d.band_check(multiples, "serious", Decimal("80000"))
    assert ok and "计算过程" in message


def case_with(violation, **fields) -> Case:
    return Case(violation=violation, **fields)


def test_reasons_are_required_only_for_a_fine_outside_its_band(ranged):
    assert d.requires_reasons(Case()) is None
    assert d.requires_reasons(case_with(ranged, band_level="general")) is None
    assert d.requires_reasons(case_with(ranged, band_level="general", fine_amount=Decimal("20000"))) is None
    message = d.requires_reasons(case_with(ranged, band_level="general", fine_amount=Decimal("20000.01")))
    assert "行政处罚法第三十四条" in message and "裁量理由" in message
    explained = case_with(ranged, band_level="general", fine_amount=Decimal("25000"), discretion_reasons="多次违法。")
    assert d.requires_reasons(explained) is None
    assert d.requires_reasons(case_with(ranged, fine_amount=Decimal("5000"))) is not None  # below the minimum


def test_a_fine_beyond_the_statutory_maximum_needs_reasons_and_is_named_as_beyond_the_law(ranged):
    case = case_with(ranged, band_level="severe", fine_amount=Decimal("30000.01"))
    assert "超过法定最高数额30000元" in d.requires_reasons(case) and "第三十四条" in d.requires_reasons(case)
    case.discretion_reasons = "情节特别严重。"
    assert d.requires_reasons(case) is None
    assert "行政处罚法第三十八条" in d.fine_beyond_law(case)
    assert d.fine_beyond_law(case_with(ranged, band_level="severe", fine_amount=Decimal("30000"))) is None
    no_fine = Violation.objects.get(code="YL-014")
    assert "没有规定罚款" in d.fine_beyond_law(case_with(no_fine, fine_amount=Decimal("100")))


# ---- the file: round trip, re-import, bad files ------------------------------------------------------------------

@pytest.mark.parametrize("file_format", ["tsv", "xlsx"])
def test_export_then_import_changes_nothing(legal_reviewer, file_format):
    before = AuditEvent.objects.count()
    check = d.load_discretion_table(d.export_discretion_table(file_format), legal_reviewer)
    assert (check.new_count, check.changed_count, check.unchanged_count) == (0, 0, SEED_ROWS)
    assert AuditEvent.objects.count() == before and Violation.objects.count() == SEED_ROWS


def test_reimport_updates_by_code_never_duplicates_and_is_audited(legal_reviewer):
    rows = exported_rows()
    changed = row_of(rows, "YL-008")
    changed.name = "医师未按照注册的执业地点、类别、范围执业"
    changed.band("general").fine_max = changed.band("serious").fine_min = Decimal("18000.00")
    check = d.load_discretion_table(tsv(rows), legal_reviewer)
    assert (check.new_count, check.changed_count) == (0, 1) and Violation.objects.count() == SEED_ROWS
    violation = Violation.objects.get(code="YL-008")
    assert violation.name == changed.name
    assert violation.bands.get(level="general").fine_max == Decimal("18000")
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_id=str(violation.pk))
    assert event.before["name"] == "医师未按照注册的执业地点、执业类别、执业范围执业"
    assert event.after["bands"][1] == ["一般", changed.band("general").circumstances, "15000", "18000",
                                       changed.band("general").other_penalties]
    assert event.actor == legal_reviewer and verify_chain().intact
    assert d.load_discretion_table(tsv(rows), legal_reviewer).changed_count == 0


def test_a_new_code_adds_a_violation_after_the_others(admin):
    rows = exported_rows()
    extra = row_of(rows, "YL-008")
    extra.code, extra.name = "YL-901", "医师超出执业范围开展医疗美容"
    check = d.load_discretion_table(tsv([extra]), admin)
    assert check.new_count == 1 and check.untouched == SEED_ROWS
    created = Violation.objects.get(code="YL-901")
    assert created.sort_order == SEED_ROWS + 1 and created.bands.count() == 4
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(created.pk)).exists()


def test_a_file_with_wrong_columns_is_refused_as_a_whole():
    text = d.tsv_text(exported_rows()[:2]).replace("处罚依据", "依据", 1).replace("启用", "是否启用", 1)
    with pytest.raises(FileProblem) as refused:
        d.check_discretion_table(text.encode("utf-8"))
    assert "表头缺少“处罚依据”“启用”列" in refused.value.message and "无法识别的列“依据”“是否启用”" in refused.value.message


def test_a_citation_not_in_the_library_is_named_with_row_and_column():
    rows = exported_rows()
    row_of(rows, "YL-008").penalty_provision_cited = "医师法第九百条"
    row_of(rows, "YL-009").provision_broken_cited = "不存在的条例第一条"
    row_of(rows, "YL-010").provision_broken_cited = "医师法"
    check = d.check_discretion_table(tsv(rows))
    assert not check.is_clean and not check.plans
    by_row = {(p["row"], p["column"]): p["message"] for p in check.problems}
    number = {r.code: r.number for r in rows}
    assert "中没有第九百条" in by_row[(number["YL-008"], "处罚依据")]
    assert "法律法规库中没有《不存在的条例》" in by_row[(number["YL-009"], "违反条款")]
    assert "没有写明条号" in by_row[(number["YL-010"], "违反条款")]


def test_overlapping_or_out_of_range_bands_are_refused():
    rows = exported_rows()
    row = row_of(rows, "YL-008")
    row.band("general").fine_max = Decimal("21000.00")  # 较重 starts at 20000
    row.band("severe").fine_max = Decimal("31000.00")  # the law stops at 30000
    check = d.check_discretion_table(tsv(rows))
    found = messages_of(check)
    assert any(m.startswith("较重·罚款下限（元）：") and "不得重叠" in m for m in found)
    assert any(m.startswith("严重·罚款上限（元）：") and "超出法定罚款幅度" in m for m in found)


def test_a_superseded_text_must_carry_a_caveat_and_other_bad_cells_are_all_listed():
    rows = exported_rows()
    row_of(rows, "CR-001").caveat = ""
    row_of(rows, "YL-005").penalty_kinds = ""
    row_of(rows, "YL-007").domain = "食品安全"
    rows.append(d.TableRow(999, "YL-005", "medical_service", "重复编号", "医师法第十四条", "医师法第五十七条", "warning"))
    # YL-005's kinds are now empty, so the first row with these kinds is YL-006
    text = d.tsv_text(rows).replace("警告、罚款、责令停产停业", "警告、罚款、责令改正", 1)
    check = d.check_discretion_table(text.encode("utf-8"))
    found = messages_of(check)
    assert any(m.startswith("核对提示：") and "现已不在施行期内" in m for m in found)
    assert any(m.startswith("处罚种类：") and "“责令改正”不是处罚种类" in m for m in found)
    assert any(m.startswith("编号：") and "编号相同" in m for m in found)
    assert "处罚种类：“处罚种类”必须填写。" in found
    number = row_of(rows, "YL-007").number
    unknown_domain = [p["message"] for p in check.problems if p["row"] == number]
    assert len(unknown_domain) == 1 and unknown_domain[0].startswith("无法识别的专业类别“食品安全”，可填：医疗服务、")


def test_nothing_is_saved_when_any_row_is_bad(legal_reviewer):
    rows = exported_rows()
    row_of(rows, "YL-008").name = "改过的名称"
    row_of(rows, "YL-009").penalty_provision_cited = "医师法第九百条"
    before = AuditEvent.objects.count()
    with pytest.raises(d.DiscretionTableRejected) as rejected:
        d.load_discretion_table(tsv(rows), legal_reviewer)
    assert len(rejected.value.check.problems) == 1
    assert Violation.objects.get(code="YL-008").name != "改过的名称" and AuditEvent.objects.count() == before


def test_only_the_legal_section_and_the_administrator_may_load_a_table(officer):
    with pytest.raises(PermissionDenied):
        d.load_discretion_table(d.SEED_FILE, officer)


# ---- pages -------------------------------------------------------------------------------------------------------

def test_every_member_of_staff_reads_the_list_with_search_filter_and_pages(as_user, clerk):
    client = as_user(clerk)
    page = client.get(reverse(LIST))
    assert page.status_code == 200 and page.context["table"].paginator.count == SEED_ROWS
    assert len(page.context["table"].page.object_list) == 25
    assert not page.context["may_edit"]
    found = client.get(reverse(LIST), {"q": "护士条例第二十八条"}).context["table"]
    assert {r.record.code for r in found.page.object_list} == {"YL-017", "YL-018"}
    occupational = client.get(reverse(LIST), {"domain": "occupational"}).context["table"]
    assert occupational.paginator.count == 18
    assert client.get(reverse(LIST), {"page": 4}).status_code == 200


def test_the_list_reads_in_a_fixed_number_of_queries(as_user, officer, django_assert_max_num_queries):
    client = as_user(officer)
    with django_assert_max_num_queries(12):
        client.get(reverse(LIST), {"per_page": 100})


def test_the_list_and_pages_need_a_sign_in(client):
    assert client.get(reverse(LIST)).status_code == 302
    assert client.get(reverse("discretion:download")).status_code == 302


def test_a_violation_page_shows_its_bands_and_links_each_provision(as_user, officer):
    violation = Violation.objects.get(code="CR-002")
    page = as_user(officer).get(reverse("discretion:detail", args=[violation.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    for article in (30, 37):
        provision = resolve(f"传染病防治法第{'三十' if article == 30 else '三十七'}条", latest=True)[0]
        assert reverse("laws:provision", args=[provision.pk]) in html
    assert "已被修订" in html and "核对提示" in html and "疾病预防控制部门" in html
    assert [b["level"] for b in page.context["bands"]] == ["轻微", "一般", "较重", "严重"]
    assert as_user(officer).get(reverse("discretion:detail", args=[999999])).status_code == 404


def test_upload_is_for_the_legal_section_and_the_administrator(as_user, officer, legal_reviewer, admin):
    assert as_user(officer).get(reverse(UPLOAD)).status_code == 403
    assert as_user(officer).post(reverse("discretion:upload_confirm"), {"payload": "x"}).status_code == 403
    assert as_user(legal_reviewer).get(reverse(UPLOAD)).status_code == 200
    assert as_user(admin).get(reverse(UPLOAD)).status_code == 200
    assert as_user(admin).put(reverse(UPLOAD)).status_code == 405
    assert as_user(admin).get(reverse("discretion:upload_confirm")).status_code == 405


def upload(client, data: bytes, name: str = "裁量基准表.tsv"):
    return client.post(reverse(UPLOAD), {"file": SimpleUploadedFile(name, data)})


def test_a_clean_file_is_previewed_then_saved_on_confirmation(as_user, legal_reviewer):
    client = as_user(legal_reviewer)
    rows = exported_rows()
    row_of(rows, "ZY-001").caveat = "待核对本省裁量基准。"
    page = upload(client, tsv(rows))
    check = page.context["check"]
    assert check.is_clean and [p.row.code for p in check.changes] == ["ZY-001"]
    assert check.changes[0].changed_columns == ["核对提示"] and "确认导入" in page.content.decode()
    assert Violation.objects.get(code="ZY-001").caveat == ""
    payload = page.context["confirm_form"].initial["payload"]
    done = client.post(reverse("discretion:upload_confirm"), {"payload": payload})
    assert done.status_code == 302 and done.url == reverse(LIST)
    assert Violation.objects.get(code="ZY-001").caveat == "待核对本省裁量基准。"


def test_a_bad_file_is_listed_on_the_page_and_nothing_is_offered_to_confirm(as_user, legal_reviewer):
    rows = exported_rows()
    row_of(rows, "YL-008").band("minor").fine_max = Decimal("16000.00")
    page = upload(as_user(legal_reviewer), tsv(rows))
    assert not page.context["check"].is_clean and "confirm_form" not in page.context
    assert "不得重叠" in page.content.decode()
    not_a_table = upload(as_user(legal_reviewer), "甲\t乙\n1\t2\n".encode("utf-8"))
    assert "这不是裁量基准表的格式" in not_a_table.content.decode()


def test_a_confirmation_is_only_for_the_person_who_checked(as_user, legal_reviewer, admin):
    payload = sign_upload(d.SEED_FILE.read_bytes(), actor=legal_reviewer, name="seed.tsv")
    refused = as_user(admin).post(reverse("discretion:upload_confirm"), {"payload": payload})
    assert refused.status_code == 302 and refused.url == reverse(UPLOAD)
    tampered = as_user(legal_reviewer).post(reverse("discretion:upload_confirm"), {"payload": payload + "x"})
    assert tampered.url == reverse(UPLOAD)


@pytest.mark.parametrize(("query", "content_type", "suffix"), [
    ({}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    ({"format": "tsv"}, "text/tab-separated-values; charset=utf-8", ".tsv"),
])
def test_every_member_of_staff_downloads_the_current_table(as_user, officer, query, content_type, suffix):
    response = as_user(officer).get(reverse("discretion:download"), query)
    assert response.status_code == 200 and response["Content-Type"] == content_type
    assert suffix in response["Content-Disposition"]
    assert len(d.read_discretion_table(response.content).rows) == SEED_ROWS


def test_a_removed_band_is_deleted_on_reimport(legal_reviewer):
    rows = exported_rows()
    row = row_of(rows, "XX-001")
    row.bands = [b for b in row.bands if b.level != "minor"]
    d.load_discretion_table(tsv(rows), legal_reviewer)
    violation = Violation.objects.get(code="XX-001")
    assert sorted(violation.bands.values_list("level", flat=True)) == ["general", "serious", "severe"]
    assert DiscretionBand.objects.count() == SEED_ROWS * 4 - 1
